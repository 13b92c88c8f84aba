/**
 * Benchmark: a month on the Firestore store, through the use cases, on Google's Firestore
 * emulator (service/src/test-support/firestore-emulator.ts starts it; Java and the emulator
 * jar are needed). An org of 20 agencies and 100 therapists (monthly billing and payroll).
 *
 *   npm run bench:firestore                       upsert a month of 20,000 visits (batches of 10,000), then close it
 *   npm run bench:firestore -- VISITS             the same with VISITS visits
 *   npm run bench:firestore -- --upsert N [N...]  one batch of N visits into a fresh org, for each N, then the same
 *                                                 batch again, every row unchanged (`--no-replay`: not again)
 *   npm run bench:firestore -- --probe            what one `in` query of 30 values and one getAll of 30
 *                                                 documents cost the emulator as the collection grows
 *
 * Documents read and written are counted at the client's two RPC funnels (Firestore's
 * `request` and `requestStream`, SDK internals wrapped on this client only), the way
 * Firestore bills them: a write is each write of a commit (batch or transaction) or of a
 * BulkWriter batch; a read is each document a batch get answers (found or missing: a lookup
 * of a missing document is billed as a read) and each document a query returns, at least
 * one per query. The largest commit is the most writes one commit carried, the largest
 * transaction the most one transaction's commit carried (the rest are plain batches). Time spent in
 * each store method is summed per method (calls made in parallel add up, so the sum can pass
 * the wall time).
 *
 * The emulator is not production Firestore: it holds everything in one process's memory,
 * runs on the same 2 cores as this process, and (see --probe) answers a query by scanning
 * the collection, where production reads an index. Times here are an upper bound for the
 * adapter's own work; the counts of documents and commits are what production would bill.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Firestore } from 'firebase-admin/firestore';
import { createFieldCipher, newFieldKey } from '../service/src/crypto/field-cipher.ts';
import type { Store } from '../service/src/store/port.ts';
import { openFirestoreStore } from '../service/src/store/firestore/firestore-store.ts';
import { startFirestoreEmulator, type FirestoreEmulator } from '../service/src/test-support/firestore-emulator.ts';
import type { UseCaseContext } from '../service/src/usecases/context.ts';
import { closeMonth } from '../service/src/usecases/cycles.ts';
import { MAX_VISITS_PER_BATCH, upsertVisits } from '../service/src/usecases/visits.ts';
import { must, seedOrg } from './seed-org.ts';

const AGENCIES = 20;
const THERAPISTS = 100;

type Usage = {
  reads: number;
  writes: number;
  commits: number;
  largestCommit: number;
  largestTransaction: number;
  queries: number;
  batchGets: number;
};
const emptyUsage = (): Usage => ({ reads: 0, writes: 0, commits: 0, largestCommit: 0, largestTransaction: 0, queries: 0, batchGets: 0 });

type RpcFunnels = {
  request(method: string, request: { writes?: unknown[]; transaction?: unknown }, ...rest: unknown[]): Promise<unknown>;
  requestStream(method: string, bidi: boolean, request: unknown, ...rest: unknown[]): Promise<NodeJS.ReadableStream>;
};

/** Counts what the client asks of Firestore (see the header); `usage` is reset by the caller between phases. */
function countUsage(db: Firestore, usage: { current: Usage }): void {
  const funnels = db as unknown as RpcFunnels;
  const request = funnels.request.bind(funnels);
  const requestStream = funnels.requestStream.bind(funnels);
  if (typeof request !== 'function' || typeof requestStream !== 'function')
    throw new Error('the Firestore SDK no longer has request/requestStream: the bench cannot count its reads and writes');
  funnels.request = (method, body, ...rest) => {
    if (method === 'commit' || method === 'batchWrite') {
      const writes = body.writes?.length ?? 0;
      usage.current.writes += writes;
      usage.current.commits += 1;
      usage.current.largestCommit = Math.max(usage.current.largestCommit, writes);
      if (body.transaction) usage.current.largestTransaction = Math.max(usage.current.largestTransaction, writes);
    }
    return request(method, body, ...rest);
  };
  funnels.requestStream = async (method, bidi, body, ...rest) => {
    const stream = await requestStream(method, bidi, body, ...rest);
    if (method === 'batchGetDocuments') usage.current.batchGets += 1;
    if (method === 'runQuery') {
      usage.current.queries += 1;
      usage.current.reads += 1; // the minimum of a query; taken back at its first document
    }
    let first = true;
    const emit = stream.emit.bind(stream);
    stream.emit = (event: string | symbol, ...args: unknown[]) => {
      if (event === 'data') {
        const chunk = args[0] as { found?: unknown; missing?: unknown; document?: unknown };
        if (method === 'batchGetDocuments' && (chunk.found || chunk.missing)) usage.current.reads += 1;
        if (method === 'runQuery' && chunk.document) {
          if (!first) usage.current.reads += 1;
          first = false;
        }
      }
      return emit(event, ...args);
    };
    return stream;
  };
}

type MethodTimes = Map<string, { calls: number; ms: number }>;

/** The store with every method's time summed per method name. */
function timedStore(store: Store, times: MethodTimes): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const entry = times.get(name) ?? { calls: 0, ms: 0 };
          entry.calls += 1;
          entry.ms += performance.now() - started;
          times.set(name, entry);
        }
      };
    },
  });
}

type Bench = { ctx: UseCaseContext; usage: { current: Usage }; times: MethodTimes; db: Firestore };

