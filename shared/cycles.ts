/**
 * Billing and payroll periods. A cycle rule cuts the calendar into consecutive periods
 * that tile it: every day is in exactly one period, and the next period starts the day
 * after the previous one ends. Periods are whole days, both ends included.
 */
import { addDays, dayOfWeek, daysBetween, isIsoDate, lastDayOfMonth, splitIsoDate, ymd, type IsoDate } from './dates.ts';
import { err, ok, type Result } from './result.ts';
import type { CycleRule, Period } from './schemas.ts';

const BIWEEKLY_DAYS = 14;

/** The period of `rule` that contains `date`. */
export function periodContaining(rule: CycleRule, date: IsoDate): Period {
  switch (rule.kind) {
    case 'weekly': {
      if (!Number.isInteger(rule.weekStartsOn) || rule.weekStartsOn < 0 || rule.weekStartsOn > 6) {
        throw new Error(`weekly cycle: weekStartsOn must be 0 (Sunday) to 6 (Saturday), got ${rule.weekStartsOn}`, {
          cause: { code: 'bad-cycle-rule' },
        });
      }
      const back = (dayOfWeek(date) - rule.weekStartsOn + 7) % 7;
      const start = addDays(date, -back);
      return { start, end: addDays(start, 6) };
    }
    case 'biweekly': {
      // Math.floor, not truncation: dates before the anchor fall in earlier cycles of the same grid.
      const cycles = Math.floor(daysBetween(rule.anchor, date) / BIWEEKLY_DAYS);
      const start = addDays(rule.anchor, cycles * BIWEEKLY_DAYS);
      return { start, end: addDays(start, BIWEEKLY_DAYS - 1) };
    }
    case 'semi-monthly': {
      const { year, month, day } = splitIsoDate(date);
      return day <= 15
        ? { start: ymd(year, month, 1), end: ymd(year, month, 15) }
        : { start: ymd(year, month, 16), end: lastDayOfMonth(year, month) };
    }
    case 'monthly': {
      const { year, month } = splitIsoDate(date);
      return { start: ymd(year, month, 1), end: lastDayOfMonth(year, month) };
    }
    default:
      throw new Error(`unknown cycle rule ${JSON.stringify(rule satisfies never)}`, { cause: { code: 'bad-cycle-rule' } });
  }
}

/** The period that starts the day after `period` ends. */
export function nextPeriod(rule: CycleRule, period: Period): Period {
  return periodContaining(rule, addDays(period.end, 1));
}

/** The period that ends the day before `period` starts. */
export function previousPeriod(rule: CycleRule, period: Period): Period {
  return periodContaining(rule, addDays(period.start, -1));
}

/**
 * Every period whose last day falls in `month` (any range of days, usually a calendar
 * month from monthBounds): what `close --period 2026-01` closes. A weekly cycle that
 * straddles the end of the month belongs to the month it ends in.
 */
export function periodsEndingIn(rule: CycleRule, month: Period): Period[] {
  const periods: Period[] = [];
  // The period holding the month's first day ends on or after it; walk forward from there.
  for (let p = periodContaining(rule, month.start); p.end <= month.end; p = nextPeriod(rule, p)) periods.push(p);
  return periods;
}

/** Whether `period` is exactly one period of `rule` (not a made-up range). */
export function isPeriodOf(rule: CycleRule, period: Period): boolean {
  const p = periodContaining(rule, period.start);
  return p.start === period.start && p.end === period.end;
}

export function periodContainsDate(period: Period, date: IsoDate): boolean {
  return period.start <= date && date <= period.end;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const short = (month: number) => MONTHS[month - 1]!.slice(0, 3);

/**
 * For people: "January 2026" for a whole month, "Jan 1 – 15, 2026", "Jan 26 – Feb 8, 2026",
 * "Dec 29, 2025 – Jan 11, 2026".
 */
export function periodLabel(period: Period): string {
  const a = splitIsoDate(period.start);
  const b = splitIsoDate(period.end);
  if (a.year === b.year && a.month === b.month) {
    if (a.day === 1 && period.end === lastDayOfMonth(b.year, b.month)) return `${MONTHS[a.month - 1]} ${a.year}`;
    if (a.day === b.day) return `${short(a.month)} ${a.day}, ${a.year}`;
    return `${short(a.month)} ${a.day} – ${b.day}, ${a.year}`;
  }
  if (a.year === b.year) return `${short(a.month)} ${a.day} – ${short(b.month)} ${b.day}, ${b.year}`;
  return `${short(a.month)} ${a.day}, ${a.year} – ${short(b.month)} ${b.day}, ${b.year}`;
}

// ---------------------------------------------------------------- as the owner writes it

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** The forms cycleRuleFromText reads, for messages. */
export const CYCLE_RULE_FORMS =
  "Monthly, Semi-monthly, Weekly from Monday (or another day), Biweekly from YYYY-MM-DD (a cycle's first day)";

/** A cycle rule in words, as the Agencies tab shows it: "Monthly", "Weekly from Monday", "Biweekly from 2026-01-05". */
export function cycleRuleText(rule: CycleRule): string {
  switch (rule.kind) {
    case 'monthly':
      return 'Monthly';
    case 'semi-monthly':
      return 'Semi-monthly';
    case 'weekly':
      return `Weekly from ${WEEKDAYS[rule.weekStartsOn]}`;
    case 'biweekly':
      return `Biweekly from ${rule.anchor}`;
  }
}

/**
 * Reads what cycleRuleText writes, in any case and spacing, with a few common variants
 * ("semimonthly", "twice a month", "every 2 weeks from ..."). Nothing is guessed: a weekly
 * cycle names the day its weeks start, and a biweekly one the first day of one of its cycles.
 */
export function cycleRuleFromText(text: string): Result<CycleRule, { message: string }> {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === 'monthly') return ok({ kind: 'monthly' });
  if (/^(semi-? ?monthly|twice a month)$/.test(t)) return ok({ kind: 'semi-monthly' });
  const weekly = /^weekly(?: from| \(?)? ?([a-z]+)\)?$/.exec(t);
  if (weekly) {
    const day = WEEKDAYS.findIndex((d) => d.toLowerCase() === weekly[1]);
    if (day >= 0) return ok({ kind: 'weekly', weekStartsOn: day });
  }
  const biweekly = /^(?:bi-? ?weekly|every 2 weeks|every two weeks) from (\S+)$/.exec(t);
  if (biweekly && isIsoDate(biweekly[1]!)) return ok({ kind: 'biweekly', anchor: biweekly[1]! });
  return err({ message: `"${text.trim()}" is not a billing cycle VisitLedger reads: write one of ${CYCLE_RULE_FORMS}` });
}
