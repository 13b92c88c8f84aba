/** Billing cycles: preview and close one agency's cycle, or a whole month. */
import { closeAgencyCycle, closeMonth, previewClose, type CloseResult } from '../../usecases/cycles.ts';
import { issueClosedDocuments, type DocumentContext } from '../../usecases/documents.ts';
import type { PayRunResult } from '../../usecases/payroll.ts';
import { route } from '../route.ts';
import { closeCycleSpec, closeMonthSpec, previewCloseSpec } from './cycles.schema.ts';

/**
 * The close answers at once; its invoices' and pay statements' PDFs are issued behind it.
 * If that fails (the store closing under it, say), it is logged and each document renders
 * on its first download instead, so nothing is lost by not waiting.
 */
function issueInBackground(
  documents: DocumentContext, orgId: string, cycles: readonly CloseResult[], payRuns: readonly PayRunResult[], logFailure: (what: string, error: unknown) => void,
): void {
  const invoiceIds = cycles.flatMap((c) => (c.status === 'closed' && c.invoice ? [c.invoice.id] : []));
  const statements = payRuns.flatMap((r) => (r.status === 'created' ? r.payRun.statements.map((s) => ({ payRunId: r.payRun.id, therapistId: s.therapistId })) : []));
  if (invoiceIds.length + statements.length === 0) return;
  void issueClosedDocuments(documents, orgId, { invoiceIds, statements }).catch((error: unknown) => logFailure('issuing the close\'s documents failed; they render on first download', error));
}

export const cycleRoutes = [
  route(previewCloseSpec, ({ params, body, ctx }) => previewClose(ctx, params.orgId, body.agencyId, body.period)),
  route(closeCycleSpec, async ({ params, body, ctx, documents, logBackgroundFailure }) => {
    const result = await closeAgencyCycle(ctx, params.orgId, body.agencyId, body.period);
    if (result.ok) issueInBackground(documents, params.orgId, [result.value], [], logBackgroundFailure);
    return result;
  }),
  route(closeMonthSpec, async ({ params, body, ctx, documents, logBackgroundFailure }) => {
    const result = await closeMonth(ctx, params.orgId, body.month);
    if (!result.ok) return result;
    issueInBackground(documents, params.orgId, result.value.cycles, result.value.payRuns, logBackgroundFailure);
    return result;
  }),
];
