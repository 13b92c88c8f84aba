/**
 * The Firestore store: the scale-out adapter of the Store port (port.ts), for the service on
 * Cloud Run. Layout: `orgs/{orgId}` holds the org record, and every other record of the org
 * sits in a subcollection under it (paths.ts): agencies, therapists, billRates, payRates,
 * visits (+ the visitClients and visitDupKeys lookups, visits.ts), cycles, invoices (+ lineChunks),
 * creditNotes, payRuns (+ lineChunks), payments, audit, counters, and plans (closes and pay runs
 * staged before they start).
 *
 * Records are stored as their own fields, plain JSON (undefined dropped); fields whose name
 * starts with '_' are the adapter's bookkeeping and never reach a caller.
 *
 * Firestore's limits shape the code: at most 500 writes per commit (everything is sliced),
 * 1 MiB per document (invoice and pay run lines go in chunk docs), and transactions that the
 * SDK retries (transaction bodies only read and write through the transaction). Closing a
 * cycle and creating a pay run are resumable operations (operation.ts); the rest is one
 * transaction, a create() that fails when the id is taken, or plain idempotent batches.
 */
import type { Firestore, Query } from 'firebase-admin/firestore';
import type { Agency, BillRate, CreditNote, PayRate, Payment } from '../../../../shared/index.ts';
import type {
  AuditEntry,
  CloseOutcome,
  CycleRecord,
  BillingVisit,
  DocumentStore,
  IdentityStore,
  KeyMaintenanceStore,
  PortalStore,
  OrgRecord,
  PaymentQuery,
  Store,
  StoredTherapist,
  StoredVisit,
} from '../port.ts';
import { firestorePortal } from './portal.ts';
import { buildQuery, FIRESTORE_QUERIES } from './queries.ts';
import { firestorePayouts } from './payouts.ts';
import { firestoreSubscriptions } from './subscriptions.ts';
import { firestoreTherapistLinks } from './therapist-links.ts';
import { firestoreReceivables } from './receipts.ts';
import { billRateDocId, firestoreDirectoryMerge, payRateDocId } from './directory-merge.ts';
import { firestoreCheckout } from './checkout.ts';
import type { PayoutStore } from '../payouts-port.ts';
import { firestoreIdentity } from './identity.ts';
import { firestoreDocuments } from './issued-documents.ts';
import { firestoreKeyMaintenance } from './key-maintenance.ts';
import { commitInBatches, compareStrings, createOnce, recordOf, toData, type Write } from './documents.ts';
import { commitClose, listInvoicePage, listInvoices, readCycle, readInvoice, voidInvoice } from './invoices.ts';
import type { OperationContext, StepEvent } from './operation.ts';
import { scanPage } from './paging.ts';
import { docId, orgPaths } from './paths.ts';
import { commitPayRun, listPayRuns, readPayRun, setPayRunStatus } from './pay-runs.ts';
import {
  findVisitsByDupKey,
  getVisits,
  getVisitsByClientId,
  listVisitPage,
  listVisits,
  markSettledOutside,
  resealVisits,
  upsertVisits,
  withdrawVisits,
} from './visits.ts';

export type { StepEvent } from './operation.ts';

export type FirestoreStoreOptions = {
  /**
   * How long a close or pay run runner holds its operation between renewals. After a crash,
   * the next call for that cycle (or the org's next close) waits this long, then completes it.
   */
  leaseMs?: number;
  /** How often a call waiting on another runner's operation looks again. */
  pollMs?: number;
  /** For tests only: called after each step of a close or pay run; throwing simulates a crash there. */
  afterStep?: (event: StepEvent) => void | Promise<void>;
};

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_MS = 100;

/**
 * `db` comes from firebase-admin (`getFirestore(app)`, see open.ts) or from
 * @google-cloud/firestore directly: firebase-admin re-exports that SDK's classes.
 */
