import { err, ok, type Result } from './result.ts';

/** A calendar date as "YYYY-MM-DD". Billing works in whole days; no time of day, no zone. */
export type IsoDate = string;

export type DateError = { code: 'bad-date'; text: string; message: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;
/** Day 0 of spreadsheet serial dates (Sheets and Excel after 1900-03-01). */
const SERIAL_EPOCH_UTC = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Serial numbers we accept as dates: 1950-01-01 .. 2099-12-31. Others are more likely amounts or ids. */
const SERIAL_MIN = 18264;
const SERIAL_MAX = 73050;

export function isValidYmd(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function ymd(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isIsoDate(text: string): boolean {
  const m = ISO.exec(text);
  return m !== null && isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function splitIsoDate(date: IsoDate): { year: number; month: number; day: number } {
  const m = ISO.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`, { cause: { code: 'bad-date' } });
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

function toEpochDay(date: IsoDate): number {
  const { year, month, day } = splitIsoDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromEpochDay(epochDay: number): IsoDate {
  const d = new Date(epochDay * DAY_MS);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** 0 = Sunday .. 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(toEpochDay(date) * DAY_MS).getUTCDay();
}

export function lastDayOfMonth(year: number, month: number): IsoDate {
  return ymd(year, month, daysInMonth(year, month));
}

/** A spreadsheet serial day number (46090) as a date. */
export function serialToIsoDate(serial: number): IsoDate {
  return fromEpochDay(SERIAL_EPOCH_UTC / DAY_MS + Math.floor(serial));
}

export type ReadDateOptions = {
  /**
   * The spreadsheet's time zone (IANA), used to read the calendar day of a real Date
   * value: Sheets hands date cells over as midnight in that zone. Defaults to UTC.
   */
  timeZone?: string;
};

/**
 * Reads a date as it appears in an owner's US sheet: ISO text (2026-01-05), US text
 * (1/5/26, 01/05/2026), a spreadsheet serial number (46027) or a real Date value.
 * Day-first text such as 13/01/2026 is an error, never a guess.
 */
export function readSheetDate(value: unknown, options: ReadDateOptions = {}): Result<IsoDate, DateError> {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return bad('an invalid date value');
    return ok(calendarDayIn(value, options.timeZone ?? 'UTC'));
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= SERIAL_MIN && value <= SERIAL_MAX) return ok(serialToIsoDate(value));
    return bad(String(value), `${value} is not a date (a spreadsheet date number between ${SERIAL_MIN} and ${SERIAL_MAX} was expected)`);
  }
  if (typeof value !== 'string') return bad(String(value));
  const text = value.trim();
  if (text === '') return bad(value, 'the date is empty');

  const iso = ISO.exec(text);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return isValidYmd(year, month, day) ? ok(ymd(year, month, day)) : bad(value, `"${value}" is not a real calendar date`);
  }
  const isoWithTime = /^(\d{4}-\d{2}-\d{2})T/.exec(text);
  if (isoWithTime && isIsoDate(isoWithTime[1]!)) return ok(isoWithTime[1]!);

  const us = US.exec(text);
  if (us) {
    const month = Number(us[1]);
    const day = Number(us[2]);
    const year = us[3]!.length === 2 ? 2000 + Number(us[3]) : Number(us[3]);
    if (month > 12 && day <= 12) {
      return bad(
        value,
        `"${value}" reads as day/month; this sheet uses US dates (month/day/year), so write ${day}/${month}/${us[3]} if you meant that`,
      );
    }
    return isValidYmd(year, month, day)
      ? ok(ymd(year, month, day))
      : bad(value, `"${value}" is not a real calendar date (US month/day/year)`);
  }
  if (/^\d+$/.test(text)) return readSheetDate(Number(text), options);
  return bad(value);

  function bad(text: string, message?: string): Result<IsoDate, DateError> {
    return err({ code: 'bad-date', text, message: message ?? `"${text}" is not a date (expected 1/5/2026, 2026-01-05 or a date cell)` });
  }
}

/**
 * A date a person typed (a command-line option): the text forms a sheet's dates are read in,
 * ISO (2026-04-02) or US (4/2/2026, 4/2/26), so a date is written the same way everywhere.
 * A bare number is not a date here.
 */
export function readTypedDate(text: string): Result<IsoDate, DateError> {
  if (/^\s*\d+\s*$/.test(text)) {
    return err({ code: 'bad-date', text, message: `"${text}" is not a date (expected 4/2/2026 or 2026-04-02)` });
  }
  return readSheetDate(text);
}

/** The numeric parts of an instant's wall clock in a time zone, one formatter per zone: building one costs far more than using it. */
function wallPartsIn(options: Intl.DateTimeFormatOptions): (instant: Date, timeZone: string) => (type: string) => number {
  const formats = new Map<string, Intl.DateTimeFormat>();
  return (instant, timeZone) => {
    let format = formats.get(timeZone);
    if (format === undefined) {
      format = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
      formats.set(timeZone, format);
    }
    const parts = format.formatToParts(instant);
    return (type) => Number(parts.find((p) => p.type === type)?.value);
  };
}

const dayPartsIn = wallPartsIn({ year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of an instant in an IANA time zone. Uses Intl, which Apps Script's V8 has too. */
export function calendarDayIn(instant: Date, timeZone: string): IsoDate {
  const get = dayPartsIn(instant, timeZone);
  return ymd(get('year'), get('month'), get('day'));
}

const timePartsIn = wallPartsIn({
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far (ms) an IANA time zone's wall clock is ahead of UTC at an instant (Unix ms). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const get = timePartsIn(new Date(instant), timeZone);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant (Unix ms) a calendar day starts in an IANA time zone: its midnight, or, where a
 * clock change skips midnight, the instant the clock jumps to the day's first hour.
 */
export function startOfDayIn(date: IsoDate, timeZone: string): number {
  const { year, month, day } = splitIsoDate(date);
  const wall = Date.UTC(year, month - 1, day);
  // The offset at midnight is not known before midnight's instant is: a second guess settles it.
  const first = wall - zoneOffsetMs(wall, timeZone);
  const second = wall - zoneOffsetMs(first, timeZone);
  const inDay = [first, second].filter((t) => calendarDayIn(new Date(t), timeZone) === date);
  return inDay.length > 0 ? Math.min(...inDay) : second;
}

/** "2026-01" -> the first and last day of that month. */
export function monthBounds(month: string): Result<{ start: IsoDate; end: IsoDate }, DateError> {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m || !isValidYmd(Number(m[1]), Number(m[2]), 1)) {
    return err({ code: 'bad-date', text: month, message: `"${month}" is not a month (expected YYYY-MM, such as 2026-01)` });
  }
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return ok({ start: ymd(year, mon, 1), end: lastDayOfMonth(year, mon) });
}

/** "Jan 5, 2026" style for documents. */
export function formatUsDate(date: IsoDate): string {
  const { year, month, day } = splitIsoDate(date);
  return `${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}/${year}`;
}
