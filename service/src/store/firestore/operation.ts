/**
 * Closing a cycle and creating a pay run both write a document set and claim visits for it
 * (`invoiceId` or `payRunId`). A big one cannot be one Firestore transaction (500 writes), so
 * each runs as a resumable state machine kept in a marker doc (the cycle, the pay run):
 *
 *   stage   the plan (header docs and their line chunks) is written under `plans/{planId}`,
 *           where nobody reads it but a runner of this operation;
 *   reserve one transaction on the marker and the org's lock doc (for a close: the invoice
 *           counter) creates the marker with `_op` {phase 'writing'} and takes the lock: from
 *           here on the operation will finish with exactly this plan;
 *   writing guarded transactions copy the plan to its final docs (invoices stay invisible:
 *           readers show an invoice only once its cycle is closed);
 *   claiming guarded transactions set the claim field on each visit, re-checking it;
 *   finish  one transaction drops `_op` from the marker (the cycle is closed, the pay run
 *           visible) and frees the lock.
 *
 * Every step after `reserve` is idempotent and runs in a transaction that first reads the
 * marker and checks that its runner still holds the operation ("guarded"): a runner that
 * stalled and was taken over cannot write anything any more. A runner holds the operation
 * under a lease it renews; when a runner crashes, the next call that needs the marker or the
 * lock waits for the lease to run out, takes the operation over and completes it.
 *
 * The org's lock lets one operation of a kind run at a time per org. That keeps numbering
 * gapless, and it makes the conflict check exact (see `commitOperation`).
 */
import { randomUUID } from 'node:crypto';
import type {
  CollectionReference,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Transaction,
} from 'firebase-admin/firestore';
import {
  applyWrite,
  chunkEntries,
  chunkedWrites,
  commitInBatches,
  getMany,
  groupWrites,
  mapLimit,
  range,
  readChunked,
  slicesOf,
  WRITES_PER_COMMIT,
  type ChunkedDoc,
  type Write,
} from './documents.ts';
import { chunkCollection, chunkId } from './paths.ts';

export type OperationKind = 'close' | 'pay-run';
export type ClaimField = 'invoiceId' | 'payRunId';
export type OpPhase = 'writing' | 'claiming' | 'rolling-back';

/** The `_op` field of a marker doc while its operation is in flight. */
export type OpState = {
  planId: string;
  phase: OpPhase;
  /** The runner allowed to write, and until when it counts as alive (its clock, ms since epoch). */
  holder: string;
  leaseUntil: number;
  /** What the reservation decided (a close's first invoice number, prefix, close time). */
  extra: DocumentData;
  /** Visits found claimed by someone else while claiming: why the operation rolls back. */
  conflict?: string[];
  /** The phase it rolls back from: only from 'claiming' are there claims to undo. */
  rollbackFrom?: OpPhase;
};

export type StepName = 'staged' | 'reserved' | 'write-batch' | 'written' | 'claim-batch' | 'claimed' | 'finished' | 'rolled-back';
export type StepEvent = { operation: OperationKind; id: string; step: StepName; batch?: number };

export type OperationContext = {
  db: Firestore;
  /** How long a runner holds an operation without renewing; others wait this long after a crash. */
  leaseMs: number;
  /** How often a waiting call looks at an operation that another runner holds. */
  pollMs: number;
  /** Test seam: runs after each step; throwing there simulates a crash at that point. */
  afterStep: ((event: StepEvent) => void | Promise<void>) | undefined;
};

/** A document the operation writes before claiming: its header (null: the marker itself) and line chunks. */
export type PlanItem = { ref: DocumentReference; header: DocumentData | null; chunks: DocumentData[][] };

/**
 * Visits claimed for one owner (an invoice, a pay run). `namedBy`: the agency (invoices) or the
 * therapist (pay runs) each visit had when the plan was read; a visit that names another now
 * (a merge moved it) is a conflict, so a plan never bills or pays it under a record that is gone.
 */
export type Claim = { owner: string; visitIds: string[]; namedBy?: ReadonlyMap<string, VisitNames> };
/** The record a plan bills or pays a visit under: the agency for an invoice, the therapist for a pay run. */
export type VisitNames = { agencyId?: string; therapistId?: string };

