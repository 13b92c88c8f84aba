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

  it('round-trips any uniform list of flat records', () => {
    const record = fc.record({ a: fc.string(), b: fc.integer(), c: fc.boolean(), d: fc.constantFrom('x', 'y') }, { requiredKeys: ['a', 'b'] });
    fc.assert(fc.property(fc.array(record, { maxLength: 50 }), (rows) => {
      expect(unpackRows(JSON.parse(JSON.stringify(packRows(rows))))).toEqual(rows);
    }));
  });
});
