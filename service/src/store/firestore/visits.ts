/**
 * Visits: one doc per visit, `visits/{id}`, with the StoredVisit fields as they are (so
 * `invoiceId` and `payRunId` are queryable, and null while unclaimed).
 */
import type { DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import {
  SETTLED_OUTSIDE,
  type ListPage,
  type VisitResealing,
  type StoredVisit,
  type UpsertVisitsOutcome,
  type VisitQuery,
  type VisitSortKey,
} from '../port.ts';
import { compareStrings, getMany, mapLimit, recordOf, slicesOf, toData, WRITES_PER_COMMIT } from './documents.ts';
import { scanPage } from './paging.ts';
import { buildQuery, FIRESTORE_QUERIES } from './queries.ts';
import { docId, type OrgPaths } from './paths.ts';

const visitsOf = (snapshots: readonly DocumentSnapshot[]) => snapshots.flatMap((s) => recordOf<StoredVisit>(s) ?? []);

/** Firestore's `in` takes at most 30 values. */
const IN_VALUES = 30;

async function whereIn(paths: OrgPaths, field: 'clientId' | 'dupKey', values: readonly string[]): Promise<StoredVisit[]> {
  const slices = slicesOf([...new Set(values)], IN_VALUES);
  const results = await mapLimit(
    slices,
    8,
    async (slice) => (await buildQuery(FIRESTORE_QUERIES.visitsByFields, paths.visits, { equal: { [field]: slice } }).get()).docs,
  );
  return visitsOf(results.flat());
}

export const getVisitsByClientId = (paths: OrgPaths, clientIds: readonly string[]) => whereIn(paths, 'clientId', clientIds);
export const findVisitsByDupKey = (paths: OrgPaths, dupKeys: readonly string[]) => whereIn(paths, 'dupKey', dupKeys);

export async function getVisits(db: Firestore, paths: OrgPaths, ids: readonly string[]): Promise<StoredVisit[]> {
  return visitsOf(await getMany(db, [...new Set(ids)].map(paths.visit)));
}

/**
 * Inserts or replaces visits, a transaction per slice of WRITES_PER_COMMIT that reads the
 * current docs first: a billed visit (or one whose clientId differs) is left as it is and
 * reported locked; a replaced visit keeps its receivedAt and pay run. Slices commit on their
 * own: a failure part way leaves earlier slices written, and a retry is harmless.
 */
export async function upsertVisits(db: Firestore, paths: OrgPaths, visits: readonly StoredVisit[]): Promise<UpsertVisitsOutcome> {
  const latest = new Map(visits.map((v) => [v.id, v])); // a repeated id: its last version wins
  const outcomes = await mapLimit(slicesOf([...latest.values()], WRITES_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await tx.getAll(...slice.map((v) => paths.visit(v.id)));
      const locked = new Set<string>();
      slice.forEach((visit, i) => {
        const existing = recordOf<StoredVisit>(current[i] as DocumentSnapshot);
        if (existing && (existing.invoiceId !== null || existing.clientId !== visit.clientId)) {
          locked.add(visit.id);
          return;
        }
        tx.set(
          paths.visit(visit.id),
          toData({
            ...visit,
            receivedAt: existing?.receivedAt ?? visit.receivedAt,
            invoiceId: null,
            payRunId: existing?.payRunId ?? null,
          }),
        );
      });
      return locked;
    }),
  );
  const locked = new Set(outcomes.flatMap((s) => [...s]));
  return {
    written: visits.map((v) => v.id).filter((id) => !locked.has(id)),
    locked: visits.map((v) => v.id).filter((id) => locked.has(id)),
  };
}

/** Replaces the sealed patient and the duplicate key of visits that still exist, a transaction per slice; nothing else changes. */
export async function resealVisits(db: Firestore, paths: OrgPaths, visits: readonly VisitResealing[]): Promise<void> {
  await mapLimit(slicesOf(visits, WRITES_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await tx.getAll(...slice.map((v) => paths.visit(v.id)));
      slice.forEach((v, i) => {
        if (current[i]?.exists) tx.update(paths.visit(v.id), { patient: v.patient, dupKey: v.dupKey });
      });
    }),
  );
}

