/**
 * The therapists' own links and the notices to email them, on the wire: what the owner asks
 * for and what comes back (a link's URL only in the answer that made it; no amount, no TIN).
 */
import * as z from 'zod/mini';
import { pagedAnswer } from './paging.ts';

export const therapistLinkBody = z.object({
  days: z.optional(z.int().check(z.minimum(1), z.maximum(365), z.describe('How long the link works: 90 days unless said'))),
});

export const therapistLink = z.object({
  id: z.string(),
  therapistId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.optional(z.string()),
  status: z.enum(['active', 'expired', 'revoked']),
});

export const createdTherapistLink = z.object({
  link: therapistLink,
  url: z.string().check(z.describe('The link to send the therapist: shown only in this answer')),
  emailOnFile: z.boolean().check(z.describe('False: the therapist has no email on file, so the link opens nothing until one is set')),
});

export const therapistLinksAnswer = pagedAnswer(z.object({ links: z.array(therapistLink) }));

export const therapistNotification = z.object({
  id: z.string(),
  therapistId: z.string(),
  therapistName: z.string(),
  email: z.nullable(z.string()),
  kind: z.enum(['copy-b-ready']),
  year: z.int(),
  createdAt: z.string(),
  sentAt: z.optional(z.string()),
});

export const therapistNotificationsAnswer = z.object({ notifications: z.array(therapistNotification) });

export const markNotificationsSentBody = z.object({
  ids: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(500)), []),
});

export const markedNotifications = z.object({ marked: z.array(z.string()) });
