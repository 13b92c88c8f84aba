/**
 * Every Firestore query of the adapter that filters by more than equality or orders its
 * results, declared here once: the collection it runs on, the fields it may test for
 * equality (`==`, or `in` for a list), its range filters and its order. The adapter builds
 * these queries only through `buildQuery`, from these declarations; a test checks each
 * against Firestore's indexing rules and firestore.indexes.json, since the emulator does not
 * enforce indexes and production refuses a query whose index is missing. Plain `==` filters
 * may stay where they are used: single-field indexes serve any mix of them.
 */
import { FieldPath, type CollectionReference, type Query } from 'firebase-admin/firestore';

export type Direction = 'asc' | 'desc';

/** The document id, as an order field: Firestore ends every order with it anyway. */
export const DOCUMENT_ID = '__name__';

export type QueryShape = {
  /** The collection id the query runs on (under `orgs/{orgId}` unless it is a top-level one). */
  readonly collection: string;
  /** Fields tested with `==` (or `in`), each only when its value is given. */
  readonly equalities: readonly string[];
  /** Fields with a range filter (`>=`, `<=`), each only when a bound is given. */
  readonly ranges: readonly string[];
  readonly orderBy: readonly { readonly field: string; readonly direction: Direction }[];
};

const shape = <const S extends QueryShape>(s: S): S => s;
const asc = (field: string) => ({ field, direction: 'asc' as const });

export const FIRESTORE_QUERIES = {
  /** listVisits: any mix of the equalities, sorted in memory. */
  visitsByFields: shape({
    collection: 'visits',
    equalities: ['agencyId', 'therapistId', 'invoiceId', 'payRunId'],
    ranges: [],
    orderBy: [],
  }),
  /** listVisits with a date range and no equality (the equalities are then applied in memory). */
  visitsByDate: shape({ collection: 'visits', equalities: [], ranges: ['date'], orderBy: [] }),
  /** Building an org's visit lookups (visits.ts): every visit, by document id, a page at a time. */
  visitsById: shape({ collection: 'visits', equalities: [], ranges: [], orderBy: [asc(DOCUMENT_ID)] }),
  /** listVisitPage: by date, then document id, from a cursor. */
  visitPage: shape({ collection: 'visits', equalities: [], ranges: ['date'], orderBy: [asc('date'), asc(DOCUMENT_ID)] }),
  /** listInvoicePage: by sequence, from a cursor; agency and cycle filtered in memory. */
  invoicePage: shape({ collection: 'invoices', equalities: [], ranges: [], orderBy: [asc('sequence')] }),
  /** listPayments without a page: equalities, or the paid-on range alone. */
  paymentsByFields: shape({ collection: 'payments', equalities: ['therapistId', 'payRunId'], ranges: [], orderBy: [] }),
  paymentsByPaidOn: shape({ collection: 'payments', equalities: [], ranges: ['paidOn'], orderBy: [] }),
  /** listPayments with a page: by paid-on date, then document id; therapist and pay run filtered in memory. */
  paymentPage: shape({ collection: 'payments', equalities: [], ranges: ['paidOn'], orderBy: [asc('paidOn'), asc(DOCUMENT_ID)] }),
  /** listAudit without a record: the latest entries. */
  latestAudit: shape({ collection: 'audit', equalities: [], ranges: [], orderBy: [{ field: '_seq', direction: 'desc' }] }),
} as const;

export type QueryName = keyof typeof FIRESTORE_QUERIES;

type Filters<S extends QueryShape> = {
  equal?: { [F in S['equalities'][number]]?: unknown };
  range?: { [F in S['ranges'][number]]?: { from?: unknown; to?: unknown } };
};

/**
 * The declared query on `collection`, with the given values: a list is tested with `in`,
 * anything else with `==`; a range's bounds are inclusive. Throws when the collection is not
 * the declared one.
 */
export function buildQuery<S extends QueryShape>(s: S, collection: CollectionReference, filters: Filters<S> = {}): Query {
  if (collection.id !== s.collection) throw new Error(`a query declared on ${s.collection} was run on ${collection.id}`);
  let q: Query = collection;
  for (const field of s.equalities) {
    const value = (filters.equal as Record<string, unknown> | undefined)?.[field];
    if (value !== undefined) q = q.where(field, Array.isArray(value) ? 'in' : '==', value);
  }
  for (const field of s.ranges) {
    const bounds = (filters.range as Record<string, { from?: unknown; to?: unknown }> | undefined)?.[field];
    if (bounds?.from !== undefined) q = q.where(field, '>=', bounds.from);
    if (bounds?.to !== undefined) q = q.where(field, '<=', bounds.to);
  }
  for (const { field, direction } of s.orderBy) q = q.orderBy(field === DOCUMENT_ID ? FieldPath.documentId() : field, direction);
  return q;
}

export type IndexField = { fieldPath: string; order: 'ASCENDING' | 'DESCENDING' };
export type CompositeIndex = { collectionGroup: string; queryScope: 'COLLECTION' | 'COLLECTION_GROUP'; fields: IndexField[] };

/**
 * The composite index a query needs, or null when Firestore's automatic single-field indexes
 * serve it. They serve: equality filters on any fields together (merged), with no order or
 * range; or, with no equality, a range filter and an order on one same field (the document id
 * may end the order). Anything else, an equality with an order or range, or ranges or orders
 * on two fields, needs an index of the equality fields followed by the order. A range field
 * must also be the first order field, or Firestore refuses the query outright.
 */
export function compositeIndexFor(s: QueryShape): CompositeIndex | null {
  const orders = s.orderBy.filter((o) => o.field !== DOCUMENT_ID);
  const ordered = orders.length > 0 ? orders : s.ranges.map(asc);
  if (s.ranges.length > 0 && orders.length > 0 && !s.ranges.includes(orders[0]!.field)) {
    throw new Error(
      `a query on ${s.collection} orders by ${orders[0]!.field} first but has a range on ${s.ranges.join(', ')}: Firestore refuses it`,
    );
  }
  const fieldsInOrder = new Set([...s.ranges, ...orders.map((o) => o.field)]);
  if (ordered.length === 0 || (s.equalities.length === 0 && fieldsInOrder.size === 1)) return null;
  return {
    collectionGroup: s.collection,
    queryScope: 'COLLECTION',
    fields: [
      ...s.equalities.map((fieldPath): IndexField => ({ fieldPath, order: 'ASCENDING' })),
      ...ordered.map((o): IndexField => ({ fieldPath: o.field, order: o.direction === 'asc' ? 'ASCENDING' : 'DESCENDING' })),
    ],
  };
}

/** Whether a declared index serves the needed one: the same equality fields in any order, then the same order fields and directions. */
export function indexServes(declared: CompositeIndex, needed: CompositeIndex, equalityCount: number): boolean {
  if (declared.collectionGroup !== needed.collectionGroup || declared.queryScope !== needed.queryScope) return false;
  const fields = declared.fields.filter((f) => f.fieldPath !== DOCUMENT_ID);
  if (fields.length !== needed.fields.length) return false;
  const key = (f: IndexField) => `${f.fieldPath} ${f.order}`;
  const equalities = (list: IndexField[]) =>
    list
      .slice(0, equalityCount)
      .map((f) => f.fieldPath)
      .sort()
      .join();
  return (
    equalities(fields) === equalities(needed.fields) &&
    fields.slice(equalityCount).map(key).join() === needed.fields.slice(equalityCount).map(key).join()
  );
}
