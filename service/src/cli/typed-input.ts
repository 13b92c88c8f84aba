/**
 * Values typed on the command line, read the same way by every command: dates in the forms a
 * sheet's dates are read in (4/2/2026, 2026-04-02), amounts in dollars and cents, and the use
 * cases' field names in a refusal put back as the options the user typed.
 */
import { parseMoney, readTypedDate, type Cents, type IsoDate } from '../../../shared/index.ts';
import type { Failure } from '../failure.ts';
import { failureExit, UsageError } from './output.ts';

/** `--date 4/2/2026` or `--date 2026-04-02`: the ISO date, or a usage error naming the option. */
export function dateOption(flag: string, text: string): IsoDate {
  const date = readTypedDate(text);
  if (!date.ok) throw new UsageError(`${flag}: ${date.error.message}`);
  return date.value;
}

/** `--amount 1,234.56`: cents. A third decimal is refused, never rounded: money is typed to the cent. */
export function amountOption(flag: string, text: string): Cents {
  // parseMoney drops the spaces inside an amount, so "1.00 5" is checked as the 1.005 it reads.
  if (/\.\d{3,}\)?$/.test(text.replace(/\s+/g, '')))
    throw new UsageError(`${flag}: "${text}" has more than two decimals; type the amount to the cent`);
  const amount = parseMoney(text);
  if (!amount.ok) throw new UsageError(`${flag}: ${amount.error.message}`);
  return amount.value;
}

/**
 * A refusal of a use case, printed with its fields named as the options that gave them
 * (`amountCents` -> `--amount`, `settings.ach.routingNumber` -> `--ach-routing`).
 */
export function failureExitAsTyped(failure: Failure, flags: Readonly<Record<string, string>>): number {
  const rename = (text: string) =>
    text.replace(/^[A-Za-z][\w.]*/, (path) => flags[path] ?? path.replace(/^[A-Za-z]+/, (field) => flags[field] ?? field));
  const details = Array.isArray(failure.details)
    ? (failure.details as { path?: string; message?: string }[]).map((d) => (d.path === undefined ? d : { ...d, path: rename(d.path) }))
    : failure.details;
  return failureExit({ ...failure, message: rename(failure.message), ...(details === undefined ? {} : { details }) });
}
