/**
 * Who is calling: a Google account (the add-on, a person) or an org's API key (automation).
 * `Authorization: Bearer <token>`: a token starting `vl_` is an API key, anything else a
 * Google ID token. A principal acts in an org only with a role there: an API key in its own
 * org, a Google account as a member (usecases/members.ts `signInAsMember`).
 */
import type { IdentityStore, MemberRole } from '../store/port.ts';
import { API_KEY_PREFIX, parseApiKey, verifyApiKey } from './api-keys.ts';
import type { IdTokenVerifier } from './google-id-token.ts';

export type Principal =
  | { kind: 'google'; email: string; sub: string }
  | { kind: 'api-key'; orgId: string; keyId: string; role: MemberRole };

export type AuthenticationOutcome =
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'missing' }
  /** `keyId`: `<orgId>/<keyId>` of an API key that was well formed but did not verify, for counting guesses per key. */
  | { kind: 'rejected'; reason: string; keyId?: string }
  | { kind: 'unavailable' };

export type Authenticator = (authorizationHeader: string | undefined) => Promise<AuthenticationOutcome>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createAuthenticator(deps: { identity: IdentityStore; verifyIdToken: IdTokenVerifier }): Authenticator {
  return async (header) => {
    if (!header) return { kind: 'missing' };
    const token = BEARER.exec(header)?.[1];
    if (!token) return { kind: 'rejected', reason: 'not-a-bearer-token' };
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await verifyApiKey(deps.identity, token);
      if (key) return { kind: 'authenticated', principal: { kind: 'api-key', ...key } };
      const parsed = parseApiKey(token);
      return { kind: 'rejected', reason: 'invalid-api-key', ...(parsed ? { keyId: `${parsed.orgId}/${parsed.keyId}` } : {}) };
    }
    const google = await deps.verifyIdToken(token);
    if (google.kind === 'verified') return { kind: 'authenticated', principal: { kind: 'google', email: google.email, sub: google.sub } };
    return google.kind === 'unavailable' ? google : { kind: 'rejected', reason: google.reason };
  };
}

/** Who the audit log names. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'api-key' ? `api-key:${principal.keyId}` : principal.email;
}