export type Reservation = { marker: DocumentData; lock: DocumentData; extra: DocumentData };

export type OperationSpec = {
  kind: OperationKind;
  id: string;
  marker: DocumentReference;
  /** The org's counter or lock doc: `{ busyWith: id | null, version }` plus the kind's own fields. */
  lock: DocumentReference;
  claimField: ClaimField;
  plans: CollectionReference;
  visitRef(visitId: string): DocumentReference;
  /** The docs an operation writes, from its marker. */
  itemRefs(marker: DocumentData): DocumentReference[];
  /** A staged header as finally written, e.g. with its invoice number. */
  finalHeader(header: DocumentData, index: number, op: OpState): DocumentData;
  /** The visits a written doc claims, and for whom. */
  claimOf(doc: ChunkedDoc): Claim;
  /** The marker once the operation is done (`_op` is dropped by the caller). */
  finished(marker: DocumentData, op: OpState): DocumentData;
  /** The lock once a rolled-back operation gives back what it reserved. */
  released(lock: DocumentData, op: OpState): DocumentData;
  /** The same kind of operation with another id: the one holding the lock. */
  sibling(id: string): OperationSpec;
};

export type OperationRequest = {
  items: PlanItem[];
  claims: Claim[];
  /** Runs inside the reserving transaction, after the generic reads: may read more, must not write. */
  reserve(tx: Transaction, lock: DocumentData): Promise<Reservation>;
  /** Checks with the lock free, before staging (e.g. invoice ids unused); throws on a caller's error. */
  precheck?(): Promise<void>;
};

export type OperationResult = { status: 'done'; reserved: boolean } | { status: 'conflict'; visitIds: string[] };

/** Thrown inside a guarded step when its runner no longer holds the operation. */
class Fenced extends Error {
  constructor() {
    super('this runner no longer holds the operation');
  }
}

const CLAIMS_PER_COMMIT = WRITES_PER_COMMIT;
const PARALLEL_COMMITS = 4;

/**
 * Runs an operation to its end, or reports the visits that stop it.
 *
 * Guarantee on conflicts: the call returns `conflict` and leaves nothing visible when a visit
 * of the plan is missing, appears twice, or is already claimed. The visits are read in slices
 * while the org's lock is free; the reserving transaction then checks that the lock is still
 * free and its version unchanged. Every operation bumps the version when it takes the lock and
 * claims visits only while holding it, so no visit can have been claimed between those reads
 * and the reservation: the check is as good as one made inside the reserving transaction.
 * Claiming transactions check each visit again. Finding one claimed by someone else (only a
 * writer outside this adapter can do that) rolls the operation back: claims undone, docs
 * deleted, what was reserved given back (nobody reserved after it: it held the lock), and the
 * call then reports the conflict.
 */
export async function commitOperation(ctx: OperationContext, spec: OperationSpec, request: OperationRequest): Promise<OperationResult> {
  const reservedPlans = new Set<string>();
  let staged: string | null = null;
  try {
    for (;;) {
      const [lockSnap, markerSnap] = (await ctx.db.getAll(spec.lock, spec.marker)) as [DocumentSnapshot, DocumentSnapshot];
      if (markerSnap.exists) {
        if (!markerSnap.get('_op')) return { status: 'done', reserved: reservedPlans.has(markerSnap.get('_planId') as string) };
        await drive(ctx, spec, randomUUID(), null);
        continue;
      }
      const busyWith = lockSnap.get('busyWith') as string | null | undefined;
      if (busyWith) {
        await driveLockHolder(ctx, spec, busyWith);
        continue;
      }
      const taken = await takenVisits(ctx, spec, request.claims);
      if (taken.length > 0) return { status: 'conflict', visitIds: taken };
      await request.precheck?.();
      if (staged === null) {
        const planId = randomUUID();
        await stagePlan(ctx, spec, planId, request.items);
        staged = planId;
        await step(ctx, spec, 'staged');
      }
      const version = Number(lockSnap.get('version') ?? 0);
      if (!(await reserve(ctx, spec, staged, version, request))) continue;
      const plan = { planId: staged, items: request.items };
      reservedPlans.add(staged);
      staged = null; // the operation owns the staged plan now, and deletes it
      await step(ctx, spec, 'reserved');
      await drive(ctx, spec, plan.planId, plan);
    }
  } finally {
    if (staged !== null) await deleteUnusedPlan(ctx, spec, staged);
  }
}