/**
 * Marks visits billed and paid outside VisitLedger, a transaction per slice that reads the
 * current docs first: a visit billed or paid here (a close meanwhile included) is left as it is.
 */
export async function markSettledOutside(db: Firestore, paths: OrgPaths, visitIds: readonly string[]): Promise<void> {
  await mapLimit(slicesOf([...new Set(visitIds)], WRITES_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await tx.getAll(...slice.map((id) => paths.visit(id)));
      for (const snapshot of current) {
        const visit = recordOf<StoredVisit>(snapshot as DocumentSnapshot);
        if (!visit || visit.invoiceId !== null || visit.payRunId !== null) continue;
        tx.update(snapshot.ref, { invoiceId: SETTLED_OUTSIDE, payRunId: SETTLED_OUTSIDE });
      }
    }),
  );
}

/**
 * Deletes the visits neither billed nor paid, a transaction per slice that reads the current
 * docs first; a billed or paid one is left as it is and reported locked. A close that planned
 * a deleted visit finds it missing when it claims (operation.ts) and rolls back.
 */
export async function withdrawVisits(
  db: Firestore,
  paths: OrgPaths,
  visitIds: readonly string[],
): Promise<{ withdrawn: string[]; locked: string[] }> {
  const outcomes = await mapLimit(slicesOf([...new Set(visitIds)], WRITES_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await tx.getAll(...slice.map((id) => paths.visit(id)));
      const withdrawn: string[] = [];
      const locked: string[] = [];
      for (const snapshot of current) {
        const visit = recordOf<StoredVisit>(snapshot as DocumentSnapshot);
        if (!visit) continue;
        if (visit.invoiceId !== null || visit.payRunId !== null) locked.push(visit.id);
        else {
          tx.delete(snapshot.ref);
          withdrawn.push(visit.id);
        }
      }
      return { withdrawn, locked };
    }),
  );
  return { withdrawn: outcomes.flatMap((o) => o.withdrawn), locked: outcomes.flatMap((o) => o.locked) };
}

/**
 * Equality filters go to Firestore (single-field indexes serve any mix of them); the date
 * range goes too when it is the only filter. Everything else is filtered here, so the
 * adapter needs no composite index.
 */
export async function listVisits(paths: OrgPaths, query: VisitQuery): Promise<StoredVisit[]> {
  const equal = {
    agencyId: query.agencyId,
    therapistId: query.therapistId,
    invoiceId: query.billed === false ? null : undefined,
    payRunId: query.paid === false ? null : undefined,
  };
  const q = Object.values(equal).some((v) => v !== undefined)
    ? buildQuery(FIRESTORE_QUERIES.visitsByFields, paths.visits, { equal })
    : buildQuery(FIRESTORE_QUERIES.visitsByDate, paths.visits, { range: { date: { from: query.dateFrom, to: query.dateTo } } });
  return visitsOf((await q.get()).docs)
    .filter((v) => visitMatches(v, query))
    .sort((a, b) => compareStrings(a.date, b.date) || compareStrings(a.id, b.id));
}

const visitMatches = (v: StoredVisit, query: VisitQuery) =>
  (query.agencyId === undefined || v.agencyId === query.agencyId) &&
  (query.therapistId === undefined || v.therapistId === query.therapistId) &&
  (query.dateFrom === undefined || v.date >= query.dateFrom) &&
  (query.dateTo === undefined || v.date <= query.dateTo) &&
  (query.billed === undefined || (v.invoiceId !== null) === query.billed) &&
  (query.paid === undefined || (v.payRunId !== null) === query.paid);

/** A page by date, then document id (the visit's id: docId changes only ids with %, / or | or a leading . or _). */
export async function listVisitPage(paths: OrgPaths, query: VisitQuery, page: ListPage<VisitSortKey>): Promise<StoredVisit[]> {
  const q = buildQuery(FIRESTORE_QUERIES.visitPage, paths.visits, { range: { date: { from: query.dateFrom, to: query.dateTo } } });
  const start = page.after ? [page.after[0], docId(page.after[1])] : undefined;
  return scanPage(q, start, page.limit, (docs) => visitsOf(docs).filter((v) => visitMatches(v, query)));
}
