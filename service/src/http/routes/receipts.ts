/** Getting paid: receipts from agencies, credit on account, refunds, write-offs, reversals, and the aged receivables. */
import { applyCredit, listReceipts, recordReceipt, refundCredit, reverseReceivable, writeOffInvoice } from '../../usecases/receipts.ts';
import { ok } from '../../../../shared/index.ts';
import { pageInMemory } from '../../usecases/paging.ts';
import { receivablesReport } from '../../usecases/receivables.ts';
import { pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import {
  applyCreditSpec,
  listReceiptsSpec,
  receivablesSpec,
  recordReceiptSpec,
  refundCreditSpec,
  reverseReceivableSpec,
  writeOffInvoiceSpec,
} from './receipts.schema.ts';

export const receiptRoutes = [
  route(recordReceiptSpec, ({ params, body, ctx }) => recordReceipt(ctx, params.orgId, body)),
  route(listReceiptsSpec, ({ params, query, ctx }) =>
    pagedWhole('receipts', listReceipts(ctx, params.orgId, query.agencyId), (r) => [r.on, r.id], pageOf(query)),
  ),
  route(reverseReceivableSpec, ({ params, body, ctx }) => reverseReceivable(ctx, params.orgId, params.entryId, body)),
  route(applyCreditSpec, ({ params, body, ctx }) => applyCredit(ctx, params.orgId, params.agencyId, body)),
  route(refundCreditSpec, ({ params, body, ctx }) => refundCredit(ctx, params.orgId, params.agencyId, body)),
  route(writeOffInvoiceSpec, ({ params, body, ctx }) => writeOffInvoice(ctx, params.orgId, params.invoiceId, body)),
  route(receivablesSpec, async ({ params, query, ctx }) => {
    const report = await receivablesReport(ctx, params.orgId, query.asOf);
    if (!report.ok) return report;
    const page = pageInMemory(report.value.agencies, (a) => [a.agency], pageOf(query));
    return ok({ asOf: report.value.asOf, agencies: page.items, nextCursor: page.nextCursor });
  }),
];
