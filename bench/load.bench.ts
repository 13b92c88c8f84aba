/**
 * Load run: for one minute, on the real server process (`node service/src/server.ts`,
 * a SQLite file), at the same time:
 * - 1,000 form submissions, sent as the add-on's form trigger sends them: one visit per
 *   `POST /v1/orgs/:org/visits`, keyed by the response's Visit ID, with the owner's Google ID
 *   token (a local stand-in signs it); every tenth is sent twice, as a retried trigger would;
 * - 50 agency users on their portal links, each opening the invoice list, then an invoice,
 *   over and over;
 * - and, a quarter of the way in, the close of a month of 3,000 visits (six invoices, their
 *   PDFs issued behind the answer).
 * Then it checks that nothing was lost: every submitted visit stored once, every portal
 * request answered 200, the close's invoices whole (lines = the month's visits, totals as
 * computed here, numbers without a gap). It prints a table and exits 1 if a check fails.
 *
 *   npm run bench:load        (node bench/load.bench.ts [seconds] [submissions] [portal users])
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_ID, call, startFakeGoogle } from '../test/api/harness.ts';
import { NUMBERED_BILL, numberedVisits, seedNumberedDirectory } from '../test/support/numbered-directory.ts';
import { startServerProcess } from '../test/support/server-process.ts';

const SECONDS = Number(process.argv[2] ?? 60);
const SUBMISSIONS = Number(process.argv[3] ?? 1_000);
const USERS = Number(process.argv[4] ?? 50);
const AGENCIES = 6;
const THERAPISTS = 24;
const CLOSED_MONTH_VISITS = 3_000;
const ORG = 'load';

const dir = mkdtempSync(join(tmpdir(), 'visitledger-bench-load-'));
const dbFile = join(dir, 'load.db');
const google = await startFakeGoogle();
const server = await startServerProcess(['service/src/server.ts'], {
  VISITLEDGER_DB: dbFile,
  PORT: '0',
  GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
  GOOGLE_CERTS_URL: google.certsUrl,
  // All of the portal load comes from one loopback address; the per-IP allowance is for the open internet.
  PORTAL_REQUESTS_PER_MINUTE: '100000000',
});
const url = server.url.replace('localhost', '127.0.0.1');
const token = google.idToken(`owner@${ORG}.example`);

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await call({ url }, method, `/v1/orgs/${ORG}${path}`, { token, ...(body !== undefined ? { body } : {}) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** A whole list: its pages, 1,000 rows each, following nextCursor until null. */
async function all(path: string, key: string): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await api('get', `${path}${path.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    rows.push(...page[key]);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

// Set-up, not timed: the org, its directory and rates, January closed (what the portal shows), February's visits.
if (
  (
    await call({ url }, 'post', '/v1/orgs', {
      token,
      body: { id: ORG, settings: { name: 'Load Staffing', payrollCycle: { kind: 'monthly' } } },
    })
  ).status !== 201
)
  throw new Error('org not created');
const { agencyIds, therapistIds } = await seedNumberedDirectory(api, { agencies: AGENCIES, therapists: THERAPISTS }, 5_500);
const monthVisits = (month: string, days: number) =>
  numberedVisits({ agencyIds, therapistIds }, 'legacy', month, days, CLOSED_MONTH_VISITS);
await api('post', '/visits', { visits: monthVisits('2026-01', 31) });
await api('post', '/cycles/close-month', { month: '2026-01' });
const february = monthVisits('2026-02', 28);
await api('post', '/visits', { visits: february });
const links = await Promise.all(
  agencyIds.map(async (agencyId) => new URL((await api('post', '/portal-links', { agencyId })).url).pathname),
);
const januaryInvoices = (await all('/invoices', 'invoices')) as { id: string; agencyId: string }[];
const invoicePage = (agency: number) => `/portal/invoices/${januaryInvoices.find((i) => i.agencyId === agencyIds[agency])!.id}`;
// Each agency's link opened once, as a browser does: its token becomes a session cookie, and the pages after it are opened with that.
const sessions = await Promise.all(
  links.map(async (path) => (await fetch(`${url}${path}`, { redirect: 'manual' })).headers.getSetCookie()[0]!.split(';')[0]!),
);
const portalPage = (agency: number, path: string) => fetch(`${url}${path}`, { headers: { cookie: sessions[agency]! } });

type Sample = { ms: number; status: number; at: number };
const percentile = (xs: number[], p: number) =>
  xs.length === 0 ? NaN : xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
async function timed(run: () => Promise<Response>): Promise<Sample> {
  const started = performance.now();
  try {
    const res = await run();
    await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status, at: started };
  } catch {
    return { ms: performance.now() - started, status: 0, at: started };
  }
}

/** The form trigger's request: one visit, its Visit ID as the client id (`F<responses tab>.<row>`). */
function submission(i: number) {
  return {
    clientId: `F1234567.${i + 2}`,
    agencyId: agencyIds[i % AGENCIES]!,
    therapistId: therapistIds[i % THERAPISTS]!,
    patient: { name: `Form Patient ${i % 400}, Test`, mrn: `FM${i % 400}` },
    date: `2026-03-${String(1 + (i % 31)).padStart(2, '0')}`,
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
  };
}
const sendVisit = (i: number, visit = submission(i)) =>
  timed(() =>
    fetch(`${url}/v1/orgs/${ORG}/visits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ visits: [visit] }),
    }),
  );

