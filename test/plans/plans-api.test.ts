/**
 * An org's life on VisitLedger's plans, through the API with a clock the test moves and the
 * real stripe SDK against the stand-in's Stripe Billing (the operator's own account): the
 * free trial, its lapse (new billing refused with 402 and where to subscribe), Checkout,
 * the Starter limit and its grace days, the upgrade, past due and its 14 days, cancelling;
 * and at each limit, everything the never-list promises still works.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeClient, stripeEndpoint } from '../../service/src/payouts/stripe-client.ts';
import { stripeBillingGateway } from '../../service/src/payouts/stripe-billing.ts';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { aVisit, buildOrg, ok, type BuiltOrg } from '../api/org-builder.ts';
import { portalBrowser } from '../portal/portal-fixture.ts';
import { signatureHeader, startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';

const operatorKey = `sk_test_${randomBytes(12).toString('hex')}`;
const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`;
const clock = { now: new Date('2026-02-02T15:00:00.000Z') };
const moveTo = (iso: string) => {
  clock.now = new Date(iso);
};

let api: TestApi;
let standin: StripeStandin;
let org: BuiltOrg;
let portalPath: string;

/**
 * Between the stand-in and the service's billing webhook: passes each event on, or while held
 * acknowledges it and keeps it, so a test can act before Stripe's webhooks arrive.
 */
let gate: Server;
let held: { body: string; signature: string }[] | null = null;
const holdWebhooks = () => {
  held = [];
};
async function releaseWebhooks(): Promise<number[]> {
  const kept = held ?? [];
  held = null;
  const statuses = [];
  for (const { body, signature } of kept) statuses.push((await forward(body, signature)).status);
  return statuses;
}
const forward = (body: string, signature: string) =>
  fetch(`${api.url}/v1/stripe/billing-webhooks`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
  });

const path = (rest = '') => `/v1/orgs/${org.orgId}${rest}`;
const owner = (body?: unknown) => ({ token: org.ownerToken, ...(body !== undefined ? { body } : {}) });
const subscription = () => ok(api, 'get', path('/subscription'), owner());
const closeMonth = (month: string) => call(api, 'post', path('/cycles/close-month'), owner({ month }));

/** Checkout without a live subscription; the billing portal with one (past due, over Starter's limit), where Checkout would refuse. */
async function expectPlanRequired(
  res: { status: number; body: any },
  reason: string,
  where: 'checkout' | 'portal' = 'checkout',
): Promise<void> {
  expect(res.status, JSON.stringify(res.body)).toBe(402);
  expect(res.body.error).toMatchObject({
    code: 'plan-required',
    details: { reason, subscribe: { method: 'POST', path: path(`/subscription/${where}`) } },
  });
  expect(res.body.error.message).toContain(path(`/subscription/${where}`));
}

let visitRow = 0;
async function sendVisits(therapistIds: string[], date: string): Promise<void> {
  const visits = therapistIds.map((therapistId) =>
    aVisit({ clientId: `plans-row-${visitRow++}`, agencyId: org.agencyIds[0]!, therapistId, patient: org.patients[0]!, date }),
  );
  const sent = await ok(api, 'post', path('/visits'), owner({ visits }));
  expect(sent.counts.created).toBe(visits.length);
}

async function addTherapists(names: string[]) {
  return call(api, 'post', path('/therapists'), owner({ therapists: names.map((name) => ({ name, disciplines: ['PT'] })) }));
}

