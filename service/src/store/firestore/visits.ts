/**
 * Visits: one doc per visit, `visits/{id}`, with the StoredVisit fields as they are (so
 * `invoiceId` and `payRunId` are queryable, and null while unclaimed).
 *
 * Two lookups let a batch find visits by client id and by duplicate key with batched reads of
 * known documents (getAll) instead of queries: `visitClients/{hash of the client id}` holds the
 * visit's id, `visitDupKeys/{dupKey}` the ids of the visits with that key. They are written in the same
 * transaction as the visits they describe, so they change together. Readers still check each
 * visit they lead to (it exists, its client id or key is the one asked for), so an entry that
 * outlived its visit only costs a read.
 *
 * An org stored before the lookups existed has none: the first lookup of such an org builds
 * them from its visits (buildLookups), then writes `counters/visitLookups`; deleting that doc
 * has the next lookup build them again (for visits a previous version of the service wrote
 * while this one was rolling out).
 */
import { FieldValue, type DocumentReference, type DocumentSnapshot, type Firestore, type Transaction } from 'firebase-admin/firestore';
import {
  SETTLED_OUTSIDE,
  type ListPage,
  type VisitResealing,
  type StoredVisit,
  type UpsertVisitsOutcome,
  type VisitQuery,
  type VisitSortKey,
} from '../port.ts';
import { applyWrite, compareStrings, getMany, mapLimit, recordOf, slicesOf, toData, type Write, WRITES_PER_COMMIT } from './documents.ts';
import { scanPage } from './paging.ts';
import { buildQuery, FIRESTORE_QUERIES } from './queries.ts';
import { docId, type OrgPaths } from './paths.ts';

const visitsOf = (snapshots: readonly DocumentSnapshot[]) => snapshots.flatMap((s) => recordOf<StoredVisit>(s) ?? []);

/** A written visit takes up to four writes: itself, its client id's entry, and its id added to one key and removed from another. */
const VISITS_PER_COMMIT = Math.floor(WRITES_PER_COMMIT / 4);
/** Visits read at a time while building an org's lookups. */
const VISITS_PER_BUILD_PAGE = 1000;

const unique = <T>(items: Iterable<T>) => [...new Set(items)];

export async function getVisits(db: Firestore, paths: OrgPaths, ids: readonly string[]): Promise<StoredVisit[]> {
  return visitsOf(await getMany(db, unique(ids).map(paths.visit)));
}

/** The lookup docs, after building the org's lookups if it has none yet (the check rides on the same read). */
async function readLookups(db: Firestore, paths: OrgPaths, refs: readonly DocumentReference[]): Promise<DocumentSnapshot[]> {
  const [built, ...snapshots] = await getMany(db, [paths.visitLookups, ...refs]);
  if (built?.exists) return snapshots;
  await buildLookups(db, paths);
  return getMany(db, refs);
}

export async function getVisitsByClientId(db: Firestore, paths: OrgPaths, clientIds: readonly string[]): Promise<StoredVisit[]> {
  const wanted = unique(clientIds);
  const entries = await readLookups(db, paths, wanted.map(paths.visitClient));
  const visitIdOf = new Map(wanted.flatMap((clientId, i) => (entries[i]?.exists ? [[clientId, String(entries[i].get('visitId'))]] : [])));
  const visits = new Map((await getVisits(db, paths, [...visitIdOf.values()])).map((v) => [v.id, v]));
  return [...visitIdOf].flatMap(([clientId, id]) => {
    const visit = visits.get(id);
    return visit?.clientId === clientId ? [visit] : [];
  });
}

