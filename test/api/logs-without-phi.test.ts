/**
 * A whole month through the API, as the add-on and an automation key would run it, with
 * every log line captured; then the logs are searched for every patient name, MRN and TIN
 * the month used. None may appear, also when requests fail (a bad row, malformed JSON that
 * quotes a patient, a wrong token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from './harness.ts';
import { buildOrg, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let org: BuiltOrg;
let requests = 0;
const PAYER_TIN = '41-2718281';

async function counted(...args: Parameters<typeof call>) {
  requests += 1;
  return call(...args);
}

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('the logs of a month', () => {
  it('name no patient, MRN or TIN, and have one line per request with its route pattern', async () => {
    org = await buildOrg(api, 'acme', 'Alpha'); // 6 requests: the org, agencies, therapists, bill rates, pay rates, visits
    const t = org.ownerToken;
    const base = '/v1/orgs/acme';
    const [patient] = org.patients;
    await counted(api, 'put', `${base}/payer-tin`, { token: t, body: { tin: PAYER_TIN, type: 'EIN' } });
    const key = (await counted(api, 'post', `${base}/api-keys`, { token: t, body: { label: 'automation' } })).body.key as string;
    // Failures that carry PHI in the request.
    await counted(api, 'post', `${base}/visits`, {
      token: key,
      body: {
        visits: [
          {
            clientId: 'x',
            agencyId: org.agencyIds[0],
            therapistId: org.therapistIds[0],
            patient,
            date: '01/05/2026',
            discipline: 'PT',
            visitType: 'ROUTINE',
          },
        ],
      },
    });
    await counted(api, 'post', `${base}/visits`, {
      token: key,
      body: `{"visits":[{"patient":{"name":"${patient!.name}","mrn":"${patient!.mrn}"`,
    });
    await counted(api, 'post', `${base}/therapists`, { token: key, body: `{"therapists":[{"name":"x","w9":{"tin":"${org.tins[0]}"` });
    await counted(api, 'get', `${base}/visits?patient=${encodeURIComponent(patient!.name)}&mrn=${patient!.mrn}`, { token: key });
    await counted(api, 'get', `/v1/nowhere/${encodeURIComponent(patient!.name)}`, { token: key });
    await counted(api, 'get', `${base}/visits`, { token: `${key.slice(0, -4)}AAAA` });
    // The month.
    expect((await counted(api, 'get', `${base}/visits`, { token: key })).body.visits).toHaveLength(12);
    await counted(api, 'post', `${base}/cycles/preview`, {
      token: key,
      body: { agencyId: org.agencyIds[1], period: { start: '2026-01-01', end: '2026-01-31' } },
    });
    const month = await counted(api, 'post', `${base}/cycles/close-month`, { token: key, body: { month: '2026-01' } });
    expect(month.status).toBe(200);
    const invoices = (await counted(api, 'get', `${base}/invoices`, { token: key })).body.invoices as { id: string }[];
    for (const i of invoices) expect((await counted(api, 'get', `${base}/invoices/${i.id}`, { token: key })).status).toBe(200);
    await counted(api, 'post', `${base}/invoices/${invoices[0]!.id}/credit-notes`, {
      token: key,
      body: { reason: 'late note', lines: [{ description: 'one visit', amountCents: 8500 }] },
    });
    await counted(api, 'post', `${base}/invoices/${invoices[1]!.id}/void`, { token: key, body: { reason: 'wrong agency' } });
    const payRun = (await counted(api, 'get', `${base}/pay-runs`, { token: key })).body.payRuns[0];
    await counted(api, 'post', `${base}/pay-runs/${payRun.id}/approve`, { token: t });
    for (const s of payRun.statements) {
      await counted(api, 'post', `${base}/payments`, {
        token: key,
        body: { therapistId: s.therapistId, amountCents: s.totalCents, paidOn: '2026-02-05', method: 'ach' },
      });
    }
    await counted(api, 'get', `${base}/therapists`, { token: key });
    const year = await counted(api, 'get', `${base}/tax-years/2026`, { token: key });
    expect(year.status).toBe(200);
    await counted(api, 'get', `${base}`, { token: key });

    const logs = api.logText();
    const forbidden = [
      ...org.patients.flatMap((p) => [p.name, p.mrn, ...p.name.split(/[\s,]+/).filter((w) => w.length > 5 && !/^(Alpha)$/.test(w))]),
      ...[...org.tins, PAYER_TIN].flatMap((tin) => [tin, tin.replace(/-/g, '')]),
      key.split('_').slice(3).join('_'), // the API key's secret
    ];
    for (const text of forbidden) expect(logs, `the logs hold "${text}"`).not.toContain(text);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/); // no ID token

    const lines = api.logLines();
    const requestLines = lines.filter((l) => l.message === 'request' || l.message === 'request failed');
    expect(requestLines.length).toBe(requests + 6);
    for (const l of requestLines) {
      expect(l).toEqual(
        expect.objectContaining({
          reqId: expect.any(String),
          method: expect.any(String),
          route: expect.any(String),
          status: expect.any(Number),
          ms: expect.any(Number),
        }),
      );
      expect(String(l.route)).not.toContain('?');
      expect(Object.keys(l)).not.toContain('body');
    }
    expect(requestLines.filter((l) => l.orgId === 'acme').length).toBeGreaterThan(20);
    expect(requestLines.map((l) => l.route)).toContain('/v1/orgs/:orgId/invoices/:invoiceId');
    expect(requestLines.map((l) => l.status)).toEqual(expect.arrayContaining([400, 401, 404]));
  });
});