/** What no plan ever stops: stored visits, reading everything, the portal, exports, year-end files, therapists' copies. */
async function expectNeverList(visitDate: string): Promise<void> {
  const before = await ok(api, 'get', path('/visits?limit=1000'), owner());
  await sendVisits([org.therapistIds[0]!], visitDate);
  const after = await ok(api, 'get', path('/visits?limit=1000'), owner());
  expect(after.visits).toHaveLength(before.visits.length + 1);
  const invoices = await ok(api, 'get', path('/invoices'), owner());
  expect(invoices.invoices.length).toBeGreaterThan(0);
  const pdf = await fetch(`${api.url}${path(`/invoices/${invoices.invoices[0].id}/pdf`)}`, {
    headers: { authorization: `Bearer ${org.ownerToken}` },
  });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  expect((await ok(api, 'get', path('/pay-runs'), owner())).payRuns.length).toBeGreaterThan(0);
  expect((await portalBrowser(api).get(portalPath)).status).toBe(200);
  for (const file of [
    '/accounting/qbo-invoices?from=2026-01-01&to=2026-12-31',
    '/tax-years/2026/summary.pdf',
    '/tax-years/2026/iris/1',
    `/tax-years/2026/copies/${org.therapistIds[0]}`,
  ]) {
    const res = await fetch(`${api.url}${path(file)}`, { headers: { authorization: `Bearer ${org.ownerToken}` } });
    expect(res.status, file).toBe(200);
  }
  expect((await ok(api, 'get', path('/tax-years/2026'), owner())).year).toBe(2026);
  const check = { therapistId: org.therapistIds[1], amountCents: 1_000, paidOn: visitDate, method: 'check' };
  expect((await call(api, 'post', path('/payments'), owner(check))).status).toBe(201);
}

beforeAll(async () => {
  standin = await startStripeStandin({ clock: () => Math.floor(clock.now.getTime() / 1000) });
  standin.addPlatform(operatorKey, 0);
  standin.billing.addPrice(operatorKey, { lookupKey: 'visitledger_starter_monthly', unitAmount: 6000 });
  standin.billing.addPrice(operatorKey, { lookupKey: 'visitledger_unlimited_monthly', unitAmount: 14900 });
  api = await startTestApi({
    now: () => clock.now,
    billing: stripeBillingGateway({ secretKey: operatorKey, webhookSecret, endpoint: stripeEndpoint(standin.url) }),
  });
  gate = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['stripe-signature']);
      if (held) {
        held.push({ body, signature });
        res.writeHead(200).end('{}');
        return;
      }
      const answer = await forward(body, signature);
      res.writeHead(answer.status).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  standin.setWebhookEndpoint(operatorKey, `http://127.0.0.1:${(gate.address() as AddressInfo).port}/`, webhookSecret, {
    connect: false,
  });
  org = await buildOrg(api, 'life', 'Life');
  await ok(api, 'patch', path('/settings'), owner({ address: { line1: '5 Main St', city: 'Columbus', state: 'OH', zip: '43215' } }));
  await ok(api, 'put', path('/payer-tin'), owner({ tin: '31-4159265', type: 'EIN' }));
  await ok(
    api,
    'post',
    path('/payments'),
    owner({ therapistId: org.therapistIds[0], amountCents: 250_000, paidOn: '2026-01-30', method: 'check' }),
  );
  const link = await ok(api, 'post', path('/portal-links'), owner({ agencyId: org.agencyIds[0] }));
  portalPath = new URL(link.url).pathname;
});
afterAll(async () => {
  await new Promise((resolve) => gate?.close(resolve));
  await api?.close();
  await standin?.close();
});

