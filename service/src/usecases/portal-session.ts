/**
 * A portal session: what a browser holds once it opened a link, so that no page after the
 * first carries the token (platform request logs and browser history keep URLs). Its value
 * is `<orgId>.<linkId>.<issued ms>.<passed 0|1>.<mac>`; the MAC, the field cipher's keyed
 * hash (a server secret), covers all of it, the link's token hash and, once the passcode was
 * given, the passcode's hash. The link is read on every request: a session ends with its
 * link (expired, revoked, rotated: a rotation revokes it) and after SESSION_MS at most.
 */
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { constantTimeEqual } from '../crypto/tokens.ts';
import type { PortalLinkRecord, PortalStore } from '../store/port.ts';
import { linkStatus, type PortalAccess } from './portal.ts';

export const SESSION_MS = 12 * 3_600_000;

const SESSION_FORMAT = /^([a-z0-9][a-z0-9-]{0,62})\.([A-Za-z0-9_-]{1,100})\.(\d{1,15})\.([01])\.([A-Za-z0-9_-]{43})$/;

export type PortalSession = PortalAccess & {
  /** Whether this browser gave the link's passcode (always true for a link without one). */
  passed: boolean;
};

const macOf = (cipher: FieldCipher, orgId: string, link: PortalLinkRecord, issuedMs: number, passed: boolean) =>
  cipher.blindIndex(
    ['portal-session', orgId, link.id, issuedMs, passed ? 1 : 0, link.tokenHash, passed ? (link.passcodeHash ?? '') : ''].join('\n'),
  );

/** A new session for the link, and when it ends (the link's expiry, or SESSION_MS from now if sooner). */
export function newPortalSession(
  cipher: FieldCipher,
  access: PortalAccess,
  now: Date,
  passed: boolean,
): { value: string; expiresAt: Date } {
  const issued = now.getTime();
  const value = [access.orgId, access.link.id, issued, passed ? 1 : 0, macOf(cipher, access.orgId, access.link, issued, passed)].join('.');
  return { value, expiresAt: new Date(Math.min(issued + SESSION_MS, Date.parse(access.link.expiresAt))) };
}

/** The session's link, when the value is one this service made, not yet SESSION_MS old, for a link still active; null for anything else alike. */
export async function resolvePortalSession(
  deps: { portal: PortalStore; cipher: FieldCipher },
  value: string | undefined,
  now: Date,
): Promise<PortalSession | null> {
  const parts = value === undefined ? null : SESSION_FORMAT.exec(value);
  if (!parts) return null;
  const [, orgId, linkId, issued, passedFlag, mac] = parts as unknown as [string, string, string, string, string, string];
  const issuedMs = Number(issued);
  if (issuedMs > now.getTime() || now.getTime() - issuedMs >= SESSION_MS) return null;
  const link = await deps.portal.getPortalLink(orgId, linkId);
  if (!link || linkStatus(link, now) !== 'active') return null;
  const passed = passedFlag === '1';
  if (!constantTimeEqual(Buffer.from(mac), Buffer.from(macOf(deps.cipher, orgId, link, issuedMs, passed)))) return null;
  return { orgId, link, passed: passed || link.passcodeHash === undefined };
}
