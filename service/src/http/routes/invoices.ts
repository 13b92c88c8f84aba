/** Issued invoices and their corrections: void and credit notes. */
import { getInvoice, issueCreditNote, listCreditNotes, listInvoices, voidInvoice } from '../../usecases/invoices.ts';
import { listed, route } from '../route.ts';
import { getInvoiceSpec, issueCreditNoteSpec, listCreditNotesSpec, listInvoicesSpec, voidInvoiceSpec } from './invoices.schema.ts';

export const invoiceRoutes = [
  route(listInvoicesSpec, ({ params, query, ctx }) => listed('invoices', listInvoices(ctx, params.orgId, query.agencyId ? { agencyId: query.agencyId } : {}))),
  route(getInvoiceSpec, ({ params, ctx }) => getInvoice(ctx, params.orgId, params.invoiceId)),
  route(voidInvoiceSpec, ({ params, body, ctx }) => voidInvoice(ctx, params.orgId, params.invoiceId, body)),
  route(issueCreditNoteSpec, ({ params, body, ctx }) => issueCreditNote(ctx, params.orgId, params.invoiceId, body)),
  route(listCreditNotesSpec, ({ params, query, ctx }) => listed('creditNotes', listCreditNotes(ctx, params.orgId, query.invoiceId))),
];