/** Waits until the server process (all its threads: the PDF render pool too) has used under 5% of a core for 2 s. */
async function serverSettled(): Promise<number> {
  const started = performance.now();
  const cpuTicks = () => {
    const f = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  let quiet = 0;
  for (let last = cpuTicks(); quiet < 4; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuTicks();
    quiet = now - last <= 2 ? quiet + 1 : 0; // 100 ticks a second: 2 ticks in 500 ms is 4% of a core
    last = now;
  }
  return Math.round(performance.now() - started);
}
// January's PDFs are issued behind its close's answer: let them finish, so the run starts from a quiet server.
const settledAfterSetUpMs = await serverSettled();

// Idle baseline: each page alone, one request at a time (what the load adds to).
const idle = { list: [] as Sample[], invoice: [] as Sample[], form: [] as Sample[] };
for (let n = 0; n < 20; n++) {
  // Dated in April, apart from the run's March submissions that the checks count.
  idle.form.push(await sendVisit(n, { ...submission(n), clientId: `F7654321.${n + 2}`, date: '2026-04-01' }));
  idle.list.push(await timed(() => portalPage(n % AGENCIES, '/portal')));
  idle.invoice.push(await timed(() => portalPage(n % AGENCIES, invoicePage(n % AGENCIES))));
}

const load = { start: loadavg()[0]!, peak: loadavg()[0]! };
const loadTimer = setInterval(() => {
  load.peak = Math.max(load.peak, loadavg()[0]!);
}, 1_000);
const t0 = performance.now();
const deadline = t0 + SECONDS * 1_000;
const sleepUntil = (t: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));

// Open loop: submission i leaves at t0 + i * (minute / 1,000) whatever the earlier ones are doing.
const forms: Sample[] = [];
const replays: Sample[] = [];
const formsDone = Promise.all(
  Array.from({ length: SUBMISSIONS }, async (_, i) => {
    await sleepUntil(t0 + (i * SECONDS * 1_000) / SUBMISSIONS);
    forms.push(await sendVisit(i));
    if (i % 10 === 0) replays.push(await sendVisit(i));
  }),
);

// Closed loop: each portal user waits for a page before asking for the next.
const portal: Sample[] = [];
const usersDone = Promise.all(
  Array.from({ length: USERS }, async (_, u) => {
    const agency = u % AGENCIES;
    for (let n = 0; performance.now() < deadline; n++) {
      portal.push(await timed(() => portalPage(agency, n % 2 === 0 ? '/portal' : invoicePage(agency))));
    }
  }),
);

let close: { ms: number; status: number; atS: number } | undefined;
const closeDone = (async () => {
  await sleepUntil(t0 + SECONDS * 250);
  const atS = (performance.now() - t0) / 1_000;
  const s = await timed(() =>
    fetch(`${url}/v1/orgs/${ORG}/cycles/close-month`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ month: '2026-02' }),
    }),
  );
  close = { ...s, atS };
})();

await Promise.all([formsDone, usersDone, closeDone]);
const wallS = (performance.now() - t0) / 1_000;
clearInterval(loadTimer);

// Nothing lost.
const problems: string[] = [];
const stored = ((await all('/visits?dateFrom=2026-03-01&dateTo=2026-03-31', 'visits')) as { clientId: string }[]).map((v) => v.clientId);
if (stored.length !== SUBMISSIONS || new Set(stored).size !== SUBMISSIONS)
  problems.push(`form visits stored: ${stored.length} (${new Set(stored).size} distinct), sent ${SUBMISSIONS}`);
for (let i = 0; i < SUBMISSIONS; i++)
  if (!stored.includes(submission(i).clientId)) problems.push(`form visit ${submission(i).clientId} is missing`);
const badForms = [...forms, ...replays].filter((s) => s.status !== 200);
if (badForms.length > 0)
  problems.push(`${badForms.length} form requests answered ${[...new Set(badForms.map((s) => s.status))].join(', ')}`);
const badPortal = portal.filter((s) => s.status !== 200);
if (badPortal.length > 0)
  problems.push(`${badPortal.length} portal requests answered ${[...new Set(badPortal.map((s) => s.status))].join(', ')}`);
