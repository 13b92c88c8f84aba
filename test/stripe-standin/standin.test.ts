/**
 * The stand-in's own faithfulness where the payouts depend on it, checked with the real
 * stripe SDK: idempotent replay (with Stripe's header), a reused key with other parameters,
 * a refusal replayed under its key, validation errors that keep no key, per-account
 * objects, the balance transfers draw down, payouts and their balance transactions,
 * signatures the SDK's own verifier accepts, and the form encoding the SDK sends.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { parseForm } from './form.ts';
import { signatureHeader, startStripeStandin, type StripeStandin } from './standin.ts';

let standin: StripeStandin;
let stripe: Stripe;
const key = `rk_test_${randomBytes(12).toString('hex')}`;

beforeEach(async () => {
  standin = await startStripeStandin();
  standin.addPlatform(key, 10_000);
  stripe = new Stripe(key, { host: '127.0.0.1', port: standin.port, protocol: 'http', maxNetworkRetries: 0 });
});
afterEach(() => standin.close());

async function readyAccount(): Promise<string> {
  const account = await stripe.accounts.create({
    controller: { stripe_dashboard: { type: 'express' } },
    capabilities: { transfers: { requested: true } },
  });
  await standin.completeOnboarding(account.id);
  return account.id;
}

describe('the form encoding', () => {
  it('reads nested keys and indexed arrays as Stripe does', () => {
    expect(parseForm('capabilities[transfers][requested]=true&metadata[payment_id]=p%3A1&expand[0]=a&expand[1]=b&amount=5')).toEqual({
      capabilities: { transfers: { requested: 'true' } },
      metadata: { payment_id: 'p:1' },
      expand: ['a', 'b'],
      amount: '5',
    });
  });
});

describe('idempotency', () => {
  it('replays the first answer for the same key and parameters, with Idempotent-Replayed', async () => {
    const destination = await readyAccount();
    const first = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination }, { idempotencyKey: 'k1' });
    const again = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination }, { idempotencyKey: 'k1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(standin.transfers(key)).toHaveLength(1);
    expect(standin.balanceOf(key)).toBe(9000);
  });

  it('answers 400 idempotency_error for the same key with other parameters', async () => {
    const destination = await readyAccount();
    await stripe.transfers.create({ amount: 1000, currency: 'usd', destination }, { idempotencyKey: 'k1' });
    const error = await stripe.transfers
      .create({ amount: 1001, currency: 'usd', destination }, { idempotencyKey: 'k1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect(standin.transfers(key)).toHaveLength(1);
  });

  it('replays a refusal raised while executing (balance), but keeps no key for a request refused by validation', async () => {
    const destination = await readyAccount();
    const refused = await stripe.transfers
      .create({ amount: 50_000, currency: 'usd', destination }, { idempotencyKey: 'big' })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(refused).toMatchObject({ type: 'StripeInvalidRequestError', code: 'balance_insufficient', statusCode: 400 });
    standin.setBalance(key, 100_000);
    const replayed = await stripe.transfers
      .create({ amount: 50_000, currency: 'usd', destination }, { idempotencyKey: 'big' })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(replayed).toMatchObject({ code: 'balance_insufficient', headers: expect.objectContaining({ 'idempotent-replayed': 'true' }) });
    const invalid = await stripe.transfers
      .create({ amount: -1, currency: 'usd', destination }, { idempotencyKey: 'fixme' })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(invalid).toMatchObject({ code: 'parameter_invalid_integer' });
    const fixed = await stripe.transfers.create({ amount: 100, currency: 'usd', destination }, { idempotencyKey: 'fixme' });
    expect(fixed.amount).toBe(100);
  });

  it('keeps keys per API key: another platform may use the same key', async () => {
    const other = `rk_test_${randomBytes(12).toString('hex')}`;
    standin.addPlatform(other, 10_000);
    const destination = await readyAccount();
    await stripe.transfers.create({ amount: 10, currency: 'usd', destination }, { idempotencyKey: 'shared' });
    const otherStripe = new Stripe(other, { host: '127.0.0.1', port: standin.port, protocol: 'http', maxNetworkRetries: 0 });
    const foreign = await otherStripe.transfers
      .create({ amount: 10, currency: 'usd', destination }, { idempotencyKey: 'shared' })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    // Not a replay of the first platform's transfer: that account is not the second platform's.
    expect(foreign).toMatchObject({ code: 'resource_missing' });
  });
});

describe('accounts, transfers and payouts', () => {
  it('refuses a transfer to an account whose transfers capability is not active, and an unknown key', async () => {
    const account = await stripe.accounts.create({ capabilities: { transfers: { requested: true } } });
    expect(account.capabilities?.transfers).toBe('inactive');
    const refused = await stripe.transfers
      .create({ amount: 10, currency: 'usd', destination: account.id })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(refused).toMatchObject({ code: 'insufficient_capabilities_for_transfer', param: 'destination' });
    const stranger = new Stripe('rk_test_unknown0000', { host: '127.0.0.1', port: standin.port, protocol: 'http', maxNetworkRetries: 0 });
    await expect(stranger.balance.retrieve()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('pays a landed transfer out of the connected account, and lists what each payout carried', async () => {
    const destination = await readyAccount();
    const transfer = await stripe.transfers.create({
      amount: 700,
      currency: 'usd',
      destination,
      transfer_group: 'g1',
      metadata: { payment_id: 'p1' },
    });
    const [payout] = standin.payouts(destination);
    expect(payout).toMatchObject({ amount: 700, status: 'in_transit' });
    const carried = await stripe.balanceTransactions.list({ payout: payout!.id as string }, { stripeAccount: destination });
    expect(carried.data.map((t) => t.source)).toContain(transfer.destination_payment);
    await standin.markPayout(payout!.id as string, 'failed', 'account_closed');
    expect((await stripe.balance.retrieve({}, { stripeAccount: destination })).available[0]!.amount).toBe(700);
    const again = await standin.payOutAccount(destination);
    const carriedAgain = await stripe.balanceTransactions.list({ payout: again!.id as string }, { stripeAccount: destination });
    // As Stripe lists them: the payout's own transaction, and the return of the failed payout it pays again.
    expect(carriedAgain.data.map((t) => [t.type, t.source]).sort()).toEqual(
      [
        ['payout', again!.id],
        ['payout_failure', payout!.id],
      ].sort(),
    );
    expect((await stripe.transfers.list({ transfer_group: 'g1' })).data.map((t) => t.metadata.payment_id)).toEqual(['p1']);
    const before = standin.balanceOf(key);
    await stripe.transfers.createReversal(transfer.id, { amount: 200 });
    await expect(stripe.transfers.createReversal(transfer.id, { amount: 600 })).rejects.toMatchObject({ param: 'amount' });
    const reversed = await stripe.transfers.retrieve(transfer.id);
    expect([reversed.amount_reversed, reversed.reversed, standin.balanceOf(key) - before]).toEqual([200, false, 200]);
    expect((await stripe.transfers.list({ transfer_group: 'other' })).data).toEqual([]);
  });
});

describe('webhooks', () => {
  it("signs events so that the SDK's constructEvent accepts them with the secret, and only with it", async () => {
    const secret = 'whsec_standintest0001';
    const received: { body: string; signature: string }[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standin.setWebhookEndpoint(key, `http://127.0.0.1:${(server.address() as { port: number }).port}/`, secret);
    const destination = await readyAccount();
    await standin.flushWebhooks();
    server.close();
    const events = received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, secret));
    expect(events.map((e) => [e.type, (e as { account?: string }).account])).toEqual([
      ['account.updated', destination],
      ['capability.updated', destination],
    ]);
    expect(() => stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, 'whsec_wrong00000000')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(signatureHeader(secret, 'x', 1)).toMatch(/^t=1,v1=[0-9a-f]{64}$/);
  });
});
