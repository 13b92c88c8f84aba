/**
 * The stand-in's Checkout, checked with the real stripe SDK where paying online depends on it:
 * a session and its replay under the same idempotency key (with Stripe's header), the key reused
 * with another amount, the parameter this API version no longer has, the customer paying by
 * card or bank account and the events that follow, each signed as Stripe signs and verified by
 * the SDK's own verifier, and a session that can be expired only while open.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeStandin, type StripeStandin } from './standin.ts';

let standin: StripeStandin;
let stripe: Stripe;
let receiver: Server;
const key = `rk_test_${randomBytes(12).toString('hex')}`;
const secret = `whsec_${randomBytes(12).toString('hex')}`;
/** The events the platform's own endpoint received, verified with the SDK. */
let received: Stripe.Event[];

beforeEach(async () => {
  standin = await startStripeStandin();
  standin.addPlatform(key, 0);
  stripe = new Stripe(key, { host: '127.0.0.1', port: standin.port, protocol: 'http', maxNetworkRetries: 0 });
  received = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), secret));
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  standin.setWebhookEndpoint(key, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret, { connect: false });
});
afterEach(async () => {
  await standin.flushWebhooks();
  await standin.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const params = (amount: number): Stripe.Checkout.SessionCreateParams => ({
  mode: 'payment',
  allowed_payment_method_types: ['us_bank_account', 'card'],
  line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'Invoice INV-0007' } } }],
  metadata: { orgId: 'o1', invoiceId: 'i1', attempt: '1' },
  payment_intent_data: { metadata: { orgId: 'o1', invoiceId: 'i1', attempt: '1' } },
  success_url: 'http://portal.test/portal/invoices/i1?payment=sent',
  cancel_url: 'http://portal.test/portal/invoices/i1?payment=canceled',
});

const typesReceived = async () => {
  await standin.flushWebhooks();
  return received.map((e) => e.type);
};

describe('Checkout Sessions', () => {
  it('makes an open session with a URL, replays it under the same key, and refuses the key with another amount', async () => {
    const first = await stripe.checkout.sessions.create(params(12_345), { idempotencyKey: 'invoice:i1:checkout:1' });
    expect(first).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 12_345,
      payment_intent: null,
    });
    expect(first.url).toBe(`${standin.url}/_standin/checkout/${first.id}`);
    const again = await stripe.checkout.sessions.create(params(12_345), { idempotencyKey: 'invoice:i1:checkout:1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(stripe.checkout.sessions.create(params(999), { idempotencyKey: 'invoice:i1:checkout:1' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
    });
    expect((await stripe.checkout.sessions.retrieve(first.id)).id).toBe(first.id);
    expect(standin.checkout.sessions(key)).toHaveLength(1);
    // Stripe's page, for a browser.
    const page = await fetch(first.url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Invoice INV-0007');
  });

  it('refuses what Stripe refuses: the removed payment_method_types, less than $0.50, another mode, an unknown session', async () => {
    const removed = stripe.checkout.sessions.create({
      ...params(1000),
      payment_method_types: ['card'],
    } as Stripe.Checkout.SessionCreateParams);
    await expect(removed).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'parameter_unknown' });
    await expect(stripe.checkout.sessions.create(params(49))).rejects.toMatchObject({ code: 'amount_too_small' });
    await expect(stripe.checkout.sessions.create({ ...params(1000), mode: 'setup' })).rejects.toMatchObject({ param: 'mode' });
    await expect(stripe.checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('a card payment succeeds at once: checkout.session.completed with payment_status paid, the PaymentIntent succeeded', async () => {
    const session = await stripe.checkout.sessions.create(params(5000));
    await standin.checkout.pay(session.id, 'card');
    expect(await typesReceived()).toEqual(expect.arrayContaining(['payment_intent.succeeded', 'checkout.session.completed']));
    const completed = received.find((e) => e.type === 'checkout.session.completed')!.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, metadata: { invoiceId: 'i1' } });
    const intent = await stripe.paymentIntents.retrieve(completed.payment_intent as string);
    expect(intent).toMatchObject({ status: 'succeeded', amount: 5000, metadata: { orgId: 'o1', invoiceId: 'i1', attempt: '1' } });
    expect(received.every((e) => e.account === undefined)).toBe(true);
  });

  it('a bank debit is processing until it clears or fails; a paid one can be disputed', async () => {
    const cleared = await stripe.checkout.sessions.create(params(5000));
    await standin.checkout.pay(cleared.id, 'us_bank_account');
    expect(await typesReceived()).toEqual(expect.arrayContaining(['payment_intent.processing', 'checkout.session.completed']));
    const completed = received.find((e) => e.type === 'checkout.session.completed')!.data.object as Stripe.Checkout.Session;
    expect(completed.payment_status).toBe('unpaid');
    expect((await stripe.paymentIntents.retrieve(completed.payment_intent as string)).status).toBe('processing');
    await standin.checkout.settle(cleared.id);
    expect(await typesReceived()).toContain('checkout.session.async_payment_succeeded');
    expect(await stripe.checkout.sessions.retrieve(cleared.id)).toMatchObject({ payment_status: 'paid' });
    const dispute = await standin.checkout.dispute(cleared.id);
    expect(await typesReceived()).toContain('charge.dispute.created');
    expect(dispute).toMatchObject({ object: 'dispute', amount: 5000, payment_intent: completed.payment_intent });

    const failed = await stripe.checkout.sessions.create(params(7000));
    await standin.checkout.pay(failed.id, 'us_bank_account');
    await standin.checkout.fail(failed.id);
    expect(await typesReceived()).toContain('checkout.session.async_payment_failed');
    const intent = (await stripe.checkout.sessions.retrieve(failed.id)).payment_intent as string;
    expect((await stripe.paymentIntents.retrieve(intent)).status).toBe('requires_payment_method');
  });

  it('expires an open session (checkout.session.expired), and refuses to expire one that is not open', async () => {
    const session = await stripe.checkout.sessions.create(params(5000));
    expect(await stripe.checkout.sessions.expire(session.id)).toMatchObject({ status: 'expired', url: null });
    expect(await typesReceived()).toContain('checkout.session.expired');
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
  });
});
