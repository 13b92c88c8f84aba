/**
 * Every route's success answer against the schema /openapi.json documents for it: each JSON
 * route is called through the test API with a request it accepts, and its answer must parse
 * with the route's answer schema and lose nothing in parsing (a field the document does not
 * name fails). The payout routes run against the Stripe stand-in. The document itself is
 * linted with Redocly's recommended rules.
 */
import { randomBytes } from 'node:crypto';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { RouteSpec } from '../../service/src/http/route.ts';
import { apiRoutes } from '../../service/src/http/routes/index.ts';
import { stripeBillingGateway } from '../../service/src/payouts/stripe-billing.ts';
import { stripeEndpoint } from '../../service/src/payouts/stripe-client.ts';
import { healthSpec, openApiSpec } from '../../service/src/http/routes/meta.schema.ts';
import { startAbuseFixture, validBody, validQuery, type AbuseFixture } from '../abuse/abuse-fixture.ts';
import { signatureHeader, startStripeStandin } from '../stripe-standin/standin.ts';
import { call, documentedRoutes, startTestApi, type Call } from './harness.ts';
import { buildOrg, ok } from './org-builder.ts';

const answersJson = (spec: RouteSpec) => !spec.file && !spec.browser && spec.status !== 204;

/** The answer is the route's success status and exactly what its schema documents. */
function expectDocumented(spec: RouteSpec, res: Call): void {
  const label = `${spec.method.toUpperCase()} ${spec.path}`;
  expect(res.status, `${label}: ${res.text}`).toBe(spec.status ?? 200);
  const parsed = z.safeParse(spec.answer!, res.body);
  expect(parsed.success ? [] : parsed.error.issues, label).toEqual([]);
  expect(parsed.data, `${label}: the answer has a field its schema does not name`).toEqual(res.body);
}

const pathOf = (spec: RouteSpec, values: Record<string, string>) =>
  spec.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]!));

const PAYOUT_ROUTES = new Set(['connectStripe', 'getStripe', 'onboardTherapist', 'payPayRun', 'listPayRunTransfers', 'stripeWebhook']);
/** Answered only where the operator bills orgs: run below against the stand-in's Stripe Billing. */
const BILLING_ROUTES = new Set(['startSubscriptionCheckout', 'openBillingPortal', 'billingWebhook']);
/** Routes that end what later ones use (an invoice, a key, a link, a member) go last. */
const LAST = ['voidInvoice', 'revokeApiKey', 'revokePortalLink', 'removeMember'];

