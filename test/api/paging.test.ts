/**
 * Lists a page at a time (issue 18 item 4): following nextCursor returns every row once and in
 * order; a limit over 1,000 is refused; a cursor carries a position only, so one taken from
 * another org's listing shows nothing of that org; a list read is one audit entry; and the
 * exports are limited per org with 429 and Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from './harness.ts';
import { aVisit, buildOrg, ok, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let alpha: BuiltOrg;
let beta: BuiltOrg;
let clockMs = Date.parse('2026-02-10T12:00:00.000Z');

/** Every page of a list route, following nextCursor until it is null. */
async function allPages(org: BuiltOrg, path: string, limit: number): Promise<any[]> {
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: any = await ok(api, 'get', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: org.ownerToken });
    pages.push(page);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(200);
  } while (cursor !== null);
  return pages;
}

beforeAll(async () => {
  api = await startTestApi({ now: () => new Date(clockMs), limits: { exportsPerMinute: 3 } });
  alpha = await buildOrg(api, 'alpha', 'Alpha');
  beta = await buildOrg(api, 'beta', 'Beta');
  // 60 more visits, several a day, so pages split inside a date.
  const more = Array.from({ length: 60 }, (_, i) =>
    aVisit({
      clientId: `alpha-more-${i}`,
      agencyId: alpha.agencyIds[i % 2]!,
      therapistId: alpha.therapistIds[i % 2]!,
      patient: alpha.patients[i % 3]!,
      date: `2026-01-${String(1 + (i % 9)).padStart(2, '0')}`,
    }),
  );
  await ok(api, 'post', '/v1/orgs/alpha/visits', { token: alpha.ownerToken, body: { visits: more } });
}, 60_000);
afterAll(() => api?.close());

describe('paging', () => {
  it('pages visits: each visit once, in date and id order, filters kept across pages', async () => {
    const whole = await ok(api, 'get', '/v1/orgs/alpha/visits?limit=1000', { token: alpha.ownerToken });
    expect(whole.visits).toHaveLength(72);
    expect(whole.nextCursor).toBeNull();
    const sorted = [...whole.visits].sort((a: any, b: any) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
    expect(whole.visits.map((v: any) => v.id)).toEqual(sorted.map((v: any) => v.id));

    const pages = await allPages(alpha, '/v1/orgs/alpha/visits', 7);
    expect(pages.map((p) => p.visits.length)).toEqual([...Array(10).fill(7), 2]);
    expect(pages.flatMap((p) => p.visits.map((v: any) => v.id))).toEqual(whole.visits.map((v: any) => v.id));

    const agency = alpha.agencyIds[1]!;
    const filtered = await allPages(alpha, `/v1/orgs/alpha/visits?agencyId=${agency}&dateFrom=2026-01-03`, 5);
    const expected = whole.visits.filter((v: any) => v.agencyId === agency && v.date >= '2026-01-03').map((v: any) => v.id);
    expect(filtered.flatMap((p) => p.visits.map((v: any) => v.id))).toEqual(expected);

    const defaultPage = await ok(api, 'get', '/v1/orgs/alpha/visits', { token: alpha.ownerToken });
    expect(defaultPage.visits).toHaveLength(72); // under the default of 100
  });

  it('pages the short lists the same way, the rates running through bill rates then pay rates', async () => {
    const agencies = await allPages(alpha, '/v1/orgs/alpha/agencies', 1);
    expect(agencies.flatMap((p) => p.agencies.map((a: any) => a.id))).toEqual([...alpha.agencyIds].sort());
    const whole = await ok(api, 'get', '/v1/orgs/alpha/rates', { token: alpha.ownerToken });
    expect(whole.billRates).toHaveLength(4);
    expect(whole.payRates).toHaveLength(4);
    const rates = await allPages(alpha, '/v1/orgs/alpha/rates', 3);
    expect(rates.map((p) => [p.billRates.length, p.payRates.length])).toEqual([
      [3, 0],
      [1, 2],
      [0, 2],
    ]);
    expect(rates.flatMap((p) => p.billRates)).toEqual(whole.billRates);
    expect(rates.flatMap((p) => p.payRates)).toEqual(whole.payRates);
  });

  it('refuses a limit over 1,000, or not a number, and a cursor it did not make for this list', async () => {
    for (const limit of ['1001', '0', 'ten', '-5']) {
      const res = await call(api, 'get', `/v1/orgs/alpha/visits?limit=${limit}`, { token: alpha.ownerToken });
      expect(res.status, limit).toBe(400);
      expect(res.body.error.code).toBe('invalid-input');
      expect(res.body.error.message).toMatch(/^query\.limit: /);
    }
    expect((await call(api, 'get', '/v1/orgs/alpha/visits?limit=1001', { token: alpha.ownerToken })).body.error.message).toContain(
      'at most 1,000',
    );

    const visitCursor = (await ok(api, 'get', '/v1/orgs/alpha/visits?limit=2', { token: alpha.ownerToken })).nextCursor as string;
    for (const cursor of [visitCursor, 'not-a-cursor', Buffer.from('{"org":"beta"}').toString('base64url')]) {
      const res = await call(api, 'get', `/v1/orgs/alpha/invoices?cursor=${cursor}`, { token: alpha.ownerToken });
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.message).toMatch(/^query\.cursor: is not a cursor of this list/);
    }
  });

  it("answers a cursor from another org's listing with this org's rows only: a cursor is a position, not a door", async () => {
    const betaFirst = await ok(api, 'get', '/v1/orgs/beta/visits?limit=3', { token: beta.ownerToken });
    const betaIds = new Set(
      (await ok(api, 'get', '/v1/orgs/beta/visits?limit=1000', { token: beta.ownerToken })).visits.map((v: any) => v.id),
    );
    const alphaAll = (await ok(api, 'get', '/v1/orgs/alpha/visits?limit=1000', { token: alpha.ownerToken })).visits;
    const res = await ok(api, 'get', `/v1/orgs/alpha/visits?limit=1000&cursor=${betaFirst.nextCursor}`, { token: alpha.ownerToken });
    expect(res.visits.length).toBeGreaterThan(0);
    expect(res.visits.filter((v: any) => betaIds.has(v.id))).toEqual([]);
    const last = betaFirst.visits[2];
    expect(res.visits).toEqual(alphaAll.filter((v: any) => v.date > last.date || (v.date === last.date && v.id > last.id)));
    expect(JSON.stringify(res)).not.toContain('Beta');
    // And beta's own member cannot page alpha with it.
    expect((await call(api, 'get', `/v1/orgs/alpha/visits?cursor=${betaFirst.nextCursor}`, { token: beta.ownerToken })).status).toBe(403);
  });

  it('audits a list read as one entry: who, the filter, where the page began and how many, never one per visit', async () => {
    const before = await api.store.listAudit('alpha', { recordId: '*' });
    const pages = await allPages(alpha, `/v1/orgs/alpha/visits?therapistId=${alpha.therapistIds[0]}`, 20);
    const after = await api.store.listAudit('alpha', { recordId: '*' });
    const added = after.slice(before.length);
    expect(added).toHaveLength(pages.length);
    expect(added.map((e) => [e.actor, e.action, e.recordType])).toEqual(pages.map(() => ['owner@alpha.example', 'read', 'visit']));
    expect(added[0]!.detail).toBe(`list visits therapistId=${alpha.therapistIds[0]}: 20 shown`);
    expect(added[1]!.detail).toMatch(
      new RegExp(`^list visits therapistId=${alpha.therapistIds[0]} after=2026-01-\\d\\d/[0-9a-f-]+: \\d+ shown$`),
    );
    const someVisit = pages[0].visits[0].id as string;
    expect((await api.store.listAudit('alpha', { recordId: someVisit })).map((e) => e.action)).toEqual(['create']);
  });
});

