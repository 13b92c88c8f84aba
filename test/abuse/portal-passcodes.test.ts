/**
 * Issue 18, item 7: portal passcodes that cannot be guessed cheaply. A weak passcode is
 * refused when the link is made (API and CLI); 10 wrong passcodes for one link in 15 minutes
 * make it refuse every passcode for 15 minutes from any address and any instance of the
 * service, which the owner sees in the link list; every failure is audited as the link.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi } from '../api/harness.ts';
import { ok } from '../api/org-builder.ts';
import { json, visitledger } from '../cli/run-cli.ts';
import { portalBrowser, startPortalFixture, type PortalFixture } from '../portal/portal-fixture.ts';

const PASSCODE = 'lantern-harbor-58';
const MINUTE = 60_000;

let f: PortalFixture;
beforeAll(async () => {
  // One proxy hop trusted: each request below names its own client address, as Google's front end would.
  f = await startPortalFixture({ limits: { trustProxyHops: 1 } });
});
afterAll(() => f.api.close());

/** A browser at its own client address, holding a session of the link (opened from its URL). */
async function browserAt(address: string, path: string) {
  const browser = portalBrowser(f.api);
  const headers = { 'x-forwarded-for': address };
  await browser.get(path, headers);
  return { browser, tryPasscode: (passcode: string) => browser.post('/portal/passcode', { passcode }, headers) };
}

const linkView = async (linkId: string) =>
  (await ok(f.api, 'get', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken })).links.find((l: { id: string }) => l.id === linkId);

describe('making a link with a passcode', () => {
  it('refuses a short, all-digit, repeated or common passcode with a message that says why', async () => {
    const attempt = (passcode: string) =>
      call(f.api, 'post', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken, body: { agencyId: f.alpha.agencyIds[0], passcode } });
    const cases: [string, RegExp][] = [
      ['123456', /at least 8 characters/],
      ['12345678', /only digits/],
      ['0000000000', /only digits/],
      ['kkkkkkkkkk', /repeated/],
      ['Password1', /most common/],
      ['qwerty123', /most common/],
    ];
    for (const [passcode, why] of cases) {
      const res = await attempt(passcode);
      expect(res.status, passcode).toBe(400);
      expect(res.body.error.code).toBe('invalid-input');
      expect(JSON.stringify(res.body.error), passcode).toMatch(why);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: expect.stringMatching(/passcode$/) })]);
      expect(res.text).not.toContain(passcode);
    }
    expect((await attempt(PASSCODE)).status).toBe(201);
  });

  it('refuses them in `visitledger portal-link` too', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-passcode-')), 'portal.db');
    await json(db, 'demo', '--month', '2026-09');
    const agency = ['--org', 'demo', '--agency', 'Oakridge Home Health (demo)'];
    const digits = await visitledger(db, 'portal-link', ...agency, '--passcode', '20260214');
    expect(digits.code).toBe(1);
    expect(digits.stderr).toMatch(/error: the passcode must not be only digits/);
    expect(digits.stdout).not.toMatch(/\/portal\//);
    const good = await visitledger(db, 'portal-link', ...agency, '--passcode', PASSCODE);
    expect(good.code, good.stderr).toBe(0);
  }, 60_000);
});

describe("guessing a link's passcode", () => {
  it('locks the link after 10 wrong passcodes in 15 minutes: 429 with Retry-After for every address, even with the right one, for 15 minutes', async () => {
    const { path, link } = await f.newLink({ passcode: PASSCODE });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      // Each guess from another address, one minute apart: no per-address limit would see them.
      const guesser = await browserAt(`203.0.113.${i + 1}`, path);
      f.clock.now = new Date(f.clock.now.getTime() + MINUTE);
      statuses.push((await guesser.tryPasscode(`wrong-guess-${i}`)).status);
    }
    expect(statuses).toEqual([...Array(9).fill(401), 429]);

    const agency = await browserAt('198.51.100.77', path);
    const refused = await agency.tryPasscode(PASSCODE);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(15 * 60);
    expect(refused.text).toContain('Too many wrong passcodes');
    expect(refused.text).not.toContain('Alpha Oakridge');
    const lockedUntil = new Date(f.clock.now.getTime() + 15 * MINUTE).toISOString();
    expect(await linkView(link.id)).toMatchObject({ status: 'active', hasPasscode: true, passcodeLockedUntil: lockedUntil });

    f.clock.now = new Date(f.clock.now.getTime() + 15 * MINUTE);
    const opened = await agency.tryPasscode(PASSCODE);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain(f.alphaInvoices[0]!.number);
    expect(await linkView(link.id)).not.toHaveProperty('passcodeLockedUntil');
  });

  it('counts only the failures of the last 15 minutes, and starts again after the right passcode', async () => {
    const { path, link } = await f.newLink({ passcode: PASSCODE });
    const guesser = await browserAt('203.0.113.200', path);
    for (let i = 0; i < 9; i++) expect((await guesser.tryPasscode(`wrong-${i}`)).status).toBe(401);
    f.clock.now = new Date(f.clock.now.getTime() + 15 * MINUTE);
    for (let i = 0; i < 9; i++) expect((await guesser.tryPasscode(`wrong-again-${i}`)).status).toBe(401); // the first nine fell out of the window
    expect((await guesser.tryPasscode(PASSCODE)).status).toBe(200);
    const stored = await f.api.store.getPortalLink('alpha', link.id);
    expect(stored).not.toHaveProperty('passcodeFailures');
  });

  it('keeps the count with the link in the store: two instances of the service share it', async () => {
    const { path, link } = await f.newLink({ passcode: PASSCODE });
    const other = await startTestApi({ openStore: () => f.api.store, now: () => f.clock.now, limits: { trustProxyHops: 1 } });
    try {
      const here = await browserAt('203.0.113.31', path);
      const there = portalBrowser(other);
      await there.get(path);
      for (let i = 0; i < 5; i++) {
        expect((await here.tryPasscode(`here-${i}`)).status).toBe(401);
        expect((await there.post('/portal/passcode', { passcode: `there-${i}` })).status).toBe(i < 4 ? 401 : 429);
      }
      expect((await here.tryPasscode(PASSCODE)).status).toBe(429);
      expect(await linkView(link.id)).toHaveProperty('passcodeLockedUntil');
    } finally {
      await other.close();
    }
  });

  it('audits every failure as the link, never with what was typed', async () => {
    const { path, link } = await f.newLink({ passcode: PASSCODE });
    const guesser = await browserAt('203.0.113.99', path);
    for (let i = 0; i < 11; i++) await guesser.tryPasscode(`typed-guess-${i}`);
    const trail = (await f.api.store.listAudit('alpha', { recordId: link.id })).filter((e) => e.action === 'refuse');
    expect(trail).toHaveLength(11);
    for (const entry of trail) expect(entry).toMatchObject({ actor: `portal:${link.id}`, recordType: 'portal-link' });
    expect(trail.map((e) => e.detail)).toEqual([
      ...Array(9).fill('wrong passcode'),
      expect.stringMatching(/^wrong passcode, 10 in 15 minutes: the link takes none until /),
      expect.stringMatching(/^passcode refused: the link takes none until /),
    ]);
    expect(JSON.stringify(trail)).not.toContain('typed-guess');
    expect(f.api.logText()).not.toContain('typed-guess');
  });
});
