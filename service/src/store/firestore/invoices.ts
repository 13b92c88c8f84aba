/**
 * Cycle closes and invoices. An invoice is a header doc `invoices/{id}` and its lines in
 * chunk docs `invoices/{id}/lineChunks/{n}`. A close runs as a resumable operation
 * (operation.ts) whose marker is the cycle doc and whose lock is the org's invoice counter.
 * An invoice is visible only once its cycle is closed by the plan that wrote it: all the
 * invoices of a close appear at once, in the transaction that closes the cycle.
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentSnapshot,
  type Firestore,
  type Query,
  type Transaction,
} from 'firebase-admin/firestore';
import type { IsoDate } from '../../../../shared/index.ts';
import type { CloseCommit, CloseOutcome, CycleRecord, InvoiceSortKey, ListPage, StoredInvoice } from '../port.ts';
import {
  assertFits,
  chunkEntries,
  fromData,
  getMany,
  readChunks,
  slicesOf,
  toData,
  WRITES_PER_COMMIT,
  type ChunkedDoc,
} from './documents.ts';
import { commitOperation, type OperationContext, type OperationSpec, type PlanItem } from './operation.ts';
import { scanPage } from './paging.ts';
import { buildQuery, FIRESTORE_QUERIES } from './queries.ts';
import type { OrgPaths } from './paths.ts';

export const invoiceNumber = (prefix: string, sequence: number) => `${prefix}-${String(sequence).padStart(4, '0')}`;

function closeSpec(ctx: OperationContext, paths: OrgPaths, cycleId: string): OperationSpec {
  return {
    kind: 'close',
    id: cycleId,
    marker: paths.cycle(cycleId),
    lock: paths.invoiceCounter,
    claimField: 'invoiceId',
    plans: paths.plans,
    visitRef: paths.visit,
    itemRefs: (marker) => (marker.invoiceIds as string[]).map(paths.invoice),
    finalHeader: (header, index, op) => {
      const sequence = Number(op.extra.firstSequence) + index;
      return { ...header, sequence, number: invoiceNumber(String(op.extra.prefix), sequence), _planId: op.planId };
    },
    claimOf: (doc) => ({ owner: doc.header.id as string, visitIds: doc.entries.map((line) => line.visitId as string) }),
    finished: (marker, op) => ({ ...marker, status: 'closed', closedAt: op.extra.closedAt }),
    // The lock was held from the reservation on: nobody numbered after this close.
    released: (lock, op) => ({ ...lock, last: Number(op.extra.firstSequence) - 1 }),
    sibling: (id) => closeSpec(ctx, paths, id),
  };
}

export async function commitClose(ctx: OperationContext, paths: OrgPaths, commit: CloseCommit): Promise<CloseOutcome> {
  const { cycle, invoices } = commit;
  checkInvoices(commit);
  const closing: CycleRecord = {
    id: cycle.id,
    scope: cycle.scope,
    start: cycle.period.start,
    end: cycle.period.end,
    status: 'closing',
    invoiceIds: invoices.map((i) => i.id),
  };
  const marker = toData(closing);
  assertFits(paths.cycle(cycle.id), marker, `cycle ${cycle.id} with ${invoices.length} invoices`);
  const items: PlanItem[] = invoices.map((invoice) => {
    const { lines, ...header } = toData(invoice);
    return { ref: paths.invoice(invoice.id), header, chunks: chunkEntries(lines as DocumentData[]) };
  });
  const result = await commitOperation(ctx, closeSpec(ctx, paths, cycle.id), {
    items,
    claims: invoices.map((invoice) => ({
      owner: invoice.id,
      visitIds: invoice.lines.map((line) => line.visitId),
      namedBy: new Map(invoice.lines.map((line) => [line.visitId, { agencyId: invoice.agencyId }])),
    })),
    precheck: () => checkInvoiceIdsUnused(ctx.db, paths, commit),
    reserve: async (tx, lock) => {
      const org = await tx.get(paths.org);
      const firstSequence = Number(lock.last ?? 0) + 1;
      return {
        marker,
        lock: { last: firstSequence + invoices.length - 1 },
        extra: { firstSequence, prefix: (org.get('settings.invoicePrefix') as string | undefined) ?? 'INV', closedAt: commit.closedAt },
      };
    },
  });
  if (result.status === 'conflict') return result;
  const closed = await readCycle(paths, cycle.id);
  if (!closed) throw new Error(`cycle ${cycle.id} vanished after its close`);
  return {
    status: result.reserved ? 'closed' : 'already-closed',
    cycle: closed,
    invoices: await readInvoicesOfCycle(ctx.db, paths, closed),
  };
}

/** A caller's mistakes, reported before anything is written. */
function checkInvoices(commit: CloseCommit): void {
  const ids = new Set<string>();
  for (const invoice of commit.invoices) {
    if (invoice.cycleId !== commit.cycle.id)
      throw new Error(`invoice ${invoice.id} belongs to cycle ${invoice.cycleId}, not ${commit.cycle.id}`);
    if (ids.has(invoice.id)) throw new Error(`invoice ${invoice.id} appears twice in the close of cycle ${commit.cycle.id}`);
    ids.add(invoice.id);
  }
}

/** Invoice ids are unique per org; only closes write invoices, so with the lock free this read is exact. */
async function checkInvoiceIdsUnused(db: Firestore, paths: OrgPaths, commit: CloseCommit): Promise<void> {
  const existing = (
    await getMany(
      db,
      commit.invoices.map((i) => paths.invoice(i.id)),
    )
  ).filter((s) => s.exists);
  if (existing.length > 0) throw new Error(`invoice ids already used: ${existing.map((s) => s.get('id') as string).join(', ')}`);
}