describe('the answers of every route but the payouts', () => {
  let f: AbuseFixture;
  /** Agencies and therapists with nothing attached: what the merge and delete routes act on. */
  const spares = { agencies: [] as string[], therapists: [] as string[] };
  beforeAll(async () => {
    f = await startAbuseFixture();
    for (const kind of ['agencies', 'therapists'] as const) {
      const rows = ['Spare One', 'Spare Two'].map((name) => ({ name, ...(kind === 'therapists' ? { disciplines: ['PT'] } : {}) }));
      const made = await ok(f.api, 'post', `/v1/orgs/alpha/${kind}`, { token: f.alpha.ownerToken, body: { [kind]: rows } });
      spares[kind] = made[kind].map((r: { id: string }) => r.id);
    }
  }, 60_000);
  afterAll(() => f?.api.close());

  /** Bodies the abuse fixture's list leaves to `{}`, which these routes refuse. */
  const bodyOf = (spec: RouteSpec): unknown =>
    (
      ({
        settleVisitsOutside: { through: '2026-01-06', preview: true },
        withdrawVisits: { clientIds: ['alpha-row-0', 'never-sent'] },
      }) as Record<string, unknown>
    )[spec.id] ?? validBody(f, spec.id);
  const answers = new Map<string, any>();
  /** The credit note goes on the invoice that already has one, so the other can be voided at the end; the link revoked is one the walk made (rotating revoked the fixture's). */
  const paramsOf = (spec: RouteSpec): Record<string, string> => ({
    ...f.alphaParams,
    ...(spec.id === 'issueCreditNote' ? { invoiceId: f.alphaInvoices[1]!.id } : {}),
    ...(spec.id === 'revokePortalLink' ? { linkId: answers.get('createPortalLink').link.id } : {}),
    ...(spec.id === 'mergeAgency'
      ? { agencyId: spares.agencies[0]! }
      : spec.id === 'deleteAgency'
        ? { agencyId: spares.agencies[1]! }
        : {}),
    ...(spec.id === 'mergeTherapist'
      ? { therapistId: spares.therapists[0]! }
      : spec.id === 'deleteTherapist'
        ? { therapistId: spares.therapists[1]! }
        : {}),
  });

  it('answers each JSON route as its schema says', async () => {
    const specs = ([healthSpec, openApiSpec, ...apiRoutes.map((r) => r.spec)] as RouteSpec[])
      .filter((s) => answersJson(s) && !PAYOUT_ROUTES.has(s.id) && !BILLING_ROUTES.has(s.id))
      .sort((a, b) => LAST.indexOf(a.id) - LAST.indexOf(b.id));
    expect(specs.length).toBeGreaterThan(40);
    for (const spec of specs) {
      const query = new URLSearchParams(Object.entries(validQuery(f)).filter(([name]) => spec.query?.shape[name] !== undefined));
      const path = `${pathOf(spec, paramsOf(spec))}${query.size > 0 ? `?${query}` : ''}`;
      const res = await call(f.api, spec.method, path, { token: f.alpha.ownerToken, ...(spec.body ? { body: bodyOf(spec) } : {}) });
      expectDocumented(spec, res);
      answers.set(spec.id, res.body);
    }
  });
});

