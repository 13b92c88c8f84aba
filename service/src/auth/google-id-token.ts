/**
 * Google ID tokens, as the add-on sends them (`ScriptApp.getIdentityToken()`), verified with
 * google-auth-library against Google's signing certificates: signature, issuer, audience
 * (the add-on's OAuth client id) and expiry. Only a verified email is an identity.
 *
 * The library's error messages quote the token and its payload, so they are never logged or
 * returned: a failure is reduced to a reason code.
 */
import { OAuth2Client } from 'google-auth-library';

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

export type IdTokenOutcome =
  /** `sub`: the account's stable id; an email can move to another account, the sub never does. */
  | { kind: 'verified'; email: string; sub: string }
  /** Not a valid token for this service: bad signature, wrong audience or issuer, expired, email not verified. */
  | { kind: 'rejected'; reason: 'google-sign-in-off' | 'invalid-id-token' | 'email-not-verified' }
  /** Google's certificates could not be fetched: the service's problem, not the caller's. */
  | { kind: 'unavailable' };

export type IdTokenVerifier = (token: string) => Promise<IdTokenOutcome>;

export function googleIdTokenVerifier(options: { clientId: string | undefined; certsUrl?: string | undefined }): IdTokenVerifier {
  const { clientId } = options;
  if (!clientId) return async () => ({ kind: 'rejected', reason: 'google-sign-in-off' });
  const client = new OAuth2Client({
    clientId,
    ...(options.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl } } : {}),
  });
  return async (token) => {
    let certs: Awaited<ReturnType<OAuth2Client['getFederatedSignonCertsAsync']>>['certs'];
    try {
      ({ certs } = await client.getFederatedSignonCertsAsync()); // cached for the max-age Google sends
    } catch {
      return { kind: 'unavailable' };
    }
    try {
      const ticket = await client.verifySignedJwtWithCertsAsync(token, certs, clientId, GOOGLE_ISSUERS);
      const payload = ticket.getPayload();
      if (!payload?.email || payload.email_verified !== true) return { kind: 'rejected', reason: 'email-not-verified' };
      if (!payload.sub) return { kind: 'rejected', reason: 'invalid-id-token' };
      return { kind: 'verified', email: payload.email.toLowerCase(), sub: payload.sub };
    } catch {
      return { kind: 'rejected', reason: 'invalid-id-token' };
    }
  };
}
