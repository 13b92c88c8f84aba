/**
 * The real service, killed under a close. `node service/src/server.ts` serves a SQLite file;
 * an org is built through its API (a Google account from a local stand-in, an owner API key,
 * a month of visits pushed as the form path pushes them). Then:
 * - POST close-month on the open month, with the process set to die at each of the close's
 *   crash points in turn (service/src/faults/crash-points.ts), and once after the answer,
 *   while the PDFs are issued behind it: after every kill the file holds no invoice half
 *   issued, no number skipped or reused, no visit billed twice; restarted on what the kill
 *   left, the close completes, with totals computed here from the visits sent.
 * - a visit batch killed at each of its crash points and sent again is stored exactly once.
 * - several close-month calls at once for the next month give one set of invoices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackRows } from '../../service/src/store/sqlite/packed-rows.ts';
import { CLIENT_ID, call, startFakeGoogle, type FakeGoogle } from '../api/harness.ts';
import type { CrashPoint } from '../../service/src/faults/crash-points.ts';
import { copyDb, walkCrashPoints, type CrashRun } from './crash-walk.ts';
import { NUMBERED_BILL, numberedVisits, seedNumberedDirectory } from '../support/numbered-directory.ts';
import { killableService } from './killable-service.ts';

const AGENCIES = 3;
const THERAPISTS = 12;
const VISITS_PER_MONTH = 1_500;

let dir: string;
let dbFile: string;
let google: FakeGoogle;
let key: string;
let agencyIds: string[];
let therapistIds: string[];

const service = killableService('faults', () => ({
  VISITLEDGER_DB: dbFile,
  PORT: '0',
  GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
  GOOGLE_CERTS_URL: google.certsUrl,
}));
const start = () => service.start();
const kill = () => service.kill();
const api = (method: string, path: string, body?: unknown) => service.api(method, path, body);

/** The visits of a month as the form pushes them; every 10th an evaluation, every agency and therapist in turn. */
function visitsOf(month: string) {
  return numberedVisits({ agencyIds, therapistIds }, 'form', month, month === '2026-02' ? 28 : 31, VISITS_PER_MONTH);
}

/** What each agency must be billed for a month, computed from the rows sent. */
function expectedTotals(rows: ReturnType<typeof visitsOf>): Map<string, { cents: number; visits: number }> {
  const totals = new Map<string, { cents: number; visits: number }>();
  for (const r of rows) {
    const agency = agencyIds.indexOf(r.agencyId);
    const t = totals.get(r.agencyId) ?? { cents: 0, visits: 0 };
    t.cents += NUMBERED_BILL[r.visitType as 'EVAL' | 'ROUTINE'](agency);
    t.visits += 1;
    totals.set(r.agencyId, t);
  }
  return totals;
}

type Invoice = { id: string; sequence: number; agencyId: string; totalCents: number; lineVisitIds: string[]; billedVisits: number };

/** The file as it is, read with plain SQL while no server runs. */
function fileState() {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    const invoices: Invoice[] = db
      .prepare(`SELECT id, sequence, doc,
        (SELECT count(*) FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq WHERE v.org_id = invoices.org_id AND m.invoice_seq = invoices.sequence) AS billed
      FROM invoices WHERE org_id = 'faults' ORDER BY sequence`)
      .all()
      .map((r) => {
        const doc = JSON.parse(String(r.doc));
        return {
          id: String(r.id),
          sequence: Number(r.sequence),
          agencyId: doc.agencyId,
          totalCents: doc.totalCents,
          billedVisits: Number(r.billed),
          lineVisitIds: unpackRows<{ visitId: string }>(doc.lines).map((l) => l.visitId),
        };
      });
    const counter = db.prepare("SELECT value FROM counters WHERE org_id = 'faults' AND name = 'invoice'").get();
    const cycles = db
      .prepare("SELECT json_extract(doc, '$.status') AS status, count(*) AS n FROM cycles WHERE org_id = 'faults' GROUP BY 1")
      .all()
      .map((r) => [String(r.status), Number(r.n)] as const);
    const visits = Number(db.prepare("SELECT count(*) AS n FROM visits WHERE org_id = 'faults'").get()!.n);
    const distinctClientIds = Number(db.prepare("SELECT count(DISTINCT client_id) AS n FROM visits WHERE org_id = 'faults'").get()!.n);
    return { invoices, counter: counter ? Number(counter.value) : 0, cycles: Object.fromEntries(cycles), visits, distinctClientIds };
  } finally {
    db.close();
  }
}