/** Deletes a staged plan no operation took, unless its reservation did commit after all (and only its reply was lost). */
async function deleteUnusedPlan(ctx: OperationContext, spec: OperationSpec, planId: string): Promise<void> {
  if ((await spec.marker.get()).get('_planId') === planId) return;
  await deleteStagedPlan(ctx, spec, planId);
}

/** Visits of the plan that are missing, repeated, already claimed, or moved to another record, in plan order. */
async function takenVisits(ctx: OperationContext, spec: OperationSpec, claims: readonly Claim[]): Promise<string[]> {
  const seen = new Set<string>();
  const taken = new Set<string>();
  const namedBy = new Map<string, VisitNames>();
  for (const claim of claims) {
    for (const id of claim.visitIds) {
      if (seen.has(id)) taken.add(id);
      seen.add(id);
      const names = claim.namedBy?.get(id);
      if (names) namedBy.set(id, names);
    }
  }
  const ids = [...seen];
  const snapshots = await getMany(
    ctx.db,
    ids.map((id) => spec.visitRef(id)),
  );
  snapshots.forEach((snapshot, i) => {
    const names = namedBy.get(ids[i] as string);
    const moved =
      names !== undefined &&
      ((names.agencyId !== undefined && snapshot.get('agencyId') !== names.agencyId) ||
        (names.therapistId !== undefined && snapshot.get('therapistId') !== names.therapistId));
    if (!snapshot.exists || (snapshot.get(spec.claimField) ?? null) !== null || moved) taken.add(ids[i] as string);
  });
  return ids.filter((id) => taken.has(id));
}

async function reserve(
  ctx: OperationContext,
  spec: OperationSpec,
  planId: string,
  version: number,
  request: OperationRequest,
): Promise<boolean> {
  return ctx.db.runTransaction(async (tx) => {
    const [lockSnap, markerSnap] = (await tx.getAll(spec.lock, spec.marker)) as [DocumentSnapshot, DocumentSnapshot];
    const lock = lockSnap.data() ?? {};
    if (markerSnap.exists || (lock.busyWith ?? null) !== null || Number(lock.version ?? 0) !== version) return false;
    const reservation = await request.reserve(tx, lock);
    const op: OpState = { planId, phase: 'writing', holder: planId, leaseUntil: Date.now() + ctx.leaseMs, extra: reservation.extra };
    tx.set(spec.marker, { ...reservation.marker, _planId: planId, _op: op });
    tx.set(spec.lock, { ...lock, ...reservation.lock, busyWith: spec.id, version: version + 1 });
    return true;
  });
}

async function driveLockHolder(ctx: OperationContext, spec: OperationSpec, holderId: string): Promise<void> {
  const holder = spec.sibling(holderId);
  const [lockSnap, markerSnap] = (await ctx.db.getAll(spec.lock, holder.marker)) as [DocumentSnapshot, DocumentSnapshot];
  if (lockSnap.get('busyWith') !== holderId) return;
  // The reservation and the last step change marker and lock together: one without the other is damage.
  if (!markerSnap.get('_op'))
    throw new Error(`${spec.lock.path} is held by ${holderId}, but ${holder.marker.path} has no operation in flight`);
  await drive(ctx, holder, randomUUID(), null);
}

type MemoryPlan = { planId: string; items: PlanItem[] };