if (close?.status !== 200) problems.push(`the close answered ${close?.status}`);
const invoices = (await all('/invoices', 'invoices')) as { id: string; sequence: number; period: { start: string } }[];
const sequences = invoices.map((i) => i.sequence).sort((a, b) => a - b);
if (sequences.some((s, i) => s !== i + 1)) problems.push(`invoice numbers are not 1..${invoices.length}: ${sequences.join(',')}`);
const feb = await Promise.all(invoices.filter((i) => i.period.start === '2026-02-01').map(async (i) => api('get', `/invoices/${i.id}`)));
const expected = new Map<string, { cents: number; visits: number }>();
for (const v of february) {
  const e = expected.get(v.agencyId) ?? { cents: 0, visits: 0 };
  expected.set(v.agencyId, {
    cents: e.cents + NUMBERED_BILL[v.visitType as 'EVAL' | 'ROUTINE'](agencyIds.indexOf(v.agencyId)),
    visits: e.visits + 1,
  });
}
if (feb.length !== AGENCIES) problems.push(`February has ${feb.length} invoices, not ${AGENCIES}`);
const billedIds = new Set<string>();
for (const answer of feb) {
  const inv = answer as { agencyId: string; number: string; totalCents: number; lines: { visitId: string; amountCents: number }[] };
  const e = expected.get(inv.agencyId)!;
  const sum = inv.lines.reduce((s, l) => s + l.amountCents, 0);
  if (inv.lines.length !== e.visits || inv.totalCents !== e.cents || sum !== inv.totalCents)
    problems.push(
      `${inv.number}: ${inv.lines.length} lines, ${inv.totalCents} cents (lines sum ${sum}); expected ${e.visits} lines, ${e.cents} cents`,
    );
  for (const l of inv.lines) billedIds.add(l.visitId);
}
if (billedIds.size !== CLOSED_MONTH_VISITS) problems.push(`${billedIds.size} distinct February visits billed, not ${CLOSED_MONTH_VISITS}`);

const row = (name: string, samples: Sample[], seconds: number) => ({
  load: name,
  requests: samples.length,
  'req/s': Math.round((samples.length / seconds) * 10) / 10,
  'p50 ms': Math.round(
    percentile(
      samples.map((s) => s.ms),
      50,
    ),
  ),
  'p99 ms': Math.round(
    percentile(
      samples.map((s) => s.ms),
      99,
    ),
  ),
  'max ms': Math.round(Math.max(...samples.map((s) => s.ms))),
  'non-200': samples.filter((s) => s.status !== 200).length,
});
console.table([
  row('idle: form submission, one at a time', idle.form, idle.form.reduce((t, x) => t + x.ms, 0) / 1_000),
  row('idle: portal invoice list, one at a time', idle.list, idle.list.reduce((t, x) => t + x.ms, 0) / 1_000),
  row(
    `idle: portal invoice (${CLOSED_MONTH_VISITS / AGENCIES} lines), one at a time`,
    idle.invoice,
    idle.invoice.reduce((t, x) => t + x.ms, 0) / 1_000,
  ),
  row('form submissions (1 visit each)', forms, wallS),
  row('form replays (same client id)', replays, wallS),
  row(`portal, ${USERS} users`, portal, wallS),
  {
    load: `close of 2026-02 (${CLOSED_MONTH_VISITS} visits, ${AGENCIES} invoices) at ${close?.atS.toFixed(1)} s`,
    requests: 1,
    'req/s': '',
    'p50 ms': '',
    'p99 ms': '',
    'max ms': Math.round(close?.ms ?? NaN),
    'non-200': close?.status === 200 ? 0 : 1,
  },
]);
// The slowest answer by 5-second window of the run (when a request was sent), to see where the close and its PDFs fall.
const windows = Array.from({ length: Math.ceil(wallS / 5) }, (_, w) => {
  const inWindow = (xs: Sample[]) => xs.filter((x) => x.at - t0 >= w * 5_000 && x.at - t0 < (w + 1) * 5_000).map((x) => x.ms);
  return `${w * 5}-${w * 5 + 5}s forms ${Math.round(Math.max(0, ...inWindow(forms)))} / portal ${Math.round(Math.max(0, ...inWindow(portal)))} ms`;
});
console.log(`slowest answer by window: ${windows.join('; ')}`);
console.log(
  JSON.stringify({
    seconds: Math.round(wallS * 10) / 10,
    settledAfterSetUpMs,
    submissions: SUBMISSIONS,
    portalUsers: USERS,
    closeMs: Math.round(close?.ms ?? NaN),
    loadAverageAtStart: load.start,
    loadAveragePeak: load.peak,
    cpus: cpus().length,
    formVisitsStored: stored.length,
    portalNon200: badPortal.length,
    februaryInvoices: feb.length,
    februaryVisitsBilled: billedIds.size,
    problems,
  }),
);

server.child.kill('SIGTERM');
await server.exited;
await google.close();
rmSync(dir, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(`LOST OR WRONG:\n${problems.join('\n')}`);
  process.exit(1);
}
