/**
 * The OpenID Connect nonce of the therapists' Google sign-in: each sign-in sends a new one in
 * the authorization URL, and the callback accepts only an ID token that carries it. A code
 * whose ID token has another nonce (a token issued for another sign-in) or none is refused,
 * audited as a refused sign-in, and opens nothing; the same sign-in with the right nonce works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalBrowser } from '../portal/portal-fixture.ts';
import { authorizationOf, startTherapistFixture, type TherapistFixture } from './therapist-fixture.ts';

let f: TherapistFixture;
beforeAll(async () => {
  f = await startTherapistFixture();
});
afterAll(() => f.api.close());

/** Opens a new link and starts a sign-in; the authorization URL's parameters and a callback that takes a code issued with `nonce`. */
async function startSignIn() {
  const { path } = await f.newLink();
  const browser = portalBrowser(f.api);
  await browser.get(path);
  const q = authorizationOf(await browser.post('/therapist/sign-in', {})).searchParams;
  const callbackWith = (nonce: string | undefined) => {
    const code = f.api.google.issueCode({
      email: f.emails[0],
      codeChallenge: q.get('code_challenge')!,
      redirectUri: q.get('redirect_uri')!,
      ...(nonce !== undefined ? { nonce } : {}),
    });
    return browser.get(`/therapist/callback?${new URLSearchParams({ state: q.get('state')!, code })}`);
  };
  return { browser, q, callbackWith };
}

describe('the sign-in nonce', () => {
  it('sends a new 256-bit nonce with each sign-in', async () => {
    const first = (await startSignIn()).q.get('nonce');
    const second = (await startSignIn()).q.get('nonce');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
  });

  it("refuses an ID token with another sign-in's nonce, and one with none; the right nonce signs in", async () => {
    const other = (await startSignIn()).q.get('nonce')!;
    for (const nonce of [other, undefined]) {
      const { browser, callbackWith } = await startSignIn();
      const refused = await callbackWith(nonce);
      expect(refused.status, `nonce ${nonce === undefined ? 'missing' : 'of another sign-in'}`).toBe(403);
      expect(refused.text).toContain('Sign in with Google');
      expect((await browser.get('/therapist')).status).toBe(401);
    }
    const refusals = (await f.api.store.listAudit('alpha', { limit: 10_000 })).filter(
      (e) => e.action === 'refuse' && e.actor === `therapist:${f.alpha.therapistIds[0]}`,
    );
    expect(refusals.filter((e) => e.detail?.includes('sign-in refused (invalid-id-token)'))).toHaveLength(2);

    const { browser, q, callbackWith } = await startSignIn();
    expect((await callbackWith(q.get('nonce')!)).status).toBe(200);
    expect((await browser.get('/therapist')).status).toBe(200);
  });
});
