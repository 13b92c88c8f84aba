import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { describeStoreAdapter } from '../adapter.contract.ts';
import { anOrg, aPayRun, aStoredVisit } from '../../test-support/store-records.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { MIGRATIONS } from './migrations.ts';
import { packRows } from './packed-rows.ts';
import type { PayStatement } from '../../../../shared/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'visitledger-sqlite-'));
let n = 0;

describeStoreAdapter('sqlite', {
  make: async () => openSqliteStore(join(dir, `store-${++n}.db`)),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

/** A file with the migrations up to `version` applied, and org o1's visits [id, date] (rowids, then seqs, 1, 2, ...). */
function databaseAtVersion(file: string, version: number, visits: [id: string, date: string][]): DatabaseSync {
  const raw = new DatabaseSync(file);
  raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
    raw.exec(m.sql);
    raw.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
  }
  const insert =
    raw.prepare(`INSERT INTO visits (org_id, id, client_id, agency_id, therapist_id, date, discipline, visit_type, note_done, patient, patient_has_mrn, dup_key, received_at)
    VALUES ('o1', ?, ?, 'a1', 't1', ?, 'PT', 'ROUTINE', 1, 'sealed', 1, ?, '2026-01-01T00:00:00.000Z')`);
  for (const [id, date] of visits) insert.run(id, `c-${id}`, date, `d-${id}`);
  return raw;
}

describe('sqlite store file', () => {
  it('is a real file that keeps its data across reopening, with migrations applied once', async () => {
    const file = join(dir, 'reopen.db');
    const first = openSqliteStore(file);
    await first.insertOrg(anOrg('o1'));
    await first.close();
    const second = openSqliteStore(file);
    expect((await second.getOrg('o1'))?.id).toBe('o1');
    await second.close();
    const raw = new DatabaseSync(file);
    expect(
      raw
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    ).toEqual(MIGRATIONS.map((m) => m.version));
    raw.close();
  });

  it('upgrades a file of schema version 5 with its visits, billed and paid marks kept', async () => {
    const file = join(dir, 'v5.db');
    const raw = databaseAtVersion(file, 5, [
      ['v1', '2026-01-05'],
      ['v2', '2026-01-06'],
      ['v3', '2026-02-01'],
    ]);
    raw.exec(
      "INSERT INTO visit_invoice (org_id, visit_id, invoice_id) VALUES ('o1', 'v1', 'i1'); INSERT INTO visit_pay_run (org_id, visit_id, pay_run_id) VALUES ('o1', 'v1', 'p1')",
    );
    raw.exec(
      "INSERT INTO invoices (org_id, id, sequence, cycle_id, agency_id, doc) VALUES ('o1', 'i1', 7, 'c1', 'a1', '{}'); INSERT INTO pay_runs (org_id, id, status, doc) VALUES ('o1', 'p1', 'open', '{}')",
    );
    raw.close();

    const store = openSqliteStore(file);
    expect((await store.listVisits('o1', { dateTo: '2026-01-31' })).map((v) => [v.id, v.invoiceId, v.payRunId])).toEqual([
      ['v1', 'i1', 'p1'],
      ['v2', null, null],
    ]);
    expect((await store.listUnsettledVisits('o1', '2026-01-31')).map((v) => [v.id, v.agencyId, v.therapistId])).toEqual([
      ['v2', 'a1', 't1'],
    ]);
    await store.close();
    const upgraded = new DatabaseSync(file);
    expect(
      upgraded
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    ).toEqual(MIGRATIONS.map((m) => m.version));
    const indexes = upgraded
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' AND sql IS NOT NULL ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(indexes).toEqual(['visits_agency_date', 'visits_close', 'visits_dup']);
    // The marks moved to one table keyed by the visits' seqs, which are the rows' old rowids,
    // naming the invoice by its sequence and the pay run by its seq (version 8).
    expect(
      upgraded.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('visit_invoice', 'visit_pay_run')").all(),
    ).toEqual([]);
    expect(
      upgraded
        .prepare('SELECT v.id, m.invoice_seq, m.pay_run_seq FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([{ id: 'v1', invoice_seq: 7, pay_run_seq: 1 }]);
    expect(
      upgraded
        .prepare('SELECT id, seq FROM visits ORDER BY seq')
        .all()
        .map((r) => [r.id, r.seq]),
    ).toEqual([
      ['v1', 1],
      ['v2', 2],
      ['v3', 3],
    ]);
    upgraded.close();
  });

  /** A file at schema version 7 with two invoices, a pay run and the marks given. */
  function fileAtVersion7(name: string, marks: [visitId: string, invoiceId: string | null, payRunId: string | null][]): string {
    const file = join(dir, name);
    const raw = databaseAtVersion(
      file,
      7,
      ['v1', 'v2', 'v3', 'v4'].map((id) => [id, '2026-01-05']),
    );
    raw.exec(`INSERT INTO invoices (org_id, id, sequence, cycle_id, agency_id, doc) VALUES ('o1', 'inv-a', 1, 'c1', 'a1', '{}'), ('o1', 'inv-b', 2, 'c2', 'a1', '{}');
      INSERT INTO pay_runs (org_id, id, status, doc) VALUES ('o1', 'payroll:2025-12-01', 'paid', '{}'), ('o1', 'payroll:2026-01-01', 'open', '{}')`);
    const mark = raw.prepare('INSERT INTO visit_marks (visit_seq, invoice_id, pay_run_id) SELECT seq, ?, ? FROM visits WHERE id = ?');
    for (const [visitId, invoiceId, payRunId] of marks) mark.run(invoiceId, payRunId, visitId);
    raw.close();
    return file;
  }

  it('upgrades the marks of a version 7 file to integers, each still naming its invoice and pay run', async () => {
    const file = fileAtVersion7('v7.db', [
      ['v1', 'inv-b', 'payroll:2026-01-01'],
      ['v2', 'inv-a', null],
      ['v3', 'settled-outside', 'settled-outside'],
    ]);
    const store = openSqliteStore(file);
    expect((await store.listVisits('o1', {})).map((v) => [v.id, v.invoiceId, v.payRunId])).toEqual([
      ['v1', 'inv-b', 'payroll:2026-01-01'],
      ['v2', 'inv-a', null],
      ['v3', 'settled-outside', 'settled-outside'],
      ['v4', null, null],
    ]);
    expect((await store.listUnsettledVisits('o1', '2026-01-31')).map((v) => [v.id, v.agencyId, v.therapistId, v.billed, v.paid])).toEqual([
      ['v2', 'a1', 't1', true, false],
      ['v4', 'a1', 't1', false, false],
    ]);
    await store.close();
    const upgraded = new DatabaseSync(file);
    expect(
      upgraded
        .prepare('SELECT visit_seq, invoice_seq, pay_run_seq FROM visit_marks ORDER BY visit_seq')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { visit_seq: 1, invoice_seq: 2, pay_run_seq: 2 },
      { visit_seq: 2, invoice_seq: 1, pay_run_seq: null },
      { visit_seq: 3, invoice_seq: 0, pay_run_seq: 0 },
    ]);
    expect(
      upgraded
        .prepare('SELECT seq, org_id, id, status FROM pay_runs ORDER BY seq')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { seq: 1, org_id: 'o1', id: 'payroll:2025-12-01', status: 'paid' },
      { seq: 2, org_id: 'o1', id: 'payroll:2026-01-01', status: 'open' },
    ]);
    upgraded.close();
  });

  it('refuses to upgrade a version 7 file with a mark naming no invoice, and leaves the file as it was', async () => {
    // Dropped, that mark would make its visit unbilled, and the next close would bill it again.
    const file = fileAtVersion7('v7-orphan.db', [
      ['v1', 'inv-a', null],
      ['v2', 'inv-gone', null],
    ]);
    expect(() => openSqliteStore(file)).toThrow(/migration 8 \(marks as integers\) failed/);
    const raw = new DatabaseSync(file);
    expect(raw.prepare('SELECT max(version) AS v FROM schema_migrations').get()?.v).toBe(7);
    expect(
      raw
        .prepare('SELECT v.id, m.invoice_id FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq ORDER BY v.id')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { id: 'v1', invoice_id: 'inv-a' },
      { id: 'v2', invoice_id: 'inv-gone' },
    ]);
    raw.close();
  });

  it('upgrades the pay runs of a version 9 file to a row per statement, read back as they were', async () => {
    const file = join(dir, 'v9-pay-runs.db');
    const raw = databaseAtVersion(file, 9, []);
    const payRun = aPayRun('payroll:2026-01-05', ['v1', 'v2']);
    const second = { ...payRun.statements[0]!, therapistId: 'th2', therapistName: 'T Two', lines: payRun.statements[0]!.lines.slice(1) };
    const twoStatements = { ...payRun, statements: [payRun.statements[0]!, second] };
    // As version 9 stored it: one document, the lines packed by column.
    const keys = Object.keys(payRun.statements[0]!.lines[0]!) as (keyof PayStatement['lines'][number])[];
    const version9Doc = {
      ...twoStatements,
      statements: twoStatements.statements.map((st) => ({ ...st, lines: packRows(st.lines, keys) })),
    };
    raw.prepare("INSERT INTO pay_runs (org_id, id, status, doc) VALUES ('o1', ?, 'open', ?)").run(payRun.id, JSON.stringify(version9Doc));
    raw.close();

    const store = openSqliteStore(file);
    expect(await store.getPayRun('o1', payRun.id)).toEqual(twoStatements);
    expect(await store.setPayRunStatus('o1', payRun.id, 'open', 'approved', '2026-01-20T00:00:00.000Z')).toBe(true);
    expect(await store.listPayRuns('o1')).toEqual([{ ...twoStatements, status: 'approved', approvedAt: '2026-01-20T00:00:00.000Z' }]);
    await store.close();
    const upgraded = new DatabaseSync(file);
    expect(
      upgraded
        .prepare("SELECT pay_run_id, position, doc ->> '$.therapistId' AS therapist FROM pay_statements ORDER BY position")
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { pay_run_id: payRun.id, position: 0, therapist: 'th1' },
      { pay_run_id: payRun.id, position: 1, therapist: 'th2' },
    ]);
    expect(upgraded.prepare("SELECT doc -> '$.statements' AS statements, doc ->> '$.statementCount' AS count FROM pay_runs").get()).toEqual(
      { statements: null, count: 2 },
    );
    // A statement gone missing is a broken file: reading it says so rather than paying from what is left.
    upgraded.exec('DELETE FROM pay_statements WHERE position = 1');
    upgraded.close();
    const broken = openSqliteStore(file);
    await expect(broken.getPayRun('o1', payRun.id)).rejects.toThrow(/has 1 of its 2 statements/);
    await broken.close();
  });

  it('refuses to mark a visit withdrawn after a close read it, by the seq it was read with', async () => {
    const store = openSqliteStore(join(dir, 'withdrawn-seq.db'));
    await store.insertOrg(anOrg('o1'));
    await store.upsertVisits('o1', [aStoredVisit('v1'), aStoredVisit('v2')]);
    const read = await store.listUnsettledVisits('o1', '2026-01-31');
    expect(await store.withdrawVisits('o1', ['v2'])).toEqual({ withdrawn: ['v2'], locked: [] });
    // The seqs are what the close hands back: v2's row is gone, its seq's mark is not.
    expect(
      await store.commitPayRun(
        'o1',
        aPayRun(
          'pr1',
          read.map((v) => v.id),
        ),
        read.map((v) => v.seq!),
      ),
    ).toEqual({ status: 'conflict', visitIds: ['v2'] });
    expect((await store.listVisits('o1', {})).map((v) => [v.id, v.payRunId])).toEqual([['v1', null]]);
    expect(await store.commitPayRun('o1', aPayRun('pr1', ['v1']), [read[0]!.seq!])).toMatchObject({ status: 'created' });
    await store.close();
  });

  it('names the visit another pay run took, whatever the order of the seqs handed back', async () => {
    const store = openSqliteStore(join(dir, 'conflict-order.db'));
    await store.insertOrg(anOrg('o1'));
    await store.upsertVisits(
      'o1',
      ['v1', 'v2', 'v3'].map((id) => aStoredVisit(id)),
    );
    const read = await store.listUnsettledVisits('o1', '2026-01-31');
    const seqOf = new Map(read.map((v) => [v.id, v.seq!]));
    expect(await store.commitPayRun('o1', aPayRun('pr1', ['v3']), [seqOf.get('v3')!])).toMatchObject({ status: 'created' });
    // The lines in one order, the seqs in another (the close hands them back in the order it read the visits).
    const outcome = await store.commitPayRun('o1', aPayRun('pr2', ['v3', 'v2', 'v1']), [
      seqOf.get('v1')!,
      seqOf.get('v2')!,
      seqOf.get('v3')!,
    ]);
    expect(outcome).toEqual({ status: 'conflict', visitIds: ['v3'] });
    expect((await store.listVisits('o1', {})).map((v) => [v.id, v.payRunId])).toEqual([
      ['v1', null],
      ['v2', null],
      ['v3', 'pr1'],
    ]);
    await store.close();
  });

  it('marks more visits than one list holds, and names a taken one past the first list', async () => {
    const store = openSqliteStore(join(dir, 'many-marks.db'));
    await store.insertOrg(anOrg('o1'));
    const ids = Array.from({ length: 8_200 }, (_, i) => `v${String(i).padStart(5, '0')}`);
    await store.upsertVisits(
      'o1',
      ids.map((id) => aStoredVisit(id)),
    );
    const read = await store.listUnsettledVisits('o1', '2026-01-31');
    const last = read.at(-1)!;
    expect(await store.commitPayRun('o1', aPayRun('pr1', [last.id]), [last.seq!])).toMatchObject({ status: 'created' });
    expect(
      await store.commitPayRun(
        'o1',
        aPayRun(
          'pr2',
          read.map((v) => v.id),
        ),
        read.map((v) => v.seq!),
      ),
    ).toEqual({ status: 'conflict', visitIds: [last.id] });
    const rest = read.slice(0, -1);
    expect(
      await store.commitPayRun(
        'o1',
        aPayRun(
          'pr2',
          rest.map((v) => v.id),
        ),
        rest.map((v) => v.seq!),
      ),
    ).toMatchObject({ status: 'created' });
    const visits = await store.listVisits('o1', {});
    expect(visits.filter((v) => v.payRunId === 'pr2').length).toBe(8_199);
    expect(visits.find((v) => v.id === last.id)?.payRunId).toBe('pr1');
    await store.close();
  });

  it('copies the write-ahead log into the file in the background', async () => {
    const file = join(dir, 'checkpoint.db');
    const store = openSqliteStore(file);
    await store.insertOrg(anOrg('o1'));
    const before = statSync(file).size;
    // About 3 MB in one commit: under SQLite's own checkpoint size here (64 MB), so the file
    // grows only if the background checkpoint copies the pages in.
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      id: `a${i}`,
      at: '2026-01-01T00:00:00.000Z',
      actor: 'cli',
      action: 'read' as const,
      recordType: 'visit' as const,
      recordId: `v${i}`,
      detail: 'x'.repeat(100),
    }));
    await store.appendAudit('o1', entries);
    // However long the worker takes on a busy machine: the test's own timeout is the only limit.
    while (statSync(file).size <= before + 2_000_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.listAudit('o1', { limit: 20_000 })).length).toBe(20_000);
    await store.close();
    // Closed, the store's connection was the last: the log is folded in and gone, the file whole on its own.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const copy = join(dir, 'checkpoint-copy.db');
    copyFileSync(file, copy);
    const reopened = new DatabaseSync(copy, { readOnly: true });
    expect(reopened.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(reopened.prepare("SELECT count(*) AS n FROM audit WHERE org_id = 'o1'").get()).toEqual({ n: 20_000 });
    reopened.close();
  });

  it('opens a new file while another process holds it locked, waiting instead of failing (two CLI runs at once)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'visitledger-lock-')), 'busy.db');
    new DatabaseSync(file).close(); // a fresh file, not in WAL mode yet: opening the store switches it
    // Another connection, on another thread, holds an exclusive lock for 300 ms.
    const worker = new Worker(
      `
      const { DatabaseSync } = require('node:sqlite');
      const { parentPort, workerData } = require('node:worker_threads');
      const db = new DatabaseSync(workerData);
      db.exec('BEGIN EXCLUSIVE');
      parentPort.postMessage('locked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      db.exec('COMMIT');
      db.close();
    `,
      { eval: true, workerData: file },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    const store = openSqliteStore(file);
    expect(await store.insertOrg(anOrg('waited'))).toBe('created');
    await store.close();
    await worker.terminate();
  });

  it('keeps the audit log append-only even for SQL run by hand', async () => {
    const file = join(dir, 'audit.db');
    const store = openSqliteStore(file);
    await store.appendAudit('o1', [
      { id: 'a1', at: '2026-01-01T00:00:00.000Z', actor: 'cli', action: 'read', recordType: 'visit', recordId: 'v1' },
    ]);
    await store.close();
    const raw = new DatabaseSync(file);
    expect(() => raw.exec("UPDATE audit SET actor = 'someone else'")).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM audit')).toThrow(/append-only/);
    raw.close();
  });
});