/** Brings the operation to an end (done or rolled back): runs it, waits for its live runner, or takes it over. */
async function drive(ctx: OperationContext, spec: OperationSpec, runner: string, memory: MemoryPlan | null): Promise<void> {
  for (;;) {
    const op = (await spec.marker.get()).get('_op') as OpState | undefined;
    if (!op) return;
    if (op.holder !== runner) {
      if (op.leaseUntil > Date.now()) {
        await sleep(ctx.pollMs);
        continue;
      }
      if (!(await takeOver(ctx, spec, op, runner))) continue;
    }
    try {
      await advance(ctx, spec, runner, memory);
    } catch (error) {
      if (!(error instanceof Fenced)) throw error;
    }
  }
}

async function takeOver(ctx: OperationContext, spec: OperationSpec, seen: OpState, runner: string): Promise<boolean> {
  return ctx.db.runTransaction(async (tx) => {
    const op = (await tx.get(spec.marker)).get('_op') as OpState | undefined;
    if (!op || op.holder !== seen.holder || op.leaseUntil > Date.now()) return false;
    tx.update(spec.marker, { '_op.holder': runner, '_op.leaseUntil': Date.now() + ctx.leaseMs });
    return true;
  });
}

/** A runner's hold on an operation, renewed (once, whoever asks) when half of it is gone. */
class Lease {
  readonly runner: string;
  private readonly ctx: OperationContext;
  private readonly spec: OperationSpec;
  private until: number;
  private renewal: Promise<void> | null = null;

  constructor(ctx: OperationContext, spec: OperationSpec, runner: string, until: number) {
    this.ctx = ctx;
    this.spec = spec;
    this.runner = runner;
    this.until = until;
  }

  async keep(): Promise<void> {
    if (Date.now() < this.until - this.ctx.leaseMs / 2) return;
    this.renewal ??= this.renew().finally(() => {
      this.renewal = null;
    });
    await this.renewal;
  }

  private async renew(): Promise<void> {
    this.until = await this.ctx.db.runTransaction(async (tx) => {
      const op = (await tx.get(this.spec.marker)).get('_op') as OpState | undefined;
      if (!op || op.holder !== this.runner) throw new Fenced();
      const until = Date.now() + this.ctx.leaseMs;
      tx.update(this.spec.marker, { '_op.leaseUntil': until });
      return until;
    });
  }
}

/**
 * A transaction that first checks, on the marker it reads, that this runner still holds the
 * operation in `phase`; the body then does its reads, then its writes. Bodies are pure apart
 * from the transaction, so the SDK may run them again on contention.
 */
async function guarded<T>(
  ctx: OperationContext,
  spec: OperationSpec,
  lease: Lease,
  phase: OpPhase,
  body: (tx: Transaction, marker: DocumentData, op: OpState) => Promise<T>,
): Promise<T> {
  await lease.keep();
  return ctx.db.runTransaction(async (tx) => {
    const marker = (await tx.get(spec.marker)).data();
    const op = marker?._op as OpState | undefined;
    if (!marker || !op || op.holder !== lease.runner || op.phase !== phase) throw new Fenced();
    return body(tx, marker, op);
  });
}

async function currentOp(spec: OperationSpec, runner: string): Promise<{ marker: DocumentData; op: OpState }> {
  const marker = (await spec.marker.get()).data();
  const op = marker?._op as OpState | undefined;
  if (!marker || !op || op.holder !== runner) throw new Fenced();
  return { marker, op };
}

/** Runs the operation from the phase it is in; throws Fenced when another runner takes it over. */
async function advance(ctx: OperationContext, spec: OperationSpec, runner: string, memory: MemoryPlan | null): Promise<void> {
  const current = await currentOp(spec, runner);
  const { marker } = current;
  let { op } = current;
  const lease = new Lease(ctx, spec, runner, op.leaseUntil);
  if (op.phase === 'writing') {
    const items = memory?.planId === op.planId ? memory.items : await unlessFenced(spec, runner, readStagedPlan(ctx, spec, op.planId));
    if (items === null) {
      // Without its plan the operation cannot go forward; nothing is claimed yet, so it can go back.
      op = await setPhase(ctx, spec, lease, 'writing', { phase: 'rolling-back', rollbackFrom: 'writing' });
    } else {
      await writeItems(ctx, spec, lease, op, items);
      op = await setPhase(ctx, spec, lease, 'writing', { phase: 'claiming' });
      await step(ctx, spec, 'written');
    }
  }
  if (op.phase === 'claiming') {
    await deleteStagedPlan(ctx, spec, op.planId);
    const claims = (await unlessFenced(spec, runner, readChunked(ctx.db, spec.itemRefs(marker)))).map((doc) => spec.claimOf(doc));
    const conflict = await claimVisits(ctx, spec, lease, claims);
    await step(ctx, spec, 'claimed');
    if (conflict.length === 0) {
      await finish(ctx, spec, lease);
      await step(ctx, spec, 'finished');
      return;
    }
    op = await setPhase(ctx, spec, lease, 'claiming', { phase: 'rolling-back', rollbackFrom: 'claiming', conflict });
  }
  await rollBack(ctx, spec, lease, marker, op);
  await step(ctx, spec, 'rolled-back');
}

