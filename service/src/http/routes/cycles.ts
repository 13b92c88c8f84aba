/** Billing cycles: preview and close one agency's cycle, or a whole month. */
import { closeAgencyCycle, closeMonth, previewClose, type CloseResult } from '../../usecases/cycles.ts';
import { issueClosedDocuments, type DocumentContext } from '../../usecases/documents.ts';
import type { PayRunResult } from '../../usecases/payroll.ts';
import type { BackgroundWork } from '../background.ts';
import { route } from '../route.ts';
import { closeCycleSpec, closeMonthSpec, previewCloseSpec } from './cycles.schema.ts';

/**
 * The close answers at once; its invoices' and pay statements' PDFs are issued behind it.
 * If that fails (the store closing under it, say), it is logged and each document renders
 * on its first download instead, so nothing is lost by not waiting.
 */
function issueInBackground(
  documents: DocumentContext,
  orgId: string,
  cycles: readonly CloseResult[],
  payRuns: readonly PayRunResult[],
  background: BackgroundWork,
): void {
  const invoices = cycles.flatMap((c) => (c.status === 'closed' && c.invoice ? [c.invoice] : []));
  const created = payRuns.flatMap((r) => (r.status === 'created' ? [r.payRun] : []));
  const statements = created.flatMap((r) => r.statements.map((s) => ({ payRunId: r.id, therapistId: s.therapistId })));
  if (invoices.length + statements.length === 0) return;
  const known = { invoices, payRuns: created }; // the close's own records, not read again
  background.run("issuing the close's documents failed; they render on first download", () =>
    issueClosedDocuments(documents, orgId, { invoiceIds: invoices.map((i) => i.id), statements, known }),
  );
}

export const cycleRoutes = [
  route(previewCloseSpec, ({ params, body, ctx }) => previewClose(ctx, params.orgId, body.agencyId, body.period)),
  route(closeCycleSpec, async ({ params, body, ctx, documents, background }) => {
    const result = await closeAgencyCycle(ctx, params.orgId, body.agencyId, body.period);
    if (result.ok) issueInBackground(documents, params.orgId, [result.value], [], background);
    return result;
  }),
  route(closeMonthSpec, async ({ params, body, ctx, documents, background }) => {
    const result = await closeMonth(ctx, params.orgId, body.month);
    if (!result.ok) return result;
    issueInBackground(documents, params.orgId, result.value.cycles, result.value.payRuns, background);
    return result;
  }),
];
