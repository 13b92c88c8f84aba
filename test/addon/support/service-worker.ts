/**
 * The real API (test/api/harness.ts: SQLite file, fake Google) in a worker thread, so the
 * add-on's synchronous UrlFetchApp double can block the main thread on a request while
 * the service answers here. Replies go through a SharedArrayBuffer: [state, length, bytes].
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { startTestApi } from '../../api/harness.ts';
import { startStripeStandin } from '../../stripe-standin/standin.ts';

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
const api = await startTestApi({
  stripeApiBase: standin.url,
  ...(serviceTime === undefined ? {} : { now: () => new Date(clock.to + Date.now() - clock.setAt) }),
});
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
      const fn = (standin as unknown as Record<string, (...args: unknown[]) => unknown>)[message.method]!;
      return reply(shared, { value: (await fn.apply(standin, message.args)) ?? null });
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