describe('the answers of the payout routes', () => {
  const key = `rk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const spec = (id: string) => apiRoutes.find((r) => r.spec.id === id)!.spec;

  it('answers connecting Stripe, onboarding, paying, the transfers and the webhook as their schemas say', async () => {
    const standin = await startStripeStandin();
    standin.addPlatform(key, 10_000_000);
    const api = await startTestApi({ stripeApiBase: standin.url });
    try {
      const org = await buildOrg(api, 'alpha', 'Alpha');
      standin.setWebhookEndpoint(key, `${api.url}/v1/stripe/webhooks/alpha`, webhookSecret);
      const owner = { token: org.ownerToken };
      expectDocumented(spec('connectStripe'), await call(api, 'put', '/v1/orgs/alpha/stripe', { ...owner, body: { key, webhookSecret } }));
      const onboarded = await call(api, 'post', `/v1/orgs/alpha/therapists/${org.therapistIds[0]}/stripe-onboarding`, owner);
      expectDocumented(spec('onboardTherapist'), onboarded);
      await standin.completeOnboarding(onboarded.body.accountId);
      await standin.flushWebhooks();
      expectDocumented(spec('getStripe'), await call(api, 'get', '/v1/orgs/alpha/stripe', owner));

      await ok(api, 'post', '/v1/orgs/alpha/cycles/close-month', { ...owner, body: { month: '2026-01' } });
      const payRun = encodeURIComponent('payroll:2026-01-01');
      await ok(api, 'post', `/v1/orgs/alpha/pay-runs/${payRun}/approve`, owner);
      const paid = await call(api, 'post', `/v1/orgs/alpha/pay-runs/${payRun}/pay`, owner);
      expectDocumented(spec('payPayRun'), paid);
      expect(paid.body.payments.map((p: { status: string }) => p.status).sort()).toEqual(['not-paid', 'paid']);
      const [payout] = standin.payouts(onboarded.body.accountId);
      await standin.markPayout(payout!.id as string, 'paid');
      await standin.flushWebhooks();
      const transfers = await call(api, 'get', `/v1/orgs/alpha/pay-runs/${payRun}/transfers`, owner);
      expectDocumented(spec('listPayRunTransfers'), transfers);
      expect(transfers.body.transfers[0].payout).toMatchObject({ status: 'paid' });

      const event = JSON.stringify({
        id: `evt_${randomBytes(8).toString('hex')}`,
        object: 'event',
        type: 'radar.early_fraud_warning.created',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: 'issfr_1' } },
        livemode: false,
      });
      const webhook = await call(api, 'post', '/v1/stripe/webhooks/alpha', {
        body: event,
        headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(webhookSecret, event) },
      });
      expectDocumented(spec('stripeWebhook'), webhook);
    } finally {
      await standin.flushWebhooks();
      await standin.close();
      await api.close();
    }
  }, 60_000);
});

describe('the answers of the subscription routes', () => {
  const operatorKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const spec = (id: string) => apiRoutes.find((r) => r.spec.id === id)!.spec;

  it('answers Checkout, the billing portal and the billing webhook as their schemas say', async () => {
    const standin = await startStripeStandin();
    standin.addPlatform(operatorKey, 0);
    standin.billing.addPrice(operatorKey, { lookupKey: 'visitledger_starter_monthly', unitAmount: 6000 });
    standin.billing.addPrice(operatorKey, { lookupKey: 'visitledger_unlimited_monthly', unitAmount: 14900 });
    const api = await startTestApi({
      billing: stripeBillingGateway({ secretKey: operatorKey, webhookSecret, endpoint: stripeEndpoint(standin.url) }),
    });
    try {
      standin.setWebhookEndpoint(operatorKey, `${api.url}/v1/stripe/billing-webhooks`, webhookSecret, { connect: false });
      const org = await buildOrg(api, 'alpha', 'Alpha');
      const owner = { token: org.ownerToken };
      const checkout = await call(api, 'post', '/v1/orgs/alpha/subscription/checkout', { ...owner, body: { plan: 'starter' } });
      expectDocumented(spec('startSubscriptionCheckout'), checkout);
      await standin.billing.completeCheckout(checkout.body.url.split('/').at(-1));
      await standin.flushWebhooks();
      expectDocumented(spec('getSubscription'), await call(api, 'get', '/v1/orgs/alpha/subscription', owner));
      expectDocumented(spec('openBillingPortal'), await call(api, 'post', '/v1/orgs/alpha/subscription/portal', owner));
      const event = JSON.stringify({
        id: `evt_${randomBytes(8).toString('hex')}`,
        object: 'event',
        type: 'customer.created',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: 'cus_1', object: 'customer' } },
        livemode: false,
      });
      const webhook = await call(api, 'post', '/v1/stripe/billing-webhooks', {
        body: event,
        headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(webhookSecret, event) },
      });
      expectDocumented(spec('billingWebhook'), webhook);
    } finally {
      await standin.flushWebhooks();
      await standin.close();
      await api.close();
    }
  }, 60_000);
});

describe('the OpenAPI document', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('gives every JSON success answer a schema, and names the service as its server', () => {
    const unschemed = documentedRoutes(api.openapi).filter(({ operation }) => {
      const success = Object.entries(operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>).find(
        ([status]) => status.startsWith('2'),
      )![1];
      return (
        success.content?.['application/json'] !== undefined &&
        Object.keys(success.content['application/json'].schema as object).length === 0
      );
    });
    expect(unschemed.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(api.openapi.servers).toEqual([{ url: 'http://portal.test', description: 'This service' }]);
  });

  it("passes Redocly's recommended rules without an error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(api.openapi), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    // What is left are warnings that do not apply: the API has no license to name, and the two public routes take no input to refuse.
    expect(problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`).sort()).toEqual([
      'info-license #/info',
      'operation-4xx-response #/paths/~1healthz/get/responses',
      'operation-4xx-response #/paths/~1openapi.json/get/responses',
    ]);
  });
});
