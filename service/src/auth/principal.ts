/**
 * Who is calling: a Google account (the add-on, a person) or an org's API key (automation).
 * `Authorization: Bearer <token>`: a token starting `vl_` is an API key, anything else a
 * Google ID token. A principal acts in an org only with a role there.
 */
import type { IdentityStore, MemberRole } from '../store/port.ts';
import { API_KEY_PREFIX, verifyApiKey } from './api-keys.ts';
import type { IdTokenVerifier } from './google-id-token.ts';

export type Principal =
  | { kind: 'google'; email: string }
  | { kind: 'api-key'; orgId: string; keyId: string; role: MemberRole };

export type AuthenticationOutcome =
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'missing' }
  | { kind: 'rejected'; reason: string }
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
      return key ? { kind: 'authenticated', principal: { kind: 'api-key', ...key } } : { kind: 'rejected', reason: 'invalid-api-key' };
    }
    const google = await deps.verifyIdToken(token);
    if (google.kind === 'verified') return { kind: 'authenticated', principal: { kind: 'google', email: google.email } };
    return google.kind === 'unavailable' ? google : { kind: 'rejected', reason: google.reason };
  };
}

/** The principal's role in the org, or null: an API key acts only for its own org, an account only where it is a member. */
export async function roleIn(identity: IdentityStore, principal: Principal, orgId: string): Promise<MemberRole | null> {
  if (principal.kind === 'api-key') return principal.orgId === orgId ? principal.role : null;
  return (await identity.getMember(orgId, principal.email))?.role ?? null;
}

/** Who the audit log names. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'api-key' ? `api-key:${principal.keyId}` : principal.email;
}
