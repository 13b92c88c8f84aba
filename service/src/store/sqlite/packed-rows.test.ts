import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packRows, unpackRows } from './packed-rows.ts';

describe('packed rows', () => {
  it('round-trips lines, keeping absent keys absent', () => {
    const lines = [
      { visitId: 'v1', therapistName: 'Tom', rateCents: 8500, late: false },
      { visitId: 'v2', therapistName: 'Tom', rateCents: 8500, late: true, note: 'x' },
      { visitId: 'v3', therapistName: 'Tom', rateCents: 9000, late: false },
      { visitId: 'v4', therapistName: 'Lena', rateCents: 9000, late: false },
    ];
    const packed = packRows(lines);
    expect(packed.dictionaries[packed.keys.indexOf('therapistName')]).toEqual(['Tom', 'Lena']);
    expect(packed.dictionaries[packed.keys.indexOf('visitId')]).toBeNull();
    expect(unpackRows(JSON.parse(JSON.stringify(packed)))).toEqual(lines);
    expect(unpackRows(packRows([]))).toEqual([]);
  });

  it('keeps the stored form: keys in first-seen order, dictionaries for string columns with few distinct values', () => {
    const lines = [
      { id: 'a', kind: 'x', cents: 1, note: undefined, gone: null },
      { id: 'b', kind: 'x', cents: 2, extra: 'y', gone: null },
      { id: 'c', kind: 'z', cents: 1, gone: null },
      { id: 'd', kind: 'x', cents: 3, gone: null, mixed: 'q' },
      { id: 'e', kind: 'x', cents: 3, gone: null, mixed: 5 },
    ];
    expect(packRows(lines)).toEqual({
      keys: ['id', 'kind', 'cents', 'note', 'gone', 'extra', 'mixed'],
      dictionaries: [null, ['x', 'z'], null, [], [], ['y'], null],
      rows: [
        ['a', 0, 1, null, null, null, null],
        ['b', 0, 2, null, null, 0, null],
        ['c', 1, 1, null, null, null, null],
        ['d', 0, 3, null, null, null, 'q'],
        ['e', 0, 3, null, null, null, 5],
      ],
    });
  });

  it('round-trips any uniform list of flat records', () => {
    const record = fc.record({ a: fc.string(), b: fc.integer(), c: fc.boolean(), d: fc.constantFrom('x', 'y') }, { requiredKeys: ['a', 'b'] });
    fc.assert(fc.property(fc.array(record, { maxLength: 50 }), (rows) => {
      expect(unpackRows(JSON.parse(JSON.stringify(packRows(rows))))).toEqual(rows);
    }));
  });
});