export function openFirestoreStore(
  db: Firestore,
  options: FirestoreStoreOptions = {},
): Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore {
  const ctx: OperationContext = {
    db,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    pollMs: options.pollMs ?? DEFAULT_POLL_MS,
    afterStep: options.afterStep,
  };
  const at = (orgId: string) => orgPaths(db, orgId);
  const records = async <T>(q: Query) => (await q.get()).docs.flatMap((s) => recordOf<T>(s) ?? []);
  const putAll = (writes: Write[]) => commitInBatches(db, writes);

  const store: Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore = {
    kind: 'firestore',
    ...firestoreKeyMaintenance(db),
    resealVisits: (orgId, visits) => resealVisits(db, at(orgId), visits),
    ...firestoreIdentity(db),
    ...firestoreDocuments(db),
    ...firestorePortal(db),
    ...firestorePayouts(db),
    ...firestoreSubscriptions(db),
    ...firestoreTherapistLinks(db),
    ...firestoreReceivables(db),
    ...firestoreDirectoryMerge(db),
    ...firestoreCheckout(db),
    async close() {
      await db.terminate();
    },

    async insertOrg(org) {
      return (await createOnce(at(org.id).org, toData(org))) ? 'created' : 'exists';
    },
    async getOrg(orgId) {
      return recordOf<OrgRecord>(await at(orgId).org.get());
    },
    async updateOrg(org) {
      const ref = at(org.id).org;
      await db.runTransaction(async (tx) => {
        if ((await tx.get(ref)).exists) tx.set(ref, toData(org));
      });
    },

    // Inputs edited in the sheet: idempotent upserts by key, committed in batches of up to 450.
    async putAgencies(orgId, agencies) {
      const { agencies: col } = at(orgId);
      await putAll(agencies.map((a) => ({ op: 'set', ref: col.doc(docId(a.id)), data: toData(a) })));
    },
    async listAgencies(orgId) {
      return (await records<Agency>(at(orgId).agencies)).sort((a, b) => compareStrings(a.id, b.id));
    },
    async putTherapists(orgId, therapists) {
      const { therapists: col } = at(orgId);
      await putAll(therapists.map((t) => ({ op: 'set', ref: col.doc(docId(t.id)), data: toData(t) })));
    },
    async listTherapists(orgId) {
      return (await records<StoredTherapist>(at(orgId).therapists)).sort((a, b) => compareStrings(a.id, b.id));
    },

    async putBillRates(orgId, rates) {
      const { billRates: col } = at(orgId);
      await putAll(rates.map((r) => ({ op: 'set', ref: col.doc(billRateDocId(r)), data: toData(r) })));
    },
    async listBillRates(orgId) {
      const key = (r: BillRate) => [r.agencyId, r.discipline, r.visitType, r.effectiveFrom];
      return (await records<BillRate>(at(orgId).billRates)).sort((a, b) => compareKeys(key(a), key(b)));
    },
    async putPayRates(orgId, rates) {
      const { payRates: col } = at(orgId);
      await putAll(
        rates.map((r) => ({
          op: 'set',
          ref: col.doc(payRateDocId(r)),
          data: toData(r),
        })),
      );
    },
    async listPayRates(orgId) {
      const key = (r: PayRate) => [r.therapistId, r.agencyId ?? '', r.discipline, r.visitType, r.effectiveFrom];
      return (await records<PayRate>(at(orgId).payRates)).sort((a, b) => compareKeys(key(a), key(b)));
    },

    getVisitsByClientId: (orgId, clientIds) => getVisitsByClientId(db, at(orgId), clientIds),
    getVisits: (orgId, ids) => getVisits(db, at(orgId), ids),
    findVisitsByDupKey: (orgId, dupKeys) => findVisitsByDupKey(db, at(orgId), dupKeys),
    upsertVisits: (orgId, visits) => upsertVisits(db, at(orgId), visits),
    markSettledOutside: (orgId, visitIds) => markSettledOutside(db, at(orgId), visitIds),
    withdrawVisits: (orgId, visitIds) => withdrawVisits(db, at(orgId), visitIds),
    listVisits: (orgId, query, page) => (page ? listVisitPage(at(orgId), query, page) : listVisits(at(orgId), query)),
    listBillingVisits: async (orgId, query) => (await listVisits(at(orgId), query)).map(billingVisitOf),
    // Two equality queries (unbilled, unpaid) served by single-field indexes, merged by id.
    async listUnsettledVisits(orgId, dateTo) {
      const [unbilled, unpaid] = await Promise.all([
        listVisits(at(orgId), { billed: false, dateTo }),
        listVisits(at(orgId), { paid: false, dateTo }),
      ]);
      const byId = new Map([...unbilled, ...unpaid].map((v) => [v.id, v]));
      return [...byId.values()].map((v) => ({ ...billingVisitOf(v), billed: v.invoiceId !== null, paid: v.payRunId !== null }));
    },

    /** A cycle being closed shows as `closing`; its invoiceIds are reserved but not readable until it is closed. */
    getCycle: (orgId, cycleId) => readCycle(at(orgId), cycleId),
    async listCycles(orgId) {
      return (await records<CycleRecord>(at(orgId).cycles)).sort((a, b) => compareStrings(a.id, b.id));
    },
    commitClose: (orgId, commit) => commitClose(ctx, at(orgId), commit),
    // Each cycle is its own resumable close here: a month of closes is more than one transaction holds.
    commitCloses: async (orgId, commits) => {
      const outcomes: CloseOutcome[] = [];
      for (const commit of commits) outcomes.push(await commitClose(ctx, at(orgId), commit));
      return outcomes;
    },
    getInvoice: (orgId, invoiceId) => readInvoice(db, at(orgId), invoiceId),
    listInvoices: (orgId, query, page) => (page ? listInvoicePage(db, at(orgId), query, page) : listInvoices(db, at(orgId), query)),
    voidInvoice: (orgId, invoiceId, voided) => voidInvoice(db, at(orgId), invoiceId, voided),

    /**
     * The doc id is the note's number, so create() makes numbers unique; the transaction
     * also refuses a note id already used under another number (the SQL store's primary key).
     */
    async insertCreditNote(orgId, note) {
      const { creditNotes } = at(orgId);
      const ref = creditNotes.doc(docId(note.number));
      const created = await db.runTransaction(async (tx) => {
        const [byNumber, byId] = await Promise.all([tx.get(ref), tx.get(creditNotes.where('id', '==', note.id).limit(1))]);
        if (byNumber.exists || !byId.empty) return false;
        tx.create(ref, toData(note));
        return true;
      });
      return created ? 'created' : 'number-taken';
    },
    async listCreditNotes(orgId, invoiceId) {
      const { creditNotes } = at(orgId);
      const notes = await records<CreditNote>(invoiceId === undefined ? creditNotes : creditNotes.where('invoiceId', '==', invoiceId));
      return notes.sort((a, b) => compareStrings(a.number, b.number));
    },

    commitPayRun: (orgId, payRun) => commitPayRun(ctx, at(orgId), payRun),
    getPayRun: (orgId, payRunId) => readPayRun(db, at(orgId), payRunId),
    listPayRuns: (orgId) => listPayRuns(db, at(orgId)),
    setPayRunStatus: (orgId, payRunId, from, to, when) => setPayRunStatus(db, at(orgId), payRunId, from, to, when),

    async insertPayment(orgId, payment) {
      return (await createOnce(at(orgId).payment(payment.id), toData(payment))) ? 'created' : 'exists';
    },
    async getPayment(orgId, paymentId) {
      return recordOf<Payment>(await at(orgId).payment(paymentId).get());
    },
    async updatePayment(orgId, payment, expectedStatus) {
      const ref = at(orgId).payment(payment.id);
      return db.runTransaction(async (tx) => {
        const current = await tx.get(ref);
        if (!current.exists || current.get('status') !== expectedStatus) return false;
        tx.set(ref, toData(payment));
        return true;
      });
    },
    async listPayments(orgId, query: PaymentQuery, page) {
      if (page) {
        // As for a page of visits: by paidOn then document id, the date range in Firestore, the rest here.
        const paidOn = { paidOn: { from: query.paidFrom, to: query.paidTo } };
        const wanted = (p: Payment) =>
          (query.therapistId === undefined || p.therapistId === query.therapistId) &&
          (query.payRunId === undefined || p.payRunId === query.payRunId);
        const start = page.after ? [page.after[0], docId(page.after[1])] : undefined;
        return scanPage(buildQuery(FIRESTORE_QUERIES.paymentPage, at(orgId).payments, { range: paidOn }), start, page.limit, (docs) =>
          docs.flatMap((d) => recordOf<Payment>(d) ?? []).filter(wanted),
        );
      }
      // As for visits: equality filters in Firestore, the date range too when alone, the rest here.
      const alone = query.therapistId === undefined && query.payRunId === undefined;
      const q = alone
        ? buildQuery(FIRESTORE_QUERIES.paymentsByPaidOn, at(orgId).payments, {
            range: { paidOn: { from: query.paidFrom, to: query.paidTo } },
          })
        : buildQuery(FIRESTORE_QUERIES.paymentsByFields, at(orgId).payments, {
            equal: { therapistId: query.therapistId, payRunId: query.payRunId },
          });
      return (await records<Payment>(q))
        .filter(
          (p) => (query.paidFrom === undefined || p.paidOn >= query.paidFrom) && (query.paidTo === undefined || p.paidOn <= query.paidTo),
        )
        .sort((a, b) => compareStrings(a.paidOn, b.paidOn) || compareStrings(a.id, b.id));
    },

    /**
     * Append-only: each entry is created under an auto id (create() never overwrites) with
     * `_seq`, which orders entries as this process appended them and, across processes, by clock.
     */
    async appendAudit(orgId, entries) {
      const { audit } = at(orgId);
      await putAll(entries.map((e): Write => ({ op: 'create', ref: audit.doc(), data: { ...toData(e), _seq: nextAuditSeq() } })));
    },
    async listAudit(orgId, query) {
      const { audit } = at(orgId);
      const limit = query.limit ?? 1000;
      if (query.recordId === undefined) {
        // The most recent `limit` entries, returned oldest first.
        return (await records<AuditEntry>(buildQuery(FIRESTORE_QUERIES.latestAudit, audit).limit(limit))).reverse();
      }
      // A record's entries are few: sorting here spares a composite index (recordId, _seq).
      const snapshots = (await audit.where('recordId', '==', query.recordId).get()).docs;
      snapshots.sort((a, b) => Number(a.get('_seq')) - Number(b.get('_seq')));
      return snapshots.slice(-limit).flatMap((s) => recordOf<AuditEntry>(s) ?? []);
    },
  };
  return store;
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareStrings(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/** Microseconds since the epoch, strictly increasing within this process. */
let lastAuditSeq = 0;
function nextAuditSeq(): number {
  lastAuditSeq = Math.max(Date.now() * 1000, lastAuditSeq + 1);
  return lastAuditSeq;
}

/** What a close or a pay run reads of a stored visit. */
function billingVisitOf({ id, agencyId, therapistId, date, discipline, visitType, noteDone, patientHasMrn }: StoredVisit): BillingVisit {
  return { id, agencyId, therapistId, date, discipline, visitType, noteDone, patientHasMrn };
}
