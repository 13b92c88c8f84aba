/**
 * Paying an invoice online from the portal, the whole path over HTTP: the agency's browser
 * (fetch, keeping cookies) posts the Pay form, the service makes a Checkout Session with the
 * real `stripe` SDK on the Stripe stand-in and answers 303 to Stripe's page; the stand-in plays
 * the customer and the bank (card, ACH processing then cleared or failed, a dispute) and sends
 * its signed events to the service's own webhook route. The receipts are read back from the
 * API, the states from the portal's pages.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestApi } from '../api/harness.ts';
import { ok, type BuiltOrg } from '../api/org-builder.ts';
import type { StripeStandin } from '../stripe-standin/standin.ts';
import { formatMoney } from '../../shared/index.ts';
import { portalBrowser, type PortalBrowser } from './portal-fixture.ts';
import { startPayOnlineFixture, type PayOnlineFixture } from './pay-online-fixture.ts';

let f: PayOnlineFixture;
let api: TestApi;
let standin: StripeStandin;
let alpha: BuiltOrg;
let invoices: PayOnlineFixture['invoices'];
let key: string;
const owner = () => f.owner;

beforeAll(async () => {
  f = await startPayOnlineFixture();
  ({ api, standin, alpha, invoices, key } = f);
}, 60_000);
afterAll(() => f.close());

const setMethods = (methods: string[]) => f.setMethods(methods);

/** A browser holding a portal session for the agency at `index`. */
async function agencyBrowser(index: number): Promise<PortalBrowser> {
  const browser = portalBrowser(api);
  expect((await browser.get(await f.linkPath(index))).status).toBe(200);
  return browser;
}

