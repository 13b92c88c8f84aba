/**
 * Merging and deleting agencies and therapists in Firestore. One transaction reads what names
 * the record (its visits, rates, invoices, receipts, links, payments...) and writes only when
 * nothing blocks it. A close or a pay run in flight (its lock doc held) blocks it: their
 * claims span many transactions. A merge of more visits than a commit holds moves them first,
 * a transaction per slice that checks each visit again; the last transaction then finds no
 * visit left, or answers `changed` (the caller reads what is left and merges again).
 * A close or pay run planned on the visits before the merge does not bill or pay them under
 * the merged record: it checks each visit still names the agency (close) or therapist (pay run) its plan read
 * (operation.ts), and the merge bumps their locks' versions so that check is made again if
 * the merge lands between it and the reservation.
 */
import type { DocumentSnapshot, Firestore, Transaction } from 'firebase-admin/firestore';
import type { Agency, BillRate, PayRate } from '../../../../shared/index.ts';
import {
  deleteBlockers,
  NOTHING_ATTACHED,
  planMerge,
  type Attached,
  type DeleteOutcome,
  type DirectoryMergeStore,
  type MergeOutcome,
  type MovedVisit,
} from '../directory-merge-port.ts';
import { SETTLED_OUTSIDE, type PortalLinkRecord, type StoredTherapist, type StoredVisit } from '../port.ts';
import type { TherapistLinkRecord } from '../therapist-port.ts';
import { applyWrite, recordOf, slicesOf, toData, WRITES_PER_COMMIT } from './documents.ts';
import { docId, orgPaths, type OrgPaths } from './paths.ts';
import { dupKeyWrites } from './visits.ts';

type Kind = 'agency' | 'therapist';
const FIELD = { agency: 'agencyId', therapist: 'therapistId' } as const;

export const billRateDocId = (r: BillRate) => docId(r.agencyId, r.discipline, r.visitType, r.effectiveFrom);
export const payRateDocId = (r: PayRate) => docId(r.therapistId, r.agencyId ?? '', r.discipline, r.visitType, r.effectiveFrom);

/** A moved visit takes up to three writes: itself, and its id moved from one duplicate key's lookup doc to another (visits.ts). */
const VISITS_PER_COMMIT = Math.floor(WRITES_PER_COMMIT / 3);
/** Room in the last transaction for the rates, the kept record and the merged one. */
const VISITS_IN_LAST_COMMIT = VISITS_PER_COMMIT - 50;

const claimedHere = (claim: string | null) => claim !== null && claim !== SETTLED_OUTSIDE;

