/**
 * The API key credential: `vl_<orgId>_<keyId>_<secret>`. The secret is a token (256 random
 * bits, crypto/tokens.ts), shown once when the key is made; the store keeps only its hash.
 * The org id inside the key finds the key without a global index, and a key only ever acts
 * for that org. Managing an org's keys (labels, roles, revoking) is usecases/api-keys.ts.
 */
import { randomBytes } from 'node:crypto';
import { newToken, tokenMatches } from '../crypto/tokens.ts';
import type { IdentityStore, MemberRole } from '../store/port.ts';

export const API_KEY_PREFIX = 'vl_';
const KEY_ID_BYTES = 8;
/** Org ids have no underscore (orgs.ts ORG_ID), key ids are hex, so the first three parts split cleanly. */
const API_KEY_FORMAT = /^vl_([a-z0-9][a-z0-9-]{0,62})_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type ParsedApiKey = { orgId: string; keyId: string; secret: string };

export function parseApiKey(token: string): ParsedApiKey | null {
  const match = API_KEY_FORMAT.exec(token);
  return match ? { orgId: match[1]!, keyId: match[2]!, secret: match[3]! } : null;
}

/** A fresh key for the org: `key` is what its holder presents, `secret` what the store keeps the hash of. */
export function newApiKey(orgId: string): ParsedApiKey & { key: string } {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = newToken();
  return { orgId, keyId, secret, key: `${API_KEY_PREFIX}${orgId}_${keyId}_${secret}` };
}

/** The key's org, id and role when the token is a live key; null otherwise (wrong, unknown or revoked). */
export async function verifyApiKey(
  identity: IdentityStore,
  token: string,
): Promise<{ orgId: string; keyId: string; role: MemberRole } | null> {
  const parsed = parseApiKey(token);
  if (!parsed) return null;
  const key = await identity.getApiKey(parsed.orgId, parsed.keyId);
  if (!key || key.revokedAt || !tokenMatches(parsed.secret, key.secretHash)) return null;
  return { orgId: parsed.orgId, keyId: key.id, role: key.role };
}
