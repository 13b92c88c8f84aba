import * as z from 'zod';
import * as zm from 'zod/mini';
import { invoice, period } from '../../../../shared/index.ts';
import { closeResult, heldVisit } from '../../../../shared/wire/billing.ts';
import type { RouteSpec } from '../route.ts';
import { orgPath, recordId, wired } from './common.schema.ts';

const agencyPeriod = z.object({ agencyId: recordId, period });

/** An invoice as a close would issue it: everything but its number and status. */
const invoiceDraft = zm.omit(invoice, { id: true, number: true, sequence: true, status: true, voidedOn: true, voidReason: true });

export const previewCloseSpec = {
  id: 'previewClose',
  method: 'post',
  path: '/v1/orgs/:orgId/cycles/preview',
  tag: 'cycles',
  access: 'member',
  summary: "What closing one agency's billing cycle would issue: the draft invoice and the visits held (no rate, no MRN), without issuing",
  params: orgPath,
  body: agencyPeriod,
  answer: z.object({
    agencyId: z.string(),
    period,
    draft: z.nullable(invoiceDraft).describe('Null when nothing would be billed, or the cycle is already closed'),
    held: z.array(heldVisit),
    alreadyClosed: z.boolean(),
  }),
} satisfies RouteSpec;

export const closeCycleSpec = {
  id: 'closeCycle',
  method: 'post',
  path: '/v1/orgs/:orgId/cycles/close',
  tag: 'cycles',
  access: 'member',
  summary:
    "Close one agency's billing cycle: issue its invoice, numbered without gaps. Closing again returns the same invoice (status already-closed)",
  params: orgPath,
  body: agencyPeriod,
  answer: closeResult,
} satisfies RouteSpec;

export const closeMonthSpec = {
  ...wired('closeMonth'),
  tag: 'cycles',
  access: 'member',
  summary: "Close every active agency's cycles that end in the month, and the payroll periods that end in it",
  params: orgPath,
} satisfies RouteSpec;