export async function findVisitsByDupKey(
  db: Firestore,
  paths: OrgPaths,
  dupKeys: readonly string[],
): Promise<{ id: string; dupKey: string }[]> {
  const wanted = unique(dupKeys);
  const entries = await readLookups(db, paths, wanted.map(paths.visitDupKey));
  const ids = unique(entries.flatMap((e) => (e.get('visitIds') as string[] | undefined) ?? []));
  const keyed = await getMany(db, ids.map(paths.visit), { fieldMask: ['dupKey'] });
  const keys = new Set(wanted);
  return keyed.flatMap((s, i) => {
    const dupKey = s.get('dupKey') as string | undefined;
    return s.exists && dupKey !== undefined && keys.has(dupKey) ? [{ id: ids[i] as string, dupKey }] : [];
  });
}

/** A visit's move between duplicate keys: `from` the key it had (none when new), `to` the key it has (none when deleted). */
export type KeyMove = { id: string; from?: string; to?: string };

/** The writes that move visits between duplicate keys: one arrayUnion and one arrayRemove at most per key doc. */
export function dupKeyWrites(paths: OrgPaths, moves: readonly KeyMove[]): Write[] {
  const added = new Map<string, string[]>();
  const removed = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, id: string) => map.set(key, [...(map.get(key) ?? []), id]);
  for (const { id, from, to } of moves) {
    if (from === to) continue;
    if (from !== undefined) add(removed, from, id);
    if (to !== undefined) add(added, to, id);
  }
  return [
    ...[...removed].map(
      ([key, ids]): Write => ({ op: 'merge', ref: paths.visitDupKey(key), data: { visitIds: FieldValue.arrayRemove(...ids) } }),
    ),
    ...[...added].map(
      ([key, ids]): Write => ({ op: 'merge', ref: paths.visitDupKey(key), data: { visitIds: FieldValue.arrayUnion(...ids) } }),
    ),
  ];
}

const clientEntry = (paths: OrgPaths, visit: { id: string; clientId: string }): Write => ({
  op: 'set',
  ref: paths.visitClient(visit.clientId),
  data: { visitId: visit.id },
});

/**
 * Builds the org's lookups from its visits, a page at a time, each slice of a page in a
 * transaction that reads the visits again (one changed or deleted meanwhile is taken as it is
 * now) and their client id entries (one already there is left: a visit written since made it).
 * Safe to run twice at once.
 */
async function buildLookups(db: Firestore, paths: OrgPaths): Promise<void> {
  const ordered = buildQuery(FIRESTORE_QUERIES.visitsById, paths.visits).select().limit(VISITS_PER_BUILD_PAGE);
  for (let page = await ordered.get(); ; page = await ordered.startAfter(page.docs.at(-1)!).get()) {
    await mapLimit(
      slicesOf(
        page.docs.map((d) => d.ref),
        VISITS_PER_COMMIT,
      ),
      4,
      (refs) =>
        db.runTransaction(async (tx) => {
          const visits = visitsOf(await tx.getAll(...refs));
          const entries = visits.length > 0 ? await tx.getAll(...visits.map((v) => paths.visitClient(v.clientId))) : [];
          const writes = [
            ...visits.filter((_, i) => !entries[i]?.exists).map((v) => clientEntry(paths, v)),
            ...dupKeyWrites(
              paths,
              visits.map((v) => ({ id: v.id, to: v.dupKey })),
            ),
          ];
          for (const write of writes) applyWrite(tx, write);
        }),
    );
    if (page.docs.length < VISITS_PER_BUILD_PAGE) break;
  }
  await paths.visitLookups.set({ builtBy: 'visits.ts' });
}

/** Reads the slice's visits in the transaction, in the order of `ids`. */
const currentVisits = async (tx: Transaction, paths: OrgPaths, ids: readonly string[]) =>
  (await tx.getAll(...ids.map(paths.visit))).map((s) => recordOf<StoredVisit>(s as DocumentSnapshot));

/**
 * Inserts or replaces visits, a transaction per slice that reads the current docs first: a
 * billed visit (or one whose clientId differs) is left as it is and reported locked; a
 * replaced visit keeps its receivedAt and pay run. A new visit writes its lookup entries too, a
 * replaced one moves its key's entry when the key changed. Slices commit on their own: a failure part way leaves earlier slices written, and a
 * retry is harmless.
 */
