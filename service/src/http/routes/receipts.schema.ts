import * as z from 'zod';
import * as zm from 'zod/mini';
import { isoDate } from '../../../../shared/index.ts';
import { RECEIVABLE_STATUSES, receiptEntry, receivableEntry } from '../../../../shared/receivables.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { creditApplicationInput, receiptInput, refundInput, reversalInput, writeOffInput } from '../../usecases/receipts.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const cents = z.int();
const status = z.enum(RECEIVABLE_STATUSES);
const invoiceReceivable = z.object({
  invoiceId: z.string(),
  number: z.string(),
  issueDate: z.string(),
  dueDate: z.string(),
  totalCents: cents,
  paidCents: cents,
  creditedCents: cents,
  writtenOffCents: cents,
  openCents: cents,
  status,
});
/** What a change wrote, the agency's credit after it and the invoices it moved. */
const change = z.object({ entries: z.array(receivableEntry), creditCents: cents, invoices: z.array(invoiceReceivable) });
const receiptView = zm.extend(receiptEntry, {
  reversed: zm.boolean(),
  applications: zm.array(zm.object({ invoiceId: zm.string(), amountCents: zm.int() })),
});
const agencyPath = z.object({ orgId, agencyId: recordId });

export const recordReceiptSpec = {
  id: 'recordReceipt',
  method: 'post',
  path: '/v1/orgs/:orgId/receipts',
  tag: 'receivables',
  access: 'member',
  status: 201,
  summary:
    'Record money received from an agency: applied to the invoices named (in order) or the oldest due first, each up to what it has open; the rest is credit on account. ' +
    'With a clientId (idempotency key) already used for the same receipt, answers that receipt with 200 and replayed: true instead of recording it again; for a different receipt, 409',
  params: orgPath,
  body: objectOf(receiptInput),
  answer: z.object({ ...change.shape, replayed: z.optional(z.literal(true)) }),
} satisfies RouteSpec;

export const listReceiptsSpec = {
  id: 'listReceipts',
  method: 'get',
  path: '/v1/orgs/:orgId/receipts',
  tag: 'receivables',
  access: 'member',
  summary: 'A page of receipts by date received, of one agency or all, each with its applications and whether it was reversed',
  params: orgPath,
  query: z.object({ agencyId: recordId.optional(), ...pageQuery(SORT_KEYS.byDateAndId) }),
  answer: z.object({ receipts: z.array(receiptView), nextCursor }),
} satisfies RouteSpec;

export const reverseReceivableSpec = {
  id: 'reverseReceivable',
  method: 'post',
  path: '/v1/orgs/:orgId/receivables/:entryId/reverse',
  tag: 'receivables',
  access: 'member',
  status: 201,
  summary:
    'Reverse a receipt (with its applications), an application, a refund or a write-off by a new entry; both stay. A receipt whose credit was since applied or refunded is reversed after those',
  params: z.object({ orgId, entryId: recordId }),
  body: objectOf(reversalInput),
  answer: change,
} satisfies RouteSpec;

export const applyCreditSpec = {
  id: 'applyCredit',
  method: 'post',
  path: '/v1/orgs/:orgId/agencies/:agencyId/apply-credit',
  tag: 'receivables',
  access: 'member',
  status: 201,
  summary: "Apply the agency's credit on account (all of it, or amountCents) to the invoices named or the oldest due first",
  params: agencyPath,
  body: objectOf(creditApplicationInput),
  answer: change,
} satisfies RouteSpec;

export const refundCreditSpec = {
  id: 'refundCredit',
  method: 'post',
  path: '/v1/orgs/:orgId/agencies/:agencyId/refunds',
  tag: 'receivables',
  access: 'member',
  status: 201,
  summary: 'Record credit paid back to the agency (by check, ACH...); never more than its credit',
  params: agencyPath,
  body: objectOf(refundInput),
  answer: change,
} satisfies RouteSpec;

export const writeOffInvoiceSpec = {
  id: 'writeOffInvoice',
  method: 'post',
  path: '/v1/orgs/:orgId/invoices/:invoiceId/write-off',
  tag: 'receivables',
  access: 'member',
  status: 201,
  summary:
    'Close a short pay: write off what is open on the invoice (or amountCents of it), with the reason. For disputed visits, issue a credit note instead',
  params: z.object({ orgId, invoiceId: recordId }),
  body: objectOf(writeOffInput),
  answer: change,
} satisfies RouteSpec;

export const receivablesSpec = {
  ...wired('receivables'),
  tag: 'receivables',
  access: 'member',
  summary:
    "What each agency owes and its credit, open invoices aged by days past the due date, as of a day (today in the org's time zone unless asOf); a page of agencies by name",
  params: orgPath,
  query: z.object({ asOf: z.optional(isoDate), ...pageQuery(SORT_KEYS.byId) }),
} satisfies RouteSpec;
