/**
 * The portal fixture's two orgs (January closed: pay runs and statements), with emails on
 * alpha's therapists, a payer TIN and address (so a 1099-NEC Copy B can be made), and a
 * browser played by fetch that signs in through the fake Google's code flow.
 */
import { expect } from 'vitest';
import { ok } from '../api/org-builder.ts';
import { portalBrowser, startPortalFixture, type PortalBrowser, type PortalFixture, type Visit } from '../portal/portal-fixture.ts';

export type TherapistFixture = Omit<PortalFixture, 'newLink'> & {
  /** Alpha's two therapists' Google emails, in therapistIds order. */
  emails: [string, string];
  /** A new link for alpha's therapist `i`, as the owner's API answers it. */
  newLink(
    i?: number,
    body?: Record<string, unknown>,
  ): Promise<{ url: string; path: string; token: string; link: { id: string; therapistId: string } }>;
};

export async function startTherapistFixture(): Promise<TherapistFixture> {
  const f = await startPortalFixture();
  const { api, alpha } = f;
  const emails: [string, string] = ['tom.becker@gmail.example', 'ana.morales@gmail.example'];
  await ok(api, 'post', '/v1/orgs/alpha/therapists', {
    token: alpha.ownerToken,
    body: {
      therapists: alpha.therapistIds.map((id, i) => ({ id, name: i === 0 ? 'Alpha Tom Becker' : 'Alpha Ana Morales', email: emails[i] })),
    },
  });
  await ok(api, 'put', '/v1/orgs/alpha/payer-tin', { token: alpha.ownerToken, body: { tin: '31-4159265', type: 'EIN' } });
  await ok(api, 'patch', '/v1/orgs/alpha/settings', {
    token: alpha.ownerToken,
    body: { address: { line1: '10 Main St', city: 'Columbus', state: 'OH', zip: '43215' }, phone: '614-555-0100' },
  });
  return {
    ...f,
    emails,
    async newLink(i = 0, body = {}) {
      const created = await ok(api, 'post', `/v1/orgs/alpha/therapists/${alpha.therapistIds[i]}/links`, { token: alpha.ownerToken, body });
      const path = new URL(created.url).pathname;
      return { ...created, path, token: path.split('/')[2]! };
    },
  };
}

/** Where the service sent the browser to sign in: Google's authorization URL, read for the state, challenge and redirect URI. */
export function authorizationOf(visit: Visit): URL {
  const google = visit.redirects.find((r) => r.includes('/authorize?'));
  expect(google, 'the sign-in goes to Google').toBeDefined();
  return new URL(google!);
}

/**
 * Opens the link and signs in as `email` through the code flow: the service sends the browser
 * to Google (no page here: the test plays Google and takes a code for the challenge), Google
 * sends it back to the callback with the code and state, and the callback's page loads the home page.
 */
export async function signIn(
  f: TherapistFixture,
  linkPath: string,
  email: string,
  browser: PortalBrowser = portalBrowser(f.api),
): Promise<{ browser: PortalBrowser; callback: Visit; home: Visit }> {
  await browser.get(linkPath);
  const authorization = authorizationOf(await browser.post('/therapist/sign-in', {}));
  const q = authorization.searchParams;
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('scope')).toBe('openid email');
  const code = f.api.google.issueCode({
    email,
    codeChallenge: q.get('code_challenge')!,
    redirectUri: q.get('redirect_uri')!,
    nonce: q.get('nonce')!,
  });
  const callback = await browser.get(`/therapist/callback?${new URLSearchParams({ state: q.get('state')!, code })}`);
  const home = await browser.get('/therapist');
  return { browser, callback, home };
}