export async function upsertVisits(db: Firestore, paths: OrgPaths, visits: readonly StoredVisit[]): Promise<UpsertVisitsOutcome> {
  const latest = new Map(visits.map((v) => [v.id, v])); // a repeated id: its last version wins
  const outcomes = await mapLimit(slicesOf([...latest.values()], VISITS_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await currentVisits(
        tx,
        paths,
        slice.map((v) => v.id),
      );
      const locked = new Set<string>();
      const writes: Write[] = [];
      const moves: KeyMove[] = [];
      slice.forEach((visit, i) => {
        const existing = current[i];
        if (existing && (existing.invoiceId !== null || existing.clientId !== visit.clientId)) {
          locked.add(visit.id);
          return;
        }
        const data = toData({
          ...visit,
          receivedAt: existing?.receivedAt ?? visit.receivedAt,
          invoiceId: null,
          payRunId: existing?.payRunId ?? null,
        });
        writes.push({ op: 'set', ref: paths.visit(visit.id), data });
        // A visit replaced keeps its client id, so its entry stands; its key's entry moves only when the key changed.
        if (!existing) writes.push(clientEntry(paths, visit));
        if (!existing || existing.dupKey !== visit.dupKey) moves.push({ id: visit.id, from: existing?.dupKey, to: visit.dupKey });
      });
      for (const write of [...writes, ...dupKeyWrites(paths, moves)]) applyWrite(tx, write);
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
  await mapLimit(slicesOf(visits, VISITS_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = await currentVisits(
        tx,
        paths,
        slice.map((v) => v.id),
      );
      const moves: KeyMove[] = [];
      slice.forEach((v, i) => {
        const existing = current[i];
        if (!existing) return;
        tx.update(paths.visit(v.id), { patient: v.patient, dupKey: v.dupKey });
        moves.push({ id: v.id, from: existing.dupKey, to: v.dupKey });
      });
      for (const write of dupKeyWrites(paths, moves)) applyWrite(tx, write);
    }),
  );
}

/**
 * Marks visits billed and paid outside VisitLedger, a transaction per slice that reads the
 * current docs first: a visit billed or paid here (a close meanwhile included) is left as it is.
 */
export async function markSettledOutside(db: Firestore, paths: OrgPaths, visitIds: readonly string[]): Promise<void> {
  await mapLimit(slicesOf(unique(visitIds), WRITES_PER_COMMIT), 4, (slice) =>
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
 * Deletes the visits neither billed nor paid, with their lookup entries, a transaction per
 * slice that reads the current docs first; a billed or paid one is left as it is and reported
 * locked. A close that planned a deleted visit finds it missing when it claims (operation.ts)
 * and rolls back.
 */
export async function withdrawVisits(
  db: Firestore,
  paths: OrgPaths,
  visitIds: readonly string[],
): Promise<{ withdrawn: string[]; locked: string[] }> {
  const outcomes = await mapLimit(slicesOf(unique(visitIds), VISITS_PER_COMMIT), 4, (slice) =>
    db.runTransaction(async (tx) => {
      const current = (await currentVisits(tx, paths, slice)).filter((v) => v !== null);
      const deleted = current.filter((v) => v.invoiceId === null && v.payRunId === null);
      // A client id's entry goes with its visit only while it names that visit.
      const entries = deleted.length > 0 ? await tx.getAll(...deleted.map((v) => paths.visitClient(v.clientId))) : [];
      deleted.forEach((visit, i) => {
        tx.delete(paths.visit(visit.id));
        if (entries[i]?.get('visitId') === visit.id) tx.delete(paths.visitClient(visit.clientId));
      });
      for (const write of dupKeyWrites(
        paths,
        deleted.map((v) => ({ id: v.id, from: v.dupKey })),
      ))
        applyWrite(tx, write);
      return { withdrawn: deleted.map((v) => v.id), locked: current.filter((v) => !deleted.includes(v)).map((v) => v.id) };
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
