import * as z from 'zod';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS } from './common.schema.ts';

const therapistPath = z.object({ orgId, therapistId: recordId });
const yearPath = z.object({
  orgId,
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a year such as 2026')
    .transform(Number),
});
const daysBody = z.object({ days: z.int().min(1).max(365).optional().describe('How long the link works: 90 days unless said') });

const linkView = z.object({
  id: z.string(),
  therapistId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  status: z.enum(['active', 'expired', 'revoked']),
});
const createdLink = z.object({
  link: linkView,
  url: z.string().describe('The link to send the therapist: shown only in this answer'),
  emailOnFile: z.boolean().describe('False: the therapist has no email on file, so the link opens nothing until one is set'),
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
const notification = z.object({
  id: z.string(),
  therapistId: z.string(),
  therapistName: z.string(),
  email: z.string().nullable(),
  kind: z.enum(['copy-b-ready']),
  year: z.int(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
});

export const createTherapistLinkSpec = {
  id: 'createTherapistLink',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/links',
  tag: 'therapists',
  access: 'owner',
  status: 201,
  summary:
    "Make a therapist's own link (W-9, pay, 1099-NEC); it opens only after Google sign-in with the email on file. The URL is shown only in this answer",
  params: therapistPath,
  body: objectOf(daysBody),
  answer: createdLink,
} satisfies RouteSpec;

export const listTherapistLinksSpec = {
  id: 'listTherapistLinks',
  method: 'get',
  path: '/v1/orgs/:orgId/therapist-links',
  tag: 'therapists',
  access: 'owner',
  summary: "The therapists' links (status and dates; never the URL)",
  params: orgPath,
  query: z.object({ therapistId: recordId.optional(), ...pageQuery(SORT_KEYS.byId) }),
  answer: z.object({ links: z.array(linkView), nextCursor: z.string().nullable() }),
} satisfies RouteSpec;

export const revokeTherapistLinksSpec = {
  id: 'revokeTherapistLinks',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/links/revoke',
  tag: 'therapists',
  access: 'owner',
  summary: 'Revoke every link of the therapist at once (their sessions end with them)',
  params: therapistPath,
  answer: z.object({ revoked: z.array(linkView) }),
} satisfies RouteSpec;

export const rotateTherapistLinkSpec = {
  id: 'rotateTherapistLink',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/links/rotate',
  tag: 'therapists',
  access: 'owner',
  status: 201,
  summary: "Revoke the therapist's links and make a new one; the new URL is shown only in this answer",
  params: therapistPath,
  body: objectOf(daysBody),
  answer: createdLink,
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
  id: 'listTherapistNotifications',
  method: 'get',
  path: '/v1/orgs/:orgId/therapist-notifications',
  tag: 'therapists',
  access: 'owner',
  summary:
    'Notices for the add-on to email therapists (a Copy B is ready: no amount, no TIN), oldest first; ?unsent=true for those not sent yet',
  params: orgPath,
  query: z.object({ unsent: z.enum(['true', 'false']).optional() }),
  answer: z.object({ notifications: z.array(notification) }),
} satisfies RouteSpec;

export const markTherapistNotificationsSentSpec = {
  id: 'markTherapistNotificationsSent',
  method: 'post',
  path: '/v1/orgs/:orgId/therapist-notifications/sent',
  tag: 'therapists',
  access: 'owner',
  summary: 'Mark notices as emailed',
  params: orgPath,
  body: z.object({ ids: z.array(recordId).max(500).default([]) }),
  answer: z.object({ marked: z.array(z.string()) }),
} satisfies RouteSpec;
