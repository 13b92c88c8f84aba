/**
 * Two orgs with closed January invoices, served on loopback with a clock the test moves:
 * alpha's first agency gets portal links; alpha's other agency and org beta are what the
 * links must never show.
 */
import { startTestApi, type TestApi } from '../api/harness.ts';
import { buildOrg, ok, type BuiltOrg } from '../api/org-builder.ts';

export type PortalFixture = {
  api: TestApi;
  alpha: BuiltOrg;
  beta: BuiltOrg;
  clock: { now: Date };
  /** Alpha's January invoices: [0] is the first agency's (the portal's), [1] the other agency's. */
  alphaInvoices: { id: string; number: string; agencyId: string }[];
  betaInvoices: { id: string; number: string }[];
  /** A new link for alpha's first agency, as the owner's API answers it. */
  newLink(body?: Record<string, unknown>): Promise<{ url: string; path: string; token: string; link: { id: string } }>;
};

/** The clock starts on Feb 1, 2026, when January closes. */
export async function startPortalFixture(options: { portalRequestsPerMinute?: number } = {}): Promise<PortalFixture> {
  const clock = { now: new Date('2026-02-01T15:00:00.000Z') };
  const api = await startTestApi({ now: () => clock.now, limits: { portalRequestsPerMinute: options.portalRequestsPerMinute ?? 10_000 } });
  const alpha = await buildOrg(api, 'alpha', 'Alpha');
  const beta = await buildOrg(api, 'beta', 'Beta');
  const invoicesOf = async (org: BuiltOrg) =>
    (await ok(api, 'post', `/v1/orgs/${org.orgId}/cycles/close-month`, { token: org.ownerToken, body: { month: '2026-01' } })).cycles.map((c: any) => c.invoice);
  const alphaInvoices = (await invoicesOf(alpha)).sort((a: any, b: any) => alpha.agencyIds.indexOf(a.agencyId) - alpha.agencyIds.indexOf(b.agencyId));
  const betaInvoices = await invoicesOf(beta);
  return {
    api, alpha, beta, clock, alphaInvoices, betaInvoices,
    async newLink(body = {}) {
      const created = await ok(api, 'post', '/v1/orgs/alpha/portal-links', { token: alpha.ownerToken, body: { agencyId: alpha.agencyIds[0], ...body } });
      const path = new URL(created.url).pathname;
      return { ...created, path, token: path.split('/')[2]! };
    },
  };
}
