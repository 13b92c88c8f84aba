/**
 * A crash half way through a close leaves nothing half issued: `visitledger close` runs on
 * a month of visits and is killed (SIGKILL) at each of its crash points in turn, from the
 * same open file each time: while it reads, computes, takes invoice numbers, writes each
 * invoice and its marks, closes each cycle, commits, and writes each pay run. After every
 * kill the file holds either the whole month or none of it, invoice numbers consecutive,
 * every visit billed at most once, each pay run whole; and the next close completes the
 * month, with totals that match an independent computation.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFilePath } from '../../service/src/config/keys.ts';
import { createFieldCipher } from '../../service/src/crypto/field-cipher.ts';
import { unpackRows } from '../../service/src/store/sqlite/packed-rows.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import type { UseCaseContext } from '../../service/src/usecases/context.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from '../../service/src/usecases/directory.ts';
import { ensureOrg } from '../../service/src/usecases/orgs.ts';
import { upsertVisits } from '../../service/src/usecases/visits.ts';
import type { CrashPoint } from '../../service/src/faults/crash-points.ts';
import { copyDb, walkCrashPoints, type CrashRun } from './crash-walk.ts';
import { expectOk } from '../../shared/test-support/results.ts';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;
const VISITS = 6_000;
const AGENCIES = 3;
const THERAPISTS = 40;
const BILL_CENTS = (agency: number) => 8000 + agency * 100;

async function seed(dbFile: string): Promise<void> {
  // The CLI reads its keys from the key file next to the database: write one it will accept.
  const key = randomBytes(32);
  const index = randomBytes(32);
  writeFileSync(
    keyFilePath(dbFile),
    JSON.stringify({ current: 'k1', keys: [{ id: 'k1', key: key.toString('base64') }], index: index.toString('base64') }),
    { mode: 0o600 },
  );
  let n = 0;
  const ctx: UseCaseContext = {
    store: openSqliteStore(dbFile),
    cipher: createFieldCipher({ keys: [{ id: 'k1', key }], currentKeyId: 'k1', indexKey: index }),
    now: () => new Date('2026-02-02T12:00:00.000Z'),
    newId: () => `seed-${++n}`,
    actor: 'test',
  };
  await ensureOrg(ctx, 'local', 'Crash test org');
  const agencies = expectOk(
    await upsertAgencies(
      ctx,
      'local',
      Array.from({ length: AGENCIES }, (_, i) => ({ name: `Agency ${i}` })),
    ),
    'seed',
  );
  const therapists = expectOk(
    await upsertTherapists(
      ctx,
      'local',
      Array.from({ length: THERAPISTS }, (_, i) => ({ name: `Therapist ${i}`, disciplines: ['PT'] })),
    ),
    'seed',
  );
  await putBillRates(
    ctx,
    'local',
    agencies.map((a, i) => ({ agencyId: a.id, discipline: 'PT', visitType: 'ROUTINE', cents: BILL_CENTS(i), effectiveFrom: '2026-01-01' })),
  );
  await putPayRates(
    ctx,
    'local',
    therapists.map((t) => ({ therapistId: t.id, discipline: 'PT', visitType: 'ROUTINE', cents: 5000, effectiveFrom: '2026-01-01' })),
  );
  const rows = Array.from({ length: VISITS }, (_, i) => ({
    clientId: `c${i}`,
    agencyId: agencies[i % AGENCIES]!.id,
    therapistId: therapists[i % THERAPISTS]!.id,
    patient: { name: `Patient ${i % 900}` },
    date: `2026-01-${String(1 + (i % 31)).padStart(2, '0')}`,
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
  }));
  for (let i = 0; i < rows.length; i += 10_000) {
    expectOk(await upsertVisits(ctx, 'local', rows.slice(i, i + 10_000)));
  }
  await ctx.store.close();
}

/** Runs `visitledger close` on the file, to the end or until it dies at crash point `crashAt`. */
function close(dbFile: string, crashAt: number | null): Promise<CrashRun> {
  return new Promise((resolve) => {
    const env = { ...process.env, VISITLEDGER_CRASH_AT: crashAt === null ? '' : String(crashAt) };
    const child = spawn(process.execPath, [CLI, 'close', '--period', '2026-01', '--db', dbFile, '--json'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** What the file holds, read with plain SQL. */
function state(dbFile: string) {
  const db = new DatabaseSync(dbFile);
  try {
    const sequences = db
      .prepare("SELECT sequence FROM invoices WHERE org_id = 'local' ORDER BY sequence")
      .all()
      .map((r) => Number(r.sequence));
    const counter = db.prepare("SELECT value FROM counters WHERE org_id = 'local' AND name = 'invoice'").get();
    const billed = Number(
      db
        .prepare(
          "SELECT count(*) AS n FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq WHERE v.org_id = 'local' AND m.invoice_seq IS NOT NULL",
        )
        .get()!.n,
    );
    // A visit has one mark row (its seq is the key), so a visit billed twice would be on two invoices' lines.
    const onInvoices = db
      .prepare("SELECT doc FROM invoices WHERE org_id = 'local'")
      .all()
      .flatMap((r) => unpackRows<{ visitId: string }>(JSON.parse(String(r.doc)).lines).map((l) => l.visitId));
    const billedTwice = onInvoices.length - new Set(onInvoices).size;
    const closedCycles = Number(db.prepare("SELECT count(*) AS n FROM cycles WHERE org_id = 'local'").get()!.n);
    // Per pay run: the statements it says it has and those stored (rows of their own), the lines they hold, and the visits marked paid by it.
    const payRuns = db
      .prepare(`SELECT id, json_extract(doc, '$.statementCount') AS said,
        (SELECT count(*) FROM pay_statements s WHERE s.org_id = pay_runs.org_id AND s.pay_run_id = pay_runs.id) AS statements,
        (SELECT sum(json_extract(s.doc, '$.lines.length')) FROM pay_statements s WHERE s.org_id = pay_runs.org_id AND s.pay_run_id = pay_runs.id) AS lines,
        (SELECT count(*) FROM visit_marks m WHERE m.pay_run_seq = pay_runs.seq) AS marks
      FROM pay_runs WHERE org_id = 'local'`)
      .all()
      .map((r) => ({
        id: r.id as string,
        said: Number(r.said),
        statements: Number(r.statements),
        lines: Number(r.lines),
        marks: Number(r.marks),
      }));
    const paid = Number(
      db
        .prepare(
          "SELECT count(*) AS n FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq WHERE v.org_id = 'local' AND m.pay_run_seq IS NOT NULL",
        )
        .get()!.n,
    );
    const totals = db
      .prepare(
        "SELECT json_extract(doc, '$.agencyName') AS agency, json_extract(doc, '$.totalCents') AS total FROM invoices WHERE org_id = 'local'",
      )
      .all()
      .map((r) => [r.agency as string, Number(r.total)] as const);
    return { sequences, counter: counter ? Number(counter.value) : 0, billed, billedTwice, closedCycles, payRuns, paid, totals };
  } finally {
    db.close();
  }
}

type FileState = ReturnType<typeof state>;

/** What must hold after any crash: the month whole or absent, numbers 1..n, nothing billed twice, each pay run whole. */
function expectConsistent(s: FileState, label: string): void {
  expect(s.billedTwice, label).toBe(0);
  expect(s.sequences, `${label}: no gap, no reuse`).toEqual(Array.from({ length: s.sequences.length }, (_, i) => i + 1));
  expect(s.counter, label).toBe(s.sequences.length);
  // The month's invoices are one transaction: all of them with all visits, or none.
  expect([0, AGENCIES], label).toContain(s.sequences.length);
  expect(s.billed, label).toBe(s.sequences.length === 0 ? 0 : VISITS);
  expect(s.closedCycles, label).toBe(s.sequences.length === 0 ? 0 : AGENCIES);
  // Each pay run is its own transaction: its header, every statement and its marks, whole, or nothing.
  for (const run of s.payRuns) {
    expect(run.statements, `${label}: pay run ${run.id}`).toBe(run.said);
    expect(run.marks, `${label}: pay run ${run.id}`).toBe(run.lines);
  }
  expect(s.paid, label).toBe(s.payRuns.reduce((sum, r) => sum + r.marks, 0));
}

/** The month closed: every visit billed once at its agency's rate, both pay periods paid. */
function expectClosed(s: FileState, label: string): void {
  expectConsistent(s, label);
  expect(s.sequences, label).toEqual(Array.from({ length: AGENCIES }, (_, i) => i + 1));
  // The biweekly pay periods (from 2026-01-05) that end in January end on Jan 4 and Jan 18.
  expect(s.payRuns.map((r) => r.id).sort(), label).toEqual(['payroll:2025-12-22', 'payroll:2026-01-05']);
  expect(s.paid, label).toBe(Array.from({ length: VISITS }, (_, i) => 1 + (i % 31)).filter((day) => day <= 18).length);
  // Independent arithmetic: each agency has VISITS / AGENCIES visits at its own rate.
  expect(Object.fromEntries(s.totals), label).toEqual(
    Object.fromEntries(Array.from({ length: AGENCIES }, (_, i) => [`Agency ${i}`, (VISITS / AGENCIES) * BILL_CENTS(i)])),
  );
}

/** The points of one month's close, in order: each agency's cycle, then the two pay runs. */
const CLOSE_POINTS: CrashPoint[] = [
  'close.read',
  'close.computed',
  ...Array.from(
    { length: AGENCIES },
    () => ['close.numbers-reserved', 'close.visits-marked', 'close.invoice-written', 'close.cycle-written'] as const,
  ).flat(),
  'close.committed',
  ...Array.from(
    { length: 2 },
    () => ['payrun.computed', 'payrun.header-written', 'payrun.statements-written', 'payrun.visits-marked', 'payrun.committed'] as const,
  ).flat(),
];
/** Points from which the month's invoices are committed. */
const committedFrom = CLOSE_POINTS.indexOf('close.committed');

const dir = mkdtempSync(join(tmpdir(), 'visitledger-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('killing the process during a close', () => {
  it('at every crash point leaves the month either wholly closed or not at all, and the next close completes it', async () => {
    const pristine = join(dir, 'pristine.db');
    const dbFile = join(dir, 'crash.db');
    await seed(pristine);

    const points = await walkCrashPoints(
      (n) => {
        copyDb(pristine, dbFile);
        return close(dbFile, n);
      },
      async (point, n) => {
        const label = `killed at crash point ${n} (${point})`;
        const s = state(dbFile);
        expectConsistent(s, label);
        expect(s.sequences.length, `${label}: the invoices are there from the commit on`).toBe(n - 1 >= committedFrom ? AGENCIES : 0);
        expect(s.payRuns, label).toHaveLength(CLOSE_POINTS.slice(0, n).filter((p) => p === 'payrun.committed').length);
        // Closed again from what the kill left, the month completes.
        const again = await close(dbFile, null);
        expect(again.code, again.stderr.slice(-2000)).toBe(0);
        expectClosed(state(dbFile), `${label}, then closed again`);
      },
    );
    expect(points).toEqual(CLOSE_POINTS);

    // The run that reached no more points closed the month from the open file by itself.
    expectClosed(state(dbFile), 'the run past every crash point');
  }, 600_000);
});
