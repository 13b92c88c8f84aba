/**
 * Benchmark: ONE request with a batch of 10,000 visits, end to end over HTTP, on the SQLite
 * store. The server runs in a child process (`node service/src/server.ts`); its peak memory
 * is its VmHWM from /proc/<pid>/status. Targets: at most 1 s, at most 300 MB.
 *
 *   npm run bench:api            (node bench/api-upsert.bench.ts [visits] [--cpu-prof DIR])
 *
 * `--cpu-prof DIR` has the server write a V8 CPU profile into DIR when it stops.
 *
 * Set-up (the org and its owner key in the store, then agencies, therapists and rates over
 * HTTP) is not timed. The timed request runs from the first byte sent to the last byte of
 * the answer parsed; then the same batch is sent again (every row unchanged).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../service/src/usecases/api-keys.ts';
import { openFieldCipher } from '../service/src/config/keys.ts';
import { readSettings } from '../service/src/config/settings.ts';
import { openSqliteStore } from '../service/src/store/sqlite/sqlite-store.ts';
import { audit } from '../service/src/usecases/context.ts';
import { createOrg } from '../service/src/usecases/orgs.ts';
import { startServerProcess } from '../test/support/server-process.ts';

const args = process.argv.slice(2);
const profileAt = args.indexOf('--cpu-prof');
const PROFILE_DIR = profileAt >= 0 ? args.splice(profileAt, 2)[1] : undefined;
const VISITS = Number(args[0] ?? 10_000);
const AGENCIES = 10;
const THERAPISTS = 100;
const DISCIPLINES = ['PT', 'OT', 'ST', 'PTA', 'COTA'] as const;
const TYPES = ['EVAL', 'REEVAL', 'ROUTINE', 'DC'] as const;

const dir = mkdtempSync(join(tmpdir(), 'visitledger-bench-api-'));
const dbFile = join(dir, 'bench.db');

// The org and an owner key, straight in the store (what `POST /v1/orgs` would do with a Google account).
const store = openSqliteStore(dbFile);
const ctx = { store, cipher: openFieldCipher(readSettings({}), dbFile), now: () => new Date(), newId: randomUUID, actor: 'bench' };
const org = await createOrg(ctx, { id: 'bench', settings: { name: 'Bench org', payrollCycle: { kind: 'monthly' } } });
const key = await createApiKey({ identity: store, now: ctx.now, audit: (orgId, entry) => audit(ctx, orgId, [entry]) }, 'bench', {
  label: 'bench',
  role: 'owner',
});
if (!org.ok || !key.ok) throw new Error('set-up failed');
await store.close();

const server = await startServerProcess(
  [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), 'service/src/server.ts'],
  { VISITLEDGER_DB: dbFile, PORT: '0' },
);
const { child, url } = server;

const auth = { authorization: `Bearer ${key.value.key}`, 'content-type': 'application/json' };
async function post(path: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}/v1/orgs/bench${path}`, {
    method: 'POST',
    headers: auth,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** The server's peak resident memory so far, in MB (Linux). */
function serverPeakMB(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

const agencies = (await post('/agencies', { agencies: Array.from({ length: AGENCIES }, (_, i) => ({ name: `Agency ${i}` })) }))
  .agencies as { id: string }[];
const therapists = (
  await post('/therapists', {
    therapists: Array.from({ length: THERAPISTS }, (_, i) => ({ name: `Therapist ${i}`, disciplines: [DISCIPLINES[i % 5]] })),
  })
).therapists as { id: string; disciplines: string[] }[];
await post('/rates/bill', {
  rates: agencies.flatMap((a, i) =>
    DISCIPLINES.flatMap((d) =>
      TYPES.map((t) => ({ agencyId: a.id, discipline: d, visitType: t, cents: 8000 + i * 10, effectiveFrom: '2026-01-01' })),
    ),
  ),
});
await post('/rates/pay', {
  rates: therapists.flatMap((th) =>
    TYPES.map((t) => ({ therapistId: th.id, discipline: th.disciplines[0], visitType: t, cents: 5000, effectiveFrom: '2026-01-01' })),
  ),
});

const body = JSON.stringify({
  visits: Array.from({ length: VISITS }, (_, i) => {
    const therapist = therapists[i % THERAPISTS]!;
    return {
      clientId: `sheet-row-${i}`,
      agencyId: agencies[(i * 7) % AGENCIES]!.id,
      therapistId: therapist.id,
      patient: { name: `Patient ${i % 3000}, Given`, mrn: `MR${100000 + (i % 3000)}` },
      date: `2026-01-${String(1 + (i % 31)).padStart(2, '0')}`,
      discipline: therapist.disciplines[0],
      visitType: TYPES[i % 4],
      noteDone: true,
    };
  }),
});
const peakBeforeMB = serverPeakMB();

async function timed() {
  const started = performance.now();
  const answer = await post('/visits', body);
  return {
    ms: Math.round(performance.now() - started),
    counts: answer.counts as Record<string, number>,
    rows: (answer.rows as unknown[]).length,
  };
}
const first = await timed();
const peakAfterMB = serverPeakMB();
const replay = await timed();
if (first.rows !== VISITS || first.counts.created !== VISITS)
  throw new Error(`expected ${VISITS} created rows, got ${JSON.stringify(first.counts)}`);
if (replay.counts.unchanged !== VISITS)
  throw new Error(`expected ${VISITS} unchanged rows on the replay, got ${JSON.stringify(replay.counts)}`);

console.log(
  JSON.stringify({
    visits: VISITS,
    requestMB: Math.round((body.length / 2 ** 20) * 10) / 10,
    upsertMs: first.ms,
    replayMs: replay.ms,
    targetMs: 1000,
    serverPeakRssMB: serverPeakMB(),
    serverPeakBeforeBatchMB: peakBeforeMB,
    serverPeakAfterFirstBatchMB: peakAfterMB,
    targetMB: 300,
  }),
);
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });
