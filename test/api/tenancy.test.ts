/**
 * Tenancy: every route, called as a member of another org (a Google account and an API
 * key), answers 403 or 404 and nothing of the first org; every route without credentials
 * answers 401. The route list is the app's own (Express's router, checked against the
 * OpenAPI document), so a new route cannot escape these tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, documentedRoutes, servedRoutes, startTestApi, type TestApi } from './harness.ts';
import { buildOrg, ok, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let alpha: BuiltOrg;
let beta: BuiltOrg;
let betaKey: string;
/** Real ids of alpha's records, to put in the paths. */
const alphaIds: Record<string, string> = {};
/** Text of alpha's that must never reach beta: names, numbers, ids. */
let alphaSecrets: string[] = [];

/** A body a route would accept from alpha's owner, so a missing check would act rather than fail validation. */
function plausibleBody(operationId: string): unknown {
  const period = { start: '2026-01-01', end: '2026-01-31' };
  const bodies: Record<string, unknown> = {
    createOrg: { id: 'alpha' },
    updateOrgSettings: { name: 'Taken over' },
    setPayerTin: { tin: '12-3456789', type: 'EIN' },
    putMember: { role: 'owner' },
    createApiKey: { label: 'intruder', role: 'owner' },
    upsertAgencies: { agencies: [{ id: alpha.agencyIds[0], name: 'Renamed by beta' }] },
    upsertTherapists: { therapists: [{ id: alpha.therapistIds[0], name: 'Renamed by beta' }] },
    putBillRates: {
      rates: [{ agencyId: alpha.agencyIds[0], discipline: 'PT', visitType: 'ROUTINE', cents: 1, effectiveFrom: '2026-01-01' }],
    },
    putPayRates: {
      rates: [{ therapistId: alpha.therapistIds[0], discipline: 'PT', visitType: 'ROUTINE', cents: 1, effectiveFrom: '2026-01-01' }],
    },
    settleVisitsOutside: { through: '2026-01-31' },
    withdrawVisits: { clientIds: ['alpha-row-0', 'alpha-row-1'] },
    upsertVisits: {
      visits: [
        {
          clientId: 'alpha-row-0',
          agencyId: alpha.agencyIds[0],
          therapistId: alpha.therapistIds[0],
          patient: { name: 'Beta Person' },
          date: '2026-01-05',
          discipline: 'PT',
          visitType: 'ROUTINE',
        },
      ],
    },
    previewClose: { agencyId: alpha.agencyIds[0], period },
    closeCycle: { agencyId: alpha.agencyIds[1], period },
    closeMonth: { month: '2026-02' },
    voidInvoice: { reason: 'beta says so' },
    issueCreditNote: { reason: 'beta says so' },
    createPayRun: { period: { start: '2026-02-01', end: '2026-02-28' } },
    createPortalLink: { agencyId: alpha.agencyIds[0], days: 365 },
    recordPayment: { therapistId: alpha.therapistIds[0], amountCents: 100, paidOn: '2026-02-01', method: 'check' },
    recordReceipt: { agencyId: alpha.agencyIds[0], amountCents: 100, receivedOn: '2026-02-01', method: 'check' },
    reverseReceivable: { reason: 'beta says so' },
    applyCredit: {},
    refundCredit: { amountCents: 100, on: '2026-02-01', method: 'check' },
    writeOffInvoice: { reason: 'beta says so' },
  };
  return bodies[operationId] ?? {};
}

function pathFor(template: string, orgId: string): string {
  const values: Record<string, string> = { ...alphaIds, orgId };
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no test value for the path parameter {${name}} of ${template}: add one to alphaIds`);
    return encodeURIComponent(value);
  });
}

/** What alpha's owner sees of alpha, to compare before and after the walk. */
async function alphaSnapshot(): Promise<string> {
  const t = alpha.ownerToken;
  const parts = await Promise.all(
    [
      '',
      '/members',
      '/api-keys',
      '/agencies',
      '/therapists',
      '/rates',
      '/visits',
      '/invoices',
      '/credit-notes',
      '/pay-runs',
      '/payments',
      '/receipts',
      '/receivables?asOf=2026-12-31',
    ].map((p) => ok(api, 'get', `/v1/orgs/alpha${p}`, { token: t })),
  );
  return JSON.stringify(parts);
}

beforeAll(async () => {
  api = await startTestApi();
  alpha = await buildOrg(api, 'alpha', 'Alpha');
  beta = await buildOrg(api, 'beta', 'Beta');
  const t = alpha.ownerToken;
  await ok(api, 'put', '/v1/orgs/alpha/members/staff@alpha.example', { token: t, body: { role: 'staff' } });
  const alphaKey = await ok(api, 'post', '/v1/orgs/alpha/api-keys', { token: t, body: { label: 'alpha sync' } });
  await ok(api, 'put', '/v1/orgs/alpha/payer-tin', { token: t, body: { tin: '31-4159265', type: 'EIN' } });
  const month = await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { token: t, body: { month: '2026-01' } });
  await ok(api, 'post', '/v1/orgs/alpha/payments', {
    token: t,
    body: { therapistId: alpha.therapistIds[0], amountCents: 123_456, paidOn: '2026-02-03', method: 'ach' },
  });
  const invoices = month.cycles.map((c: any) => c.invoice);
  const note = await ok(api, 'post', `/v1/orgs/alpha/invoices/${invoices[1].id}/credit-notes`, {
    token: t,
    body: { reason: 'goodwill', lines: [{ description: 'goodwill', amountCents: 500 }] },
  });
  const receipt = await ok(api, 'post', '/v1/orgs/alpha/receipts', {
    token: t,
    body: { agencyId: alpha.agencyIds[0], amountCents: 10_000_000, receivedOn: '2026-02-10', method: 'check' },
  });
  const portalLink = await ok(api, 'post', '/v1/orgs/alpha/portal-links', { token: t, body: { agencyId: alpha.agencyIds[0] } });
  Object.assign(alphaIds, {
    invoiceId: invoices[0].id,
    payRunId: month.payRuns[0].payRun.id,
    keyId: alphaKey.apiKey.id,
    email: 'staff@alpha.example',
    year: '2026',
    creditNoteId: note.id,
    therapistId: alpha.therapistIds[0],
    agencyId: alpha.agencyIds[0]!,
    entryId: receipt.entries[0].id,
    fileNumber: '1',
    file: 'qbo-invoices',
    linkId: portalLink.link.id,
  });
  betaKey = (await ok(api, 'post', '/v1/orgs/beta/api-keys', { token: beta.ownerToken, body: { label: 'beta owner key', role: 'owner' } }))
    .key;
  alphaSecrets = [
    ...alpha.patients.flatMap((p) => [p.name, p.mrn]),
    ...alpha.tins,
    ...alpha.tins.map((t) => t.replace(/-/g, '')),
    'Alpha Staffing',
    'Alpha Oakridge',
    'Alpha Lakeside',
    'Alpha Tom Becker',
    'Alpha Ana Morales',
    'staff@alpha.example',
    'owner@alpha.example',
    ...alpha.agencyIds,
    ...alpha.therapistIds,
    alphaIds.invoiceId!,
    ...invoices.map((i: any) => i.number),
    alphaKey.apiKey.id,
    portalLink.link.id,
    portalLink.url.split('/portal/')[1],
    '314159265',
    '123456',
  ];
});
afterAll(() => api.close());

describe('the route list', () => {
  it('is the same in the Express router and in the OpenAPI document', () => {
    const documented = documentedRoutes(api.openapi)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(servedRoutes(api.app).sort()).toEqual(documented);
    expect(documented.length).toBeGreaterThan(30);
  });
});

describe("another org's member", () => {
  const callers = [
    ['a Google account of another org', () => beta.ownerToken],
    ['an owner API key of another org', () => betaKey],
  ] as const;

  for (const [who, token] of callers) {
    it(`gets 403 and nothing of the org from every route, as ${who}`, async () => {
      const before = await alphaSnapshot();
      const routes = documentedRoutes(api.openapi).filter((r) => r.operation.security.length > 0);
      for (const r of routes) {
        const body = r.operation.requestBody ? plausibleBody(r.operation.operationId) : undefined;
        const res = await call(api, r.method, pathFor(r.path, 'alpha'), { token: token(), ...(body !== undefined ? { body } : {}) });
        const label = `${r.method} ${r.path} as ${who}: ${res.status} ${res.text}`;
        if (r.path.includes('{orgId}')) {
          expect(res.status, label).toBe(403); // refused before any handler runs
        } else {
          // Creating an org with alpha's id: refused as taken (an id is a public name), or as not a Google account.
          expect([403, 409], label).toContain(res.status);
        }
        expect(Object.keys(res.body), label).toEqual(['error']);
        for (const secret of alphaSecrets) expect(res.text, `${label} leaks "${secret}"`).not.toContain(secret);
      }
      expect(await alphaSnapshot()).toBe(before);
    });
  }

  it("cannot reach alpha's records through its own org either (ids are per org)", async () => {
    const res = [
      await call(api, 'get', `/v1/orgs/beta/invoices/${alphaIds.invoiceId}`, { token: beta.ownerToken }),
      await call(api, 'post', `/v1/orgs/beta/invoices/${alphaIds.invoiceId}/void`, { token: beta.ownerToken, body: { reason: 'x' } }),
      await call(api, 'delete', `/v1/orgs/beta/api-keys/${alphaIds.keyId}`, { token: beta.ownerToken }),
      await call(api, 'post', '/v1/orgs/beta/payments', {
        token: beta.ownerToken,
        body: { therapistId: alpha.therapistIds[0], amountCents: 100, paidOn: '2026-02-01', method: 'check' },
      }),
    ];
    // A 404 may repeat the id the caller sent; nothing else of alpha's.
    const sent = [alphaIds.invoiceId, alphaIds.keyId, alpha.therapistIds[0]];
    for (const r of res) {
      expect(r.status, r.text).toBe(404);
      for (const secret of alphaSecrets.filter((s) => !sent.includes(s))) expect(r.text).not.toContain(secret);
    }
  });
});

describe('no credentials', () => {
  it('gets 401 from every route but /healthz and /openapi.json, before anything is read', async () => {
    const routes = documentedRoutes(api.openapi);
    const open = routes.filter((r) => r.operation.security.length === 0).map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(['GET /healthz', 'GET /openapi.json']);
    for (const r of routes.filter((x) => x.operation.security.length > 0)) {
      const body = r.operation.requestBody ? '{"malformed": ' : undefined; // refused for the credentials before the body is parsed
      const res = await call(api, r.method, pathFor(r.path, 'alpha'), body !== undefined ? { body } : {});
      expect(res.status, `${r.method} ${r.path}: ${res.text}`).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });
});