describe('the exports, limited per org', () => {
  it("answers 429 with Retry-After past the org's exports a minute; another org and the next minute are not held back", async () => {
    const exportPath = (orgId: string) => `/v1/orgs/${orgId}/accounting/qbo-invoices?from=2026-01-01&to=2026-01-31`;
    for (let i = 0; i < 3; i++) expect((await call(api, 'get', exportPath('alpha'), { token: alpha.ownerToken })).status).toBe(200);
    const refused = await call(api, 'get', exportPath('alpha'), { token: alpha.ownerToken });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too-many-requests');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // The year-end summary counts toward the same allowance; a list does not.
    expect((await call(api, 'get', '/v1/orgs/alpha/tax-years/2026/summary.pdf', { token: alpha.ownerToken })).status).toBe(429);
    expect((await call(api, 'get', '/v1/orgs/alpha/invoices', { token: alpha.ownerToken })).status).toBe(200);
    expect((await call(api, 'get', exportPath('beta'), { token: beta.ownerToken })).status).toBe(200);
    // Someone who is not a member spends nothing of it.
    expect((await call(api, 'get', exportPath('beta'), { token: alpha.ownerToken })).status).toBe(403);

    clockMs += wait * 1000;
    expect((await call(api, 'get', exportPath('alpha'), { token: alpha.ownerToken })).status).toBe(200);
  });
});

describe('the receivables report, a page of agencies at a time', () => {
  it('follows nextCursor through every agency once, by name, the same as the whole report', async () => {
    await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { token: alpha.ownerToken, body: { month: '2026-01' } });
    const whole = await ok(api, 'get', '/v1/orgs/alpha/receivables?asOf=2026-02-10&limit=1000', { token: alpha.ownerToken });
    expect(whole.agencies.length).toBe(alpha.agencyIds.length);
    expect(whole.agencies.some((a: any) => a.openCents > 0)).toBe(true);
    expect(whole.nextCursor).toBeNull();
    const pages = await allPages(alpha, '/v1/orgs/alpha/receivables?asOf=2026-02-10', 1);
    expect(pages.map((p) => p.agencies.length)).toEqual(alpha.agencyIds.map(() => 1));
    expect(pages.flatMap((p) => p.agencies)).toEqual(whole.agencies);
    expect(pages.every((p) => p.asOf === '2026-02-10')).toBe(true);
    const names = whole.agencies.map((a: any) => a.agency);
    expect(names).toEqual([...names].sort());
  });
});
