/** How the CLI speaks: JSON for machines, short aligned text for people, errors to stderr. */
import { formatMoney } from '../../../shared/index.ts';
import type { Failure } from '../failure.ts';

export class UsageError extends Error {}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
/** The parsed values of a command's options, typed from the option table (as node:util parseArgs gives them). */
export type CliValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['multiple'] extends true
    ? O[K]['type'] extends 'boolean'
      ? boolean[]
      : string[]
    : O[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
export const say = (line = '') => process.stdout.write(`${line}\n`);
export const money = formatMoney;

export function failureExit(failure: Failure): number {
  process.stderr.write(`error: ${failure.message}\n`);
  if (Array.isArray(failure.details)) {
    for (const d of failure.details.slice(0, 20) as { path?: string; message?: string }[]) {
      if (d.path !== undefined && d.message !== undefined) process.stderr.write(`  ${d.path}: ${d.message}\n`);
    }
  }
  return 1;
}

/** Columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
