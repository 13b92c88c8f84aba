/**
 * A list read a page at a time. A cursor is the base64url JSON of the last row's sort key: a
 * position only. It names no org (the path does), so a cursor from one org's listing used on
 * another only says where to start among that other org's rows.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../shared/wire/paging.ts';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

export type SortKey = readonly (string | number)[];

/** Up to `limit` rows after the row whose sort key is `after` (from the first row when absent). */
export type PageRequest<K extends SortKey = SortKey> = { limit: number; after?: K };

export type Page<T> = { items: T[]; nextCursor: string | null };

export const encodeCursor = (key: SortKey): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The JSON a cursor holds, or undefined when it is not one this service could have made. */
export function decodeCursor(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Rows read one past the limit: the page, and the cursor of its last row when more follow. */
export function pageFrom<T>(rows: readonly T[], limit: number, keyOf: (row: T) => SortKey): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

/** Element by element; strings by UTF-16 code unit, as the adapters' compareStrings sort them. */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** A short list held whole, sorted by `keyOf` and paged as the store pages the long ones. */
export function pageInMemory<T>(rows: readonly T[], keyOf: (row: T) => SortKey, page: PageRequest): Page<T> {
  const sorted = [...rows].sort((a, b) => compareSortKeys(keyOf(a), keyOf(b)));
  const after = page.after;
  const start = after === undefined ? 0 : sorted.findIndex((row) => compareSortKeys(keyOf(row), after) > 0);
  return pageFrom(start < 0 ? [] : sorted.slice(start, start + page.limit + 1), page.limit, keyOf);
}

/** What one audit entry of a list read says: the filter, where the page began, and how many rows it gave (never PHI). */
export function listReadDetail(
  what: string,
  filter: Record<string, string | number | boolean | undefined>,
  page: PageRequest,
  count: number,
): string {
  const given = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${String(value)}`);
  if (page.after) given.push(`after=${page.after.join('/')}`);
  return `list ${what}${given.length > 0 ? ` ${given.join(' ')}` : ''}: ${count} shown`;
}
