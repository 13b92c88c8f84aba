/**
 * Issue 18, item 10: credentials in URLs and identities by email. A portal link's token is
 * exchanged for a session cookie and a 303 to a page without it, and the session ends with
 * the link; therapists' onboarding URLs expire after 7 days; a member is the Google account
 * (its `sub`) that first signed in with the email, not whoever holds the email later; removing
 * a member revokes the API keys they made.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../service/src/auth/api-keys.ts';
import { tokenHash } from '../../service/src/crypto/tokens.ts';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { buildOrg, ok } from '../api/org-builder.ts';
import { portalBrowser, startPortalFixture, type PortalFixture } from '../portal/portal-fixture.ts';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("a portal link's token", () => {
  let f: PortalFixture;
  beforeAll(async () => {
    f = await startPortalFixture({ limits: { trustProxyHops: 1 } });
  });
  afterAll(() => f.api.close());

  const once = (path: string, headers: Record<string, string> = {}) => fetch(`${f.api.url}${path}`, { redirect: 'manual', headers });
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('portal_session='));
  const withSession = (cookie: string) => ({ cookie: cookie.split(';')[0]! });

  it('is exchanged for an HttpOnly, SameSite=Strict session cookie on /portal, and a 303 to the same page without it', async () => {
    const { path, token } = await f.newLink();
    const invoice = f.alphaInvoices[0]!;
    const pages: [string, string][] = [
      ['', '/portal'],
      ['/statement', '/portal/statement'],
      [`/invoices/${invoice.id}`, `/portal/invoices/${invoice.id}`],
      [`/invoices/${invoice.id}/pdf`, `/portal/invoices/${invoice.id}/pdf`],
    ];
    for (const [page, without] of pages) {
      const res = await once(`${path}${page}`);
      expect(res.status, page).toBe(303);
      expect(res.headers.get('location'), page).toBe(without);
      expect(res.headers.get('content-type'), page).toMatch(/^text\/html/);
      const cookie = sessionCookie(res)!;
      expect(cookie, page).toMatch(/; Path=\/portal(;|$)/);
      expect(cookie, page).toMatch(/; HttpOnly/i);
      expect(cookie, page).toMatch(/; SameSite=Strict/i);
      expect(cookie, page).not.toMatch(/; Secure/i); // plain http on loopback
      expect(cookie, page).toMatch(/; Max-Age=43200/); // 12 hours: the link has 90 days left
      expect(cookie, page).not.toContain(token);
      const opened = await once(without, withSession(cookie));
      expect(opened.status, page).toBe(200);
    }
  });

  it('is Secure when the proxy says the request came over https', async () => {
    const { path } = await f.newLink();
    const res = await once(path, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.4' });
    expect(sessionCookie(res)).toMatch(/; Secure/i);
  });

  it('appears in no page after the first: every link on them is under /portal, without it', async () => {
    const { path, token } = await f.newLink();
    const browser = portalBrowser(f.api);
    const texts = [
      (await browser.get(path)).text,
      (await browser.get('/portal/statement')).text,
      (await browser.get(`/portal/invoices/${f.alphaInvoices[0]!.id}`)).text,
    ];
    for (const text of texts) {
      expect(text).toContain('<table');
      expect(text).not.toContain(token);
      for (const [, href] of text.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^\/portal(\/|$)/);
    }
  });

  it('opens nothing with a session that ended: the link revoked, rotated or expired, or 12 hours gone', async () => {
    const session = async (body: Record<string, unknown> = {}) => {
      const link = await f.newLink(body);
      const cookie = sessionCookie(await once(link.path))!;
      return { ...link, cookie, opens: async () => (await once('/portal', withSession(cookie))).status };
    };
    const revoked = await session();
    const rotated = await session();
    const expiring = await session({ days: 1 });
    const long = await session();
    for (const s of [revoked, rotated, expiring, long]) expect(await s.opens()).toBe(200);
    await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${revoked.link.id}/revoke`, { token: f.alpha.ownerToken });
    await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${rotated.link.id}/rotate`, { token: f.alpha.ownerToken, body: {} });
    expect(await revoked.opens()).toBe(401);
    expect(await rotated.opens()).toBe(401);

    const saved = f.clock.now;
    try {
      // An hour before the one-day link ends, a new session lasts only that hour.
      f.clock.now = new Date(saved.getTime() + DAY - HOUR);
      const late = await session();
      expect(late.cookie).toMatch(/; Max-Age=43200/);
      const lastHour = sessionCookie(await once(expiring.path))!;
      expect(lastHour).toMatch(/; Max-Age=3600(;|$)/);
      f.clock.now = new Date(saved.getTime() + DAY + 60_000);
      expect((await once('/portal', withSession(lastHour))).status).toBe(401); // a minute old, but its link has expired
      expect(await long.opens()).toBe(401); // 24 hours old
      expect(await late.opens()).toBe(200);
    } finally {
      f.clock.now = saved;
    }
  });

  it('opens nothing with a session cookie that was altered or made up', async () => {
    const { path } = await f.newLink();
    const other = await f.newLink();
    const value = sessionCookie(await once(path))!
      .split(';')[0]!
      .slice('portal_session='.length);
    const [org, link, issued, passed, mac] = value.split('.');
    const otherLink = other.link.id;
    const forgeries = [
      `${org}.${link}.${issued}.${passed}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`,
      `${org}.${otherLink}.${issued}.${passed}.${mac}`,
      `beta.${link}.${issued}.${passed}.${mac}`,
      `${org}.${link}.${Number(issued) + 1}.${passed}.${mac}`,
      `${org}.${link}.${issued}.1.${mac}`,
      `${org}.${link}.${issued}.${passed}`,
      'forged',
    ];
    for (const forged of forgeries) {
      const res = await once('/portal', { cookie: `portal_session=${forged}` });
      expect(res.status, forged).toBe(401);
      expect(await res.text(), forged).not.toMatch(/INV-|Oakridge/);
    }
  });

  it('without any session, a page reloads itself once (the cookie a link opened from another site sets is kept off the redirect), then asks for the link', async () => {
    const first = await once('/portal/statement');
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('<meta http-equiv="refresh" content="0; url=/portal/statement?opened">');
    const again = await once('/portal/statement?opened');
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('Open your link again');
  });
});

describe("a therapist's onboarding URL", () => {
  let api: TestApi;
  let standin: StripeStandin;
  const clock = { now: new Date('2026-02-01T15:00:00.000Z') };
  const stripeKey = `rk_test_${randomBytes(16).toString('hex')}`;
  beforeAll(async () => {
    standin = await startStripeStandin();
    standin.addPlatform(stripeKey, 10_000_000);
    api = await startTestApi({ stripeApiBase: standin.url, now: () => clock.now });
  });
  afterAll(async () => {
    await api.close();
    await standin.close();
  });

  it("works for 7 days; the owner renews it by asking for the therapist's onboarding again", async () => {
    const org = await buildOrg(api, 'alpha', 'Alpha');
    await ok(api, 'put', '/v1/orgs/alpha/stripe', {
      token: org.ownerToken,
      body: { key: stripeKey, webhookSecret: `whsec_${randomBytes(16).toString('hex')}` },
    });
    const onboard = () => ok(api, 'post', `/v1/orgs/alpha/therapists/${org.therapistIds[0]}/stripe-onboarding`, { token: org.ownerToken });
    const visit = async (url: string) => (await fetch(url.replace('http://portal.test', api.url), { redirect: 'manual' })).status;
    const first = await onboard();
    expect(first.onboardingUrlExpiresAt).toBe(new Date(clock.now.getTime() + 7 * DAY).toISOString());
    expect(await visit(first.onboardingUrl)).toBe(303);

    clock.now = new Date(clock.now.getTime() + 7 * DAY - 60_000);
    expect(await visit(first.onboardingUrl)).toBe(303);
    clock.now = new Date(clock.now.getTime() + 60_000);
    expect(await visit(first.onboardingUrl)).toBe(404);
    const renewed = await onboard();
    expect(renewed.onboardingUrl).not.toBe(first.onboardingUrl);
    expect(await visit(renewed.onboardingUrl)).toBe(303);
    expect((await ok(api, 'get', '/v1/orgs/alpha/stripe', { token: org.ownerToken })).accounts[0].onboardingTokenExpiresAt).toBe(
      renewed.onboardingUrlExpiresAt,
    );
  });
});

describe('members and their keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('a member is the Google account that first signed in with the email: another account with it is refused (403) and audited', async () => {
    const owner = api.google.idToken('owner@sub.example');
    await ok(api, 'post', '/v1/orgs', { token: owner, body: { id: 'sub-org' } });
    await ok(api, 'put', '/v1/orgs/sub-org/members/staff@sub.example', { token: owner, body: { role: 'staff' } });
    const staff = api.google.idToken('staff@sub.example', { sub: 'google-account-1' });
    expect((await call(api, 'get', '/v1/orgs/sub-org', { token: staff })).status).toBe(200);
    expect((await api.store.getMember('sub-org', 'staff@sub.example'))?.sub).toBe('google-account-1');

    const sameEmailOtherAccount = api.google.idToken('staff@sub.example', { sub: 'google-account-2' });
    const refused = await call(api, 'get', '/v1/orgs/sub-org', { token: sameEmailOtherAccount });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('sub-org');
    expect((await call(api, 'get', '/v1/orgs/sub-org', { token: staff })).status).toBe(200); // the member still is
    const trail = await api.store.listAudit('sub-org', { recordId: 'staff@sub.example' });
    expect(trail.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ['create', 'owner@sub.example', 'role staff'],
      ['update', 'staff@sub.example', 'first sign-in: Google account recorded'],
      ['refuse', 'staff@sub.example', "sign-in by another Google account with the member's email"],
    ]);
    expect((await ok(api, 'get', '/v1/orgs/sub-org/members', { token: owner })).members.every((m: object) => !('sub' in m))).toBe(true);

    // Removed and added again, the email starts afresh: the next account to sign in is the member.
    await ok(api, 'delete', '/v1/orgs/sub-org/members/staff@sub.example', { token: owner });
    await ok(api, 'put', '/v1/orgs/sub-org/members/staff@sub.example', { token: owner, body: { role: 'staff' } });
    expect((await call(api, 'get', '/v1/orgs/sub-org', { token: sameEmailOtherAccount })).status).toBe(200);
    expect((await call(api, 'get', '/v1/orgs/sub-org', { token: staff })).status).toBe(403);
  });

  it('removing a member revokes the API keys they made, and those made with those keys; other keys stay', async () => {
    const first = api.google.idToken('first@keys.example');
    const second = api.google.idToken('second@keys.example');
    await ok(api, 'post', '/v1/orgs', { token: first, body: { id: 'keys-org' } });
    await ok(api, 'put', '/v1/orgs/keys-org/members/second@keys.example', { token: first, body: { role: 'owner' } });
    const theirs = await ok(api, 'post', '/v1/orgs/keys-org/api-keys', { token: second, body: { label: "second's sync", role: 'owner' } });
    const madeWithTheirs = await ok(api, 'post', '/v1/orgs/keys-org/api-keys', { token: theirs.key, body: { label: 'made by a key' } });
    const firsts = await ok(api, 'post', '/v1/orgs/keys-org/api-keys', { token: first, body: { label: "first's sync" } });
    expect([theirs.apiKey.createdBy, madeWithTheirs.apiKey.createdBy, firsts.apiKey.createdBy]).toEqual([
      'second@keys.example',
      'second@keys.example',
      'first@keys.example',
    ]);
    // A key made before keys named their maker stays as it is.
    const legacy = newApiKey('keys-org');
    await api.store.insertApiKey('keys-org', {
      id: legacy.keyId,
      label: 'from before',
      role: 'staff',
      secretHash: tokenHash(legacy.secret),
      createdAt: '2026-01-01T00:00:00.000Z',
    });

    const works = async (key: string) => (await call(api, 'get', '/v1/orgs/keys-org', { token: key })).status;
    for (const key of [theirs.key, madeWithTheirs.key, firsts.key, legacy.key]) expect(await works(key)).toBe(200);
    await ok(api, 'delete', '/v1/orgs/keys-org/members/second@keys.example', { token: first });
    expect(await works(theirs.key)).toBe(401);
    expect(await works(madeWithTheirs.key)).toBe(401);
    expect(await works(firsts.key)).toBe(200);
    expect(await works(legacy.key)).toBe(200);
    const revoked = (await ok(api, 'get', '/v1/orgs/keys-org/api-keys', { token: first })).apiKeys.filter(
      (k: { revokedAt?: string }) => k.revokedAt,
    );
    expect(revoked.map((k: { id: string }) => k.id).sort()).toEqual([theirs.apiKey.id, madeWithTheirs.apiKey.id].sort());
    for (const k of revoked) {
      expect(await api.store.listAudit('keys-org', { recordId: k.id })).toContainEqual(
        expect.objectContaining({ action: 'update', actor: 'first@keys.example', detail: 'revoked' }),
      );
    }
  });
});