/** What must hold after any crash: numbers 1..n with the counter at n, each invoice whole, no visit on two invoices. */
function expectConsistent(s: ReturnType<typeof fileState>, label: string): void {
  expect(
    s.invoices.map((i) => i.sequence),
    label,
  ).toEqual(s.invoices.map((_, i) => i + 1));
  expect(s.counter, label).toBe(s.invoices.length);
  for (const inv of s.invoices)
    expect(inv.billedVisits, `${label}: invoice ${inv.sequence} has its lines and its visits marked, or neither`).toBe(
      inv.lineVisitIds.length,
    );
  const billed = s.invoices.flatMap((i) => i.lineVisitIds);
  expect(new Set(billed).size, `${label}: a visit on two invoices`).toBe(billed.length);
  expect(s.distinctClientIds, `${label}: a visit stored twice`).toBe(s.visits);
}

/**
 * Starts the server with VISITLEDGER_CRASH_AT=n and sends `request`: the run dies at crash
 * point n, or answers (then the test kills it, its work done).
 */
async function requestUnderCrashPoint(n: number, request: () => Promise<{ status: number; text: string } | null>): Promise<CrashRun> {
  await service.start({ VISITLEDGER_CRASH_AT: String(n) });
  const answer = await request();
  if (answer === null) {
    const code = await service.exited();
    const stderr = service.stderr();
    await kill();
    return { code, stderr };
  }
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  const stderr = service.stderr();
  await kill(); // also after an answer: the PDFs issued behind it are a crash point too
  return { code: 0, stderr };
}

const closeJanuary = () =>
  call(service, 'post', '/v1/orgs/faults/cycles/close-month', { token: key, body: { month: '2026-01' } }).catch(() => null);

/** Restarted on what a kill left, the month's close completes: every visit billed once at its rate; the PDFs there or rendered on first download. */
async function expectCloseCompletes(label: string): Promise<void> {
  await start();
  const again = await api('post', '/cycles/close-month', { month: '2026-01' });
  const s = fileState();
  expect(again.cycles.map((c: any) => c.invoice.id).sort(), label).toEqual(s.invoices.map((i) => i.id).sort());
  expect(s.invoices, label).toHaveLength(AGENCIES);
  expectConsistent(s, label);
  const expected = expectedTotals(visitsOf('2026-01'));
  for (const inv of s.invoices) {
    expect(inv.totalCents, label).toBe(expected.get(inv.agencyId)!.cents);
    expect(inv.lineVisitIds, label).toHaveLength(expected.get(inv.agencyId)!.visits);
  }
  expect(
    s.invoices.reduce((n, i) => n + i.lineVisitIds.length, 0),
    label,
  ).toBe(VISITS_PER_MONTH);
  const pdf = await fetch(`${service.url}/v1/orgs/faults/invoices/${s.invoices[0]!.id}/pdf`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(pdf.status, label).toBe(200);
  expect(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    label,
  ).toBe('%PDF-');
  await kill();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'visitledger-kill-service-'));
  dbFile = join(dir, 'faults.db');
  google = await startFakeGoogle();
  await start();
  key = await service.createOrg(google.idToken('owner@faults.example'), 'Faults Staffing', 'form sync');
  ({ agencyIds, therapistIds } = await seedNumberedDirectory(api, { agencies: AGENCIES, therapists: THERAPISTS }, 5_000));
  const january = await api('post', '/visits', { visits: visitsOf('2026-01') });
  expect(january.counts).toMatchObject({ created: VISITS_PER_MONTH, withProblems: 0 });
}, 300_000);

