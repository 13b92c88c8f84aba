import * as z from 'zod';
import * as zm from 'zod/mini';
import { creditNote, invoiceLine, isoDate } from '../../../../shared/index.ts';
import { issuedInvoice } from '../../../../shared/wire/billing.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const invoicePath = z.object({ orgId, invoiceId: recordId });

/** As invoices.ts validates them (documentation only: the use case parses the body). */
const voidShape = z.object({ reason: z.string().min(1).max(500).describe('Why the invoice is void') });
const creditShape = z.object({
  reason: z.string().min(1).max(500),
  issueDate: z.optional(isoDate),
  lines: z
    .array(
      z.object({
        visitId: z.string().optional(),
        description: z.string().min(1).max(300),
        amountCents: z.int().positive(),
      }),
    )
    .min(1)
    .optional()
    .describe('Omitted: the whole invoice is credited'),
});

/** One invoice opened: each line names its patient as the agency chose (name, initials and MRN, or MRN). */
const openedInvoice = zm.extend(issuedInvoice, { lines: zm.array(zm.extend(invoiceLine, { patient: zm.string() })) });

export const listInvoicesSpec = {
  ...wired('listInvoices'),
  tag: 'invoices',
  access: 'member',
  summary: 'A page of issued and void invoices by number (no patients: open one invoice to see its lines)',
  params: orgPath,
  query: z.object({ agencyId: recordId.optional(), ...pageQuery(SORT_KEYS.bySequence) }),
} satisfies RouteSpec;

export const getInvoiceSpec = {
  id: 'getInvoice',
  method: 'get',
  path: '/v1/orgs/:orgId/invoices/:invoiceId',
  tag: 'invoices',
  access: 'member',
  summary: "One invoice with each line's patient named as the agency chose (PHI: the read is audited)",
  params: invoicePath,
  answer: openedInvoice,
} satisfies RouteSpec;

export const voidInvoiceSpec = {
  id: 'voidInvoice',
  method: 'post',
  path: '/v1/orgs/:orgId/invoices/:invoiceId/void',
  tag: 'invoices',
  access: 'member',
  summary: 'Void an invoice: its visits are billed again on the next close, as late visits. An invoice with credit notes cannot be voided',
  params: invoicePath,
  body: objectOf(voidShape),
  answer: issuedInvoice,
} satisfies RouteSpec;

export const issueCreditNoteSpec = {
  id: 'issueCreditNote',
  method: 'post',
  path: '/v1/orgs/:orgId/invoices/:invoiceId/credit-notes',
  tag: 'invoices',
  access: 'member',
  status: 201,
  summary: 'Issue a numbered credit note (INV-0042-CN1) on an invoice, for some lines or all of it; never more than was billed',
  params: invoicePath,
  body: objectOf(creditShape),
  answer: creditNote,
} satisfies RouteSpec;

export const listCreditNotesSpec = {
  id: 'listCreditNotes',
  method: 'get',
  path: '/v1/orgs/:orgId/credit-notes',
  tag: 'invoices',
  access: 'member',
  summary: 'A page of credit notes by number, of one invoice or all',
  params: orgPath,
  query: z.object({ invoiceId: recordId.optional(), ...pageQuery(SORT_KEYS.byId) }),
  answer: z.object({ creditNotes: z.array(creditNote), nextCursor }),
} satisfies RouteSpec;