export async function readCycle(paths: OrgPaths, cycleId: string): Promise<CycleRecord | null> {
  const snapshot = await paths.cycle(cycleId).get();
  return snapshot.exists ? fromData<CycleRecord>(snapshot.data() as DocumentData) : null;
}

async function readInvoicesOfCycle(db: Firestore, paths: OrgPaths, cycle: CycleRecord): Promise<StoredInvoice[]> {
  return readVisibleInvoices(db, paths, await getMany(db, cycle.invoiceIds.map(paths.invoice)));
}

/** The invoices among `headers` whose cycle was closed by the plan that wrote them, with their lines, by sequence. */
export async function readVisibleInvoices(db: Firestore, paths: OrgPaths, headers: readonly DocumentSnapshot[]): Promise<StoredInvoice[]> {
  const present = headers.filter((h) => h.exists);
  const cycleIds = [...new Set(present.map((h) => h.get('cycleId') as string))];
  const cycles = new Map((await getMany(db, cycleIds.map(paths.cycle))).map((s, i) => [cycleIds[i] as string, s]));
  const visible = present.filter((h) => {
    const cycle = cycles.get(h.get('cycleId') as string);
    return cycle?.get('status') === 'closed' && !cycle.get('_op') && cycle.get('_planId') === h.get('_planId');
  });
  return (await readChunks(db, visible)).map(invoiceOf).sort((a, b) => a.sequence - b.sequence);
}

const invoiceOf = (doc: ChunkedDoc): StoredInvoice => ({
  ...fromData<StoredInvoice>(doc.header),
  lines: doc.entries as StoredInvoice['lines'],
});

export async function readInvoice(db: Firestore, paths: OrgPaths, invoiceId: string): Promise<StoredInvoice | null> {
  const [invoice] = await readVisibleInvoices(db, paths, [await paths.invoice(invoiceId).get()]);
  return invoice ?? null;
}

/** A page by sequence; the headers of other agencies or cycles are left before their lines are read. */
export async function listInvoicePage(
  db: Firestore,
  paths: OrgPaths,
  query: { agencyId?: string; cycleId?: string },
  page: ListPage<InvoiceSortKey>,
): Promise<StoredInvoice[]> {
  const wanted = (h: DocumentSnapshot) =>
    (query.agencyId === undefined || h.get('agencyId') === query.agencyId) &&
    (query.cycleId === undefined || h.get('cycleId') === query.cycleId);
  return scanPage(buildQuery(FIRESTORE_QUERIES.invoicePage, paths.invoices), page.after, page.limit, (headers) =>
    readVisibleInvoices(db, paths, headers.filter(wanted)),
  );
}

export async function listInvoices(
  db: Firestore,
  paths: OrgPaths,
  query: { agencyId?: string; cycleId?: string },
): Promise<StoredInvoice[]> {
  // Equality filters only: Firestore serves them from single-field indexes, no composite index to deploy.
  let q: Query = paths.invoices;
  if (query.agencyId !== undefined) q = q.where('agencyId', '==', query.agencyId);
  if (query.cycleId !== undefined) q = q.where('cycleId', '==', query.cycleId);
  return readVisibleInvoices(db, paths, (await q.get()).docs);
}

const FREES_PER_COMMIT = WRITES_PER_COMMIT - 1;

/**
 * Voids an invoice and frees its visits. Up to FREES_PER_COMMIT lines this is one
 * transaction. A bigger invoice is voided together with its first slice of visits and marked
 * `_freeing`; the other slices are freed one transaction each, then the mark is dropped. If
 * that is cut short, the invoice is void but some visits still point at it (they stay locked
 * and are not billed twice); calling voidInvoice again finishes the job.
 */
export async function voidInvoice(
  db: Firestore,
  paths: OrgPaths,
  invoiceId: string,
  voided: { on: IsoDate; reason: string },
): Promise<StoredInvoice | null> {
  const invoice = await readInvoice(db, paths, invoiceId);
  if (!invoice) return null;
  const ref = paths.invoice(invoiceId);
  const [first = [], ...rest] = slicesOf(
    invoice.lines.map((line) => line.visitId),
    FREES_PER_COMMIT,
  );
  const freeing = await db.runTransaction(async (tx) => {
    const header = await tx.get(ref);
    const visits = first.length > 0 ? await tx.getAll(...first.map(paths.visit)) : [];
    const alreadyVoid = header.get('status') === 'void';
    if (alreadyVoid && !header.get('_freeing')) return false;
    if (!alreadyVoid)
      tx.update(ref, { status: 'void', voidedOn: voided.on, voidReason: voided.reason, ...(rest.length > 0 ? { _freeing: true } : {}) });
    freeVisits(tx, visits, invoiceId);
    return rest.length > 0;
  });
  if (freeing) {
    for (const slice of rest) {
      await db.runTransaction(async (tx) => freeVisits(tx, await tx.getAll(...slice.map(paths.visit)), invoiceId));
    }
    await ref.update({ _freeing: FieldValue.delete() });
  }
  return readInvoice(db, paths, invoiceId);
}

function freeVisits(tx: Transaction, visits: readonly DocumentSnapshot[], invoiceId: string): void {
  for (const visit of visits) {
    if (visit.exists && visit.get('invoiceId') === invoiceId) tx.update(visit.ref, { invoiceId: null });
  }
}
