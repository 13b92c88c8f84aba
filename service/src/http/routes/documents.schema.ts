import * as z from 'zod';
import { isoDate } from '../../../../shared/index.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, recordId } from './common.schema.ts';

const year = z
  .string()
  .regex(/^\d{4}$/, 'must be a year such as 2026')
  .transform(Number);

export const invoicePdfSpec = {
  id: 'getInvoicePdf',
  method: 'get',
  path: '/v1/orgs/:orgId/invoices/:invoiceId/pdf',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  summary:
    'The invoice as issued (PDF, rendered once, the same bytes every time; ETag is its SHA-256). Names patients as the agency chose: the download is audited',
  params: z.object({ orgId, invoiceId: recordId }),
} satisfies RouteSpec;

export const voidNoticePdfSpec = {
  id: 'getVoidNoticePdf',
  method: 'get',
  path: '/v1/orgs/:orgId/invoices/:invoiceId/void-notice/pdf',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  summary: 'The notice that a void invoice is void, naming it (PDF)',
  params: z.object({ orgId, invoiceId: recordId }),
} satisfies RouteSpec;

export const creditNotePdfSpec = {
  id: 'getCreditNotePdf',
  method: 'get',
  path: '/v1/orgs/:orgId/credit-notes/:creditNoteId/pdf',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  summary: 'A credit note, naming the invoice it corrects (PDF)',
  params: z.object({ orgId, creditNoteId: recordId }),
} satisfies RouteSpec;

export const payStatementPdfSpec = {
  id: 'getPayStatementPdf',
  method: 'get',
  path: '/v1/orgs/:orgId/pay-runs/:payRunId/statements/:therapistId/pdf',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  summary: "A therapist's statement for a pay run, with the payment once it is paid (PDF)",
  params: z.object({ orgId, payRunId: recordId, therapistId: recordId }),
} satisfies RouteSpec;

export const yearEndSummaryPdfSpec = {
  id: 'getYearEndSummaryPdf',
  method: 'get',
  path: '/v1/orgs/:orgId/tax-years/:year/summary.pdf',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  expensive: true,
  summary:
    "The owner's 1099-NEC summary of the year (PDF): totals by payment date, threshold, W-9 status, what blocks filing, the due date",
  params: z.object({ orgId, year }),
} satisfies RouteSpec;

export const irisFileSpec = {
  id: 'getIrisFile',
  method: 'get',
  path: '/v1/orgs/:orgId/tax-years/:year/iris/:fileNumber',
  tag: 'documents',
  access: 'owner',
  file: 'text/csv',
  expensive: true,
  summary: 'IRIS 1099-NEC upload file number N (from 1; at most 100 records each). Holds full TINs: the owner only, and audited',
  params: z.object({
    orgId,
    year,
    fileNumber: z
      .string()
      .regex(/^[1-9]\d{0,3}$/, 'must be a file number from 1')
      .transform(Number),
  }),
} satisfies RouteSpec;

export const necCopyBSpec = {
  id: 'getNecCopyB',
  method: 'get',
  path: '/v1/orgs/:orgId/tax-years/:year/copies/:therapistId',
  tag: 'documents',
  access: 'member',
  file: 'application/pdf',
  expensive: true,
  summary: "A therapist's 1099-NEC recipient copy (substitute Copy B, TINs masked), when they reach the threshold and can be filed",
  params: z.object({ orgId, year, therapistId: recordId }),
} satisfies RouteSpec;

export const ACCOUNTING_FILES = [
  'qbo-invoices',
  'credit-notes',
  'qbo-payments',
  'payments-ledger',
  'qbo-receive-payments',
  'receivable-credits',
] as const;

export const accountingFileSpec = {
  id: 'getAccountingFile',
  method: 'get',
  path: '/v1/orgs/:orgId/accounting/:file',
  tag: 'documents',
  access: 'member',
  file: 'text/csv',
  expensive: true,
  summary:
    "An accountant's file for a date range: invoices for QuickBooks Online's invoice import (no patients), credit notes to enter as credit memos, payments for its bank import, the payments ledger, receipts from agencies for its receive-payments import, or the refunds and write-offs of receivables",
  params: z.object({ orgId, file: z.enum(ACCOUNTING_FILES) }),
  query: z.object({ from: isoDate, to: isoDate }),
} satisfies RouteSpec;
