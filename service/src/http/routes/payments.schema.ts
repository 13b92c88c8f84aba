import * as z from 'zod';
import { payment } from '../../../../shared/index.ts';
import { manualPaymentInput } from '../../usecases/payments.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const year = z
  .string()
  .regex(/^\d{4}$/, 'must be a year such as 2026')
  .transform(Number);

export const recordPaymentSpec = {
  id: 'recordPayment',
  method: 'post',
  path: '/v1/orgs/:orgId/payments',
  tag: 'payments',
  access: 'member',
  status: 201,
  summary:
    'Record a payment made outside Stripe (check, ACH, cash; card for the record, it does not count toward 1099-NEC); with backupWithholding, amountCents is the gross and 24% of it is kept',
  params: orgPath,
  body: objectOf(manualPaymentInput),
  answer: payment,
} satisfies RouteSpec;

export const listPaymentsSpec = {
  ...wired('listPayments'),
  tag: 'payments',
  access: 'member',
  summary: 'A page of payments to therapists by date paid, of one therapist or a calendar year of payment dates',
  params: orgPath,
  query: z.object({ therapistId: recordId.optional(), year: year.optional(), ...pageQuery(SORT_KEYS.byDateAndId) }),
} satisfies RouteSpec;

export const taxYearSpec = {
  ...wired('taxYearSummary'),
  tag: 'payments',
  access: 'member',
  summary:
    'The 1099-NEC summary of a year by payment date: threshold, due date, totals per therapist, W-9 status (TIN masked) and what blocks filing',
  params: z.object({ orgId, year }),
} satisfies RouteSpec;
