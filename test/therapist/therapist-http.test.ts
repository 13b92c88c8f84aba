/**
 * The therapists' own pages over HTTP (fetch on loopback, playing a browser; the fake Google
 * plays the sign-in) with a clock the test moves: the owner's links, sign-in by the account on
 * file only, the W-9 signed and refused, pay, consent and its withdrawal, Copy B posted and
 * downloaded, expiry and revocation, and one therapist never reaching another's pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../api/harness.ts';
import { ok } from '../api/org-builder.ts';
import { portalBrowser } from '../portal/portal-fixture.ts';
import { authorizationOf, signIn, startTherapistFixture, type TherapistFixture } from './therapist-fixture.ts';

let f: TherapistFixture;
beforeAll(async () => {
  f = await startTherapistFixture();
});
afterAll(() => f.api.close());

const owner = () => ({ token: f.alpha.ownerToken });
const audit = async () => await f.api.store.listAudit('alpha', { limit: 10_000 });

function expectPageHeaders(headers: Headers): void {
  expect(headers.get('cache-control')).toBe('no-store');
  const csp = headers.get('content-security-policy')!;
  expect(csp).toMatch(/default-src 'none'/);
  expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).toMatch(/form-action 'self'/);
  expect(csp).not.toMatch(/script-src|unsafe/);
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

const W9 = {
  legalName: 'Thomas A. Becker',
  businessName: '',
  classification: 'individual',
  address1: '12 Oak Ave',
  city: 'Dublin',
  state: 'oh',
  zip: '43017',
  tinType: 'SSN',
  tin: '512-34-6789',
  signature: 'Thomas A. Becker',
  certify: 'yes',
};

describe("the owner's links", () => {
  it('makes a link whose URL is shown once (a 256-bit token), lists it without the token, and refuses a therapist of another org', async () => {
    const created = await f.newLink(0, { days: 30 });
    expect(created.url).toMatch(/^http:\/\/portal\.test\/therapist\/[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ emailOnFile: true, link: { therapistId: f.alpha.therapistIds[0], status: 'active' } });
    const listed = await call(f.api, 'get', `/v1/orgs/alpha/therapist-links?therapistId=${f.alpha.therapistIds[0]}`, owner());
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.token);
    expect(listed.body.links.map((l: any) => l.id)).toContain(created.link.id);
    expect((await call(f.api, 'post', `/v1/orgs/alpha/therapists/${f.beta.therapistIds[0]}/links`, { ...owner(), body: {} })).status).toBe(
      404,
    );
  });
});

describe('signing in', () => {
  it("opens the link to a sign-in page only, token-free, with the pages' headers and no data", async () => {
    const { path, token } = await f.newLink();
    const browser = portalBrowser(f.api);
    const page = await browser.get(path);
    expect(page.redirects).toEqual(['/therapist']);
    expect(page.status).toBe(401);
    expectPageHeaders(page.headers);
    expect(page.text).toContain('Sign in with Google');
    expect(page.text).not.toContain(token);
    expect(page.text).not.toMatch(/Tom Becker|\*\*\*-\*\*-/);
    expect(browser.cookies.get('therapist_session')!.attributes).toMatch(/HttpOnly/i);
    expect(browser.cookies.get('therapist_session')!.attributes).toMatch(/SameSite=Strict/i);
    // Every other page says the same until the sign-in.
    expect((await browser.get('/therapist/w9')).text).toContain('Sign in with Google');
  });

  it('sends the browser to Google with state and an S256 PKCE challenge, and keeps the verifier sealed in a Lax cookie for the callback only', async () => {
    const { path } = await f.newLink();
    const browser = portalBrowser(f.api);
    await browser.get(path);
    const start = await browser.post('/therapist/sign-in', {});
    const authorization = authorizationOf(start);
    // The sign-in form is redirected to Google: the CSP's form-action must allow it, as browsers check a form's redirects.
    expect((await browser.get('/therapist')).headers.get('content-security-policy')).toContain(`form-action 'self' ${f.api.google.url}`);
    expect(authorization.searchParams.get('client_id')).toBe('visitledger-therapists-test.apps.googleusercontent.com');
    expect(authorization.searchParams.get('redirect_uri')).toBe('http://portal.test/therapist/callback');
    expect(authorization.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = browser.cookies.get('therapist_sign_in')!;
    expect(pending.path).toBe('/therapist/callback');
    expect(pending.attributes).toMatch(/SameSite=Lax/i);
    expect(pending.attributes).toMatch(/HttpOnly/i);
  });

  it('refuses the wrong Google account (audited, never naming it) and signs in the account on file', async () => {
    const { path } = await f.newLink();
    const wrong = await signIn(f, path, 'someone.else@gmail.example');
    expect(wrong.callback.status).toBe(403);
    expect(wrong.callback.text).toContain('not the one on file');
    expect(wrong.home.status).toBe(401);
    expect(wrong.home.text).toContain('Sign in with Google');
    const refusals = (await audit()).filter((e) => e.action === 'refuse' && e.actor === `therapist:${f.alpha.therapistIds[0]}`);
    expect(refusals.at(-1)!.detail).toMatch(/other than the one on file/);
    expect(JSON.stringify(refusals)).not.toContain('someone.else');

    const right = await signIn(f, path, f.emails[0]);
    expect(right.callback.status).toBe(200);
    expect(right.callback.text).toContain('http-equiv="refresh"');
    expect(right.home.status).toBe(200);
    expectPageHeaders(right.home.headers);
    expect(right.home.text).toContain('Alpha Tom Becker');
    expect(right.home.text).toContain('***-**-4321');
    expect(right.home.text).not.toContain('487-65-4321');
  });

  it('refuses a callback with another state, and a code used twice', async () => {
    const { path } = await f.newLink();
    const browser = portalBrowser(f.api);
    await browser.get(path);
    const q = authorizationOf(await browser.post('/therapist/sign-in', {})).searchParams;
    const code = f.api.google.issueCode({
      email: f.emails[0],
      codeChallenge: q.get('code_challenge')!,
      redirectUri: q.get('redirect_uri')!,
      nonce: q.get('nonce')!,
    });
    const forged = await browser.get(`/therapist/callback?${new URLSearchParams({ state: 'x'.repeat(43), code })}`);
    expect(forged.status).toBe(400);
    // The sign-in cookie is spent by any callback: the right state now finds none.
    expect((await browser.get(`/therapist/callback?${new URLSearchParams({ state: q.get('state')!, code })}`)).status).toBe(400);
    expect((await browser.get('/therapist')).status).toBe(401);
  });
});

describe('the W-9', () => {
  it('refuses an impossible TIN with the reason and a signature that is not the name, saving nothing', async () => {
    const { path } = await f.newLink();
    const { browser } = await signIn(f, path, f.emails[0]);
    const before = await f.api.store.listW9Submissions('alpha', f.alpha.therapistIds[0]!);
    const bad = await browser.post('/therapist/w9', { ...W9, tin: '666-12-3456', signature: 'Tom' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('An SSN never starts with 666.');
    expect(bad.text).toContain('Type your full name exactly as on line 1');
    expect(bad.text).not.toContain('666-12-3456');
    expect(await f.api.store.listW9Submissions('alpha', f.alpha.therapistIds[0]!)).toEqual(before);
  });

  it('signs a new W-9: the owner sees it on file (masked), the old one is kept, and the TIN is never shown again', async () => {
    const { path } = await f.newLink();
    const { browser } = await signIn(f, path, f.emails[0]);
    const form = await browser.get('/therapist/w9');
    expect(form.text).toContain('Under penalties of perjury, I certify that:');
    expect(form.text).toContain('Definition of a U.S. person. For federal tax purposes, you are considered a U.S. person if you are:');
    expect(form.text).toContain('The number shown on this form is my correct taxpayer identification number');
    const signed = await browser.post('/therapist/w9', W9);
    expect(signed.redirects).toEqual(['/therapist?done=w9']);
    expect(signed.text).toContain('***-**-6789');
    expect(signed.text).not.toContain('512-34-6789');
    expect((await browser.get('/therapist/w9')).text).not.toMatch(/512-?34-?6789/);
    const therapists = await ok(f.api, 'get', '/v1/orgs/alpha/therapists', owner());
    const tom = therapists.therapists.find((t: any) => t.id === f.alpha.therapistIds[0]);
    expect(tom.w9).toMatchObject({
      legalName: 'Thomas A. Becker',
      tinMasked: '***-**-6789',
      signedOn: '2026-02-01',
      address: { state: 'OH' },
    });
    const kept = await f.api.store.listW9Submissions('alpha', f.alpha.therapistIds[0]!);
    expect(kept.at(-1)).toMatchObject({
      formRevision: 'March 2024',
      signature: 'Thomas A. Becker',
      signedFrom: expect.stringMatching(/127\.0\.0\.1/),
      signedInEmail: f.emails[0],
    });
    expect(JSON.stringify(kept)).not.toContain('512346789');
  });
});

describe('pay', () => {
  it("lists the therapist's statements and payments, and serves the statement PDF byte for byte as the owner's", async () => {
    await ok(f.api, 'post', '/v1/orgs/alpha/payments', {
      ...owner(),
      body: { therapistId: f.alpha.therapistIds[0], amountCents: 250_000, paidOn: '2026-01-30', method: 'ach' },
    });
    await ok(f.api, 'post', '/v1/orgs/alpha/payments', {
      ...owner(),
      body: { therapistId: f.alpha.therapistIds[1], amountCents: 300_000, paidOn: '2026-01-30', method: 'check' },
    });
    const { path } = await f.newLink();
    const { browser } = await signIn(f, path, f.emails[0]);
    const pay = await browser.get('/therapist/pay');
    expect(pay.status).toBe(200);
    expect(pay.text).toContain('Bank transfer (ACH)');
    expect(pay.text).toContain('$2,500.00');
    expect(pay.text).not.toContain('$3,000.00');
    const pdfLink = /href="(\/therapist\/pay\/[^"]+\/pdf)"/.exec(pay.text)![1]!;
    const mine = await fetch(`${f.api.url}${pdfLink.replaceAll('&amp;', '&')}`, {
      headers: { cookie: `therapist_session=${browser.cookies.get('therapist_session')!.value}` },
    });
    expect(mine.status).toBe(200);
    const payRunId = decodeURIComponent(pdfLink.split('/')[3]!);
    const owners = await fetch(
      `${f.api.url}/v1/orgs/alpha/pay-runs/${encodeURIComponent(payRunId)}/statements/${f.alpha.therapistIds[0]}/pdf`,
      { headers: { authorization: `Bearer ${f.alpha.ownerToken}` } },
    );
    expect(Buffer.from(await mine.arrayBuffer()).equals(Buffer.from(await owners.arrayBuffer()))).toBe(true);
    const downloads = (await audit()).filter((e) => e.action === 'download' && e.actor === `therapist:${f.alpha.therapistIds[0]}`);
    expect(downloads.length).toBeGreaterThan(0);
  });
});

describe('1099-NEC: consent, posting and paper', () => {
  it('lists non-consenting therapists for paper, takes consent after the disclosures, posts Copy B to the consenting only, notifies, and withdraws', async () => {
    const paperBefore = await ok(f.api, 'get', '/v1/orgs/alpha/tax-years/2026/paper-copies', owner());
    expect(paperBefore.paper.map((p: any) => p.therapistId).sort()).toEqual([...f.alpha.therapistIds].sort());

    const { path } = await f.newLink();
    const { browser } = await signIn(f, path, f.emails[0]);
    const page = await browser.get('/therapist/documents');
    for (const words of [
      'paper copy',
      'every later year, until you withdraw',
      'withdraw your consent',
      'When electronic delivery ends',
      'Contact details',
      'PDF reader',
    ]) {
      expect(page.text).toContain(words);
    }
    const consented = await browser.post('/therapist/consent', { consent: 'yes' });
    expect(consented.text).toContain('Withdraw my consent');
    expect((await f.api.store.listConsents('alpha', f.alpha.therapistIds[0]))[0]).toMatchObject({
      givenAt: '2026-02-01T15:00:00.000Z',
      disclosureVersion: '2026-1',
    });

    const posted = await ok(f.api, 'post', '/v1/orgs/alpha/tax-years/2026/copy-b/post', owner());
    expect(posted.posted.map((p: any) => p.therapistId)).toEqual([f.alpha.therapistIds[0]]);
    expect(posted.posted[0]).toMatchObject({ availableThrough: '2027-10-15', year: 2026 });
    expect(posted.paper.map((p: any) => p.therapistId)).toEqual([f.alpha.therapistIds[1]]);
    expect(posted.paper[0].mailTo.address).toMatchObject({ line1: '2 Elm St' });
    expect((await ok(f.api, 'post', '/v1/orgs/alpha/tax-years/2026/copy-b/post', owner())).posted).toEqual([]);

    const notices = await ok(f.api, 'get', '/v1/orgs/alpha/therapist-notifications?unsent=true', owner());
    expect(notices.notifications).toHaveLength(1);
    expect(notices.notifications[0]).toMatchObject({
      therapistId: f.alpha.therapistIds[0],
      email: f.emails[0],
      kind: 'copy-b-ready',
      year: 2026,
    });
    expect(JSON.stringify(notices)).not.toMatch(/2,500|250000|6789/);
    await ok(f.api, 'post', '/v1/orgs/alpha/therapist-notifications/sent', { ...owner(), body: { ids: [notices.notifications[0].id] } });
    expect((await ok(f.api, 'get', '/v1/orgs/alpha/therapist-notifications?unsent=true', owner())).notifications).toEqual([]);

    const docs = await browser.get('/therapist/documents');
    const copyLink = /href="(\/therapist\/documents\/[^"]+\/pdf)"/.exec(docs.text)![1]!;
    const pdf = await fetch(`${f.api.url}${copyLink}`, {
      headers: { cookie: `therapist_session=${browser.cookies.get('therapist_session')!.value}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    const withdrawn = await browser.post('/therapist/consent/withdraw', {});
    expect(withdrawn.text).toContain('Give my consent');
    const paperAfter = await ok(f.api, 'get', '/v1/orgs/alpha/tax-years/2026/paper-copies', owner());
    expect(paperAfter.paper.find((p: any) => p.therapistId === f.alpha.therapistIds[0])).toMatchObject({ reason: 'consent-withdrawn' });
    // The copy already posted stays until October 15 of the following year, and not after.
    expect((await browser.get('/therapist/documents')).text).toContain(copyLink);
  });
});

describe("one therapist, never another's", () => {
  it("answers not-found for another therapist's copy or statement, and an altered session is no session", async () => {
    const { path } = await f.newLink(1);
    const { browser } = await signIn(f, path, f.emails[1]);
    const toms = await f.api.store.listPostedCopyB('alpha', { therapistId: f.alpha.therapistIds[0] });
    expect(toms.length).toBeGreaterThan(0);
    expect((await browser.get(`/therapist/documents/${toms[0]!.id}/pdf`)).status).toBe(404);
    // A pay statement is addressed by pay run only: the therapist is the session's, so the same pay run gives Ana hers, never Tom's.
    const payRun = encodeURIComponent((await ok(f.api, 'get', '/v1/orgs/alpha/pay-runs', owner())).payRuns[0].id);
    const statementOf = async (i: number) =>
      Buffer.from(
        await (
          await fetch(`${f.api.url}/v1/orgs/alpha/pay-runs/${payRun}/statements/${f.alpha.therapistIds[i]}/pdf`, {
            headers: { authorization: `Bearer ${f.alpha.ownerToken}` },
          })
        ).arrayBuffer(),
      );
    const anas = Buffer.from(
      await (
        await fetch(`${f.api.url}/therapist/pay/${payRun}/pdf`, {
          headers: { cookie: `therapist_session=${browser.cookies.get('therapist_session')!.value}` },
        })
      ).arrayBuffer(),
    );
    expect(anas.equals(await statementOf(1))).toBe(true);
    expect(anas.equals(await statementOf(0))).toBe(false);
    expect((await browser.get('/therapist/pay/no-such-run/pdf')).status).toBe(404);
    const pay = await browser.get('/therapist/pay');
    expect(pay.text).not.toContain('$2,500.00');
    const session = browser.cookies.get('therapist_session')!;
    const forged = session.value.replace(/\.(\d+)\./, (_, ms) => `.${Number(ms) + 1}.`);
    const res = await fetch(`${f.api.url}/therapist`, { headers: { cookie: `therapist_session=${forged}` } });
    expect(res.status).toBe(401);
  });
});

describe('when a link stops working', () => {
  it('ends the session when the link expires, and at once when the owner revokes or rotates', async () => {
    const { path } = await f.newLink(0, { days: 1 });
    const { browser, home } = await signIn(f, path, f.emails[0]);
    expect(home.status).toBe(200);
    const start = f.clock.now;
    try {
      f.clock.now = new Date(start.getTime() + 86_400_000 + 1000);
      expect((await browser.get('/therapist')).status).toBe(401);
      expect((await browser.get(path)).status).toBe(404);
    } finally {
      f.clock.now = start;
    }
    const second = await f.newLink(0);
    const signedIn = await signIn(f, second.path, f.emails[0]);
    expect(signedIn.home.status).toBe(200);
    const revoked = await ok(f.api, 'post', `/v1/orgs/alpha/therapists/${f.alpha.therapistIds[0]}/links/revoke`, owner());
    expect(revoked.revoked.map((l: any) => l.id)).toContain(second.link.id);
    expect((await signedIn.browser.get('/therapist')).status).toBe(401);
    expect((await signedIn.browser.get(second.path)).status).toBe(404);
    const rotated = await ok(f.api, 'post', `/v1/orgs/alpha/therapists/${f.alpha.therapistIds[0]}/links/rotate`, { ...owner(), body: {} });
    expect((await signIn(f, new URL(rotated.url).pathname, f.emails[0])).home.status).toBe(200);
  });

  it('ends the session 12 hours after it began, whatever the link', async () => {
    const { path } = await f.newLink();
    const { browser } = await signIn(f, path, f.emails[0]);
    const start = f.clock.now;
    try {
      f.clock.now = new Date(start.getTime() + 12 * 3_600_000);
      expect((await browser.get('/therapist')).status).toBe(401);
    } finally {
      f.clock.now = start;
    }
  });
});
