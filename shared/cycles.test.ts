import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cycleRuleFromText,
  cycleRuleText,
  isPeriodOf,
  nextPeriod,
  periodContaining,
  periodLabel,
  periodsEndingIn,
  previousPeriod,
} from './cycles.ts';
import { addDays, dayOfWeek, monthBounds } from './dates.ts';
import type { CycleRule, Period } from './schemas.ts';
import { expectOk } from './test-support/results.ts';

const month = (m: string): Period => expectOk(monthBounds(m));

describe('periodContaining', () => {
  it('weekly cycles start on the chosen weekday', () => {
    // 2026-01-07 is a Wednesday.
    expect(periodContaining({ kind: 'weekly', weekStartsOn: 1 }, '2026-01-07')).toEqual({ start: '2026-01-05', end: '2026-01-11' });
    expect(periodContaining({ kind: 'weekly', weekStartsOn: 0 }, '2026-01-07')).toEqual({ start: '2026-01-04', end: '2026-01-10' });
    expect(periodContaining({ kind: 'weekly', weekStartsOn: 3 }, '2026-01-07')).toEqual({ start: '2026-01-07', end: '2026-01-13' });
    expect(periodContaining({ kind: 'weekly', weekStartsOn: 4 }, '2026-01-07')).toEqual({ start: '2026-01-01', end: '2026-01-07' });
  });

  it('weekly cycles cross the year end', () => {
    expect(periodContaining({ kind: 'weekly', weekStartsOn: 1 }, '2026-01-01')).toEqual({ start: '2025-12-29', end: '2026-01-04' });
  });

  it('biweekly cycles count from the anchor, forward and backward', () => {
    const rule: CycleRule = { kind: 'biweekly', anchor: '2026-01-05' };
    expect(periodContaining(rule, '2026-01-05')).toEqual({ start: '2026-01-05', end: '2026-01-18' });
    expect(periodContaining(rule, '2026-01-18')).toEqual({ start: '2026-01-05', end: '2026-01-18' });
    expect(periodContaining(rule, '2026-01-19')).toEqual({ start: '2026-01-19', end: '2026-02-01' });
    expect(periodContaining(rule, '2026-01-04')).toEqual({ start: '2025-12-22', end: '2026-01-04' });
    expect(periodContaining(rule, '2025-12-22')).toEqual({ start: '2025-12-22', end: '2026-01-04' });
    expect(periodContaining(rule, '2025-12-21')).toEqual({ start: '2025-12-08', end: '2025-12-21' });
    expect(periodContaining(rule, '2024-02-29')).toEqual({ start: '2024-02-19', end: '2024-03-03' });
  });

  it('semi-monthly cycles split at the 15th, February included', () => {
    const rule: CycleRule = { kind: 'semi-monthly' };
    expect(periodContaining(rule, '2026-01-15')).toEqual({ start: '2026-01-01', end: '2026-01-15' });
    expect(periodContaining(rule, '2026-01-16')).toEqual({ start: '2026-01-16', end: '2026-01-31' });
    expect(periodContaining(rule, '2026-02-20')).toEqual({ start: '2026-02-16', end: '2026-02-28' });
    expect(periodContaining(rule, '2028-02-29')).toEqual({ start: '2028-02-16', end: '2028-02-29' });
    expect(periodContaining(rule, '2026-04-30')).toEqual({ start: '2026-04-16', end: '2026-04-30' });
  });

  it('monthly cycles are calendar months, leap years included', () => {
    const rule: CycleRule = { kind: 'monthly' };
    expect(periodContaining(rule, '2026-02-10')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(periodContaining(rule, '2024-02-10')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(periodContaining(rule, '2100-02-10')).toEqual({ start: '2100-02-01', end: '2100-02-28' });
    expect(periodContaining(rule, '2000-02-10')).toEqual({ start: '2000-02-01', end: '2000-02-29' });
    expect(periodContaining(rule, '2026-12-31')).toEqual({ start: '2026-12-01', end: '2026-12-31' });
  });

  it('throws on a weekday that does not exist', () => {
    expect(() => periodContaining({ kind: 'weekly', weekStartsOn: 7 }, '2026-01-07')).toThrow(/weekStartsOn/);
  });
});

describe('next and previous periods', () => {
  it('steps over month and year ends', () => {
    expect(nextPeriod({ kind: 'semi-monthly' }, { start: '2026-02-16', end: '2026-02-28' })).toEqual({
      start: '2026-03-01',
      end: '2026-03-15',
    });
    expect(previousPeriod({ kind: 'semi-monthly' }, { start: '2026-03-01', end: '2026-03-15' })).toEqual({
      start: '2026-02-16',
      end: '2026-02-28',
    });
    expect(nextPeriod({ kind: 'monthly' }, { start: '2026-12-01', end: '2026-12-31' })).toEqual({ start: '2027-01-01', end: '2027-01-31' });
    expect(previousPeriod({ kind: 'biweekly', anchor: '2026-01-05' }, { start: '2026-01-05', end: '2026-01-18' })).toEqual({
      start: '2025-12-22',
      end: '2026-01-04',
    });
  });
});

describe('periodsEndingIn', () => {
  it('a weekly cycle belongs to the month it ends in', () => {
    // Monday weeks; January 2026 has Sundays on the 4th, 11th, 18th, 25th.
    expect(periodsEndingIn({ kind: 'weekly', weekStartsOn: 1 }, month('2026-01'))).toEqual([
      { start: '2025-12-29', end: '2026-01-04' },
      { start: '2026-01-05', end: '2026-01-11' },
      { start: '2026-01-12', end: '2026-01-18' },
      { start: '2026-01-19', end: '2026-01-25' },
    ]);
    // The week of Jan 26 - Feb 1 is February's.
    expect(periodsEndingIn({ kind: 'weekly', weekStartsOn: 1 }, month('2026-02'))[0]).toEqual({ start: '2026-01-26', end: '2026-02-01' });
  });

  it('semi-monthly closes two cycles a month, monthly one', () => {
    expect(periodsEndingIn({ kind: 'semi-monthly' }, month('2026-02'))).toEqual([
      { start: '2026-02-01', end: '2026-02-15' },
      { start: '2026-02-16', end: '2026-02-28' },
    ]);
    expect(periodsEndingIn({ kind: 'monthly' }, month('2024-02'))).toEqual([{ start: '2024-02-01', end: '2024-02-29' }]);
  });

  it('a biweekly cycle may end twice or three times in a month', () => {
    const rule: CycleRule = { kind: 'biweekly', anchor: '2026-01-05' };
    expect(periodsEndingIn(rule, month('2026-02'))).toEqual([
      { start: '2026-01-19', end: '2026-02-01' },
      { start: '2026-02-02', end: '2026-02-15' },
    ]);
    // Feb 16 - Mar 1 ends in March, which has three ends for this anchor.
    expect(periodsEndingIn(rule, month('2026-03')).map((p) => p.end)).toEqual(['2026-03-01', '2026-03-15', '2026-03-29']);
  });
});

describe('periodLabel', () => {
  it.each([
    [{ start: '2026-01-01', end: '2026-01-31' }, 'January 2026'],
    [{ start: '2026-02-01', end: '2026-02-15' }, 'Feb 1 – 15, 2026'],
    [{ start: '2026-01-26', end: '2026-02-08' }, 'Jan 26 – Feb 8, 2026'],
    [{ start: '2025-12-29', end: '2026-01-11' }, 'Dec 29, 2025 – Jan 11, 2026'],
    [{ start: '2026-03-04', end: '2026-03-04' }, 'Mar 4, 2026'],
  ])('labels %j as %s', (period, label) => {
    expect(periodLabel(period)).toBe(label);
  });
});

const rules: fc.Arbitrary<CycleRule> = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((weekStartsOn) => ({ kind: 'weekly' as const, weekStartsOn })),
  fc.integer({ min: -5000, max: 5000 }).map((offset) => ({ kind: 'biweekly' as const, anchor: addDays('2026-01-05', offset) })),
  fc.constant({ kind: 'semi-monthly' as const }),
  fc.constant({ kind: 'monthly' as const }),
);
const dates = fc.integer({ min: -20_000, max: 20_000 }).map((offset) => addDays('2026-01-01', offset));

describe('periods tile the calendar', () => {
  it('the period containing a date contains it, and is a period of the rule', () => {
    fc.assert(
      fc.property(rules, dates, (rule, date) => {
        const p = periodContaining(rule, date);
        expect(p.start <= date && date <= p.end).toBe(true);
        expect(isPeriodOf(rule, p)).toBe(true);
        expect(periodContaining(rule, p.start)).toEqual(p);
        expect(periodContaining(rule, p.end)).toEqual(p);
        if (rule.kind === 'weekly') expect(dayOfWeek(p.start)).toBe(rule.weekStartsOn);
      }),
    );
  });

  it('next starts the day after the end, previous ends the day before the start, and they invert', () => {
    fc.assert(
      fc.property(rules, dates, (rule, date) => {
        const p = periodContaining(rule, date);
        const next = nextPeriod(rule, p);
        const prev = previousPeriod(rule, p);
        expect(next.start).toBe(addDays(p.end, 1));
        expect(prev.end).toBe(addDays(p.start, -1));
        expect(previousPeriod(rule, next)).toEqual(p);
        expect(nextPeriod(rule, prev)).toEqual(p);
      }),
    );
  });

  it('every day of a run of consecutive periods is in exactly one of them', () => {
    fc.assert(
      fc.property(rules, dates, fc.integer({ min: 1, max: 120 }), (rule, date, days) => {
        const last = addDays(date, days);
        const periods: Period[] = [];
        for (let p = periodContaining(rule, date); p.start <= last; p = nextPeriod(rule, p)) periods.push(p);
        for (let d = date; d <= last; d = addDays(d, 1)) {
          expect(periods.filter((p) => p.start <= d && d <= p.end)).toHaveLength(1);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('the periods ending in a month are exactly those whose end falls in it', () => {
    fc.assert(
      fc.property(rules, fc.integer({ min: 1990, max: 2060 }), fc.integer({ min: 1, max: 12 }), (rule, y, m) => {
        const range = month(`${y}-${String(m).padStart(2, '0')}`);
        const closed = periodsEndingIn(rule, range);
        for (const p of closed) expect(range.start <= p.end && p.end <= range.end).toBe(true);
        // Nothing skipped: the one before the first and the one after the last end outside.
        const before = previousPeriod(rule, closed[0] ?? periodContaining(rule, range.start));
        expect(before.end < range.start).toBe(true);
        const after = closed.length > 0 ? nextPeriod(rule, closed[closed.length - 1]!) : periodContaining(rule, range.start);
        expect(after.end > range.end).toBe(true);
        for (let i = 1; i < closed.length; i++) expect(closed[i]!.start).toBe(addDays(closed[i - 1]!.end, 1));
      }),
    );
  });
});

describe('a cycle rule in words (the Agencies tab)', () => {
  it('reads back every rule it writes', () => {
    fc.assert(
      fc.property(rules, (rule) => {
        expect(cycleRuleFromText(cycleRuleText(rule))).toEqual({ ok: true, value: rule });
      }),
    );
  });

  it.each([
    ['monthly', { kind: 'monthly' }],
    [' Semi monthly ', { kind: 'semi-monthly' }],
    ['SEMIMONTHLY', { kind: 'semi-monthly' }],
    ['twice a month', { kind: 'semi-monthly' }],
    ['Weekly from monday', { kind: 'weekly', weekStartsOn: 1 }],
    ['weekly (Sunday)', { kind: 'weekly', weekStartsOn: 0 }],
    ['every 2 weeks from 2026-01-05', { kind: 'biweekly', anchor: '2026-01-05' }],
    ['Bi-weekly  from 2026-01-05', { kind: 'biweekly', anchor: '2026-01-05' }],
  ] as const)('reads %j', (text, rule) => {
    expect(cycleRuleFromText(text)).toEqual({ ok: true, value: rule });
  });

  it.each([
    '',
    'weekly',
    'weekly from someday',
    'biweekly',
    'biweekly from 2026-02-30',
    'biweekly from 1/5/2026',
    'fortnightly',
    'quarterly',
  ])('refuses %j, saying what it reads', (text) => {
    const read = cycleRuleFromText(text);
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.error.message).toMatch(
        /is not a billing cycle VisitLedger reads: write one of Monthly, Semi-monthly, Weekly from Monday/,
      );
  });
});
