/** Agency portal links on the wire: what the owner asks for, and what a link shows (never its token or hashes). */
import * as z from 'zod/mini';
import { pagedAnswer } from './paging.ts';

const days = z.optional(z.int().check(z.minimum(1), z.maximum(365), z.describe('How long the link works; 90 days when omitted')));

export const createPortalLinkBody = z.object({
  agencyId: z.string().check(z.minLength(1), z.maxLength(200)),
  days,
  passcode: z.optional(
    z
      .string()
      .check(
        z.minLength(8, { message: 'must be at least 8 characters' }),
        z.maxLength(200),
        z.describe(
          'A passcode the agency must also give; stored as its scrypt hash. At least 8 characters, not only digits, not a common one',
        ),
      ),
  ),
});

export const rotatePortalLinkBody = z.object({ days });

export const portalLink = z.object({
  id: z.string(),
  agencyId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.optional(z.string()),
  hasPasscode: z.boolean(),
  status: z.enum(['active', 'expired', 'revoked']),
  viewedInvoiceIds: z.array(z.string()),
  passcodeLockedUntil: z.optional(
    z.string().check(z.describe('Until then the link refuses every passcode: 10 wrong ones in 15 minutes lock it for 15 minutes')),
  ),
});

/** A new link: the only time its URL is shown (the service keeps only the token's hash). */
export const createdPortalLink = z.object({ link: portalLink, url: z.string() });

export const portalLinksAnswer = pagedAnswer(z.object({ links: z.array(portalLink) }));
