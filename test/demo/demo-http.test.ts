/**
 * `/demo` over HTTP: every page of the tour answers from the day's demo org; every request that
 * could change something is refused (405 on the pages, "read-only demo" from the sidebar's
 * bridge), and the SQLite file's every row is the same after the whole tour as before it. Off
 * unless asked for; a new day seeds a new demo org.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { pdfText } from '../../service/src/test-support/pdf-text.ts';

const clock = { now: new Date('2026-05-12T15:00:00.000Z') };
let api: TestApi;

/** A hash of every row of every table: what the tour must leave as it found it. */
function storeFingerprint(file: string): Record<string, string> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all();
        return [name, createHash('sha256').update(JSON.stringify(rows)).digest('hex')];
      }),
    );
  } finally {
    db.close();
  }
}

const get = async (path: string) => {
  const res = await fetch(`${api.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};
const run = async (fn: string, ...args: unknown[]) => (await call(api, 'post', '/demo/run', { body: { fn, args } })).body;

beforeAll(async () => {
  api = await startTestApi({ now: () => clock.now, publicDemo: true });
});
afterAll(async () => {
  await api.close();
});

describe('the demo tour', () => {
  it('shows the day’s demo agency on every page, and changes nothing in the store', async () => {
    const start = await get('/demo');
    expect(start.status).toBe(200);
    expect(start.text).toContain('a live agency account');
    expect(await api.store.getOrg('demo-2026-05-12')).not.toBeNull();
    const before = storeFingerprint(api.dbFile);

    const invoices = await get('/demo/invoices');
    const invoiceIds = [...invoices.text.matchAll(/\/demo\/invoices\/([^/"]+)\/pdf/g)].map((m) => decodeURIComponent(m[1]!));
    expect(invoiceIds.length).toBeGreaterThan(0);
    expect(invoices.text).toContain('(demo)');
    for (const id of invoiceIds) {
      const pdf = await fetch(`${api.url}/demo/invoices/${encodeURIComponent(id)}/pdf`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(await pdfText(new Uint8Array(await pdf.arrayBuffer()))).toMatch(/Total due/);
    }
    const overview = await get('/demo/overview');
    expect(overview.text).toMatch(/Overview of 2026-03/);
    expect((await get('/demo/pay-runs')).text).toMatch(/Pay runs/);
    const portal = await get('/demo/portal');
    expect(portal.text).toMatch(/invoices for .*\(demo\)/);
    const portalInvoice = /href="(\/demo\/portal\/invoices\/[^"]+)"/.exec(portal.text)![1]!;
    expect((await get(portalInvoice)).text).toMatch(/Invoice /);
    expect((await get('/demo/portal/statement')).text).toMatch(/Statement of account/);
    const therapist = await get('/demo/therapist');
    expect(therapist.text).toContain('href="/demo/therapist/pay"');
    expect(therapist.text).not.toContain('"/therapist/');
    expect((await get('/demo/therapist/pay')).text).toMatch(/PDF|pay statements/i);
    expect((await get('/demo/therapist/documents')).status).toBe(200);
    const sidebar = await get('/demo/sidebar');
    expect(sidebar.text).toContain('<script src="/demo/bridge.js"></script>');
    expect((await get('/demo/bridge.js')).type).toMatch(/javascript/);

    expect(await run('sidebarState')).toMatchObject({ ok: true, value: { orgId: 'demo-2026-05-12', connected: true, panel: 'overview' } });
    expect(await run('monthOverview', null)).toMatchObject({ ok: true, value: { ok: true, overview: { month: '2026-03' } } });
    expect(await run('planStatus')).toMatchObject({ ok: true, value: { ok: true, plan: { plan: 'unlimited' } } });
    for (const fn of [
      'syncNow',
      'generateInvoices',
      'runPayroll',
      'payContractors',
      'sendPortalLinks',
      'upgradePlan',
      'manageBilling',
      'connectService',
    ])
      expect(await run(fn, '2026-04')).toMatchObject({ ok: true, value: { ok: false, title: 'Read-only demo' } });
    for (const fn of ['previewSetUp', 'applySetUp']) expect(await run(fn, null)).toMatchObject({ ok: false, message: /read-only demo/ });

    expect(storeFingerprint(api.dbFile)).toEqual(before);
  });

  it('refuses every request but a GET, whatever its path, and the store is unchanged', async () => {
    await get('/demo');
    const before = storeFingerprint(api.dbFile);
    const paths = [
      '/demo',
      '/demo/invoices',
      '/demo/portal/invoices/x/pay',
      '/demo/therapist/w9',
      '/demo/therapist/sign-in',
      '/demo/anything',
    ];
    for (const path of paths) {
      for (const method of ['post', 'put', 'patch', 'delete']) {
        const res = await call(api, method, path, { body: { month: '2026-04' } });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.body.error.code).toBe('read-only-demo');
      }
    }
    const form = await fetch(`${api.url}/demo/portal/invoices/x/pay`, { method: 'POST', headers: { accept: 'text/html' } });
    expect(form.status).toBe(405);
    expect(await form.text()).toContain('This is a read-only demo');
    expect(storeFingerprint(api.dbFile)).toEqual(before);
  });

  it('has no real patients: every agency and therapist in it is the generated demo data', async () => {
    const orgId = 'demo-2026-05-12';
    for (const agency of await api.store.listAgencies(orgId)) expect(agency.name).toMatch(/\(demo\)$/);
    expect(await api.store.listTherapists(orgId)).not.toHaveLength(0);
  });

  it('starts the next day on a fresh demo org', async () => {
    clock.now = new Date('2026-05-13T15:00:00.000Z');
    expect((await get('/demo')).status).toBe(200);
    expect(await api.store.getOrg('demo-2026-05-13')).not.toBeNull();
    const reserved = await call(api, 'post', '/v1/orgs', {
      token: api.google.idToken('someone@example.com'),
      body: { id: 'demo-2026-05-14' },
    });
    expect(reserved.status).toBe(400);
  });
});

describe('without VISITLEDGER_PUBLIC_DEMO', () => {
  it('has no /demo', async () => {
    const off = await startTestApi();
    try {
      expect((await fetch(`${off.url}/demo`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
