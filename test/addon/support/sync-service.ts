/** The service in a worker, called synchronously: what UrlFetchApp's double needs to block like Apps Script does. */
import { Worker } from 'node:worker_threads';
import type { Transported } from '../doubles/services.ts';

export type SyncService = {
  url: string;
  fetch(request: { url: string; method: string; headers: Record<string, string>; body?: string }): Transported;
  idToken(email: string): string;
  /** A call to the service as `email` (signed in with Google), from a test rather than through the add-on. */
  call(email: string, method: string, path: string, body?: unknown): { status: number; body: any };
  /** Records a "Copy B is ready" notice for the therapist, as posting their Copy B does; its id. */
  recordCopyBNotice(orgId: string, therapistId: string, year: number): string;
  /** Sets the service's clock (a service started with `serviceTime`); it runs on from there. */
  setClock(to: Date): void;
  /** Calls the Stripe stand-in (test/stripe-standin) in the worker: its answer, as JSON (`billing.renew`: a method of its billing controls). */
  standin<T = unknown>(method: string, ...args: unknown[]): T;
  close(): Promise<void>;
};

const REPLY_BYTES = 64 * 1024 * 1024;

/**
 * `stripeTime`: when Stripe's clock (the stand-in's) starts, so transfers fall on a known day whatever the day the test runs.
 * `serviceTime`: when the service's clock starts (setClock moves it); the real clock without it.
 * `billing`: the service bills orgs on an operator's Stripe account in the stand-in (BILLING_KEY), with the plans' prices.
 */
export async function startSyncService(options: { stripeTime?: Date; serviceTime?: Date; billing?: true } = {}): Promise<SyncService> {
  const worker = new Worker(new URL('./service-worker.ts', import.meta.url), {
    workerData: {
      ...(options.stripeTime ? { stripeTime: Math.floor(options.stripeTime.getTime() / 1000) } : {}),
      ...(options.serviceTime ? { serviceTime: options.serviceTime.getTime() } : {}),
      ...(options.billing ? { billing: true } : {}),
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  const shared = new SharedArrayBuffer(REPLY_BYTES);
  const state = new Int32Array(shared, 0, 2);
  const ask = <T>(message: unknown): T => {
    Atomics.store(state, 0, 0);
    worker.postMessage({ message, shared });
    // Waits until this reply is in, not merely for a wake-up: the worker notifies after it stores,
    // so the previous reply's notify can arrive late and wake this wait with the old reply's bytes.
    const deadline = Date.now() + 60_000;
    while (Atomics.load(state, 0) === 0) {
      if (Atomics.wait(state, 0, 0, Math.max(0, deadline - Date.now())) === 'timed-out')
        throw new Error('the service worker did not answer in 60 s');
    }
    return JSON.parse(new TextDecoder().decode(new Uint8Array(shared, 8, state[1]!).slice())) as T;
  };
  return {
    url,
    fetch: (request) => ask<Transported>({ op: 'fetch', ...request }),
    idToken: (email) => ask<{ token: string }>({ op: 'token', email }).token,
    call(email, method, path, body) {
      const token = ask<{ token: string }>({ op: 'token', email }).token;
      const res = ask<Transported>({
        op: 'fetch',
        url: `${url}${path}`,
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if ('error' in res) throw new Error(res.error);
      return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
    },
    recordCopyBNotice: (orgId, therapistId, year) => ask<{ id: string }>({ op: 'notice', orgId, therapistId, year }).id,
    setClock(to) {
      ask({ op: 'clock', to: to.getTime() });
    },
    standin: <T>(method: string, ...args: unknown[]) => {
      const answer = ask<{ value: T } | { error: string }>({ op: 'standin', method, args });
      if ('error' in answer) throw new Error(answer.error);
      return answer.value;
    },
    async close() {
      ask({ op: 'close' });
      await worker.terminate();
    },
  };
}