/**
 * A read outside any transaction can fail because a runner that took over has moved on and
 * deleted what it read (the staged plan, say): that is reported as Fenced, not as an error.
 */
async function unlessFenced<T>(spec: OperationSpec, runner: string, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    await currentOp(spec, runner);
    throw error;
  }
}

async function setPhase(
  ctx: OperationContext,
  spec: OperationSpec,
  lease: Lease,
  from: OpPhase,
  change: Partial<OpState>,
): Promise<OpState> {
  return guarded(ctx, spec, lease, from, async (tx, _marker, op) => {
    const next = { ...op, ...change };
    tx.update(spec.marker, { _op: next });
    return next;
  });
}

async function writeItems(
  ctx: OperationContext,
  spec: OperationSpec,
  lease: Lease,
  op: OpState,
  items: readonly PlanItem[],
): Promise<void> {
  const writes = items.flatMap((item, i) => chunkedWrites(item.ref, item.header && spec.finalHeader(item.header, i, op), item.chunks));
  await mapLimit(groupWrites(writes), PARALLEL_COMMITS, async (group, batch) => {
    await guarded(ctx, spec, lease, 'writing', async (tx) => {
      for (const write of group) applyWrite(tx, write);
    });
    await step(ctx, spec, 'write-batch', batch);
  });
}

type OwnedVisit = { visitId: string; owner: string };

const ownedVisits = (claims: readonly Claim[]): OwnedVisit[] =>
  claims.flatMap((c) => c.visitIds.map((visitId) => ({ visitId, owner: c.owner })));

/** Claims the visits slice by slice; returns those found claimed by someone else (their slice is left unclaimed). */
async function claimVisits(ctx: OperationContext, spec: OperationSpec, lease: Lease, claims: readonly Claim[]): Promise<string[]> {
  const conflicts = await mapLimit(slicesOf(ownedVisits(claims), CLAIMS_PER_COMMIT), PARALLEL_COMMITS, async (slice, batch) => {
    const taken = await guarded(ctx, spec, lease, 'claiming', async (tx) => {
      const visits = await tx.getAll(...slice.map((v) => spec.visitRef(v.visitId)));
      const owners = visits.map((visit) =>
        visit.exists ? ((visit.get(spec.claimField) as string | null | undefined) ?? null) : undefined,
      );
      const takenHere = slice
        .filter((v, i) => owners[i] === undefined || (owners[i] !== null && owners[i] !== v.owner))
        .map((v) => v.visitId);
      if (takenHere.length > 0) return takenHere;
      slice.forEach((v, i) => {
        if (owners[i] === null) tx.update(spec.visitRef(v.visitId), { [spec.claimField]: v.owner });
      });
      return [];
    });
    await step(ctx, spec, 'claim-batch', batch);
    return taken;
  });
  return conflicts.flat();
}

async function finish(ctx: OperationContext, spec: OperationSpec, lease: Lease): Promise<void> {
  await guarded(ctx, spec, lease, 'claiming', async (tx, marker, op) => {
    const lock = (await tx.get(spec.lock)).data() ?? {};
    const { _op: _, ...rest } = marker;
    tx.set(spec.marker, spec.finished(rest, op));
    tx.set(spec.lock, { ...lock, busyWith: null });
  });
}

