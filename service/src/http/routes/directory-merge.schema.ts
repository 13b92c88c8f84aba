import * as z from 'zod';
import type { RouteSpec } from '../route.ts';
import { orgId, recordId } from './common.schema.ts';

const agencyPath = z.object({ orgId, agencyId: recordId });
const therapistPath = z.object({ orgId, therapistId: recordId });

const mergeBody = (kind: string) =>
  z.object({ into: recordId.describe(`The id of the ${kind} it meant: its visits, rates and spellings go there`) });

const mergeAnswer = z.object({
  kind: z.enum(['agency', 'therapist']),
  from: z.object({ id: z.string(), name: z.string() }).describe('Merged, then deleted'),
  into: z.object({
    id: z.string(),
    name: z.string(),
    aliases: z.array(z.string()).describe("Its spellings, the merged one's name among them"),
  }),
  visits: z.int().min(0).describe('Moved to `into`'),
  billRates: z.int().min(0).describe('Moved (a rate `into` already has at the same date and amount is kept once)'),
  payRates: z.int().min(0),
});

const deletedAnswer = z.object({ kind: z.enum(['agency', 'therapist']), id: z.string(), name: z.string() });

const REFUSED =
  '422 (rule-broken, `details.blockers` saying what) once it has invoices, receipts, live links, billed or paid visits, payments, a W-9 or a Stripe account, or rates that clash';

export const mergeAgencySpec = {
  id: 'mergeAgency',
  method: 'post',
  path: '/v1/orgs/:orgId/agencies/:agencyId/merge',
  tag: 'agencies',
  access: 'member',
  summary: `Merge an agency made by a typo into the one it meant: its visits (a visit that would repeat one of the other's refuses the merge), rates and spellings move there, it is deleted, all audited; ${REFUSED}`,
  params: agencyPath,
  body: mergeBody('agency'),
  answer: mergeAnswer,
} satisfies RouteSpec;

export const deleteAgencySpec = {
  id: 'deleteAgency',
  method: 'delete',
  path: '/v1/orgs/:orgId/agencies/:agencyId',
  tag: 'agencies',
  access: 'member',
  summary:
    'Delete an agency with nothing attached (no visit, rate, invoice, receipt or portal link); otherwise 422 saying what is attached',
  params: agencyPath,
  answer: deletedAnswer,
} satisfies RouteSpec;

export const mergeTherapistSpec = {
  id: 'mergeTherapist',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/merge',
  tag: 'therapists',
  access: 'member',
  summary: `Merge a therapist made by a typo into the one it meant: visits, pay rates and spellings move there, it is deleted, all audited; ${REFUSED}`,
  params: therapistPath,
  body: mergeBody('therapist'),
  answer: mergeAnswer,
} satisfies RouteSpec;

export const deleteTherapistSpec = {
  id: 'deleteTherapist',
  method: 'delete',
  path: '/v1/orgs/:orgId/therapists/:therapistId',
  tag: 'therapists',
  access: 'member',
  summary:
    'Delete a therapist with nothing attached (no visit, pay rate, payment, link, W-9 or Stripe account); otherwise 422 saying what is attached',
  params: therapistPath,
  answer: deletedAnswer,
} satisfies RouteSpec;
