import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTin, maskTin, normalizeTin, VALID_EIN_PREFIXES, type TinType } from './tin.ts';

function expectBad(text: string, type: TinType, message: RegExp) {
  const result = normalizeTin(text, type);
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe('bad-tin');
    expect(result.error.message).toMatch(message);
  }
  return result;
}

describe('normalizeTin', () => {
  it.each([
    ['123-45-6789', 'SSN', '123456789'],
    ['123456789', 'SSN', '123456789'],
    [' 123 45 6789 ', 'SSN', '123456789'],
    ['123\u201345\u20136789', 'SSN', '123456789'],
    ['12-3456789', 'EIN', '123456789'],
    ['123456789', 'EIN', '123456789'],
    ['12 3456789', 'EIN', '123456789'],
    ['95-1234567', 'EIN', '951234567'],
    ['665-01-0001', 'SSN', '665010001'],
    ['899-99-9999', 'SSN', '899999999'],
  ] as const)('reads %j as an %s', (text, type, digits) => {
    expect(normalizeTin(text, type)).toEqual({ ok: true, value: digits });
  });

  it('refuses the wrong number of digits', () => {
    expectBad('123-45-678', 'SSN', /9 digits; this one has 8/);
    expectBad('1234567890', 'EIN', /9 digits; this one has 10/);
    expectBad('', 'SSN', /empty/);
    expectBad('   ', 'EIN', /empty/);
  });

  it('refuses letters and other characters', () => {
    expectBad('123-45-678O', 'SSN', /only digits, dashes and spaces/);
    expectBad('12/3456789', 'EIN', /only digits, dashes and spaces/);
  });

  it('refuses all zeros', () => {
    expectBad('000-00-0000', 'SSN', /all zeros/);
    expectBad('00-0000000', 'EIN', /all zeros/);
  });

  it('refuses SSN areas 000, 666 and 9xx, group 00 and serial 0000', () => {
    expectBad('000-12-3456', 'SSN', /never starts with 000/);
    expectBad('666-12-3456', 'SSN', /never starts with 666/);
    expectBad('900-12-3456', 'SSN', /never starts with 9/);
    expectBad('999-99-9999', 'SSN', /ITIN/);
    expectBad('123-00-4567', 'SSN', /middle two digits.*never 00/);
    expectBad('123-45-0000', 'SSN', /last four.*never 0000/);
  });

  it('refuses an EIN starting with 00, and takes the SSN-only rules only for SSNs', () => {
    expectBad('00-1234567', 'EIN', /never starts with 00/);
    expect(normalizeTin('666123456', 'EIN').ok).toBe(true);
    expect(normalizeTin('120045678', 'EIN').ok).toBe(true);
  });

  it("refuses a number written in the other type's layout", () => {
    expectBad('12-3456789', 'SSN', /written like an EIN.*marked as an SSN/);
    expectBad('123-45-6789', 'EIN', /written like an SSN.*marked as an EIN/);
  });

  it('never puts the TIN, or any run of its digits, in the message', () => {
    const type = fc.constantFrom<TinType>('SSN', 'EIN');
    const digit = fc.constantFrom(...'0123456789');
    const typed = fc
      .tuple(fc.array(digit, { minLength: 0, maxLength: 12 }), fc.constantFrom('', '-', ' ', 'x'))
      .map(([ds, sep]) => ds.map((d, i) => (i === 3 || i === 5 ? sep + d : d)).join(''));
    fc.assert(
      fc.property(typed, type, (text, t) => {
        const result = normalizeTin(text, t);
        if (result.ok) {
          expect(result.value).toMatch(/^\d{9}$/);
          return;
        }
        // Apart from the fixed examples, a message holds only a digit count or a fixed prefix (000, 666, 00, 0000, 9).
        const runs = result.error.message.replaceAll('123-45-6789', '').replaceAll('12-3456789', '').match(/\d+/g) ?? [];
        for (const run of runs) expect(run).toMatch(/^(0+|666|9|\d{1,2})$/);
      }),
    );
  });

  it('accepts every SSN the numbering rules allow, however it is typed', () => {
    const ssn = fc
      .tuple(
        fc.integer({ min: 1, max: 899 }).filter((a) => a !== 666),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 9999 }),
      )
      .map(([a, g, s]) => `${String(a).padStart(3, '0')}${String(g).padStart(2, '0')}${String(s).padStart(4, '0')}`);
    fc.assert(
      fc.property(ssn, fc.constantFrom('plain', 'dashed', 'spaced'), (digits, style) => {
        const typed =
          style === 'plain'
            ? digits
            : `${digits.slice(0, 3)}${style === 'dashed' ? '-' : ' '}${digits.slice(3, 5)}${style === 'dashed' ? '-' : ' '}${digits.slice(5)}`;
        expect(normalizeTin(typed, 'SSN')).toEqual({ ok: true, value: digits });
      }),
    );
  });
});

describe('maskTin', () => {
  it('shows only the last four digits', () => {
    expect(maskTin('123456789', 'SSN')).toBe('***-**-6789');
    expect(maskTin('123456789', 'EIN')).toBe('**-***6789');
    expect(maskTin('12-3451234', 'EIN')).toBe('**-***1234');
  });

  it('throws on a value that is not 9 digits, without repeating it', () => {
    // The whole message is fixed text: nothing of the value is in it.
    expect(() => maskTin('98765432', 'SSN')).toThrow(/^maskTin: the TIN is not 9 digits$/);
    expect(() => maskTin('1234567890', 'EIN')).toThrow(/^maskTin: the TIN is not 9 digits$/);
  });

  it('keeps five of the nine digits hidden for every TIN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.constantFrom<TinType>('SSN', 'EIN'), (tin, type) => {
        const masked = maskTin(tin, type);
        expect(masked.replace(/\D/g, '')).toBe(tin.slice(5));
        expect(masked).toHaveLength(type === 'SSN' ? 11 : 10);
      }),
    );
  });
});

describe('EIN prefixes', () => {
  it.each(['07', '08', '09', '17', '18', '19', '28', '29', '49', '69', '70', '78', '79', '89', '96', '97'])(
    'refuses an EIN starting with %s, which the IRS does not assign',
    (prefix) => {
      expectBad(`${prefix}-1234567`, 'EIN', new RegExp(`assigns no EIN starting with ${prefix}`));
    },
  );

  it('takes every prefix on the IRS list', () => {
    for (const prefix of VALID_EIN_PREFIXES) expect(normalizeTin(`${prefix}-1234567`, 'EIN').ok, prefix).toBe(true);
    expect(VALID_EIN_PREFIXES).toHaveLength(83);
  });

  it('prints a TIN in full only in the form layout', () => {
    expect(formatTin('123456789', 'EIN')).toBe('12-3456789');
    expect(formatTin('123456789', 'SSN')).toBe('123-45-6789');
  });
});
