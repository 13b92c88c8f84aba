/**
 * Pay runs. A pay run is a header doc `payRuns/{id}` (its statements without their lines)
 * and the lines in chunk docs `payRuns/{id}/lineChunks/{n}`, each entry `{ statement, line }`.
 * Creating one runs as a resumable operation (operation.ts) whose marker is the pay run doc
 * itself and whose lock is `counters/payRun`; the pay run is visible once `_op` is gone.
 */
import type { DocumentData, DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import { storedStatement, type PayStatement } from '../../../../shared/index.ts';
import type { PayRunOutcome, PayRunRecord, PayRunStatus } from '../port.ts';
import { assertFits, chunkEntries, compareStrings, fromData, readChunks, toData, type ChunkedDoc } from './documents.ts';
import { commitOperation, type OperationContext, type OperationSpec } from './operation.ts';
import type { OrgPaths } from './paths.ts';

function payRunSpec(ctx: OperationContext, paths: OrgPaths, payRunId: string): OperationSpec {
  const marker = paths.payRun(payRunId);
  return {
    kind: 'pay-run',
    id: payRunId,
    marker,
    lock: paths.payRunLock,
    claimField: 'payRunId',
    plans: paths.plans,
    visitRef: paths.visit,
    itemRefs: () => [marker],
    // The header is the marker, written by the reservation: the plan stages only its line chunks.
    finalHeader: (header) => header,
    claimOf: (doc) => ({ owner: payRunId, visitIds: doc.entries.map((entry) => (entry.line as DocumentData).visitId as string) }),
    finished: (record) => record,
    released: (lock) => lock,
    sibling: (id) => payRunSpec(ctx, paths, id),
  };
}

export async function commitPayRun(ctx: OperationContext, paths: OrgPaths, payRun: PayRunRecord): Promise<PayRunOutcome> {
  const marker = paths.payRun(payRun.id);
  const entries = payRun.statements.flatMap((s, statement) => s.lines.map((line) => ({ statement, line: toData(line) })));
  const chunks = chunkEntries(entries);
  const header = { ...toData({ ...payRun, statements: payRun.statements.map((s) => ({ ...s, lines: [] })) }), _chunks: chunks.length };
  assertFits(marker, header, `pay run ${payRun.id} with ${payRun.statements.length} statements`);
  const result = await commitOperation(ctx, payRunSpec(ctx, paths, payRun.id), {
    items: [{ ref: marker, header: null, chunks }],
    claims: [
      {
        owner: payRun.id,
        visitIds: entries.map((e) => e.line.visitId as string),
        namedBy: new Map(payRun.statements.flatMap((s) => s.lines.map((line) => [line.visitId, { therapistId: s.therapistId }]))),
      },
    ],
    reserve: async () => ({ marker: header, lock: {}, extra: {} }),
  });
  if (result.status === 'conflict') return result;
  const stored = await readPayRun(ctx.db, paths, payRun.id);
  if (!stored) throw new Error(`pay run ${payRun.id} vanished after it was created`);
  return { status: result.reserved ? 'created' : 'already-exists', payRun: stored };
}

const isVisible = (snapshot: DocumentSnapshot) => snapshot.exists && !snapshot.get('_op');

function payRunOf(doc: ChunkedDoc): PayRunRecord {
  const record = fromData<PayRunRecord>(doc.header);
  const statements: PayStatement[] = record.statements.map((s) => storedStatement({ ...s, lines: [] }));
  for (const entry of doc.entries) statements[entry.statement as number]?.lines.push(entry.line as PayStatement['lines'][number]);
  return { ...record, statements };
}

export async function readPayRun(db: Firestore, paths: OrgPaths, payRunId: string): Promise<PayRunRecord | null> {
  const snapshot = await paths.payRun(payRunId).get();
  if (!isVisible(snapshot)) return null;
  const [doc] = await readChunks(db, [snapshot]);
  return doc ? payRunOf(doc) : null;
}

export async function listPayRuns(db: Firestore, paths: OrgPaths): Promise<PayRunRecord[]> {
  const visible = (await paths.payRuns.get()).docs.filter(isVisible);
  return (await readChunks(db, visible)).map(payRunOf).sort((a, b) => compareStrings(a.id, b.id));
}

/** Compare-and-set on a visible pay run's status; the statements (chunks) are untouched. */
export async function setPayRunStatus(
  db: Firestore,
  paths: OrgPaths,
  payRunId: string,
  from: PayRunStatus,
  to: PayRunStatus,
  at: string,
): Promise<boolean> {
  const ref = paths.payRun(payRunId);
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!isVisible(snapshot) || snapshot.get('status') !== from) return false;
    tx.update(ref, { status: to, ...(to === 'approved' ? { approvedAt: at } : {}) });
    return true;
  });
}
