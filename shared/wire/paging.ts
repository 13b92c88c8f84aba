/**
 * Lists come a page at a time: `?limit=` (default DEFAULT_PAGE_SIZE, at most MAX_PAGE_SIZE)
 * and `?cursor=` from the previous page's `nextCursor`, which is null on the last page.
 */
import * as z from 'zod/mini';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-size.ts';

export const nextCursor = z.nullable(z.string().check(z.describe('Pass it as `cursor` for the next page; null on the last page')));

/** A list answer (`{ invoices: [...] }`) with its page's `nextCursor`. */
export const pagedAnswer = <S extends z.ZodMiniObject>(answer: S) => z.extend(answer, { nextCursor });