/** Undoes the claims, deletes the docs written, gives back what was reserved, and drops the marker. */
async function rollBack(ctx: OperationContext, spec: OperationSpec, lease: Lease, marker: DocumentData, op: OpState): Promise<void> {
  const itemRefs = spec.itemRefs(marker);
  if (op.rollbackFrom === 'claiming') {
    // Claiming starts once every doc is written, so the claims can be read back in full.
    const owned = ownedVisits((await readChunked(ctx.db, itemRefs)).map((doc) => spec.claimOf(doc)));
    await mapLimit(slicesOf(owned, CLAIMS_PER_COMMIT), PARALLEL_COMMITS, (slice) =>
      guarded(ctx, spec, lease, 'rolling-back', async (tx) => {
        const visits = await tx.getAll(...slice.map((v) => spec.visitRef(v.visitId)));
        visits.forEach((visit, i) => {
          if (visit.exists && visit.get(spec.claimField) === slice[i]?.owner) tx.update(visit.ref, { [spec.claimField]: null });
        });
      }),
    );
  }
  // Chunks are listed rather than counted from headers: a cut-short writing phase may have left chunks without their header.
  const chunkRefs = (await mapLimit(itemRefs, 8, (ref) => chunkCollection(ref).listDocuments())).flat();
  const deletes: Write[] = [...chunkRefs, ...itemRefs.filter((ref) => !ref.isEqual(spec.marker))].map((ref) => ({ op: 'delete', ref }));
  await mapLimit(groupWrites(deletes), PARALLEL_COMMITS, (group) =>
    guarded(ctx, spec, lease, 'rolling-back', async (tx) => {
      for (const write of group) applyWrite(tx, write);
    }),
  );
  await deleteStagedPlan(ctx, spec, op.planId);
  await guarded(ctx, spec, lease, 'rolling-back', async (tx, _marker, current) => {
    const lock = (await tx.get(spec.lock)).data() ?? {};
    tx.delete(spec.marker);
    tx.set(spec.lock, { ...spec.released(lock, current), busyWith: null });
  });
}

const planRef = (spec: OperationSpec, planId: string) => spec.plans.doc(planId);
const stagedItemRef = (spec: OperationSpec, planId: string, index: number) => planRef(spec, planId).collection('items').doc(chunkId(index));

/** Writes the plan where only runners of this operation read it; batches suffice: nothing refers to it yet. */
async function stagePlan(ctx: OperationContext, spec: OperationSpec, planId: string, items: readonly PlanItem[]): Promise<void> {
  const writes: Write[] = items.flatMap((item, i) =>
    chunkedWrites(stagedItemRef(spec, planId, i), { path: item.ref.path, header: item.header }, item.chunks),
  );
  await commitInBatches(ctx.db, writes);
  // The plan doc goes last: a reader that finds it finds the whole plan.
  await planRef(spec, planId).set({ kind: spec.kind, id: spec.id, items: items.length });
}

/** The staged plan, or null when it is gone. */
async function readStagedPlan(ctx: OperationContext, spec: OperationSpec, planId: string): Promise<PlanItem[] | null> {
  const plan = await planRef(spec, planId).get();
  if (!plan.exists) return null;
  const docs = await readChunked(
    ctx.db,
    range(Number(plan.get('items'))).map((i) => stagedItemRef(spec, planId, i)),
  );
  return docs.map((doc) => ({
    ref: ctx.db.doc(doc.header.path as string),
    header: (doc.header.header as DocumentData | null) ?? null,
    // Chunking is deterministic: the entries read back split into the chunks they were staged in.
    chunks: chunkEntries(doc.entries),
  }));
}

async function deleteStagedPlan(ctx: OperationContext, spec: OperationSpec, planId: string): Promise<void> {
  await ctx.db.recursiveDelete(planRef(spec, planId));
}

async function step(ctx: OperationContext, spec: OperationSpec, name: StepName, batch?: number): Promise<void> {
  await ctx.afterStep?.({ operation: spec.kind, id: spec.id, step: name, ...(batch === undefined ? {} : { batch }) });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
