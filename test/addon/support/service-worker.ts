/**
 * The real API (test/api/harness.ts: SQLite file, fake Google) in a worker thread, so the
 * add-on's synchronous UrlFetchApp double can block the main thread on a request while
 * the service answers here. Replies go through a SharedArrayBuffer: [state, length, bytes].
 */
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
const api = await startTestApi({ stripeApiBase: standin.url });
type Message =
  | { op: 'fetch'; url: string; method: string; headers: Record<string, string>; body?: string }
  | { op: 'token'; email: string }
  | { op: 'standin'; method: string; args: unknown[] }
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
