/**
 * The payout routes over HTTP: the API in this process, the Stripe stand-in delivering its
 * signed webhooks to the API's own webhook route, and a therapist's browser played by fetch
 * (following the onboarding URL to Stripe's link and back).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { buildOrg, ok, type BuiltOrg } from '../api/org-builder.ts';
import { signatureHeader, startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';

let api: TestApi;
let standin: StripeStandin;
let org: BuiltOrg;
const key = `rk_test_${randomBytes(16).toString('hex')}`;
const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
const PAY_RUN = 'payroll:2026-01-01';
const path = (p: string) => `/v1/orgs/alpha${p}`;
/** The onboarding URL the service printed (on http://portal.test), on the test API. */
const local = (url: string) => url.replace('http://portal.test', api.url);

beforeAll(async () => {
  standin = await startStripeStandin();
  standin.addPlatform(key, 10_000_000);
  api = await startTestApi({ stripeApiBase: standin.url });
  org = await buildOrg(api, 'alpha', 'Alpha');
  standin.setWebhookEndpoint(key, `${api.url}/v1/stripe/webhooks/alpha`, webhookSecret);
});
afterAll(async () => {
  await standin.flushWebhooks();
  await standin.close();
  await api.close();
});

const owner = () => ({ token: org.ownerToken });

describe('connecting Stripe', () => {
  it('refuses a key Stripe does not accept, and a malformed one without repeating it', async () => {
    const unknown = await call(api, 'put', path('/stripe'), { ...owner(), body: { key: 'rk_test_notaplatformkey', webhookSecret } });
    expect(unknown.status).toBe(422);
    expect(unknown.text).not.toContain('notaplatformkey');
    const malformed = await call(api, 'put', path('/stripe'), { ...owner(), body: { key: 'pk_test_wrongkind123', webhookSecret: 'nope' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: { path: string }) => d.path)).toEqual(['key', 'webhookSecret']);
    expect(malformed.text).not.toContain('wrongkind');
  });

  it('stores the key and secret sealed and shows only the last four characters and the webhook URL', async () => {
    const connected = await ok(api, 'put', path('/stripe'), { ...owner(), body: { key, webhookSecret } });
    expect(connected).toEqual({
      keyLast4: key.slice(-4),
      livemode: false,
      connectedAt: expect.any(String),
      webhookUrl: 'http://portal.test/v1/stripe/webhooks/alpha',
    });
    const shown = await call(api, 'get', path('/stripe'), owner());
    expect(shown.text).not.toContain(key);
    expect(shown.text).not.toContain(webhookSecret);
    const file = [api.dbFile, `${api.dbFile}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    expect(file).not.toContain(key);
    expect(file).not.toContain(webhookSecret);
    expect(api.logText()).not.toContain(key.slice(8));
  });
});

describe('onboarding a therapist', () => {
  it("gives a URL that leads to Stripe's onboarding, follows the account to ready through the webhook, then says it is done", async () => {
    const therapistId = org.therapistIds[0]!;
    const first = await ok(api, 'post', path(`/therapists/${therapistId}/stripe-onboarding`), owner());
    expect(first).toMatchObject({ therapistId, account: 'created', ready: false });
    expect(first.stripeLink).toContain(standin.url);
    const again = await ok(api, 'post', path(`/therapists/${therapistId}/stripe-onboarding`), owner());
    expect(again).toMatchObject({ accountId: first.accountId, account: 'existing' });
    expect(standin.accounts(key)).toHaveLength(1);

    // The first URL was retired by the second.
    expect((await fetch(local(first.onboardingUrl), { redirect: 'manual' })).status).toBe(404);
    const visit = await fetch(local(again.onboardingUrl), { redirect: 'manual' });
    expect(visit.status).toBe(303);
    const stripeLink = visit.headers.get('location')!;
    expect(stripeLink.startsWith(standin.url)).toBe(true);
    const back = await fetch(stripeLink, { redirect: 'manual' });
    expect(local(back.headers.get('location')!)).toBe(local(again.onboardingUrl));
    await standin.flushWebhooks();
    const accounts = (await ok(api, 'get', path('/stripe'), owner())).accounts;
    expect(accounts).toEqual([
      expect.objectContaining({ therapistId, accountId: first.accountId, transfersActive: true, payoutsEnabled: true }),
    ]);
    const done = await fetch(local(again.onboardingUrl), { redirect: 'manual' });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/set up/);
    expect(api.logText()).not.toContain(new URL(again.onboardingUrl).searchParams.get('token')!);
  });

  it('answers a wrong token like an unknown therapist, and refuses bearer credentials on the link', async () => {
    const token = randomBytes(32).toString('base64url');
    expect((await call(api, 'get', `/v1/stripe/onboarding/alpha/${org.therapistIds[0]}?token=${token}`)).status).toBe(404);
    expect((await call(api, 'get', `/v1/stripe/onboarding/alpha/nobody?token=${token}`)).status).toBe(404);
    expect((await call(api, 'get', `/v1/stripe/onboarding/alpha/nobody?token=${token}`, owner())).status).toBe(403);
  });
});

describe('the webhook', () => {
  const post = (body: string, signature?: string) =>
    call(api, 'post', '/v1/stripe/webhooks/alpha', {
      body,
      headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    });
  const event = (type: string, object: Record<string, unknown>) =>
    JSON.stringify({
      id: `evt_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
    });

  it('verifies the signature on the raw body: unsigned 401, wrong secret or altered body 400', async () => {
    const body = event('account.updated', { id: 'acct_x', object: 'account' });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, signatureHeader('whsec_someoneelse0000', body))).status).toBe(400);
    expect((await post(body.replace('acct_x', 'acct_y'), signatureHeader(webhookSecret, body))).status).toBe(400);
    // The same JSON with other whitespace is other bytes: the signature no longer matches.
    expect((await post(JSON.stringify(JSON.parse(body), null, 1), signatureHeader(webhookSecret, body))).status).toBe(400);
    expect((await post(body, signatureHeader(webhookSecret, body))).status).toBe(200);
  });

  it('acknowledges and ignores an unknown event, and changes nothing on a replay', async () => {
    const unknown = event('radar.early_fraud_warning.created', { id: 'issfr_1', object: 'radar.early_fraud_warning' });
    expect((await post(unknown, signatureHeader(webhookSecret, unknown))).body).toEqual({
      received: true,
      duplicate: false,
      handled: false,
    });
    const before = await ok(api, 'get', path('/stripe'), owner());
    const restricted = { ...standin.accounts(key)[0]!, capabilities: { transfers: 'inactive' }, payouts_enabled: false };
    const stale = JSON.stringify({ ...JSON.parse(event('account.updated', restricted)), created: 1 });
    // An event older than what the service already applied changes nothing either.
    expect((await post(stale, signatureHeader(webhookSecret, stale))).body).toEqual({ received: true, duplicate: false, handled: false });
    const replayed = standin.deliveries.find((d) => d.type === 'account.updated')!;
    expect(await standin.redeliver(replayed.eventId)).toBe(200);
    expect(await ok(api, 'get', path('/stripe'), owner())).toEqual(before);
  });

  it('refuses a body over its limit', async () => {
    const big = JSON.stringify({ id: 'evt_big', filler: 'x'.repeat(300 * 1024) });
    expect((await post(big, signatureHeader(webhookSecret, big))).status).toBe(413);
  });
});