/** Posts the Pay form as the browser would (its cookie, same site), without following the redirect to Stripe. */
async function pay(browser: PortalBrowser, invoiceId: string, headers: Record<string, string> = {}) {
  const cookie = [...browser.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
  const res = await fetch(`${api.url}/portal/invoices/${encodeURIComponent(invoiceId)}/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...headers },
    body: '',
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

const sessionIdOf = (location: string | null) => new URL(location!).pathname.split('/').at(-1)!;
const sessionsOf = () => standin.checkout.sessions(key);
const invoicePage = async (browser: PortalBrowser, invoiceId: string, query = '') =>
  browser.get(`/portal/invoices/${encodeURIComponent(invoiceId)}${query}`);
const receiptsOf = async (invoiceId: string) =>
  (await ok(api, 'get', '/v1/orgs/alpha/receipts', owner())).receipts.filter((r: any) =>
    r.applications.some((a: any) => a.invoiceId === invoiceId),
  );
/** The invoice's status and open amount as its portal page shows them. */
const shownOn = async (browser: PortalBrowser, invoiceId: string) => {
  const text = (await invoicePage(browser, invoiceId)).text;
  return { status: /<dt>Status<\/dt><dd>([^<]+)<\/dd>/.exec(text)?.[1], open: /<dt>Open<\/dt><dd>([^<]+)<\/dd>/.exec(text)?.[1] };
};
/** Stripe's events so far: delivered, and answered by the service. */
async function settled(): Promise<void> {
  await standin.flushWebhooks();
  await api.idle();
}

describe('what the org offers', () => {
  it('offers no Pay button until the org chooses a method, and refuses a choice that is not one of the three', async () => {
    const browser = await agencyBrowser(0);
    const page = await invoicePage(browser, invoices[0]!.id);
    expect(page.text).not.toContain('Pay online');
    expect((await pay(browser, invoices[0]!.id)).status).toBe(409);
    expect(sessionsOf()).toHaveLength(0);

    const bad = await call(api, 'patch', '/v1/orgs/alpha/settings', { ...owner(), body: { onlinePaymentMethods: ['card'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: 'onlinePaymentMethods', message: 'must be [] (not offered), ["us_bank_account"] or ["us_bank_account", "card"]' },
    ]);
    const shown = await setMethods(['us_bank_account']);
    expect(shown.settings.onlinePaymentMethods).toEqual(['us_bank_account']);
    const offered = await invoicePage(browser, invoices[0]!.id);
    expect(offered.text).toMatch(/<form method="post" action="\/portal\/invoices\/[^"]+\/pay">/);
    expect(offered.text).toContain('by bank account (ACH) on Stripe');
    expect(offered.headers.get('content-security-policy')).toContain(`form-action 'self' ${standin.url};`);
  });
});

describe('paying by US bank account', () => {
  let browser: PortalBrowser;
  const invoice = () => invoices[0]!;

  beforeAll(async () => {
    await setMethods(['us_bank_account', 'card']);
    browser = await agencyBrowser(0);
  });

  it('makes one Checkout Session for what is open, with the invoice number and ids only, and sends the browser to it', async () => {
    const first = await pay(browser, invoice().id);
    expect(first.status).toBe(303);
    expect(first.location).toMatch(new RegExp(`^${standin.url}/_standin/checkout/cs_test_`));
    // A second click (another tab, a retry) resumes the same session under the same key.
    const again = await pay(browser, invoice().id);
    expect(again.location).toBe(first.location);
    expect(sessionsOf()).toHaveLength(1);

    const session = sessionsOf()[0]!;
    expect(session).toMatchObject({
      mode: 'payment',
      status: 'open',
      amount_total: invoice().totalCents,
      allowed_payment_method_types: ['us_bank_account', 'card'],
      metadata: { orgId: 'alpha', invoiceId: invoice().id, attempt: '1' },
      success_url: `http://portal.test/portal/invoices/${encodeURIComponent(invoice().id)}?payment=sent`,
      cancel_url: `http://portal.test/portal/invoices/${encodeURIComponent(invoice().id)}?payment=canceled`,
    });
    expect(session.line_items_for_tests).toEqual([
      { description: `Invoice ${invoice().number}`, amount_total: invoice().totalCents, quantity: 1, currency: 'usd' },
    ]);
    const creates = standin.requests.filter((r) => r.path === '/v1/checkout/sessions');
    expect(creates.map((r) => r.idempotencyKey)).toEqual([`invoice:${invoice().id}:checkout:1`]);
    // Stripe signs no BAA: nothing of a patient reaches it.
    const sent = standin.requests.map((r) => r.body + r.query).join('\n');
    for (const p of alpha.patients) {
      expect(sent).not.toContain(p.name);
      expect(sent).not.toContain(p.mrn);
    }
  });

  it('shows "payment processing" while the debit clears, records nothing, and offers no second payment', async () => {
    const id = sessionIdOf((await pay(browser, invoice().id)).location);
    await standin.checkout.pay(id, 'us_bank_account');
    await settled();
    const page = await invoicePage(browser, invoice().id, '?payment=sent');
    expect(page.text).toContain('Payment processing');
    expect(page.text).toContain('Stripe has your payment');
    expect(page.text).not.toContain('Pay online');
    expect(await receiptsOf(invoice().id)).toEqual([]);
    const refused = await pay(browser, invoice().id);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('already under way');
    expect(sessionsOf()).toHaveLength(1);
  });

  it('a failed debit clears the processing state and the invoice can be paid again, under a new attempt', async () => {
    const [session] = sessionsOf();
    await standin.checkout.fail(session!.id as string);
    await settled();
    const page = await invoicePage(browser, invoice().id);
    expect(page.text).not.toContain('Payment processing');
    expect(page.text).toContain('Pay online');
    expect(await receiptsOf(invoice().id)).toEqual([]);
    const retry = await pay(browser, invoice().id);
    expect(retry.status).toBe(303);
    expect(sessionsOf()).toHaveLength(2);
    expect(standin.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!.idempotencyKey).toBe(
      `invoice:${invoice().id}:checkout:2`,
    );
  });

  it('records the receipt only when the debit cleared: method stripe, the PaymentIntent as reference; the invoice is paid', async () => {
    const id = sessionsOf()[1]!.id as string;
    await standin.checkout.pay(id, 'us_bank_account');
    await settled();
    expect(await receiptsOf(invoice().id)).toEqual([]);
    await standin.checkout.settle(id);
    await settled();
    const paymentIntent = sessionsOf()[1]!.payment_intent as string;
    const receipts = await receiptsOf(invoice().id);
    expect(receipts).toEqual([
      expect.objectContaining({
        amountCents: invoice().totalCents,
        method: 'stripe',
        reference: paymentIntent,
        clientId: `stripe:${paymentIntent}`,
        on: '2026-02-01',
        reversed: false,
        applications: [{ invoiceId: invoice().id, amountCents: invoice().totalCents }],
      }),
    ]);
    const page = await invoicePage(browser, invoice().id);
    expect(page.text).toMatch(/<dt>Status<\/dt><dd>Paid<\/dd>/);
    expect(page.text).not.toContain('Pay online');
    expect(page.text).not.toContain('Payment processing');
    expect((await pay(browser, invoice().id)).status).toBe(409);
  });

  it('a replayed webhook changes nothing', async () => {
    const succeeded = standin.deliveries.filter((d) => d.type === 'checkout.session.async_payment_succeeded');
    expect(succeeded).toHaveLength(1);
    const before = await ok(api, 'get', '/v1/orgs/alpha/receipts', owner());
    expect(await standin.redeliver(succeeded[0]!.eventId)).toBe(200);
    await settled();
    expect(await ok(api, 'get', '/v1/orgs/alpha/receipts', owner())).toEqual(before);
    // Every event so far was taken (a refusal would have Stripe retrying it for days).
    expect(standin.deliveries.filter((d) => d.status !== 200)).toEqual([]);
    expect(await shownOn(browser, invoice().id)).toEqual({ status: 'Paid', open: '$0.00' });
  });

  it('a dispute reverses the receipt with a reversing entry: the invoice is open again, both entries kept', async () => {
    await standin.checkout.dispute(sessionsOf()[1]!.id as string);
    await settled();
    const receipts = await receiptsOf(invoice().id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ reversed: true });
    expect(await shownOn(browser, invoice().id)).toEqual({ status: 'Open', open: formatMoney(invoice().totalCents) });
    const page = await invoicePage(browser, invoice().id);
    expect(page.text).toContain('Pay online');
  });

  it('pays by card at once: the receipt is recorded from checkout.session.completed', async () => {
    const go = await pay(browser, invoice().id);
    expect(go.status).toBe(303);
    const id = sessionIdOf(go.location);
    await standin.checkout.pay(id, 'card');
    await settled();
    const paymentIntent = sessionsOf().find((s) => s.id === id)!.payment_intent as string;
    const receipts = await receiptsOf(invoice().id);
    expect(receipts.find((r: any) => r.reference === paymentIntent)).toMatchObject({
      amountCents: invoice().totalCents,
      method: 'stripe',
      reversed: false,
    });
    expect(await shownOn(browser, invoice().id)).toEqual({ status: 'Paid', open: '$0.00' });
  });
});

