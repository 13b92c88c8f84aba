import { describe, expect, it } from 'vitest';
import { addDays, calendarDayIn, dayOfWeek, daysBetween, monthBounds, readSheetDate, serialToIsoDate, startOfDayIn } from './dates.ts';

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

describe('startOfDayIn', () => {
  it.each([
    ['2026-05-31', 'UTC', '2026-05-31T00:00:00.000Z'],
    ['2026-01-15', 'America/New_York', '2026-01-15T05:00:00.000Z'],
    ['2026-07-01', 'America/New_York', '2026-07-01T04:00:00.000Z'],
    // The days the clocks change (at 2am): midnight is still on the old offset.
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['2026-02-01', 'Pacific/Honolulu', '2026-02-01T10:00:00.000Z'],
    ['2026-02-01', 'Asia/Kolkata', '2026-01-31T18:30:00.000Z'],
    ['2026-02-01', 'Pacific/Kiritimati', '2026-01-31T10:00:00.000Z'],
  ])('%s starts in %s at %s', (date, zone, instant) => {
    expect(new Date(startOfDayIn(date, zone)).toISOString()).toBe(instant);
  });

  it("is the first instant of the day in the zone, every day of a year in zones whose clocks change (Chile's skips midnight)", () => {
    for (const zone of ['America/New_York', 'America/Santiago', 'Europe/London', 'Australia/Lord_Howe']) {
      for (let date = '2026-01-01'; date <= '2026-12-31'; date = addDays(date, 1)) {
        const start = startOfDayIn(date, zone);
        expect(calendarDayIn(new Date(start), zone), `${zone} ${date}`).toBe(date);
        expect(calendarDayIn(new Date(start - 1), zone), `${zone} ${date}`).toBe(addDays(date, -1));
      }
    }
  });
});