describe('paying a pay run', () => {
  it("answers each therapist's amount, status and transfer id; pays nobody twice; and follows the payouts", async () => {
    await ok(api, 'post', path('/cycles/close-month'), { ...owner(), body: { month: '2026-01' } });
    expect((await call(api, 'post', path(`/pay-runs/${PAY_RUN}/pay`), owner())).status).toBe(422);
    await ok(api, 'post', path(`/pay-runs/${PAY_RUN}/approve`), owner());
    const statements = (await ok(api, 'get', path(`/pay-runs/${PAY_RUN}`), owner())).statements as {
      therapistId: string;
      totalCents: number;
    }[];
    const [tom, ana] = org.therapistIds as [string, string];

    const first = await ok(api, 'post', path(`/pay-runs/${PAY_RUN}/pay`), owner());
    const cents = (id: string) => statements.find((s) => s.therapistId === id)!.totalCents;
    expect(first.payments).toEqual(
      expect.arrayContaining([
        {
          therapistId: tom,
          amountCents: cents(tom),
          status: 'paid',
          paymentId: expect.any(String),
          transferId: expect.stringMatching(/^tr_/),
          paidOn: expect.any(String),
        },
        expect.objectContaining({
          therapistId: ana,
          amountCents: cents(ana),
          status: 'not-paid',
          problemCode: 'no-account',
          problem: expect.stringMatching(/onboarding/),
        }),
      ]),
    );
    const again = await ok(api, 'post', path(`/pay-runs/${PAY_RUN}/pay`), owner());
    expect(again.payments).toEqual(first.payments);
    expect(standin.transfers(key)).toHaveLength(1);

    // The payout that carried Tom's money fails (closed bank account), then Stripe pays it out again.
    const account = standin.accounts(key)[0]!.id;
    const [payout] = standin.payouts(account);
    await standin.markPayout(payout!.id as string, 'failed', 'account_closed');
    await standin.flushWebhooks();
    let transfers = (await ok(api, 'get', path(`/pay-runs/${PAY_RUN}/transfers`), owner())).transfers;
    expect(transfers).toEqual([
      expect.objectContaining({
        therapistId: tom,
        status: 'paid',
        payout: expect.objectContaining({ id: payout!.id, status: 'failed', failureCode: 'account_closed' }),
      }),
    ]);
    const repaid = await standin.payOutAccount(account);
    await standin.markPayout(repaid!.id as string, 'paid');
    await standin.flushWebhooks();
    transfers = (await ok(api, 'get', path(`/pay-runs/${PAY_RUN}/transfers`), owner())).transfers;
    expect(transfers[0].payout).toMatchObject({ id: repaid!.id, status: 'paid' });
    // The first payout's failure, delivered again, changes nothing: the money went out on the second.
    const failedEvent = standin.deliveries.find((d) => d.type === 'payout.failed')!;
    expect(await standin.redeliver(failedEvent.eventId)).toBe(200);
    expect((await ok(api, 'get', path(`/pay-runs/${PAY_RUN}/transfers`), owner())).transfers).toEqual(transfers);
    // The payment itself never moved: paid on the transfer's day, in the 1099 ledger.
    const payments = (await ok(api, 'get', path(`/payments?therapistId=${tom}`), owner())).payments;
    expect(payments).toEqual([
      expect.objectContaining({
        method: 'stripe',
        status: 'paid',
        amountCents: cents(tom),
        reference: first.payments.find((p: { therapistId: string }) => p.therapistId === tom).transferId,
      }),
    ]);
  });

  it("is the owner's: staff may not pay", async () => {
    await ok(api, 'put', path('/members/staff@alpha.example'), { ...owner(), body: { role: 'staff' } });
    const staff = api.google.idToken('staff@alpha.example');
    expect((await call(api, 'post', path(`/pay-runs/${PAY_RUN}/pay`), { token: staff })).status).toBe(403);
    expect((await call(api, 'put', path('/stripe'), { token: staff, body: { key, webhookSecret } })).status).toBe(403);
  });
});

