import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, centsToDecimalString, formatMoney, parseMoney, roundCents, sumCents } from './money.ts';

describe('parseMoney', () => {
  it.each([
    ['$ 1,234.5', 123450],
    ['95', 9500],
    ['95.00', 9500],
    ['$95', 9500],
    ['$125.00', 12500],
    ['0.07', 7],
    ['.5', 50],
    ['-$12.34', -1234],
    ['(12.00)', -1200],
    ['1,000,000.01', 100000001],
    ['12.345', 1235],
    ['1.005', 101],
  ])('reads %j as %i cents', (text, expected) => {
    expect(parseMoney(text)).toEqual({ ok: true, value: expected });
  });

  it('reads number cells as dollars', () => {
    expect(parseMoney(95.5)).toEqual({ ok: true, value: 9550 });
    expect(parseMoney(0.1 + 0.2)).toEqual({ ok: true, value: 30 });
  });

  it.each(['', 'abc', '12,34', '1.2.3', '$$5', '--5', '5$', 'N/A', '1,2345.00'])('rejects %j and names the text', (text) => {
    const result = parseMoney(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('bad-amount');
      expect(result.error.message).toContain(`"${text}"`);
    }
  });
});

describe('formatMoney', () => {
  it.each([
    [123450, '$1,234.50'],
    [0, '$0.00'],
    [5, '$0.05'],
    [-1234, '-$12.34'],
    [100000000, '$1,000,000.00'],
  ])('formats %i as %s', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it('refuses fractional cents', () => {
    expect(() => formatMoney(1.5)).toThrow(/not a whole number of cents/);
  });

  it('round-trips every amount through parseMoney', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (c) => {
        expect(parseMoney(formatMoney(c))).toEqual({ ok: true, value: c });
        expect(parseMoney(centsToDecimalString(c))).toEqual({ ok: true, value: c });
      }),
    );
  });
});

describe('roundCents', () => {
  it('rounds half away from zero, without -0', () => {
    expect(roundCents(100.5)).toBe(101);
    expect(roundCents(-100.5)).toBe(-101);
    expect(roundCents(100.4999)).toBe(100);
    expect(Object.is(roundCents(-0.2), 0)).toBe(true);
  });
});

describe('allocate', () => {
  it('hands out the remainder one cent at a time', () => {
    expect(allocate(1003, [1, 1])).toEqual([502, 501]);
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-1003, [1, 1])).toEqual([-502, -501]);
  });

  it('never loses or makes a cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(sumCents(parts)).toBe(total);
          parts.forEach((p, i) => {
            if (weights[i] === 0) expect(p).toBe(0);
          });
        },
      ),
    );
  });
});