afterAll(async () => {
  await kill();
  await google?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A month's close through the API, point by point: the agencies' cycles, then the month's pay run. */
const CLOSE_POINTS: CrashPoint[] = [
  'close.read',
  'close.computed',
  ...Array.from(
    { length: AGENCIES },
    () => ['close.numbers-reserved', 'close.visits-marked', 'close.invoice-written', 'close.cycle-written'] as const,
  ).flat(),
  'close.committed',
  'payrun.computed',
  'payrun.header-written',
  'payrun.statements-written',
  'payrun.visits-marked',
  'payrun.committed',
];

describe('the service killed during a close', () => {
  it('at every crash point leaves no invoice half issued, no number skipped or reused, nothing billed twice; the close after a restart bills every visit once', async () => {
    await kill();
    const pristine = join(dir, 'pristine.db');
    copyDb(dbFile, pristine);
    const points = await walkCrashPoints(
      (n) => {
        copyDb(pristine, dbFile);
        return requestUnderCrashPoint(n, closeJanuary);
      },
      async (point, n) => {
        const label = `killed at crash point ${n} (${point})`;
        const s = fileState();
        expectConsistent(s, label);
        expect(s.invoices.length, `${label}: the month is one transaction, there from its commit on`).toBe(
          n - 1 >= CLOSE_POINTS.indexOf('close.committed') ? AGENCIES : 0,
        );
        await expectCloseCompletes(`${label}, then closed again`);
      },
    );
    expect(points).toEqual(CLOSE_POINTS);
    // The last run answered and was killed while its PDFs were issued behind the answer.
    expectConsistent(fileState(), 'killed after the answer');
    await expectCloseCompletes('killed after the answer, then closed again');
  }, 600_000);

  it('takes a visit batch killed at each of its crash points and sent again exactly once', async () => {
    const february = visitsOf('2026-02');
    const before = join(dir, 'before-february.db');
    copyDb(dbFile, before);
    const sendFebruary = () =>
      call(service, 'post', '/v1/orgs/faults/visits', { token: key, body: { visits: february } }).catch(() => null);
    const points = await walkCrashPoints(
      (n) => {
        copyDb(before, dbFile);
        return requestUnderCrashPoint(n, sendFebruary);
      },
      async (point, n) => {
        const label = `killed at crash point ${n} (${point})`;
        const half = fileState();
        expect(half.visits, `${label}: a batch is stored whole or not at all`).toBe(
          point === 'visits.batch-written' ? VISITS_PER_MONTH : 2 * VISITS_PER_MONTH,
        );
        await start();
        const replayed = await api('post', '/visits', { visits: february });
        expect(replayed.counts.created + replayed.counts.unchanged, label).toBe(VISITS_PER_MONTH);
        expect(replayed.counts.created, label).toBe(half.visits === VISITS_PER_MONTH ? VISITS_PER_MONTH : 0);
        await kill();
        const s = fileState();
        expect(s.visits, label).toBe(2 * VISITS_PER_MONTH);
        expectConsistent(s, `${label}, then sent again`);
      },
    );
    expect(points).toEqual(['visits.batch-written', 'visits.committed']);
    expect(fileState().visits).toBe(2 * VISITS_PER_MONTH);
  }, 120_000);

  it('gives one set of invoices to several closes of the same month at once', async () => {
    if (!service.running) await start();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(service, 'post', '/v1/orgs/faults/cycles/close-month', { token: key, body: { month: '2026-02' } }),
      ),
    );
    for (const a of answers) expect([200, 409], a.text.slice(0, 200)).toContain(a.status);
    const closed = answers.filter((a) => a.status === 200);
    expect(closed.length).toBeGreaterThan(0);
    const ids = closed.map((a) => a.body.cycles.map((c: any) => c.invoice.id).sort());
    for (const set of ids) expect(set).toEqual(ids[0]);
    const s = fileState();
    expectConsistent(s, 'after concurrent closes');
    expect(s.invoices).toHaveLength(2 * AGENCIES);
    const expected = expectedTotals(visitsOf('2026-02'));
    for (const inv of s.invoices.slice(AGENCIES)) expect(inv.totalCents).toBe(expected.get(inv.agencyId)!.cents);
    // A retry after the conflict returns the same invoices.
    const retry = await api('post', '/cycles/close-month', { month: '2026-02' });
    expect(retry.cycles.map((c: any) => c.invoice.id).sort()).toEqual(ids[0]);
  }, 300_000);

  it("changes nothing when a month's batch is replayed after its close (every row unchanged)", async () => {
    if (!service.running) await start();
    const before = fileState();
    const replayed = await api('post', '/visits', { visits: visitsOf('2026-01') });
    expect(replayed.counts).toMatchObject({ created: 0, updated: 0, unchanged: VISITS_PER_MONTH });
    // The same rows, one changed: the billed visit is locked, not rewritten.
    const changed = visitsOf('2026-01')
      .slice(0, 3)
      .map((v, i) => (i === 0 ? { ...v, visitType: 'EVAL' === v.visitType ? 'ROUTINE' : 'EVAL' } : v));
    const locked = await api('post', '/visits', { visits: changed });
    expect(locked.rows[0].status).toBe('locked');
    await kill();
    expect(fileState()).toEqual(before);
  }, 300_000);
});
