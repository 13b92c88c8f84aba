/**
 * Benchmark: the agency portal's invoice list page under load, on loopback. The server runs
 * in a child process (`node service/src/server.ts`) on a SQLite file seeded with the demo
 * org and one portal link; autocannon (its CLI, in a process of its own) holds N connections
 * on `GET /portal` with the link's session cookie for D seconds. Targets: 500 requests/s or
 * more, p99 at most 50 ms. Every request is a real one: session checked and its link read,
 * invoices read, the view audited.
 *
 *   npm run bench:portal          (node bench/portal.bench.ts [seconds] [connections] [requests/s])
 *
 * Without a rate the connections send as fast as the server answers (its throughput); with
 * one, autocannon holds the whole load at that rate (the latency at the target's load).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openFieldCipher } from '../service/src/config/keys.ts';
import { readSettings } from '../service/src/config/settings.ts';
import { openSqliteStore } from '../service/src/store/sqlite/sqlite-store.ts';
import { seedDemo } from '../service/src/usecases/demo.ts';
import { createPortalLink } from '../service/src/usecases/portal.ts';
import { startServerProcess } from '../test/support/server-process.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.argv[3] ?? 10);
const RATE = process.argv[4] === undefined ? undefined : Number(process.argv[4]);

const dir = mkdtempSync(join(tmpdir(), 'visitledger-bench-portal-'));
const dbFile = join(dir, 'bench.db');

// The demo org (two months, the first closed) and a link for its agency with the most invoices.
const store = openSqliteStore(dbFile);
const ctx = { store, cipher: openFieldCipher(readSettings({}), dbFile), now: () => new Date(), newId: randomUUID, actor: 'bench' };
const demo = await seedDemo(ctx, '2026-01', 'bench');
if (!demo.ok) throw new Error(`seeding failed: ${demo.error.message}`);
const invoices = await store.listInvoices('bench', {});
const counts = new Map<string, number>();
for (const i of invoices) counts.set(i.agencyId, (counts.get(i.agencyId) ?? 0) + 1);
const [agencyId, agencyInvoices] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
const link = await createPortalLink({ ...ctx, portal: store }, 'bench', { agencyId }, 'http://bench.invalid');
if (!link.ok) throw new Error(`link failed: ${link.error.message}`);
await store.close();
const path = new URL(link.value.url).pathname;

// The per-IP allowance is for the open internet; all of this load comes from one loopback address.
const server = await startServerProcess(['service/src/server.ts'], {
  VISITLEDGER_DB: dbFile,
  PORT: '0',
  PORTAL_REQUESTS_PER_MINUTE: '100000000',
});
const { child } = server;
const url = server.url.replace('localhost', '127.0.0.1');

// The link opened once, as a browser does: its token becomes a session cookie, which opens the list page after it.
const session = (await fetch(`${url}${path}`, { redirect: 'manual' })).headers.getSetCookie()[0]!.split(';')[0]!;
const check = await fetch(`${url}/portal`, { headers: { cookie: session } });
if (check.status !== 200 || !(await check.text()).includes('<table')) throw new Error(`the list page answered ${check.status}`);

const run = promisify(execFile);
const { stdout } = await run(
  'node_modules/.bin/autocannon',
  [
    '-j',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(SECONDS),
    '-H',
    `cookie=${session}`,
    ...(RATE ? ['-R', String(RATE)] : []),
    `${url}/portal`,
  ],
  { maxBuffer: 64 * 2 ** 20 },
);
const result = JSON.parse(stdout) as {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
};

console.log(
  JSON.stringify({
    page: 'invoice list',
    invoicesOnPage: agencyInvoices,
    seconds: SECONDS,
    connections: CONNECTIONS,
    offeredRate: RATE ?? 'unbounded',
    requestsPerSecond: Math.round(result.requests.average),
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    targetRequestsPerSecond: 500,
    targetP99Ms: 50,
  }),
);
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });
