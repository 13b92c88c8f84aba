/** Issued invoices and their corrections: void and credit notes. */
import { getInvoice, issueCreditNote, listCreditNotes, listInvoices } from '../../usecases/invoices.ts';
import { voidInvoiceEndingPayments } from '../../usecases/online-payments.ts';
import { paged, pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { getInvoiceSpec, issueCreditNoteSpec, listCreditNotesSpec, listInvoicesSpec, voidInvoiceSpec } from './invoices.schema.ts';

export const invoiceRoutes = [
  route(listInvoicesSpec, ({ params, query, ctx }) =>
    paged('invoices', listInvoices(ctx, params.orgId, query.agencyId ? { agencyId: query.agencyId } : {}, pageOf(query))),
  ),
  route(getInvoiceSpec, ({ params, ctx }) => getInvoice(ctx, params.orgId, params.invoiceId)),
  route(voidInvoiceSpec, ({ params, body, payouts }) => voidInvoiceEndingPayments(payouts, params.orgId, params.invoiceId, body)),
  route(issueCreditNoteSpec, ({ params, body, ctx }) => issueCreditNote(ctx, params.orgId, params.invoiceId, body)),
  route(listCreditNotesSpec, ({ params, query, ctx }) =>
    pagedWhole('creditNotes', listCreditNotes(ctx, params.orgId, query.invoiceId), (n) => [n.number], pageOf(query)),
  ),
];
