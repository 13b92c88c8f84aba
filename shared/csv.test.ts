import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads plain rows with LF or CRLF line ends', () => {
    expect(parseCsv('a,b\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\r\nc,d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\rc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('does not make an extra row for the final line end, but keeps a last line without one', () => {
    expect(parseCsv('a\n')).toEqual([['a']]);
    expect(parseCsv('a\nb')).toEqual([['a'], ['b']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('reads quoted fields with commas, doubled quotes and line ends inside', () => {
    expect(parseCsv('"Alvarez, Rosa","say ""hi""","two\r\nlines","x\ny"\n')).toEqual([
      ['Alvarez, Rosa', 'say "hi"', 'two\r\nlines', 'x\ny'],
    ]);
    expect(parseCsv('"",""\n')).toEqual([['', '']]);
    expect(parseCsv('""')).toEqual([['']]);
  });

  it('strips a byte order mark only at the very start', () => {
    expect(parseCsv('\uFEFFClinician,Date\n')).toEqual([['Clinician', 'Date']]);
    expect(parseCsv('a,\uFEFFb')).toEqual([['a', '\uFEFFb']]);
  });

  it('keeps empty lines and empty fields in the middle as rows', () => {
    expect(parseCsv('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
    expect(parseCsv(',,\n')).toEqual([['', '', '']]);
  });

  it('keeps spaces and formula-looking text exactly', () => {
    expect(parseCsv(' a , =SUM(A1) ,-12.00,@x\n')).toEqual([[' a ', ' =SUM(A1) ', '-12.00', '@x']]);
  });

  it('loses no text on malformed quoting', () => {
    expect(parseCsv('ab"c,d\n')).toEqual([['ab"c', 'd']]);
    expect(parseCsv('"ab"c,d\n')).toEqual([['abc', 'd']]);
    expect(parseCsv('"open,\nnever closed')).toEqual([['open,\nnever closed']]);
  });
});

describe('toCsv', () => {
  it('quotes only where needed and ends every row with CRLF', () => {
    expect(
      toCsv([
        ['Clinician', 'Patient'],
        ['Tom Becker', 'Alvarez, Rosa'],
        ['say "hi"', 'a\nb'],
      ]),
    ).toBe('Clinician,Patient\r\nTom Becker,"Alvarez, Rosa"\r\n"say ""hi""","a\nb"\r\n');
    expect(toCsv([])).toBe('');
    expect(toCsv([['']])).toBe('\r\n');
  });

  it('writes formula-looking text unchanged (no injection escaping, by design)', () => {
    expect(toCsv([['=1+1', '+1', '-12.00', '@SUM']])).toBe('=1+1,+1,-12.00,@SUM\r\n');
  });

  it('round-trips through parseCsv', () => {
    const field = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', '\uFEFF') }));
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 8 });
    fc.assert(
      fc.property(rows, (r) => {
        expect(parseCsv(toCsv(r))).toEqual(r);
      }),
    );
  });
});
