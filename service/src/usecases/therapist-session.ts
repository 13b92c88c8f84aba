/**
 * A therapist's session: what a browser holds once it opened a therapist link, so that no page
 * after the first carries the token. Its value is `<orgId>.<linkId>.<issued ms>.<signed 0|1>.<mac>`;
 * the MAC (the field cipher's keyed hash) covers all of it, the link's token hash and, once the
 * therapist signed in with Google, the email on file: a session ends with its link (expired,
 * revoked, rotated), when the email on file changes, and after SESSION_MS at most.
 *
 * Between the link and the session sits the sign-in in progress: the OAuth `state`, the PKCE
 * verifier and the OpenID Connect nonce, sealed with the field cipher (so the browser can
 * neither read nor change them) and kept for SIGN_IN_MS.
 */
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { constantTimeEqual } from '../crypto/tokens.ts';
import type { IdTokenOutcome } from '../auth/google-id-token.ts';
import type { StoredTherapist } from '../store/port.ts';
import type { TherapistLinkRecord, TherapistPortalStore } from '../store/therapist-port.ts';
import type { Store } from '../store/port.ts';
import { audit } from './context.ts';
import { linkStatus } from './portal.ts';
import { SESSION_MS } from './portal-session.ts';
import type { TherapistAccess, TherapistContext } from './therapist-links.ts';

export const SIGN_IN_MS = 10 * 60_000;

const SESSION_FORMAT = /^([a-z0-9][a-z0-9-]{0,62})\.([A-Za-z0-9_-]{1,100})\.(\d{1,15})\.([01])\.([A-Za-z0-9_-]{43})$/;

export type TherapistSession = TherapistAccess & { therapist: StoredTherapist; signedIn: boolean };

/** Who a therapist page acts as in the audit log. */
export const therapistActor = (session: TherapistAccess) => `therapist:${session.link.therapistId}`;

const emailOf = (t: StoredTherapist) => (t.email ?? '').trim().toLowerCase();

const macOf = (cipher: FieldCipher, orgId: string, link: TherapistLinkRecord, issuedMs: number, email: string | null) =>
  cipher.blindIndex(['therapist-session', orgId, link.id, issuedMs, email === null ? 0 : 1, link.tokenHash, email ?? ''].join('\n'));

/** A new session for the link (signed in as the therapist when `therapist` is given), and when it ends. */
export function newTherapistSession(
  cipher: FieldCipher,
  access: TherapistAccess,
  now: Date,
  signedInAs: StoredTherapist | null,
): { value: string; expiresAt: Date } {
  const issued = now.getTime();
  const email = signedInAs ? emailOf(signedInAs) : null;
  const value = [
    access.orgId,
    access.link.id,
    issued,
    email === null ? 0 : 1,
    macOf(cipher, access.orgId, access.link, issued, email),
  ].join('.');
  return { value, expiresAt: new Date(Math.min(issued + SESSION_MS, Date.parse(access.link.expiresAt))) };
}

/** The session's link and therapist, when the value is one this service made, still young, for an active link; null for anything else alike. */
export async function resolveTherapistSession(
  deps: { store: Store; therapists: TherapistPortalStore; cipher: FieldCipher },
  value: string | undefined,
  now: Date,
): Promise<TherapistSession | null> {
  const parts = value === undefined ? null : SESSION_FORMAT.exec(value);
  if (!parts) return null;
  const [, orgId, linkId, issued, signedFlag, mac] = parts as unknown as [string, string, string, string, string, string];
  const issuedMs = Number(issued);
  if (issuedMs > now.getTime() || now.getTime() - issuedMs >= SESSION_MS) return null;
  const link = await deps.therapists.getTherapistLink(orgId, linkId);
  if (!link || linkStatus(link, now) !== 'active') return null;
  const therapist = (await deps.store.listTherapists(orgId)).find((t) => t.id === link.therapistId);
  if (!therapist) return null;
  const signedIn = signedFlag === '1';
  const expected = macOf(deps.cipher, orgId, link, issuedMs, signedIn ? emailOf(therapist) : null);
  if (!constantTimeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
  return { orgId, link, therapist, signedIn };
}

/** A sign-in under way: what the callback needs, sealed. */
export type SignInState = { orgId: string; linkId: string; state: string; verifier: string; nonce: string; startedMs: number };

export const sealSignIn = (cipher: FieldCipher, s: SignInState) => cipher.seal(JSON.stringify(s));

/** The sign-in this browser started, when it is this service's, not older than SIGN_IN_MS; null otherwise. */
export function openSignIn(cipher: FieldCipher, value: string | undefined, now: Date): SignInState | null {
  if (value === undefined || value.length > 2000) return null;
  try {
    const s = JSON.parse(cipher.open(value)) as SignInState;
    return typeof s.state === 'string' &&
      typeof s.nonce === 'string' &&
      now.getTime() - s.startedMs < SIGN_IN_MS &&
      s.startedMs <= now.getTime()
      ? s
      : null;
  } catch {
    return null;
  }
}

export type SignInResult = { kind: 'signed-in' } | { kind: 'wrong-account' } | { kind: 'refused' } | { kind: 'unavailable' };

/**
 * Whether the Google account that signed in is the therapist's: its verified email must be the
 * one on file. Anything else is refused and audited as the link (never with the other account's email).
 */
export async function checkSignIn(ctx: TherapistContext, session: TherapistSession, outcome: IdTokenOutcome): Promise<SignInResult> {
  if (outcome.kind === 'unavailable') return { kind: 'unavailable' };
  const refuse = (detail: string) =>
    audit(ctx, session.orgId, [
      {
        action: 'refuse',
        recordType: 'therapist',
        recordId: session.link.therapistId,
        detail: `therapist link ${session.link.id}: ${detail}`,
      },
    ]);
  if (outcome.kind === 'rejected') {
    await refuse(`sign-in refused (${outcome.reason})`);
    return { kind: 'refused' };
  }
  if (outcome.email !== emailOf(session.therapist) || emailOf(session.therapist) === '') {
    await refuse('sign-in refused: a Google account other than the one on file');
    return { kind: 'wrong-account' };
  }
  await audit(ctx, session.orgId, [
    {
      action: 'read',
      recordType: 'therapist',
      recordId: session.link.therapistId,
      detail: `therapist link ${session.link.id}: signed in with Google`,
    },
  ]);
  return { kind: 'signed-in' };
}