function openBench(emulator: FirestoreEmulator): Bench {
  const db = emulator.client();
  const usage = { current: emptyUsage() };
  countUsage(db, usage);
  const times: MethodTimes = new Map();
  const ctx: UseCaseContext = {
    store: timedStore(openFirestoreStore(db), times),
    cipher: createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) }),
    now: () => new Date('2026-02-01T15:00:00.000Z'),
    newId: randomUUID,
    actor: 'bench',
  };
  return { ctx, usage, times, db };
}

/** Runs `fn` as one measured phase: wall and CPU time, documents read and written, the store's time by method. */
async function phase<T>(bench: Bench, fn: () => Promise<T>): Promise<{ value: T; figures: Record<string, unknown> }> {
  bench.usage.current = emptyUsage();
  bench.times.clear();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const ms = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const storeMs = Object.fromEntries(
    [...bench.times.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, t]) => [name, { calls: t.calls, ms: Math.round(t.ms) }]),
  );
  return { value, figures: { ms, cpuMs: Math.round((cpu.user + cpu.system) / 1000), ...bench.usage.current, storeMs } };
}

const perVisit = (n: number, visits: number) => Math.round((n / visits) * 100) / 100;
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function month(emulator: FirestoreEmulator, visits: number): Promise<void> {
  const bench = openBench(emulator);
  const rows = await seedOrg(bench.ctx, 'bench', { agencies: AGENCIES, therapists: THERAPISTS, visits });
  const report = (name: string, figures: Record<string, unknown>) => {
    const f = figures as Usage;
    console.log(
      JSON.stringify({
        phase: name,
        visits,
        agencies: AGENCIES,
        therapists: THERAPISTS,
        readsPerVisit: perVisit(f.reads, visits),
        writesPerVisit: perVisit(f.writes, visits),
        ...figures,
        loadAverage: load(),
      }),
    );
  };
  const upsert = await phase(bench, async () => {
    for (let i = 0; i < rows.length; i += MAX_VISITS_PER_BATCH)
      must(await upsertVisits(bench.ctx, 'bench', rows.slice(i, i + MAX_VISITS_PER_BATCH)));
  });
  report(`upsert in ${Math.ceil(visits / MAX_VISITS_PER_BATCH)} batches`, upsert.figures);
  const close = await phase(bench, async () => must(await closeMonth(bench.ctx, 'bench', '2026-01')));
  const invoiced = close.value.cycles.reduce((s, c) => s + (c.invoice?.lines.length ?? 0), 0);
  const paid = close.value.payRuns.reduce((s, r) => s + r.payRun.statements.reduce((t, st) => t + st.lines.length, 0), 0);
  if (invoiced !== visits || paid !== visits) throw new Error(`expected ${visits} visits billed and paid, got ${invoiced} and ${paid}`);
  report('close', { invoices: close.value.cycles.filter((c) => c.invoice).length, ...close.figures });
  await bench.db.terminate();
}

async function upsertSizes(emulator: FirestoreEmulator, sizes: readonly number[], skipReplay: boolean): Promise<void> {
  for (const visits of sizes) {
    if (visits > MAX_VISITS_PER_BATCH) throw new Error(`one batch holds at most ${MAX_VISITS_PER_BATCH} visits`);
    await emulator.reset();
    const bench = openBench(emulator);
    const rows = await seedOrg(bench.ctx, `bench-${visits}`, { agencies: AGENCIES, therapists: THERAPISTS, visits });
    for (const name of ['new', 'unchanged']) {
      const p = await phase(bench, async () => must(await upsertVisits(bench.ctx, `bench-${visits}`, rows)));
      const f = p.figures as Usage;
      console.log(
        JSON.stringify({
          upsert: name,
          visits,
          readsPerVisit: perVisit(f.reads, visits),
          writesPerVisit: perVisit(f.writes, visits),
          ...p.figures,
          loadAverage: load(),
        }),
      );
      if (skipReplay) break;
    }
    await bench.db.terminate();
  }
}

/** One `in` query of 30 values, one `==` query and one getAll of 30 documents, timed against collections of growing size (the docs' own fields only). */
async function probe(emulator: FirestoreEmulator): Promise<void> {
  const db = emulator.client();
  const col = db.collection('probe');
  let size = 0;
  for (const target of [0, 1_000, 5_000, 10_000, 20_000]) {
    for (; size < target; size += 500) {
      const batch = db.batch();
      for (let i = size; i < size + 500; i++) batch.set(col.doc(`d${i}`), { key: `k${i}`, n: i });
      await batch.commit();
    }
    const keys = Array.from({ length: 30 }, (_, i) => `k${Math.floor((i * Math.max(size, 1)) / 30)}`);
    const time = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) {
        const started = performance.now();
        await fn();
        runs.push(performance.now() - started);
      }
      return Math.round(Math.min(...runs) * 10) / 10;
    };
    const inQueryMs = await time(() => col.where('key', 'in', keys).get());
    const equalQueryMs = await time(() => col.where('key', '==', keys[0]).get());
    const getAllMs = await time(() => db.getAll(...keys.map((k) => col.doc(`d${k.slice(1)}`))));
    console.log(
      JSON.stringify({ collectionSize: size, inQueryOf30Ms: inQueryMs, equalQueryMs, getAllOf30Ms: getAllMs, loadAverage: load() }),
    );
  }
  await db.terminate();
}

const args = process.argv.slice(2);
const emulator = await startFirestoreEmulator(`bench-${randomUUID().slice(0, 8)}`);
try {
  if (args[0] === '--probe') await probe(emulator);
  else if (args[0] === '--upsert') {
    const sizes = args.slice(1).filter((a) => a !== '--no-replay');
    await upsertSizes(emulator, sizes.map(Number), args.includes('--no-replay'));
  } else await month(emulator, Number(args[0] ?? 20_000));
} finally {
  await emulator.stop();
}