describe('an amount never more than open; void and paid invoices take no payment', () => {
  let browser: PortalBrowser;
  const invoice = () => invoices[1]!;

  beforeAll(async () => {
    browser = await agencyBrowser(1);
  });

  it('a check received meanwhile ends the open session and the next one asks only what is still open', async () => {
    const first = await pay(browser, invoice().id);
    const firstId = sessionIdOf(first.location);
    await ok(api, 'post', '/v1/orgs/alpha/receipts', {
      ...owner(),
      body: { agencyId: invoice().agencyId, amountCents: 1000, receivedOn: '2026-02-01', method: 'check', invoiceIds: [invoice().id] },
    });
    const second = await pay(browser, invoice().id);
    expect(second.status).toBe(303);
    expect(second.location).not.toBe(first.location);
    expect(sessionsOf().find((s) => s.id === firstId)).toMatchObject({ status: 'expired' });
    expect(sessionsOf().find((s) => s.id === sessionIdOf(second.location))).toMatchObject({
      amount_total: invoice().totalCents - 1000,
      status: 'open',
    });
  });

  it('a forged cross-site form carries no session cookie: nothing is made at Stripe', async () => {
    const before = sessionsOf().length;
    const forged = await fetch(`${api.url}/portal/invoices/${encodeURIComponent(invoice().id)}/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: '',
    });
    expect(forged.status).toBe(401);
    expect(sessionsOf()).toHaveLength(before);
  });

  it('a void invoice ends its open session at Stripe, shows no Pay button and refuses the form', async () => {
    const open = sessionsOf().filter(
      (s) => s.status === 'open' && (s.metadata as Record<string, string> | undefined)?.invoiceId === invoice().id,
    );
    expect(open).toHaveLength(1);
    await ok(api, 'post', `/v1/orgs/alpha/invoices/${encodeURIComponent(invoice().id)}/void`, {
      ...owner(),
      body: { reason: 'billed twice' },
    });
    expect(sessionsOf().find((s) => s.id === open[0]!.id)).toMatchObject({ status: 'expired' });
    const page = await invoicePage(browser, invoice().id);
    expect(page.text).not.toContain('Pay online');
    const refused = await pay(browser, invoice().id);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('void');
  });

  it('a link with a passcode not yet given gets the passcode form, and nothing is made at Stripe', async () => {
    const created = await ok(api, 'post', '/v1/orgs/alpha/portal-links', {
      ...owner(),
      body: { agencyId: alpha.agencyIds[0], passcode: 'quiet-meadow-31' },
    });
    const locked = portalBrowser(api);
    await locked.get(new URL(created.url).pathname);
    const before = sessionsOf().length;
    const refused = await pay(locked, invoices[0]!.id);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Enter the passcode');
    expect(sessionsOf()).toHaveLength(before);
  });

  it("another agency's invoice is not found", async () => {
    expect((await pay(browser, invoices[0]!.id)).status).toBe(404);
  });
});

describe('a webhook lost on the way', () => {
  it('a second click after paying on Stripe makes no second session; the event, delivered late, records the money once', async () => {
    const browser = await agencyBrowser(0);
    const invoice = invoices[0]!;
    // Open the invoice again: the card receipt reversed by the owner.
    const card = (await receiptsOf(invoice.id)).find((r: any) => !r.reversed);
    await ok(api, 'post', `/v1/orgs/alpha/receivables/${card.id}/reverse`, { ...owner(), body: { reason: 'refunded by hand' } });
    // A gate in front of the webhook route: closed, Stripe's events do not get through.
    let gateOpen = false;
    const gate = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (!gateOpen) return void res.writeHead(503).end();
        const forwarded = await fetch(f.webhookUrl, {
          method: 'POST',
          body: Buffer.concat(chunks),
          headers: { 'content-type': 'application/json', 'stripe-signature': String(req.headers['stripe-signature']) },
        });
        res.writeHead(forwarded.status).end(await forwarded.text());
      });
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    standin.setWebhookEndpoint(key, `http://127.0.0.1:${(gate.address() as AddressInfo).port}/`, f.accountWebhookSecret, {
      connect: false,
    });
    try {
      const go = await pay(browser, invoice.id);
      expect(go.status).toBe(303);
      const id = sessionIdOf(go.location);
      await standin.checkout.pay(id, 'card');
      await settled();
      const lost = standin.deliveries.filter((d) => d.type === 'checkout.session.completed' && d.status === 503);
      expect(lost).toHaveLength(1);

      const sessions = sessionsOf().length;
      const again = await pay(browser, invoice.id);
      expect(again.status).toBe(409);
      expect(sessionsOf()).toHaveLength(sessions);
      expect((await invoicePage(browser, invoice.id)).text).toContain('Payment processing');

      gateOpen = true;
      expect(await standin.redeliver(lost[0]!.eventId)).toBe(200);
      await settled();
      const paymentIntent = sessionsOf().find((s) => s.id === id)!.payment_intent as string;
      expect((await receiptsOf(invoice.id)).filter((r: any) => r.reference === paymentIntent)).toHaveLength(1);
      expect(await shownOn(browser, invoice.id)).toEqual({ status: 'Paid', open: '$0.00' });
    } finally {
      standin.setWebhookEndpoint(key, f.webhookUrl, f.accountWebhookSecret, { connect: false });
      gate.closeAllConnections();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
    }
  });
});

describe('the OpenAPI document of recordReceipt', () => {
  it('declares 201 for a receipt recorded and 200 for a replay under the same clientId, both with the answer schema', () => {
    const responses = (api.openapi.paths['/v1/orgs/{orgId}/receipts'] as any).post.responses;
    expect(responses['201'].content['application/json'].schema.properties).toHaveProperty('replayed');
    expect(responses['200'].content['application/json'].schema).toEqual(responses['201'].content['application/json'].schema);
    expect(responses['200'].description).toMatch(/replay/);
  });
});
