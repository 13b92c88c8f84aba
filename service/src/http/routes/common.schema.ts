/** Schemas shared by several routes: path and query parameters, and the entries of the routes the add-on calls. */
import * as z from 'zod';
import { isoDate } from '../../../../shared/index.ts';
import { WIRE } from '../../../../shared/wire/api.ts';
import type { WireRouteName } from '../../../../shared/wire/routes.ts';
import { decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest, type SortKey } from '../../usecases/paging.ts';

export const orgId = z.string().min(1).max(63).describe('The org id (lowercase letters, digits, dashes)');
export const orgPath = z.object({ orgId });
export const recordId = z.string().min(1).max(128);
export const optionalDate = z.optional(isoDate);
/** `?billed=true` / `?billed=false`. */
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A route the add-on calls: its operationId, method, path, body and answer as shared/wire/api.ts has them. */
export const wired = <K extends WireRouteName>(id: K) => ({ id, ...WIRE[id] });

/**
 * `?limit=` and `?cursor=` of a list route. The cursor decodes here to the sort key `key`
 * describes (a cursor of another listing, or made up, is refused by name).
 */
export function pageQuery<K extends z.ZodType<SortKey>>(key: K) {
  return {
    limit: z
      .string()
      .regex(/^\d{1,9}$/, 'must be a whole number')
      .transform(Number)
      .pipe(
        z
          .int()
          .min(1, 'must be at least 1')
          .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE.toLocaleString('en-US')} (ask for the next page with cursor)`),
      )
      .default(DEFAULT_PAGE_SIZE)
      .describe(`Rows per page: ${DEFAULT_PAGE_SIZE} unless said, at most ${MAX_PAGE_SIZE}`),
    cursor: z
      .string()
      .max(2000)
      .transform((cursor, ctx): z.output<K> => {
        const parsed = key.safeParse(decodeCursor(cursor));
        if (parsed.success) return parsed.data;
        ctx.issues.push({
          code: 'custom',
          input: cursor,
          message: 'is not a cursor of this list: pass the nextCursor of its previous page, or none for the first page',
        });
        return z.NEVER;
      })
      .optional()
      .describe('The nextCursor of the previous page; none for the first page'),
  };
}

/** The page a handler asks the use case for. */
export const pageOf = <K extends SortKey>(query: { limit: number; cursor?: K | undefined }): PageRequest<K> =>
  query.cursor === undefined ? { limit: query.limit } : { limit: query.limit, after: query.cursor };

/** What the cursors of the lists decode to: the sort key of a page's last row. */
export const SORT_KEYS = {
  byId: z.tuple([z.string()]),
  byDateAndId: z.tuple([z.string(), z.string()]),
  bySequence: z.tuple([z.int()]),
  /** The rates: bill rates, then pay rates, each by its own fields. */
  byRate: z.tuple([z.enum(['bill', 'pay'])], z.string()),
};
