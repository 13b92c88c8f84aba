/**
 * A page of a long list in Firestore: the query ordered by one field (Firestore then orders
 * ties by document id), read `limit` documents at a time from the cursor, and the list's other
 * filters applied here, so that no composite index is needed. It stops as soon as the page is
 * full; only a sparse filter reads past it.
 */
import type { Query, QueryDocumentSnapshot } from 'firebase-admin/firestore';

/** `start`: the cursor's (field value, document id), or none for the first page. `keep`: the wanted records of a read, in its order. */
export async function scanPage<T>(
  ordered: Query,
  start: readonly unknown[] | undefined,
  limit: number,
  keep: (docs: QueryDocumentSnapshot[]) => T[] | Promise<T[]>,
): Promise<T[]> {
  const found: T[] = [];
  let query = start ? ordered.startAfter(...start) : ordered;
  for (;;) {
    const { docs } = await query.limit(limit).get();
    found.push(...(await keep(docs)));
    if (found.length >= limit || docs.length < limit) return found.slice(0, limit);
    query = ordered.startAfter(docs[docs.length - 1]!);
  }
}
