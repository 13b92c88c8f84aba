/**
 * The orders invoices and pay statements are printed and numbered in: names as people read
 * them, texts by code unit, and a sort by numeric key that stays fast on a whole close.
 */
import { DISCIPLINES, type Discipline } from './vocabulary.ts';

const collator = new Intl.Collator('en-US', { sensitivity: 'base', numeric: true });

/** People's and agencies' names in reading order; ties broken by the exact text so the order is total. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Each distinct name's position in compareNames order, so a large sort compares numbers. */
export function nameRanks(names: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(names)].sort(compareNames);
  return new Map(sorted.map((n, i) => [n, i]));
}

/** Each distinct text's position in code-unit order (ISO dates sort as text). */
export function textRanks(texts: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(texts)].sort(compareText);
  return new Map(sorted.map((t, i) => [t, i]));
}

/**
 * Sorts in place by a numeric key (a whole number, 0 or more: built from ranks), ties by
 * text; stable. Each key and its item's position are packed into one number, so the engine
 * sorts a Float64Array natively instead of calling a comparator n log n times; only the
 * short runs of equal keys are then ordered by their text, when they are not in that
 * order already.
 */
export function sortByNumber<T>(items: T[], key: (item: T) => number, tie: (item: T) => string): void {
  const n = items.length;
  const keys = new Float64Array(n);
  let packable = true;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const k = key(items[i]!);
    keys[i] = k;
    if (!(Number.isInteger(k) && k >= 0)) packable = false;
    else if (k > max) max = k;
  }
  let order: number[];
  if (packable && Number.isSafeInteger((max + 1) * n)) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * n + i;
    packed.sort();
    order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = packed[i]! % n;
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && keys[order[i]!] === keys[order[start]!]) continue;
      if (i - start > 1 && !inTextOrder(items, order, start, i, tie)) {
        const run = order.slice(start, i).sort((a, b) => compareText(tie(items[a]!), tie(items[b]!)) || a - b);
        for (let j = 0; j < run.length; j++) order[start + j] = run[j]!;
      }
      start = i;
    }
  } else {
    const ties = items.map(tie);
    order = items.map((_, i) => i);
    order.sort((a, b) => keys[a]! - keys[b]! || compareText(ties[a]!, ties[b]!));
  }
  const copy = items.slice();
  for (let i = 0; i < n; i++) items[i] = copy[order[i]!]!;
}

/**
 * Whether a run of equal keys is already in tie order (positions ascend within a run). The
 * service reads visits in (date, id) order, so the runs, which share a date, usually are.
 */
function inTextOrder<T>(items: readonly T[], order: readonly number[], start: number, end: number, tie: (item: T) => string): boolean {
  for (let j = start + 1; j < end; j++) if (compareText(tie(items[order[j - 1]!]!), tie(items[order[j]!]!)) > 0) return false;
  return true;
}

export const DISCIPLINE_ORDER: ReadonlyMap<Discipline, number> = new Map(DISCIPLINES.map((d, i) => [d, i]));

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
