/**
 * Google sign-in for a person at a browser (the therapists' pages): OAuth 2.0's authorization
 * code flow on the server, scope `openid email`, with `state` and PKCE (S256). The code is
 * exchanged at the token endpoint with the client secret and the verifier; the ID token that
 * comes back is verified as the API verifies the add-on's (google-id-token.ts): signature,
 * issuer, audience (this client's id), expiry and a verified email.
 *
 * The endpoints are settings (config/settings.ts: Google's unless said) so that tests can stand in for Google.
 */
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { googleIdTokenVerifier, type IdTokenOutcome } from './google-id-token.ts';

export type GoogleCodeFlowSettings = {
  /** A web OAuth client's id and secret; unset, sign-in is off. */
  clientId: string | undefined;
  clientSecret: string | undefined;
  authorizationUrl: string;
  tokenUrl: string;
  certsUrl?: string | undefined;
};

export type SignInStart = { url: string; verifier: string };

export type GoogleCodeFlow = {
  /** Whether a client is configured: without one, the pages say sign-in is not set up. */
  readonly enabled: boolean;
  /** The authorization endpoint's origin: a sign-in form's CSP must allow it in form-action, or the browser stops the redirect there. */
  readonly authorizationOrigin: string;
  /** Where to send the browser, and the PKCE verifier to keep (server side) for `finish`. */
  start(input: { state: string; redirectUri: string; loginHint?: string }): Promise<SignInStart>;
  /** The code Google sent back, exchanged and its ID token verified; never throws, and never says more than a reason. */
  finish(input: { code: string; verifier: string; redirectUri: string }): Promise<IdTokenOutcome>;
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
      const url = client.generateAuthUrl({
        scope: ['openid', 'email'],
        state,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge!,
        code_challenge_method: CodeChallengeMethod.S256,
        prompt: 'select_account',
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
      return { url, verifier: codeVerifier };
    },
    async finish({ code, verifier, redirectUri }) {
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
      return idToken ? verify(idToken) : { kind: 'rejected', reason: 'invalid-id-token' };
    },
  };
}