export function firestoreDirectoryMerge(db: Firestore): DirectoryMergeStore {
  const collection = (paths: OrgPaths, kind: Kind) => (kind === 'agency' ? paths.agencies : paths.therapists);

  async function busy(tx: Transaction, paths: OrgPaths): Promise<boolean> {
    const locks = await tx.getAll(paths.invoiceCounter, paths.payRunLock);
    return locks.some((l) => (l.get('busyWith') ?? null) !== null);
  }

  /**
   * Moving visits bumps the close's and the pay run's lock versions: one that checked its
   * visits before this transaction then finds the version changed at its reservation, and
   * checks them again (operation.ts), finding them moved.
   */
  async function fenceOperations(tx: Transaction, paths: OrgPaths): Promise<void> {
    const locks = (await tx.getAll(paths.invoiceCounter, paths.payRunLock)) as DocumentSnapshot[];
    for (const lock of locks) tx.set(lock.ref, { version: Number(lock.get('version') ?? 0) + 1 }, { merge: true });
  }

  async function ratesOf(tx: Transaction, paths: OrgPaths, kind: Kind, id: string) {
    const [bill, pay] = await Promise.all([
      kind === 'agency' ? tx.get(paths.billRates.where('agencyId', '==', id)) : null,
      tx.get(paths.payRates.where(FIELD[kind], '==', id)),
    ]);
    return {
      billRates: bill ? bill.docs.flatMap((d) => recordOf<BillRate>(d) ?? []) : [],
      payRates: pay.docs.flatMap((d) => recordOf<PayRate>(d) ?? []),
    };
  }

  /** What names the record, and its visits' duplicate keys (a merge moves them between lookup docs). */
  async function attached(
    tx: Transaction,
    paths: OrgPaths,
    kind: Kind,
    record: DocumentSnapshot,
  ): Promise<Attached & { dupKeyOf: Map<string, string> }> {
    const id = record.get('id') as string;
    const count = async (name: string, field: string, live?: (doc: DocumentSnapshot) => boolean) =>
      (await tx.get(paths.org.collection(name).where(field, '==', id))).docs.filter((d) => live?.(d) ?? true).length;
    const isLive = (d: DocumentSnapshot) => !recordOf<PortalLinkRecord | TherapistLinkRecord>(d)?.revokedAt;
    const stored = (await tx.get(paths.visits.where(FIELD[kind], '==', id))).docs.flatMap((d) => recordOf<StoredVisit>(d) ?? []);
    const visits = stored.map((v) => ({ id: v.id, billed: claimedHere(v.invoiceId), paid: claimedHere(v.payRunId) }));
    const shared = {
      ...NOTHING_ATTACHED,
      visits,
      dupKeyOf: new Map(stored.map((v) => [v.id, v.dupKey])),
      busy: await busy(tx, paths),
      ...(await ratesOf(tx, paths, kind, id)),
    };
    if (kind === 'agency') {
      return {
        ...shared,
        invoices: await count('invoices', 'agencyId'),
        receipts: await count('receivables', 'agencyId'),
        portalLinks: await count('portalLinks', 'agencyId', isLive),
      };
    }
    return {
      ...shared,
      payments: await count('payments', 'therapistId'),
      therapistLinks: await count('therapistLinks', 'therapistId', isLive),
      stripeAccount: (await tx.get(paths.org.collection('stripeAccounts').doc(docId(id)))).exists,
      w9: record.get('w9') !== undefined || (await count('w9Submissions', 'therapistId')) > 0,
    };
  }

  /** Moves visits ahead of the last transaction, a slice at a time; false when one is not the merged record's unclaimed visit any more. */
  async function moveAhead(paths: OrgPaths, kind: Kind, fromId: string, intoId: string, moves: readonly MovedVisit[]): Promise<boolean> {
    for (const slice of slicesOf(moves, VISITS_PER_COMMIT)) {
      const moved = await db.runTransaction(async (tx) => {
        if (await busy(tx, paths)) return false;
        const current = await tx.getAll(...slice.map((m) => paths.visit(m.id)));
        const visits = current.map((s) => recordOf<StoredVisit>(s as DocumentSnapshot));
        if (visits.some((v) => !v || v[FIELD[kind]] !== fromId || claimedHere(v.invoiceId) || claimedHere(v.payRunId))) return false;
        await fenceOperations(tx, paths);
        slice.forEach((m) => {
          tx.update(paths.visit(m.id), { [FIELD[kind]]: intoId, dupKey: m.dupKey });
        });
        const keyMoves = slice.map((m, i) => ({ id: m.id, from: visits[i]!.dupKey, to: m.dupKey }));
        for (const write of dupKeyWrites(paths, keyMoves)) applyWrite(tx, write);
        return true;
      });
      if (!moved) return false;
    }
    return true;
  }

  async function merge(orgId: string, kind: Kind, fromId: string, into: Agency | StoredTherapist, moves: readonly MovedVisit[]) {
    const paths = orgPaths(db, orgId);
    const col = collection(paths, kind);
    /** Reads both records and plans the merge of `visits`; `write` then writes it in the same transaction. */
    const planned = async (tx: Transaction, visits: readonly MovedVisit[]) => {
      const [from, kept] = (await tx.getAll(col.doc(docId(fromId)), col.doc(docId(into.id)))) as DocumentSnapshot[];
      for (const [snapshot, id] of [
        [from, fromId],
        [kept, into.id],
      ] as const)
        if (!snapshot!.exists) return { outcome: { status: 'missing', id } as MergeOutcome };
      const fromRecords = await attached(tx, paths, kind, from!);
      return { fromRecords, plan: planMerge(kind, into.id, visits, fromRecords, await ratesOf(tx, paths, kind, into.id)) };
    };
    let last = moves;
    if (moves.length > VISITS_IN_LAST_COMMIT) {
      // Checked whole first: visits moved ahead of a merge that is then refused would stay moved.
      const check = await db.runTransaction((tx) => planned(tx, moves));
      if (check.outcome) return check.outcome;
      if (check.plan.status !== 'go') return check.plan;
      if (!(await moveAhead(paths, kind, fromId, into.id, moves.slice(VISITS_IN_LAST_COMMIT)))) return { status: 'changed' } as const;
      last = moves.slice(0, VISITS_IN_LAST_COMMIT);
    }
    return db.runTransaction(async (tx): Promise<MergeOutcome> => {
      const { outcome, fromRecords, plan } = await planned(tx, last);
      if (outcome) return outcome;
      if (plan.status !== 'go') return plan;
      await fenceOperations(tx, paths);
      for (const r of fromRecords.billRates) tx.delete(paths.billRates.doc(billRateDocId(r)));
      for (const r of fromRecords.payRates) tx.delete(paths.payRates.doc(payRateDocId(r)));
      for (const r of plan.billRates) tx.set(paths.billRates.doc(billRateDocId(r)), toData(r));
      for (const r of plan.payRates) tx.set(paths.payRates.doc(payRateDocId(r)), toData(r));
      for (const m of last) tx.update(paths.visit(m.id), { [FIELD[kind]]: into.id, dupKey: m.dupKey });
      const keyMoves = last.map((m) => ({ id: m.id, from: fromRecords.dupKeyOf.get(m.id), to: m.dupKey }));
      for (const write of dupKeyWrites(paths, keyMoves)) applyWrite(tx, write);
      tx.set(col.doc(docId(into.id)), toData(into));
      tx.delete(col.doc(docId(fromId)));
      return { status: 'merged', visits: moves.length, billRates: plan.billRates.length, payRates: plan.payRates.length };
    });
  }

  async function remove(orgId: string, kind: Kind, id: string): Promise<DeleteOutcome> {
    const paths = orgPaths(db, orgId);
    const ref = collection(paths, kind).doc(docId(id));
    return db.runTransaction(async (tx): Promise<DeleteOutcome> => {
      const record = await tx.get(ref);
      if (!record.exists) return { status: 'missing', id };
      const blockers = deleteBlockers(await attached(tx, paths, kind, record));
      if (blockers.length) return { status: 'blocked', blockers };
      tx.delete(ref);
      return { status: 'deleted' };
    });
  }

  return {
    mergeAgency: (orgId, m) => merge(orgId, 'agency', m.fromId, m.into, m.moves),
    mergeTherapist: (orgId, m) => merge(orgId, 'therapist', m.fromId, m.into, m.moves),
    deleteAgency: (orgId, id) => remove(orgId, 'agency', id),
    deleteTherapist: (orgId, id) => remove(orgId, 'therapist', id),
  };
}
