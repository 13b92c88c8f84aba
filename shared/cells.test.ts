import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellText, columnLetter, isBlankCell } from './cells.ts';

describe('cellText', () => {
  it('reads each kind of cell as the owner reads it', () => {
    expect([null, undefined, '  Tom Becker ', 95.5, 0, true, false].map(cellText)).toEqual([
      '',
      '',
      'Tom Becker',
      '95.5',
      '0',
      'true',
      'false',
    ]);
    expect(cellText(new Date('2026-01-05T00:00:00Z'))).toBe('2026-01-05');
    expect(cellText(new Date(Number.NaN))).toBe('');
  });
});

describe('isBlankCell', () => {
  it('counts nothing, spaces and an unticked checkbox as blank, and anything else as a value', () => {
    expect([null, undefined, '', '  \t', '\u00A0', false].every(isBlankCell)).toBe(true);
    expect([true, 0, '0', 'x', new Date('2026-01-05T00:00:00Z')].some(isBlankCell)).toBe(false);
  });
});

describe('columnLetter', () => {
  it('labels 0-based positions as the sheet does', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('gives every position its own label, in the sheet order', () => {
    fc.assert(
      fc.property(fc.nat(20000), (i) => {
        const [a, b] = [columnLetter(i), columnLetter(i + 1)];
        expect(a.length < b.length || (a.length === b.length && a < b)).toBe(true);
      }),
    );
  });
});
