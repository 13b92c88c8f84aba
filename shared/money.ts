import { err, ok, type Result } from './result.ts';

/** Money is an integer number of US cents, everywhere. */
export type Cents = number;

export type MoneyError = { code: 'bad-amount'; text: string; message: string };

/**
 * The one place that rounds money: a fractional number of cents to a whole cent,
 * half away from zero. `toPrecision(15)` first drops binary noise (1.005 * 100 is
 * 100.49999999999999 in floating point, and must round to 101).
 */
export function roundCents(fractionalCents: number): Cents {
  if (!Number.isFinite(fractionalCents)) throw new Error('roundCents: not a finite number', { cause: { code: 'bad-amount' } });
  const clean = Number(fractionalCents.toPrecision(15));
  const rounded = Math.sign(clean) * Math.round(Math.abs(clean));
  return rounded === 0 ? 0 : rounded; // no -0
}

export function isCents(value: unknown): value is Cents {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Dollars as a spreadsheet number cell holds them (95.5) to cents. */
export function dollarsToCents(dollars: number): Cents {
  return roundCents(dollars * 100);
}

const usd = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.50"; negative amounts as "-$1,234.50". */
export function formatMoney(cents: Cents): string {
  if (!isCents(cents)) throw new Error(`formatMoney: ${String(cents)} is not a whole number of cents`, { cause: { code: 'bad-amount' } });
  const sign = cents < 0 ? '-' : '';
  return `${sign}$${usd.format(Math.abs(cents) / 100)}`;
}

/** Cents as a plain decimal string for CSV exports: 123450 -> "1234.50". */
export function centsToDecimalString(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const AMOUNT = /^(-)?\$?(-)?((?:\d{1,3}(?:,\d{3})+)|\d+)?(?:\.(\d*))?$/;

/**
 * Reads an amount as owners type it: "$ 1,234.5", "95", "95.00", "$95", "(12.00)".
 * Works on the text, never through floating point. More than two decimals are rounded
 * by roundCents; anything else unreadable is an error naming the text.
 */
export function parseMoney(input: string | number): Result<Cents, MoneyError> {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? ok(dollarsToCents(input)) : bad(String(input));
  }
  let text = input.trim().replace(/\s+/g, '');
  if (text === '') return bad(input);
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true; // accounting style (12.00)
    text = text.slice(1, -1);
  }
  const m = AMOUNT.exec(text);
  if (!m || (m[3] === undefined && (m[4] === undefined || m[4] === ''))) return bad(input);
  if (m[1] && m[2]) return bad(input);
  if (m[1] || m[2]) negative = !negative;
  const whole = (m[3] ?? '0').replace(/,/g, '');
  const fraction = m[4] ?? '';
  const wholeCents = Number(whole) * 100;
  if (!Number.isSafeInteger(wholeCents)) return bad(input);
  const fractionCents =
    fraction.length <= 2 ? Number(fraction.padEnd(2, '0')) : roundCents(Number(`${fraction.slice(0, 2)}.${fraction.slice(2)}`));
  const cents = wholeCents + fractionCents;
  return ok(negative && cents !== 0 ? -cents : cents);

  function bad(text: string): Result<Cents, MoneyError> {
    return err({
      code: 'bad-amount',
      text,
      message: `"${text}" is not an amount of money (expected something like 95, $95.00 or 1,234.50)`,
    });
  }
}

export function sumCents(amounts: readonly Cents[]): Cents {
  let total = 0;
  for (const a of amounts) total += a;
  return total;
}

/**
 * Splits an amount into parts proportional to the weights without losing a cent:
 * the remainder goes one cent at a time to the first parts (1003 in two is 502 + 501).
 */
export function allocate(total: Cents, weights: readonly number[]): Cents[] {
  if (weights.length === 0) throw new Error('allocate: no parts', { cause: { code: 'bad-amount' } });
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum <= 0) throw new Error('allocate: weights must add up to more than zero', { cause: { code: 'bad-amount' } });
  const parts = weights.map((w) => Math.trunc((total * w) / weightSum) || 0); // || 0: no -0
  let remainder = total - sumCents(parts);
  const step = Math.sign(remainder);
  for (let i = 0; remainder !== 0; i = (i + 1) % parts.length) {
    if (weights[i]! > 0) {
      parts[i]! += step;
      remainder -= step;
    }
  }
  return parts;
}
