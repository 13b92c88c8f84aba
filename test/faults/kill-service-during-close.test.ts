/**
 * The real service, killed under a close. `node service/src/server.ts` serves a SQLite file;
 * an org is built through its API (a Google account from a local stand-in, an owner API key,
 * a month of visits pushed as the form path pushes them). Then:
 * - POST close-month and SIGKILL the process, several times from the same open month, at
 *   moments that close in on the commit: after every kill the file holds no invoice half
 *   issued, no number skipped or reused, no visit billed twice. Restarted on the file the
 *   last kill left, the close completes, with totals computed here from the visits sent.
 * - several close-month calls at once for the next month give one set of invoices.
 * - a visit batch killed half way and sent again, and a batch replayed after the close,
 *   change nothing beyond the first whole delivery.
 *
 * FAULTS_SEED=<n> replays the kill moments (the seed is printed); FAULTS_KILLS=<n> (default 4).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackRows } from '../../service/src/store/sqlite/packed-rows.ts';
import { CLIENT_ID, call, startFakeGoogle, type FakeGoogle } from '../api/harness.ts';
import { random } from '../support/seeded-random.ts';
import { killableService } from './killable-service.ts';

const AGENCIES = 6;
const THERAPISTS = 24;
const VISITS_PER_MONTH = 3_000;
const BILL = { ROUTINE: (agency: number) => 8_000 + agency * 100, EVAL: (agency: number) => 12_500 + agency * 100 };
const KILLS = Number(process.env.FAULTS_KILLS ?? 4);
const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

let dir: string;
let dbFile: string;
let google: FakeGoogle;
let key: string;
let agencyIds: string[];
let therapistIds: string[];

const service = killableService('faults', () => ({ VISITLEDGER_DB: dbFile, PORT: '0', GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: google.certsUrl }));
const start = () => service.start();
const kill = () => service.kill();
const api = (method: string, path: string, body?: unknown) => service.api(method, path, body);

/** The visits of a month as the form pushes them; every 10th an evaluation, every agency and therapist in turn. */
function visitsOf(month: string) {
  const days = month === '2026-02' ? 28 : 31;
  return Array.from({ length: VISITS_PER_MONTH }, (_, i) => ({
    clientId: `form-${month}-${i}`, agencyId: agencyIds[i % AGENCIES]!, therapistId: therapistIds[(i * 7) % THERAPISTS]!,
    patient: { name: `Patient ${i % 700}, Test`, mrn: `MR${i % 700}` }, date: `${month}-${String(1 + (i % days)).padStart(2, '0')}`,
    discipline: 'PT', visitType: i % 10 === 0 ? 'EVAL' : 'ROUTINE', noteDone: true,
  }));
}

/** What each agency must be billed for a month, computed from the rows sent. */
function expectedTotals(rows: ReturnType<typeof visitsOf>): Map<string, { cents: number; visits: number }> {
  const totals = new Map<string, { cents: number; visits: number }>();
  for (const r of rows) {
    const agency = agencyIds.indexOf(r.agencyId);
    const t = totals.get(r.agencyId) ?? { cents: 0, visits: 0 };
    t.cents += BILL[r.visitType as 'EVAL' | 'ROUTINE'](agency);
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
    const invoices: Invoice[] = db.prepare(`SELECT id, sequence, doc,
        (SELECT count(*) FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq WHERE v.org_id = invoices.org_id AND m.invoice_seq = invoices.sequence) AS billed
      FROM invoices WHERE org_id = 'faults' ORDER BY sequence`).all().map((r) => {
      const doc = JSON.parse(String(r.doc));
      return {
        id: String(r.id), sequence: Number(r.sequence), agencyId: doc.agencyId, totalCents: doc.totalCents, billedVisits: Number(r.billed),
        lineVisitIds: unpackRows<{ visitId: string }>(doc.lines).map((l) => l.visitId),
      };
    });
    const counter = db.prepare("SELECT value FROM counters WHERE org_id = 'faults' AND name = 'invoice'").get();
    const cycles = db.prepare("SELECT json_extract(doc, '$.status') AS status, count(*) AS n FROM cycles WHERE org_id = 'faults' GROUP BY 1").all()
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
  expect(s.invoices.map((i) => i.sequence), label).toEqual(s.invoices.map((_, i) => i + 1));
  expect(s.counter, label).toBe(s.invoices.length);
  for (const inv of s.invoices) expect(inv.billedVisits, `${label}: invoice ${inv.sequence} has its lines and its visits marked, or neither`).toBe(inv.lineVisitIds.length);
  const billed = s.invoices.flatMap((i) => i.lineVisitIds);
  expect(new Set(billed).size, `${label}: a visit on two invoices`).toBe(billed.length);
  expect(s.distinctClientIds, `${label}: a visit stored twice`).toBe(s.visits);
}

/** Copies a SQLite file as a killed process left it (its WAL and its key file with it). */
function copyDb(from: string, to: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(to + suffix, { force: true });
  for (const suffix of ['', '-wal', '.keys.json']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'visitledger-kill-service-'));
  dbFile = join(dir, 'faults.db');
  google = await startFakeGoogle();
  await start();
  key = await service.createOrg(google.idToken('owner@faults.example'), 'Faults Staffing', 'form sync');
  agencyIds = (await api('post', '/agencies', { agencies: Array.from({ length: AGENCIES }, (_, i) => ({ name: `Agency ${i}` })) })).agencies.map((a: any) => a.id);
  therapistIds = (await api('post', '/therapists', { therapists: Array.from({ length: THERAPISTS }, (_, i) => ({ name: `Therapist ${i}`, disciplines: ['PT'] })) })).therapists.map((t: any) => t.id);
  await api('post', '/rates/bill', { rates: agencyIds.flatMap((agencyId, i) => (['ROUTINE', 'EVAL'] as const).map((visitType) => ({ agencyId, discipline: 'PT', visitType, cents: BILL[visitType](i), effectiveFrom: '2026-01-01' }))) });
  await api('post', '/rates/pay', { rates: therapistIds.flatMap((therapistId) => ['ROUTINE', 'EVAL'].map((visitType) => ({ therapistId, discipline: 'PT', visitType, cents: 5_000, effectiveFrom: '2026-01-01' }))) });
  const january = await api('post', '/visits', { visits: visitsOf('2026-01') });
  expect(january.counts).toMatchObject({ created: VISITS_PER_MONTH, withProblems: 0 });
  console.info(`kill-service-during-close: FAULTS_SEED=${SEED}`);
}, 60_000);

