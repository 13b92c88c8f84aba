/**
 * An org whose agencies can pay online: the Stripe stand-in (its clock the service's) as the
 * org's connected account, both of its webhook endpoints pointing at the API's own webhook
 * route, and alpha's January closed. The org's online payment methods are left for the test.
 */
import { randomBytes } from 'node:crypto';
import { startTestApi, type TestApi } from '../api/harness.ts';
import { buildOrg, ok, type BuiltOrg } from '../api/org-builder.ts';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';

export type PayOnlineFixture = {
  api: TestApi;
  standin: StripeStandin;
  alpha: BuiltOrg;
  /** Alpha's January invoices: [0] the first agency's, [1] the second's. */
  invoices: { id: string; number: string; agencyId: string; totalCents: number }[];
  clock: { now: Date };
  /** The org's Stripe key (the stand-in's platform). */
  key: string;
  /** The signing secret of the endpoint for the org's own account (the Checkout events), and where it is. */
  accountWebhookSecret: string;
  webhookUrl: string;
  owner: { token: string };
  setMethods(methods: string[]): Promise<any>;
  /** A new portal link's URL path for the agency at `index`. */
  linkPath(index: number): Promise<string>;
  close(): Promise<void>;
};

export async function startPayOnlineFixture(): Promise<PayOnlineFixture> {
  const clock = { now: new Date('2026-02-01T15:00:00.000Z') };
  const key = `rk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const accountWebhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const standin = await startStripeStandin({ clock: () => Math.floor(clock.now.getTime() / 1000) });
  standin.addPlatform(key, 0);
  const api = await startTestApi({ now: () => clock.now, stripeApiBase: standin.url });
  const alpha = await buildOrg(api, 'alpha', 'Alpha');
  const owner = { token: alpha.ownerToken };
  const closed = await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { ...owner, body: { month: '2026-01' } });
  const invoices = closed.cycles
    .map((c: any) => c.invoice)
    .sort((a: any, b: any) => alpha.agencyIds.indexOf(a.agencyId) - alpha.agencyIds.indexOf(b.agencyId));
  await ok(api, 'put', '/v1/orgs/alpha/stripe', { ...owner, body: { key, webhookSecret, accountWebhookSecret } });
  const hook = `${api.url}/v1/stripe/webhooks/alpha`;
  standin.setWebhookEndpoint(key, hook, webhookSecret);
  standin.setWebhookEndpoint(key, hook, accountWebhookSecret, { connect: false });
  return {
    api,
    standin,
    alpha,
    invoices,
    clock,
    key,
    accountWebhookSecret,
    webhookUrl: hook,
    owner,
    setMethods: (methods) => ok(api, 'patch', '/v1/orgs/alpha/settings', { ...owner, body: { onlinePaymentMethods: methods } }),
    async linkPath(index) {
      const created = await ok(api, 'post', '/v1/orgs/alpha/portal-links', { ...owner, body: { agencyId: alpha.agencyIds[index] } });
      return new URL(created.url).pathname;
    },
    async close() {
      await standin.flushWebhooks();
      await standin.close();
      await api.close();
    },
  };
}
