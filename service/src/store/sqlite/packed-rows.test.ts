import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packRows, unpackRows } from './packed-rows.ts';

describe('packed lines', () => {
  it('round-trips lines, keeping absent keys absent', () => {
    const lines = [
      { visitId: 'v1', therapistName: 'Tom', rateCents: 8500, late: false },
      { visitId: 'v2', therapistName: 'Tom', rateCents: 8500, late: true, note: 'x' },
      { visitId: 'v3', therapistName: 'Tom', rateCents: 9000, late: false },
      { visitId: 'v4', therapistName: 'Lena', rateCents: 9000, late: false },
    ];
    const packed = packRows(lines, ['visitId', 'therapistName', 'rateCents', 'late', 'note']);
    expect(packed.columns[packed.keys.indexOf('therapistName')]).toEqual({ dictionary: ['Tom', 'Lena'], indexes: [0, 0, 0, 1] });
    expect(packed.columns[packed.keys.indexOf('visitId')]).toEqual({ values: ['v1', 'v2', 'v3', 'v4'] });
    expect(unpackRows(JSON.parse(JSON.stringify(packed)))).toEqual(lines);
    expect(unpackRows(packRows([], ['visitId']))).toEqual([]);
  });

  it('keeps the stored form: the given keys in order, column by column, a dictionary for a column with few distinct values', () => {
    const lines = [
      { id: 'a', kind: 'x', cents: 1, note: undefined, gone: null },
      { id: 'b', kind: 'x', cents: 2, extra: 'y', gone: null },
      { id: 'c', kind: 'z', cents: 1, gone: null },
      { id: 'd', kind: 'x', cents: 3, gone: null, mixed: 'q' },
      { id: 'e', kind: 'x', cents: 3, gone: null, mixed: 5 },
    ];
    expect(JSON.parse(JSON.stringify(packRows(lines, ['id', 'kind', 'cents', 'note', 'gone', 'extra', 'mixed'])))).toEqual({
      keys: ['id', 'kind', 'cents', 'note', 'gone', 'extra', 'mixed'],
      length: 5,
      columns: [
        { values: ['a', 'b', 'c', 'd', 'e'] },
        { dictionary: ['x', 'z'], indexes: [0, 0, 1, 0, 0] },
        { values: [1, 2, 1, 3, 3] },
        { values: [null, null, null, null, null] },
        { values: [null, null, null, null, null] },
        { dictionary: ['y'], indexes: [null, 0, null, null, null] },
        { dictionary: ['q', 5], indexes: [null, null, null, 0, 1] },
      ],
    });
  });

  it('stores a column whose rows all hold one value as that value once, of any type', () => {
    const lines = Array.from({ length: 6 }, (_, i) => ({
      visitId: `v${i}`,
      late: false,
      rateCents: 5000,
      discipline: 'PT',
      agency: i < 5 ? 'A' : undefined,
    }));
    const packed = packRows(lines, ['visitId', 'late', 'rateCents', 'discipline', 'agency']);
    expect(packed.columns.slice(1)).toEqual([
      { constant: false },
      { constant: 5000 },
      { constant: 'PT' },
      { dictionary: ['A'], indexes: [0, 0, 0, 0, 0, null] }, // one value, but absent from a row: not a constant
    ]);
    expect(unpackRows(JSON.parse(JSON.stringify(packed)))).toEqual(
      lines.map(({ agency, ...rest }) => (agency === undefined ? rest : { ...rest, agency })),
    );
  });

  it('reads the column form that files written by schema version 7 hold (string dictionaries, no constants)', () => {
    const version7 = {
      keys: ['visitId', 'kind', 'cents', 'late'],
      length: 3,
      columns: [
        { values: ['a', 'b', 'c'] },
        { dictionary: ['x', 'z'], indexes: [0, 1, 0] },
        { values: [100, 100, 200] },
        { values: [false, false, true] },
      ],
    };
    expect(unpackRows(version7)).toEqual([
      { visitId: 'a', kind: 'x', cents: 100, late: false },
      { visitId: 'b', kind: 'z', cents: 100, late: false },
      { visitId: 'c', kind: 'x', cents: 200, late: true },
    ]);
  });

  it('stores a column as values once its first 33 rows all differ (an id column), and a repeating column as a dictionary', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({ visitId: `v${i}`, late: i < 40 ? `k${i}` : 'k0', kind: `k${i % 10}` }));
    const packed = packRows(lines, ['visitId', 'late', 'kind']);
    expect(packed.columns[0]).toEqual({ values: lines.map((l) => l.visitId) });
    expect(packed.columns[1]).toEqual({ values: lines.map((l) => l.late) }); // 40 distinct in 100 rows, but the first 33 all new
    expect(packed.columns[2]).toEqual({ dictionary: Array.from({ length: 10 }, (_, i) => `k${i}`), indexes: lines.map((_, i) => i % 10) });
    expect(unpackRows(JSON.parse(JSON.stringify(packed)))).toEqual(lines);
  });

  it('reads the row-by-row form that files written before schema version 7 hold', () => {
    const before7 = {
      keys: ['visitId', 'therapistName', 'rateCents', 'note'],
      dictionaries: [null, ['Tom', 'Lena'], null, []],
      rows: [
        ['v1', 0, 8500, null],
        ['v2', 1, 9000, null],
      ],
    };
    expect(unpackRows(before7)).toEqual([
      { visitId: 'v1', therapistName: 'Tom', rateCents: 8500 },
      { visitId: 'v2', therapistName: 'Lena', rateCents: 9000 },
    ]);
  });

  it('round-trips any list of flat records', () => {
    const record = fc.record(
      { a: fc.string(), b: fc.integer(), c: fc.boolean(), d: fc.constantFrom('x', 'y'), e: fc.constantFrom(0, 1, '1', true) },
      { requiredKeys: ['a', 'b'] },
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 50 }), (rows) => {
        expect(unpackRows(JSON.parse(JSON.stringify(packRows(rows, ['a', 'b', 'c', 'd', 'e']))))).toEqual(rows);
      }),
    );
  });
});
