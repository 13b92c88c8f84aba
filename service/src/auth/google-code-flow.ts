/**
 * Google sign-in for a person at a browser (the therapists' pages): OAuth 2.0's authorization
 * code flow on the server, scope `openid email`, with `state`, PKCE (S256) and an OpenID
 * Connect `nonce`. The code is exchanged at the token endpoint with the client secret and the
 * verifier; the ID token that comes back is verified as the API verifies the add-on's
 * (google-id-token.ts): signature, issuer, audience (this client's id), expiry and a verified
 * email; and its `nonce` claim must be the nonce this sign-in sent, so that an ID token issued
 * for another sign-in (replayed, or injected with a stolen code) is refused.
 *
 * The endpoints are settings (config/settings.ts: Google's unless said) so that tests can stand in for Google.
 */
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { constantTimeEqual, newToken } from '../crypto/tokens.ts';
import { googleIdTokenVerifier, type IdTokenOutcome } from './google-id-token.ts';

export type GoogleCodeFlowSettings = {
  /** A web OAuth client's id and secret; unset, sign-in is off. */
  clientId: string | undefined;
  clientSecret: string | undefined;
  authorizationUrl: string;
  tokenUrl: string;
  certsUrl?: string | undefined;
};

/** What `start` hands back: the URL, and the PKCE verifier and nonce to keep (server side, sealed) for `finish`. */
export type SignInStart = { url: string; verifier: string; nonce: string };

export type GoogleCodeFlow = {
  /** Whether a client is configured: without one, the pages say sign-in is not set up. */
  readonly enabled: boolean;
  /** The authorization endpoint's origin: a sign-in form's CSP must allow it in form-action, or the browser stops the redirect there. */
  readonly authorizationOrigin: string;
  /** Where to send the browser, with a new nonce in the URL; the verifier and nonce to keep for `finish`. */
  start(input: { state: string; redirectUri: string; loginHint?: string }): Promise<SignInStart>;
  /** The code Google sent back, exchanged and its ID token verified (its nonce the one `start` gave); never throws, and never says more than a reason. */
  finish(input: { code: string; verifier: string; nonce: string; redirectUri: string }): Promise<IdTokenOutcome>;
};

export function googleCodeFlow(settings: GoogleCodeFlowSettings): GoogleCodeFlow {
  const { clientId, clientSecret } = settings;
  const client = new OAuth2Client({
    clientId,
    clientSecret,
    endpoints: { oauth2AuthBaseUrl: settings.authorizationUrl, oauth2TokenUrl: settings.tokenUrl },
  });
  const verify = googleIdTokenVerifier({ clientId, certsUrl: settings.certsUrl });
  const enabled = clientId !== undefined && clientSecret !== undefined;
  return {
    enabled,
    authorizationOrigin: new URL(settings.authorizationUrl).origin,
    async start({ state, redirectUri, loginHint }) {
      const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
      const nonce = newToken();
      const url = client.generateAuthUrl({
        scope: ['openid', 'email'],
        state,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge!,
        code_challenge_method: CodeChallengeMethod.S256,
        prompt: 'select_account',
        nonce,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
      return { url, verifier: codeVerifier, nonce };
    },
    async finish({ code, verifier, nonce, redirectUri }) {
      if (!enabled) return { kind: 'rejected', reason: 'google-sign-in-off' };
      let idToken: string | null | undefined;
      try {
        ({
          tokens: { id_token: idToken },
        } = await client.getToken({ code, codeVerifier: verifier, redirect_uri: redirectUri }));
      } catch (error) {
        // The library's errors quote the request: only whether Google refused (a 4xx) or could not be reached is kept.
        const status = (error as { response?: { status?: number } }).response?.status;
        return status !== undefined && status >= 400 && status < 500
          ? { kind: 'rejected', reason: 'invalid-id-token' }
          : { kind: 'unavailable' };
      }
      if (!idToken) return { kind: 'rejected', reason: 'invalid-id-token' };
      const outcome = await verify(idToken);
      if (outcome.kind !== 'verified') return outcome;
      const sameNonce = nonce !== '' && constantTimeEqual(Buffer.from(nonceOf(idToken)), Buffer.from(nonce));
      return sameNonce ? outcome : { kind: 'rejected', reason: 'invalid-id-token' };
    },
  };
}

/** The `nonce` claim of an ID token whose signature was verified already; '' when it has none. */
function nonceOf(idToken: string): string {
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { nonce?: unknown };
    return typeof payload.nonce === 'string' ? payload.nonce : '';
  } catch {
    return '';
  }
}