describe('backup withholding over the API', () => {
  it('sets a therapist to withhold, or flags the TIN, through the therapist upsert, and shows the setting (hold by default) in the list', async () => {
    const [tom, ana] = org.therapistIds;
    const before = (await ok(api, 'get', path('/therapists'), owner())).therapists as {
      id: string;
      withoutW9: string;
      tinIncorrect: boolean;
    }[];
    expect(before.map((t) => [t.withoutW9, t.tinIncorrect])).toEqual([
      ['hold', false],
      ['hold', false],
    ]);
    await ok(api, 'post', path('/therapists'), {
      ...owner(),
      body: { therapists: [{ id: ana, name: 'Alpha Ana Morales', withoutW9: 'withhold', tinIncorrect: true }] },
    });
    const after = (await ok(api, 'get', path('/therapists'), owner())).therapists as {
      id: string;
      withoutW9: string;
      tinIncorrect: boolean;
    }[];
    expect(after.find((t) => t.id === ana)).toMatchObject({ withoutW9: 'withhold', tinIncorrect: true });
    expect(after.find((t) => t.id === tom)).toMatchObject({ withoutW9: 'hold', tinIncorrect: false });
    const refused = await call(api, 'post', path('/therapists'), {
      ...owner(),
      body: { therapists: [{ id: ana, name: 'Alpha Ana Morales', withoutW9: 'pay-anyway' }] },
    });
    expect(refused.status).toBe(400);
    await ok(api, 'post', path('/therapists'), {
      ...owner(),
      body: { therapists: [{ id: ana, name: 'Alpha Ana Morales', withoutW9: 'hold', tinIncorrect: false }] },
    });
  });

  it('records a payment by hand with backupWithholding: the amount is the gross, 24% of it kept, in Box 4 and the Form 945 total', async () => {
    const tom = org.therapistIds[0]!;
    const before = await ok(api, 'get', path('/tax-years/2026'), owner());
    const paid = await call(api, 'post', path('/payments'), {
      ...owner(),
      body: { therapistId: tom, amountCents: 10_005, paidOn: '2026-03-02', method: 'check', backupWithholding: true },
    });
    expect(paid.status).toBe(201);
    // 24% of $100.05 is $24.012: $24.01 kept.
    expect(paid.body).toMatchObject({ amountCents: 10_005, withheldCents: 2_401, status: 'paid' });
    const year = await ok(api, 'get', path('/tax-years/2026'), owner());
    expect(year.form945TotalCents - before.form945TotalCents).toBe(2_401);
    const row = (s: { therapists: { therapistId: string; withheldCents: number; totalCents: number }[] }) =>
      s.therapists.find((t) => t.therapistId === tom) ?? { withheldCents: 0, totalCents: 0 };
    expect(row(year).withheldCents - row(before).withheldCents).toBe(2_401);
    expect(row(year).totalCents - row(before).totalCents).toBe(10_005);
  });
});
