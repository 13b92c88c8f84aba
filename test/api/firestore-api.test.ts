/**
 * The API on the Firestore store (Google's emulator): a month through the API, and another
 * org's member refused everywhere it looks. Skipped, loudly, where the emulator cannot run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithFirestoreEmulator } from '../../service/src/test-support/firestore-emulator.ts';
import { openFirestoreStore } from '../../service/src/store/firestore/firestore-store.ts';
import { call, documentedRoutes, startTestApi, type TestApi } from './harness.ts';
import { buildOrg, ok } from './org-builder.ts';

describeWithFirestoreEmulator('the API on Firestore', 'visitledger-api-test', (emulator) => {
  let api: TestApi;
  beforeAll(async () => {
    await emulator().reset();
    api = await startTestApi({ openStore: () => openFirestoreStore(emulator().client()) });
  });
  afterAll(() => api.close());

  describe('a month', () => {
    it("closes into invoices and a pay run, answers the tax year, and refuses another org's member on every org route", async () => {
      const alpha = await buildOrg(api, 'alpha', 'Alpha');
      const beta = await buildOrg(api, 'beta', 'Beta');
      const t = alpha.ownerToken;
      const key = (await ok(api, 'post', '/v1/orgs/alpha/api-keys', { token: t, body: { label: 'sync' } })).key as string;
      const month = await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { token: key, body: { month: '2026-01' } });
      expect(month.cycles.map((c: any) => c.invoice.number).sort()).toEqual(['INV-0001', 'INV-0002']);
      const again = await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { token: key, body: { month: '2026-01' } });
      expect(again.cycles.map((c: any) => c.status)).toEqual(['already-closed', 'already-closed']);
      const invoice = await ok(api, 'get', `/v1/orgs/alpha/invoices/${month.cycles[0].invoice.id}`, { token: key });
      expect(invoice.lines.length).toBeGreaterThan(0);
      for (const s of month.payRuns[0].payRun.statements) {
        await ok(api, 'post', '/v1/orgs/alpha/payments', {
          token: key,
          body: { therapistId: s.therapistId, amountCents: s.totalCents, paidOn: '2026-02-05', method: 'ach' },
        });
      }
      const year = await ok(api, 'get', '/v1/orgs/alpha/tax-years/2026', { token: key });
      expect(year.therapists).toHaveLength(2);

      const ids: Record<string, string> = {
        orgId: 'alpha',
        invoiceId: month.cycles[0].invoice.id,
        payRunId: month.payRuns[0].payRun.id,
        keyId: 'k',
        email: 'owner@alpha.example',
        year: '2026',
      };
      for (const r of documentedRoutes(api.openapi).filter((x) => x.path.includes('{orgId}'))) {
        const path = r.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(ids[n]!));
        const res = await call(api, r.method, path, { token: beta.ownerToken, ...(r.operation.requestBody ? { body: {} } : {}) });
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        expect(res.text).not.toContain('Alpha');
      }
      expect(api.logText()).not.toContain(alpha.patients[0]!.name);
    });

    it("settles an owner's history: the visits through a day are left out of the month's close", async () => {
      const hist = await buildOrg(api, 'hist', 'Hist'); // 12 visits, 5 to 16 January 2026
      const path = '/v1/orgs/hist/visits/settled-outside';
      const preview = await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-10', preview: true } });
      expect(preview).toEqual({ through: '2026-01-10', preview: true, visits: 6, firstDate: '2026-01-05', lastDate: '2026-01-10' });
      expect(await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-10' } })).toEqual({
        ...preview,
        preview: false,
      });
      const month = await ok(api, 'post', '/v1/orgs/hist/cycles/close-month', { token: hist.ownerToken, body: { month: '2026-01' } });
      const billed = month.cycles
        .flatMap((c: any) => c.invoice?.lines ?? [])
        .map((l: any) => l.date)
        .sort();
      const paid = month.payRuns[0].payRun.statements
        .flatMap((st: any) => st.lines)
        .map((l: any) => l.date)
        .sort();
      for (const dates of [billed, paid])
        expect(dates).toEqual(['2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16']);
      expect(await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-31', preview: true } })).toMatchObject({
        visits: 0,
      });
    });
  });
});
