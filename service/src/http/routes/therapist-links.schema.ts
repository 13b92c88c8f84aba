import * as z from 'zod';
import { objectOf } from '../documented.ts';
import { WIRE } from '../../../../shared/wire/api.ts';
import { therapistLink } from '../../../../shared/wire/therapists.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const therapistPath = z.object({ orgId, therapistId: recordId });
const yearPath = z.object({
  orgId,
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a year such as 2026')
    .transform(Number),
});

const address = z.object({ line1: z.string(), line2: z.string().optional(), city: z.string(), state: z.string(), zip: z.string() });
const paperCopy = z.object({
  therapistId: z.string(),
  name: z.string(),
  reason: z.enum(['no-consent', 'consent-withdrawn']),
  mailTo: z.object({ name: z.string(), address }).optional(),
});
const postedCopy = z.object({
  id: z.string(),
  therapistId: z.string(),
  name: z.string(),
  year: z.int(),
  fileName: z.string(),
  sha256: z.string(),
  postedAt: z.string(),
  availableThrough: z.string(),
  corrected: z.boolean(),
});
export const createTherapistLinkSpec = {
  ...wired('createTherapistLink'),
  tag: 'therapists',
  access: 'owner',
  status: 201,
  summary:
    "Make a therapist's own link (W-9, pay, 1099-NEC); it opens only after Google sign-in with the email on file. The URL is shown only in this answer",
  params: therapistPath,
  body: objectOf(WIRE.createTherapistLink.body),
} satisfies RouteSpec;

export const listTherapistLinksSpec = {
  ...wired('listTherapistLinks'),
  tag: 'therapists',
  access: 'owner',
  summary: "The therapists' links (status and dates; never the URL)",
  params: orgPath,
  query: z.object({ therapistId: recordId.optional(), ...pageQuery(SORT_KEYS.byId) }),
} satisfies RouteSpec;

export const revokeTherapistLinksSpec = {
  id: 'revokeTherapistLinks',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/links/revoke',
  tag: 'therapists',
  access: 'owner',
  summary: 'Revoke every link of the therapist at once (their sessions end with them)',
  params: therapistPath,
  answer: z.object({ revoked: z.array(therapistLink) }),
} satisfies RouteSpec;

export const rotateTherapistLinkSpec = {
  ...wired('rotateTherapistLink'),
  tag: 'therapists',
  access: 'owner',
  status: 201,
  summary: "Revoke the therapist's links and make a new one; the new URL is shown only in this answer",
  params: therapistPath,
  body: objectOf(WIRE.rotateTherapistLink.body),
} satisfies RouteSpec;

export const postCopyBSpec = {
  id: 'postCopyB',
  method: 'post',
  path: '/v1/orgs/:orgId/tax-years/:year/copy-b/post',
  tag: 'tax',
  access: 'owner',
  expensive: true,
  summary:
    "Post the year's 1099-NEC Copy B to each therapist who consented to electronic copies (each once; a CORRECTED one again) and record a notice for the add-on to email; lists who gets paper",
  params: yearPath,
  answer: z.object({ year: z.int(), posted: z.array(postedCopy), alreadyPosted: z.int(), paper: z.array(paperCopy) }),
} satisfies RouteSpec;

export const listPaperCopiesSpec = {
  id: 'listPaperCopies',
  method: 'get',
  path: '/v1/orgs/:orgId/tax-years/:year/paper-copies',
  tag: 'tax',
  access: 'owner',
  summary: 'The therapists due a 1099-NEC for the year who did not consent to electronic copies: mail them paper, to the W-9 address',
  params: yearPath,
  answer: z.object({ paper: z.array(paperCopy) }),
} satisfies RouteSpec;

export const listTherapistNotificationsSpec = {
  ...wired('listTherapistNotifications'),
  tag: 'therapists',
  access: 'owner',
  summary:
    'Notices for the add-on to email therapists (a Copy B is ready: no amount, no TIN), oldest first; ?unsent=true for those not sent yet',
  params: orgPath,
  query: z.object({ unsent: z.enum(['true', 'false']).optional() }),
} satisfies RouteSpec;

export const markTherapistNotificationsSentSpec = {
  ...wired('markTherapistNotificationsSent'),
  tag: 'therapists',
  access: 'owner',
  summary: 'Mark notices as emailed',
  params: orgPath,
  body: z.object({ ids: z.array(recordId).max(500).default([]) }),
} satisfies RouteSpec;
