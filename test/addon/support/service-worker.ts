/**
 * The real API (test/api/harness.ts: SQLite file, fake Google) in a worker thread, so the
 * add-on's synchronous UrlFetchApp double can block the main thread on a request while
 * the service answers here. Replies go through a SharedArrayBuffer: [state, length, bytes].
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { startTestApi } from '../../api/harness.ts';
import { startStripeStandin } from '../../stripe-standin/standin.ts';
import { stripeEndpoint } from '../../../service/src/payouts/stripe-client.ts';
import { stripeBillingGateway } from '../../../service/src/payouts/stripe-billing.ts';

// Stripe's part is the project's stand-in, driven by the real stripe SDK inside the service, its clock
// pinned to `stripeTime` when the test gives one (a Unix second it starts from).
const startedAt = Math.floor(Date.now() / 1000);
const stripeTime = (workerData as { stripeTime?: number } | null)?.stripeTime;
const standin = await startStripeStandin(
  stripeTime === undefined ? {} : { clock: () => stripeTime + Math.floor(Date.now() / 1000) - startedAt },
);
// The service's clock: the real one, or (`serviceTime`, a Unix millisecond) one a test sets with the `clock` message and
// that runs on from there, so invoices fall on known days whatever the day the test runs.
const serviceTime = (workerData as { serviceTime?: number } | null)?.serviceTime;
const clock = { setAt: Date.now(), to: serviceTime ?? 0 };
// The operator's own Stripe account, when the test has the service bill orgs (its plans' prices found by lookup key).
const billing = (workerData as { billing?: boolean } | null)?.billing === true;
const BILLING_KEY = 'sk_test_visitledger_operator';
const BILLING_WEBHOOK_SECRET = 'whsec_visitledger_operator';
if (billing) {
  standin.addPlatform(BILLING_KEY, 0);
  standin.billing.addPrice(BILLING_KEY, { lookupKey: 'visitledger_starter_monthly', unitAmount: 6000 });
  standin.billing.addPrice(BILLING_KEY, { lookupKey: 'visitledger_unlimited_monthly', unitAmount: 14900 });
}
const api = await startTestApi({
  stripeApiBase: standin.url,
  ...(billing
    ? {
        billing: stripeBillingGateway({
          secretKey: BILLING_KEY,
          webhookSecret: BILLING_WEBHOOK_SECRET,
          endpoint: stripeEndpoint(standin.url),
        }),
      }
    : {}),
  ...(serviceTime === undefined ? {} : { now: () => new Date(clock.to + Date.now() - clock.setAt) }),
});
if (billing) standin.setWebhookEndpoint(BILLING_KEY, `${api.url}/v1/stripe/billing-webhooks`, BILLING_WEBHOOK_SECRET, { connect: false });
type Message =
  | { op: 'fetch'; url: string; method: string; headers: Record<string, string>; body?: string }
  | { op: 'token'; email: string }
  | { op: 'standin'; method: string; args: unknown[] }
  | { op: 'clock'; to: number }
  | { op: 'notice'; orgId: string; therapistId: string; year: number }
  | { op: 'close' };

function reply(shared: SharedArrayBuffer, value: unknown): void {
  const state = new Int32Array(shared, 0, 2);
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.length > shared.byteLength - 8) throw new Error(`reply of ${bytes.length} bytes does not fit`);
  new Uint8Array(shared, 8).set(bytes);
  state[1] = bytes.length;
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

parentPort!.on('message', async ({ message, shared }: { message: Message; shared: SharedArrayBuffer }) => {
  try {
    if (message.op === 'token') return reply(shared, { token: api.google.idToken(message.email) });
    if (message.op === 'notice') {
      // As posting a Copy B records it (service/src/usecases/therapist-copy-b.ts), without the consent, W-9 and year of pay that posting needs.
      const id = randomUUID();
      await api.store.insertNotification(message.orgId, {
        id,
        therapistId: message.therapistId,
        kind: 'copy-b-ready',
        year: message.year,
        createdAt: new Date().toISOString(),
      });
      return reply(shared, { id });
    }
    if (message.op === 'clock') {
      Object.assign(clock, { setAt: Date.now(), to: message.to });
      return reply(shared, { to: message.to });
    }
    if (message.op === 'standin') {
      const [first, second] = message.method.split('.');
      const target = (second ? (standin as unknown as Record<string, object>)[first!] : standin) as Record<
        string,
        (...args: unknown[]) => unknown
      >;
      const fn = target[second ?? first!]!;
      return reply(shared, { value: (await fn.apply(target, message.args)) ?? null });
    }
    if (message.op === 'close') {
      await api.close();
      await standin.close();
      reply(shared, { closed: true });
      return;
    }
    const res = await fetch(message.url, {
      method: message.method,
      headers: message.headers,
      ...(message.body !== undefined ? { body: message.body } : {}),
    });
    reply(shared, { status: res.status, body: await res.text() });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    reply(shared, { error: cause?.code ?? (e instanceof Error ? e.message : String(e)) });
  }
});
parentPort!.postMessage({ url: api.url });
