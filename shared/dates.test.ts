import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, daysBetween, monthBounds, readSheetDate, serialToIsoDate } from './dates.ts';

describe('readSheetDate', () => {
  it.each([
    ['1/5/26', '2026-01-05'],
    ['01/05/2026', '2026-01-05'],
    ['3/6/26', '2026-03-06'],
    ['2026-03-02', '2026-03-02'],
    [' 2/29/2028 ', '2028-02-29'],
    ['2026-03-02T00:00:00.000Z', '2026-03-02'],
  ])('reads %j as %s', (text, iso) => {
    expect(readSheetDate(text)).toEqual({ ok: true, value: iso });
  });

  it('reads spreadsheet serial numbers', () => {
    expect(readSheetDate(46090)).toEqual({ ok: true, value: '2026-03-09' });
    expect(readSheetDate('46090')).toEqual({ ok: true, value: '2026-03-09' });
    expect(serialToIsoDate(45658)).toBe('2025-01-01');
  });

  it('reads a Date cell as its calendar day in the sheet time zone', () => {
    // Sheets hands a date cell over as midnight in the spreadsheet zone.
    const midnightInChicago = new Date('2026-01-05T06:00:00.000Z');
    expect(readSheetDate(midnightInChicago, { timeZone: 'America/Chicago' })).toEqual({ ok: true, value: '2026-01-05' });
    expect(readSheetDate(new Date('2026-01-05T00:00:00.000Z'))).toEqual({ ok: true, value: '2026-01-05' });
  });

  it('refuses day-first dates instead of guessing', () => {
    const result = readSheetDate('13/01/2026');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/US dates \(month\/day\/year\)/);
  });

  it.each(['2/30/2026', '2026-02-30', 'tomorrow', '', '12', '1/5', new Date('x'), null, true])('refuses %j', (value) => {
    expect(readSheetDate(value).ok).toBe(false);
  });
});

describe('date arithmetic', () => {
  it('adds days across months and leap years', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('knows the day of the week', () => {
    expect(dayOfWeek('2027-01-31')).toBe(0); // a Sunday
    expect(dayOfWeek('2026-11-27')).toBe(5); // a Friday
  });

  it('gives a month its bounds and rejects a bad month', () => {
    expect(monthBounds('2026-02')).toEqual({ ok: true, value: { start: '2026-02-01', end: '2026-02-28' } });
    expect(monthBounds('2026-13').ok).toBe(false);
  });
});