afterAll(async () => {
  await kill();
  await google?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the service killed during a close', () => {
  it('leaves no invoice half issued, no number skipped or reused, nothing billed twice; the close after the last restart bills every visit once', async () => {
    const rand = random(SEED);
    await kill();
    const pristine = join(dir, 'pristine.db');
    copyDb(dbFile, pristine);
    const kills: { afterMs: number; invoices: number }[] = [];
    // Each round closes the month from the same open file and kills the process at a moment that
    // closes in on the commit: later after a kill that found the month open, earlier after one
    // that found it closed, so kills land around the commit itself.
    let open = 0;
    let closed = Infinity;
    for (let round = 0; round < KILLS; round++) {
      if (round > 0) copyDb(pristine, dbFile);
      await start();
      const afterMs = Math.round(closed === Infinity ? Math.max(150, open * 2) : open === 0 ? closed / 2 : open + rand() * (closed - open));
      const closing = call(service, 'post', '/v1/orgs/faults/cycles/close-month', { token: key, body: { month: '2026-01' } }).catch(() => null);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, afterMs))]);
      await kill(); // also after an answer: the PDFs issued behind it are a crash point too
      const s = fileState();
      expectConsistent(s, `after a kill at ${afterMs} ms`);
      expect([0, AGENCIES], `after a kill at ${afterMs} ms: the month is one transaction`).toContain(s.invoices.length);
      kills.push({ afterMs, invoices: s.invoices.length });
      if (s.invoices.length === 0) open = Math.max(open, afterMs);
      else closed = Math.min(closed, afterMs);
    }
    console.info(`kill-service-during-close: kills (ms after the request, invoices found): ${JSON.stringify(kills)}`);
    expect(kills.some((k) => k.invoices === 0)).toBe(true);

    // Restarted on the file the last kill left: closing again completes or returns the month, every visit billed once at its rate.
    await start();
    const again = await api('post', '/cycles/close-month', { month: '2026-01' });
    const s = fileState();
    expect(again.cycles.map((c: any) => c.invoice.id).sort()).toEqual(s.invoices.map((i) => i.id).sort());
    expect(s.invoices).toHaveLength(AGENCIES);
    expectConsistent(s, 'after the last close');
    const expected = expectedTotals(visitsOf('2026-01'));
    for (const inv of s.invoices) {
      expect(inv.totalCents).toBe(expected.get(inv.agencyId)!.cents);
      expect(inv.lineVisitIds).toHaveLength(expected.get(inv.agencyId)!.visits);
    }
    expect(s.invoices.reduce((n, i) => n + i.lineVisitIds.length, 0)).toBe(VISITS_PER_MONTH);
    // The issued PDF is there or renders on first download, whatever moment the kill hit.
    const pdf = await fetch(`${service.url}/v1/orgs/faults/invoices/${s.invoices[0]!.id}/pdf`, { headers: { authorization: `Bearer ${key}` } });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  }, 90_000);

  it('takes a visit batch killed half way and sent again exactly once', async () => {
    const rand = random(SEED + 1);
    const february = visitsOf('2026-02');
    if (!service.running) await start();
    const sending = call(service, 'post', '/v1/orgs/faults/visits', { token: key, body: { visits: february } }).catch(() => null);
    await Promise.race([sending, new Promise((resolve) => setTimeout(resolve, 50 + rand() * 400))]);
    await kill();
    const half = fileState();
    expect([VISITS_PER_MONTH, 2 * VISITS_PER_MONTH], 'a batch is stored whole or not at all').toContain(half.visits);
    await start();
    const replayed = await api('post', '/visits', { visits: february });
    expect(replayed.counts.created + replayed.counts.unchanged).toBe(VISITS_PER_MONTH);
    const s = fileState();
    expect(s.visits).toBe(2 * VISITS_PER_MONTH);
    expectConsistent(s, 'after the replay');
  }, 60_000);

  it('gives one set of invoices to several closes of the same month at once', async () => {
    if (!service.running) await start();
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(service, 'post', '/v1/orgs/faults/cycles/close-month', { token: key, body: { month: '2026-02' } })));
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
  }, 60_000);

  it('changes nothing when a month\'s batch is replayed after its close (every row unchanged)', async () => {
    if (!service.running) await start();
    const before = fileState();
    const replayed = await api('post', '/visits', { visits: visitsOf('2026-01') });
    expect(replayed.counts).toMatchObject({ created: 0, updated: 0, unchanged: VISITS_PER_MONTH });
    // The same rows, one changed: the billed visit is locked, not rewritten.
    const changed = visitsOf('2026-01').slice(0, 3).map((v, i) => (i === 0 ? { ...v, visitType: 'EVAL' === v.visitType ? 'ROUTINE' : 'EVAL' } : v));
    const locked = await api('post', '/visits', { visits: changed });
    expect(locked.rows[0].status).toBe('locked');
    await kill();
    expect(fileState()).toEqual(before);
  }, 60_000);
});