describe("an org's life on the plans", () => {
  let subscriptionId: string;

  it('starts on a 30-day free trial with no limit, and closes a month', async () => {
    expect(await subscription()).toEqual({
      plan: 'trial',
      status: 'trialing',
      trialEndsOn: '2026-03-04',
      currentPeriodEnd: null,
      activeTherapists: 2,
      therapistLimit: null,
    });
    expect((await closeMonth('2026-01')).status).toBe(200);
  });

  it('once the trial ended, refuses new billing with 402 and where to subscribe, and keeps everything else', async () => {
    moveTo('2026-03-05T15:00:00.000Z');
    expect(await subscription()).toMatchObject({ plan: 'trial', status: 'canceled', trialEndsOn: '2026-03-04' });
    const invoicesBefore = await ok(api, 'get', path('/invoices'), owner());
    await expectPlanRequired(await closeMonth('2026-02'), 'trial-ended');
    await expectPlanRequired(
      await call(api, 'post', path('/pay-runs'), owner({ period: { start: '2026-02-01', end: '2026-02-28' } })),
      'trial-ended',
    );
    const [payRun] = (await ok(api, 'get', path('/pay-runs'), owner())).payRuns;
    await expectPlanRequired(await call(api, 'post', path(`/pay-runs/${payRun.id}/approve`), owner()), 'trial-ended');
    // What was made before the lapse is answered as it is when asked for again: that is no new billing.
    const january = { start: '2026-01-01', end: '2026-01-31' };
    const sameRun = await call(api, 'post', path('/pay-runs'), owner({ period: january }));
    expect(sameRun.status, JSON.stringify(sameRun.body)).toBe(200);
    expect(sameRun.body).toMatchObject({ status: 'already-exists', payRun: { id: payRun.id, period: january } });
    const closeCycle = (period: { start: string; end: string }) =>
      call(api, 'post', path('/cycles/close'), owner({ agencyId: org.agencyIds[0], period }));
    const reclosed = await closeCycle(january);
    expect(reclosed.status, JSON.stringify(reclosed.body)).toBe(200);
    expect(reclosed.body).toMatchObject({ status: 'already-closed', agencyId: org.agencyIds[0], period: january });
    expect(reclosed.body.invoice).not.toBeNull();
    await expectPlanRequired(await closeCycle({ start: '2026-02-01', end: '2026-02-28' }), 'trial-ended');
    expect(await ok(api, 'get', path('/invoices'), owner())).toEqual(invoicesBefore);
    await expectNeverList('2026-03-02');
  });

  it('subscribes through Stripe Checkout: the webhook makes it Starter, and billing goes on', async () => {
    const bad = await call(api, 'post', path('/subscription/checkout'), owner({ plan: 'gold' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/starter.*unlimited/);
    const { url } = await ok(api, 'post', path('/subscription/checkout'), owner({ plan: 'starter' }));
    expect(url.startsWith(`${standin.url}/_standin/billing/checkout/cs_test_`)).toBe(true);
    const sub = await standin.billing.completeCheckout(url.split('/').at(-1));
    subscriptionId = sub.id as string;
    await standin.flushWebhooks();
    expect(await subscription()).toEqual({
      plan: 'starter',
      status: 'active',
      trialEndsOn: '2026-03-04',
      currentPeriodEnd: '2026-04-05',
      activeTherapists: 0,
      therapistLimit: 8,
    });
    expect((await closeMonth('2026-02')).status).toBe(200);
    const [january] = (await ok(api, 'get', path('/pay-runs'), owner())).payRuns;
    expect((await call(api, 'post', path(`/pay-runs/${january.id}/approve`), owner())).status).toBe(200);
    // Stripe saw the org's id and nothing else of it.
    const sent = standin.requests.map((r) => r.body).join('\n');
    expect(sent).toContain('life');
    expect(sent).not.toMatch(/Quixwright|Abernathy|Becker|Morales|Life Staffing|owner@/);
  });

  it('verifies the billing webhook and applies each event once', async () => {
    const created = standin.deliveries.find((d) => d.type === 'customer.subscription.created')!;
    const before = await api.store.getSubscription('life');
    const auditBefore = (await api.store.listAudit('life', {})).length;
    expect(await standin.redeliver(created.eventId)).toBe(200);
    expect(await api.store.getSubscription('life')).toEqual(before);
    expect(await api.store.listAudit('life', {})).toHaveLength(auditBefore);
    const payload = JSON.stringify({ id: 'evt_forged', type: 'customer.subscription.deleted', data: { object: {} } });
    const forged = await call(api, 'post', '/v1/stripe/billing-webhooks', {
      body: payload,
      headers: { 'stripe-signature': signatureHeader('whsec_not_the_secret', payload) },
    });
    expect(forged.status).toBe(400);
    expect((await call(api, 'post', '/v1/stripe/billing-webhooks', { body: payload })).status).toBe(401);
  });

  it('sends a subscribed org to the customer portal, not to a second Checkout', async () => {
    const again = await call(api, 'post', path('/subscription/checkout'), owner({ plan: 'unlimited' }));
    expect(again.status).toBe(422);
    expect(again.body.error.message).toContain('/subscription/portal');
    const { url } = await ok(api, 'post', path('/subscription/portal'), owner());
    expect(url.startsWith(`${standin.url}/_standin/billing/portal/bps_`)).toBe(true);
    expect(standin.billing.portalSessions(operatorKey).at(-1)).toMatchObject({ return_url: 'http://portal.test/billing/return' });
    const back = await fetch(`${api.url}/billing/return?outcome=subscribed`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('your VisitLedger plan is being set up');
  });

  it('on Starter, warns of a 9th active therapist, and 7 days later refuses new therapists until the upgrade', async () => {
    const added = await addTherapists(['Life T3', 'Life T4', 'Life T5', 'Life T6', 'Life T7', 'Life T8', 'Life T9']);
    expect(added.status).toBe(200);
    const all = [...org.therapistIds, ...added.body.therapists.map((t: { id: string }) => t.id)];
    await sendVisits(all, '2026-03-05');
    expect(await subscription()).toMatchObject({ activeTherapists: 9, therapistLimit: 8 });
    expect((await addTherapists(['Life T10'])).status).toBe(200); // warned, not refused
    expect((await api.store.getSubscription('life')).overLimitSince).toBe('2026-03-05');

    moveTo('2026-03-12T15:00:00.000Z');
    await expectPlanRequired(await addTherapists(['Life T11']), 'therapist-limit', 'portal');
    // Existing therapists still change; the form's visits are still stored; billing itself goes on.
    expect(
      (await call(api, 'post', path('/therapists'), owner({ therapists: [{ id: all[2], name: 'Life T3', disciplines: ['OT'] }] }))).status,
    ).toBe(200);
    await sendVisits([all[8]!], '2026-03-11');
    await expectNeverList('2026-03-11');

    await standin.billing.changePlan(subscriptionId, 'visitledger_unlimited_monthly');
    await standin.flushWebhooks();
    expect(await subscription()).toMatchObject({ plan: 'unlimited', status: 'active', activeTherapists: 9, therapistLimit: null });
    expect((await addTherapists(['Life T11'])).status).toBe(200);
  });

  it('past due, billing goes on for 14 days, then stops until the card is fixed', async () => {
    moveTo('2026-04-05T15:00:00.000Z');
    await standin.billing.renew(subscriptionId, { declined: true });
    await standin.flushWebhooks();
    expect(await subscription()).toMatchObject({ status: 'past_due', currentPeriodEnd: '2026-05-05' });
    expect((await closeMonth('2026-03')).status).toBe(200);
    moveTo('2026-04-19T15:00:00.000Z');
    expect((await closeMonth('2026-03')).status).toBe(200);
    moveTo('2026-04-20T15:00:00.000Z');
    await expectPlanRequired(await closeMonth('2026-03'), 'past-due', 'portal');
    await expectNeverList('2026-04-18');
    await standin.billing.payPastDue(subscriptionId);
    await standin.flushWebhooks();
    expect(await subscription()).toMatchObject({ status: 'active' });
    expect((await closeMonth('2026-03')).status).toBe(200);
  });

  it('canceled, new billing stops at once and nothing else does', async () => {
    await standin.billing.cancel(subscriptionId);
    await standin.flushWebhooks();
    expect(await subscription()).toMatchObject({ plan: 'unlimited', status: 'canceled' });
    await expectPlanRequired(await closeMonth('2026-03'), 'canceled');
    const approved = (await ok(api, 'get', path('/pay-runs'), owner())).payRuns.find((r: { status: string }) => r.status === 'approved');
    await expectPlanRequired(await call(api, 'post', path(`/pay-runs/${approved.id}/pay`), owner()), 'canceled');
    await expectNeverList('2026-04-19');
    const audit = await api.store.listAudit('life', {});
    expect(audit.map((a) => a.detail)).toEqual(
      expect.arrayContaining(['subscription Starter: active', 'subscription Unlimited: past_due', 'subscription Unlimited: canceled']),
    );
  });
});

describe('subscribing during the trial', () => {
  it('charges nothing until the trial ends, hears that it will, and becomes active when it does', async () => {
    moveTo('2026-05-01T15:00:00.000Z');
    const early = await buildOrg(api, 'early', 'Early');
    const at = (rest: string) => `/v1/orgs/early${rest}`;
    const token = { token: early.ownerToken };
    expect((await call(api, 'post', at('/subscription/portal'), token)).status).toBe(422); // nothing to manage yet
    const invoicesPaid = () => standin.deliveries.filter((d) => d.type === 'invoice.paid').length;
    const paidBefore = invoicesPaid();
    const { url } = await ok(api, 'post', at('/subscription/checkout'), { ...token, body: { plan: 'starter' } });
    const sub = await standin.billing.completeCheckout(url.split('/').at(-1));
    // The trial's last day, May 30, ends at midnight in the org's zone (New York, EDT).
    expect(sub).toMatchObject({ status: 'trialing', trial_end: Date.parse('2026-05-31T04:00:00Z') / 1000 });
    await standin.billing.trialWillEnd(sub.id as string);
    await standin.flushWebhooks();
    expect(await ok(api, 'get', at('/subscription'), token)).toMatchObject({
      plan: 'starter',
      status: 'trialing',
      trialEndsOn: '2026-05-31',
      therapistLimit: 8,
    });
    expect((await api.store.listAudit('early', {})).map((a) => a.detail)).toContain('Stripe: the subscription trial ends in 3 days');
    expect(invoicesPaid()).toBe(paidBefore); // nothing charged during the trial
    moveTo('2026-05-31T15:00:00.000Z');
    await standin.billing.renew(sub.id as string);
    await standin.flushWebhooks();
    expect(await ok(api, 'get', at('/subscription'), token)).toMatchObject({
      plan: 'starter',
      status: 'active',
      currentPeriodEnd: '2026-06-30',
    });
  });

  it('canceled before the free trial ends, leaves the rest of the trial: billing goes on, and Checkout carries the trial again', async () => {
    moveTo('2026-06-01T15:00:00.000Z');
    const quitter = await buildOrg(api, 'quitter', 'Quitter');
    const at = (rest: string) => `/v1/orgs/quitter${rest}`;
    const token = { token: quitter.ownerToken };
    const first = await ok(api, 'post', at('/subscription/checkout'), { ...token, body: { plan: 'starter' } });
    const sub = await standin.billing.completeCheckout(first.url.split('/').at(-1));
    await standin.flushWebhooks();
    await standin.billing.cancel(sub.id as string);
    await standin.flushWebhooks();
    moveTo('2026-06-05T15:00:00.000Z');
    expect(await ok(api, 'get', at('/subscription'), token)).toMatchObject({
      plan: 'trial',
      status: 'trialing',
      trialEndsOn: '2026-07-01',
    });
    const close = await call(api, 'post', at('/cycles/close-month'), { ...token, body: { month: '2026-05' } });
    expect(close.status, JSON.stringify(close.body)).not.toBe(402);
    const again = await ok(api, 'post', at('/subscription/checkout'), { ...token, body: { plan: 'unlimited' } });
    expect(await standin.billing.completeCheckout(again.url.split('/').at(-1))).toMatchObject({
      status: 'trialing',
      trial_end: Date.parse('2026-07-01T04:00:00Z') / 1000,
    });
  });

  it('acknowledges an event of a subscription VisitLedger did not start, and changes nothing', async () => {
    const customer = standin.billing.customers(operatorKey).at(-1)!;
    const payload = JSON.stringify({
      id: 'evt_elsewhere',
      object: 'event',
      type: 'customer.subscription.updated',
      created: 1,
      data: {
        object: { id: 'sub_elsewhere', object: 'subscription', customer: customer.id, status: 'active', metadata: {}, items: { data: [] } },
      },
    });
    const res = await call(api, 'post', '/v1/stripe/billing-webhooks', {
      body: payload,
      headers: { 'stripe-signature': signatureHeader(webhookSecret, payload) },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false, handled: false });
  });
});

describe('two Checkouts before Stripe’s first webhook', () => {
  it('keeps one open Checkout per org, and cancels a second subscription at Stripe so the org is never billed twice', async () => {
    moveTo('2026-06-10T15:00:00.000Z');
    const twice = await buildOrg(api, 'twice', 'Twice');
    const at = (rest: string) => `/v1/orgs/twice${rest}`;
    const token = { token: twice.ownerToken };
    const checkout = (plan: string) => call(api, 'post', at('/subscription/checkout'), { ...token, body: { plan } });
    moveTo('2026-07-15T15:00:00.000Z'); // the trial is over: each subscription is charged at once
    holdWebhooks();
    const starter = await checkout('starter');
    expect(starter.status, JSON.stringify(starter.body)).toBe(200);
    expect((await checkout('starter')).body.url).toBe(starter.body.url); // the same session, still open
    const unlimited = await checkout('unlimited');
    expect(unlimited.body.url).not.toBe(starter.body.url);
    expect((await fetch(starter.body.url, { redirect: 'manual' })).status).toBe(410); // expired: it can no longer be paid
    const keys = standin.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').map((r) => r.idempotencyKey);
    expect(keys.slice(-2)).toEqual([
      'visitledger-org:twice:subscription-checkout:1:starter:no-trial',
      'visitledger-org:twice:subscription-checkout:2:unlimited:no-trial',
    ]);

    const kept = await standin.billing.completeCheckout(unlimited.body.url.split('/').at(-1));
    // Paid, and Stripe's webhook not here yet: no other Checkout is opened.
    const meanwhile = await checkout('starter');
    expect(meanwhile.status).toBe(422);
    expect(meanwhile.body.error.message).toContain('Unlimited plan was just paid');
    expect(meanwhile.body.error.message).toContain(at('/subscription/portal'));

    // A second subscription Stripe made all the same (a session opened elsewhere for the org's customer).
    const stripe = stripeClient(operatorKey, stripeEndpoint(standin.url));
    const customer = standin.billing.customers(operatorKey).find((c) => (c.metadata as { orgId?: string }).orgId === 'twice')!;
    const [price] = (await stripe.prices.list({ lookup_keys: ['visitledger_starter_monthly'] })).data;
    const stray = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id as string,
      line_items: [{ price: price!.id, quantity: 1 }],
      subscription_data: { metadata: { orgId: 'twice' } },
      success_url: 'http://portal.test/billing/return',
    });
    const second = await standin.billing.completeCheckout(stray.id);
    await standin.flushWebhooks(); // all held, then passed on in the order Stripe sent them
    expect((await releaseWebhooks()).every((status) => status === 200)).toBe(true);
    await standin.flushWebhooks();

    expect(await ok(api, 'get', at('/subscription'), token)).toMatchObject({ plan: 'unlimited', status: 'active' });
    expect((await api.store.getSubscription('twice')).record?.subscriptionId).toBe(kept.id);
    expect((await stripe.subscriptions.retrieve(second.id as string)).status).toBe('canceled');
    expect((await stripe.subscriptions.retrieve(kept.id as string)).status).toBe('active');
    // Canceled on the day it was paid: its whole month is credited to the balance the next invoice draws on.
    expect(((await stripe.customers.retrieve(customer.id as string)) as { balance: number }).balance).toBe(-6000);
    expect((await api.store.listAudit('twice', {})).map((a) => a.detail)).toContain(
      `Stripe: a second subscription ${second.id} was canceled at once (the org keeps ${kept.id}); its unused time is credited to the org's Stripe balance`,
    );
  });
});

describe('a service that bills nobody', () => {
  it('has every org on Unlimited, with no limit at any age', async () => {
    const clockOff = { now: new Date('2026-02-02T15:00:00.000Z') };
    const off = await startTestApi({ now: () => clockOff.now });
    try {
      const free = await buildOrg(off, 'free', 'Free');
      clockOff.now = new Date('2026-09-01T15:00:00.000Z');
      expect(await ok(off, 'get', '/v1/orgs/free/subscription', { token: free.ownerToken })).toEqual({
        plan: 'unlimited',
        status: 'active',
        trialEndsOn: null,
        currentPeriodEnd: null,
        activeTherapists: 0,
        therapistLimit: null,
      });
      expect(
        (await call(off, 'post', '/v1/orgs/free/cycles/close-month', { token: free.ownerToken, body: { month: '2026-01' } })).status,
      ).toBe(200);
      const checkout = await call(off, 'post', '/v1/orgs/free/subscription/checkout', {
        token: free.ownerToken,
        body: { plan: 'starter' },
      });
      expect(checkout.status).toBe(422);
      const event = await call(off, 'post', '/v1/stripe/billing-webhooks', { body: '{}', headers: { 'stripe-signature': 't=1,v1=00' } });
      expect(event.status).toBe(400);
      expect(event.body.error.message).toMatch(/does not bill orgs.*no billing webhook signing secret/);
    } finally {
      await off.close();
    }
  });
});
