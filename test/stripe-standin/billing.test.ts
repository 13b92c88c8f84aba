/**
 * The stand-in's Stripe Billing, checked with the real stripe SDK: prices by lookup key,
 * subscription-mode Checkout beside payment mode, the customer portal, and the signed events
 * each control sends (verified with the SDK's own constructEvent).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeStandin, type StripeStandin } from './standin.ts';

let standin: StripeStandin;
let stripe: Stripe;
let hook: Server;
let events: Stripe.Event[];
const key = `sk_test_${randomBytes(12).toString('hex')}`;
const secret = `whsec_${randomBytes(12).toString('hex')}`;
let clock = 1_780_000_000;

beforeEach(async () => {
  clock = 1_780_000_000;
  standin = await startStripeStandin({ clock: () => clock });
  standin.addPlatform(key, 0);
  stripe = new Stripe(key, { host: '127.0.0.1', port: standin.port, protocol: 'http', maxNetworkRetries: 0 });
  events = [];
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push(stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), secret));
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  standin.setWebhookEndpoint(key, `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret, { connect: false });
});
afterEach(async () => {
  await standin.close();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
});

async function subscribe(trialEnd?: number) {
  const price = standin.billing.addPrice(key, { lookupKey: 'visitledger_starter_monthly', unitAmount: 6000 });
  const customer = await stripe.customers.create({ metadata: { orgId: 'acme' } });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price, quantity: 1 }],
    subscription_data: { metadata: { orgId: 'acme' }, ...(trialEnd ? { trial_end: trialEnd } : {}) },
    success_url: 'http://service.test/done',
  });
  return { price, customer, session };
}

describe('prices', () => {
  it('are found by lookup key, active ones only when asked', async () => {
    const starter = standin.billing.addPrice(key, { lookupKey: 'visitledger_starter_monthly', unitAmount: 6000 });
    standin.billing.addPrice(key, { lookupKey: 'visitledger_unlimited_monthly', unitAmount: 14900, active: false });
    const found = await stripe.prices.list({ lookup_keys: ['visitledger_starter_monthly'], active: true });
    expect(found.data.map((p) => [p.id, p.lookup_key, p.recurring?.interval])).toEqual([[starter, 'visitledger_starter_monthly', 'month']]);
    expect((await stripe.prices.list({ lookup_keys: ['visitledger_unlimited_monthly'], active: true })).data).toEqual([]);
  });
});

describe('Checkout in subscription mode', () => {
  it('starts an active subscription with its first invoice paid, and the period on the item', async () => {
    const { session, customer } = await subscribe();
    expect(session).toMatchObject({ mode: 'subscription', status: 'open', customer: customer.id });
    expect(session.url).toMatch(/\/_standin\/billing\/checkout\/cs_test_/);
    // Opening Stripe's page completes it and returns to the success URL.
    const opened = await fetch(session.url!, { redirect: 'manual' });
    expect(opened.headers.get('location')).toBe('http://service.test/done');
    await standin.flushWebhooks();
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    const sub = events[0]!.data.object as Stripe.Subscription;
    expect(sub).toMatchObject({ status: 'active', metadata: { orgId: 'acme' } });
    expect(sub.items.data[0]).toMatchObject({ current_period_start: clock, price: { lookup_key: 'visitledger_starter_monthly' } });
    const invoice = events[1]!.data.object as Stripe.Invoice;
    expect(invoice.parent?.subscription_details).toMatchObject({ subscription: sub.id, metadata: { orgId: 'acme' } });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('carries a trial over (no invoice until it ends), and refuses a trial end less than 48 hours ahead', async () => {
    const { session } = await subscribe(clock + 10 * 86_400);
    const sub = await standin.billing.completeCheckout(session.id);
    await standin.flushWebhooks();
    expect(sub).toMatchObject({ status: 'trialing', trial_end: clock + 10 * 86_400 });
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.created', 'checkout.session.completed']);
    await expect(subscribe(clock + 3600)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'subscription_data[trial_end]',
    });
  });

  it('expires an open session, which then cannot be paid nor expired again', async () => {
    const { session } = await subscribe();
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, mode: 'subscription', status: 'expired', url: null });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    expect((await fetch(session.url!, { redirect: 'manual' })).status).toBe(410);
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    await standin.flushWebhooks();
    expect(events.map((e) => e.type)).toEqual(['checkout.session.expired']);
    expect(standin.billing.subscriptions(key)).toEqual([]);
  });

  it('answers the same session to a create repeated under one idempotency key', async () => {
    const { price, customer } = await subscribe();
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price, quantity: 1 }],
      success_url: 'http://service.test/done',
    };
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey: 'org:acme:checkout:1' });
    const again = await stripe.checkout.sessions.create(params, { idempotencyKey: 'org:acme:checkout:1' });
    expect(again.id).toBe(first.id);
    expect((await stripe.checkout.sessions.create(params, { idempotencyKey: 'org:acme:checkout:2' })).id).not.toBe(first.id);
  });

  it('leaves payment mode to checkout.ts', async () => {
    const paid = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 5000, product_data: { name: 'INV-0001' } } }],
      success_url: 'http://service.test/paid',
    });
    expect(paid).toMatchObject({ mode: 'payment', status: 'open' });
    expect((await stripe.checkout.sessions.retrieve(paid.id)).mode).toBe('payment');
  });
});

describe('the subscription’s life', () => {
  it('renews, goes past due when the card declines, recovers, switches plan and is canceled, each with its events', async () => {
    const { session } = await subscribe();
    const sub = await standin.billing.completeCheckout(session.id);
    standin.billing.addPrice(key, { lookupKey: 'visitledger_unlimited_monthly', unitAmount: 14900 });
    await standin.billing.renew(sub.id as string, { declined: true });
    expect((await stripe.subscriptions.retrieve(sub.id as string)).status).toBe('past_due');
    await standin.billing.payPastDue(sub.id as string);
    await standin.billing.changePlan(sub.id as string, 'visitledger_unlimited_monthly');
    await standin.billing.cancel(sub.id as string);
    await standin.flushWebhooks();
    expect(events.map((e) => e.type).slice(3)).toEqual([
      'invoice.payment_failed',
      'customer.subscription.updated',
      'invoice.paid',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
    const last = events.at(-1)!.data.object as Stripe.Subscription;
    expect(last).toMatchObject({ status: 'canceled', items: { data: [{ price: { lookup_key: 'visitledger_unlimited_monthly' } }] } });
  });

  it('cancels through the API at once, crediting a paid period’s unused time with prorate and invoice_now, and only once', async () => {
    const { session, customer } = await subscribe();
    const sub = await standin.billing.completeCheckout(session.id);
    clock += 3 * 86_400;
    const canceled = await stripe.subscriptions.cancel(sub.id as string, { prorate: true, invoice_now: true });
    expect(canceled).toMatchObject({ id: sub.id, status: 'canceled', canceled_at: clock });
    const item = canceled.items.data[0]!;
    const unused = (item.current_period_end - clock) / (item.current_period_end - item.current_period_start);
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: -Math.round(6000 * unused) });
    await expect(stripe.subscriptions.cancel(sub.id as string)).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
    await standin.flushWebhooks();
    expect(events.map((e) => e.type)).toEqual([
      'customer.subscription.created',
      'invoice.paid',
      'checkout.session.completed',
      'customer.subscription.deleted',
    ]);
  });

  it('credits nothing for a trial, nor without prorate and invoice_now', async () => {
    const { session, customer, price } = await subscribe(clock + 10 * 86_400);
    const trialing = await standin.billing.completeCheckout(session.id);
    await stripe.subscriptions.cancel(trialing.id as string, { prorate: true, invoice_now: true });
    const paid = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price, quantity: 1 }],
      success_url: 'http://service.test/done',
    });
    const active = await standin.billing.completeCheckout(paid.id);
    await stripe.subscriptions.cancel(active.id as string);
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance ?? 0).toBe(0);
  });

  it('renews a period anchored on the 31st on the last day of a shorter month, and on the 31st again after it', async () => {
    clock = Date.parse('2026-01-31T04:00:00Z') / 1000;
    const { session } = await subscribe();
    const sub = await standin.billing.completeCheckout(session.id);
    const periodEnd = async () => (await stripe.subscriptions.retrieve(sub.id as string)).items.data[0]!.current_period_end;
    expect(new Date((await periodEnd()) * 1000).toISOString()).toBe('2026-02-28T04:00:00.000Z');
    await standin.billing.renew(sub.id as string);
    expect(new Date((await periodEnd()) * 1000).toISOString()).toBe('2026-03-31T04:00:00.000Z');
    await standin.billing.renew(sub.id as string);
    expect(new Date((await periodEnd()) * 1000).toISOString()).toBe('2026-04-30T04:00:00.000Z');
  });

  it('opens the customer portal for a customer it has, and returns to return_url', async () => {
    const { customer } = await subscribe();
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://service.test/back' });
    expect((await fetch(portal.url, { redirect: 'manual' })).headers.get('location')).toBe('http://service.test/back');
    await expect(stripe.billingPortal.sessions.create({ customer: 'cus_0000' })).rejects.toMatchObject({ code: 'resource_missing' });
  });
});
