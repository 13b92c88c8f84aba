/**
 * The default store: one SQLite file through node:sqlite. node:sqlite is synchronous, so
 * each method runs its statements without yielding to the event loop: a transaction can
 * never interleave with another request of this process. Other processes on the same file
 * (the CLI next to a running server) are kept apart by BEGIN IMMEDIATE and a busy timeout.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { invoiceLine, invoiceNumber, payStatementLine, type Agency, type BillRate, type CreditNote, type PayRate, type Payment, type PayStatement } from '../../../../shared/index.ts';
import { packRows, unpackRows, type PackedLines } from './packed-rows.ts';
import {
  SETTLED_OUTSIDE, type ApiKeyRecord, type AuditEntry, type BillingVisit, type DocumentStore, type IdentityStore, type PortalStore, type MemberRecord, type CloseCommit, type CloseOutcome, type CycleRecord, type OrgRecord,
  type PaymentQuery, type PayRunOutcome, type PayRunRecord, type PayRunStatus, type Store, type StoredInvoice, type StoredTherapist, type StoredVisit, type UnsettledVisit, type UpsertVisitsOutcome, type VisitQuery,
} from '../port.ts';
import { sqliteDocuments } from './documents.ts';
import { sqlitePortal } from './portal.ts';
import { sqlitePayouts } from './payouts.ts';
import type { PayoutStore } from '../payouts-port.ts';
import { MIGRATIONS } from './migrations.ts';
import { checkpointInBackground } from './checkpointer.ts';
import { crashPoint } from '../../faults/crash-points.ts';
import { cachedStatements } from './statements.ts';

type Row = Record<string, SQLInputValue>;

export function openSqliteStore(file: string): Store & IdentityStore & DocumentStore & PortalStore & PayoutStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  // The busy timeout first: switching to WAL takes a lock, and another process opening the same
  // file at that moment (two CLI runs at once) would otherwise fail at once with "database is locked".
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -131072;');
  // Checkpoints run in the background (checkpointer.ts); SQLite's own, in the commit, only past a 64 MB log.
  db.exec('PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;');
  migrate(db);
  const stopCheckpoints = file === ':memory:' ? async () => {} : checkpointInBackground(file);

  const stmt = cachedStatements(db);
  const all = (sql: string, ...params: SQLInputValue[]) => stmt(sql).all(...params) as Row[];
  const get = (sql: string, ...params: SQLInputValue[]) => stmt(sql).get(...params) as Row | undefined;
  const run = (sql: string, ...params: SQLInputValue[]) => stmt(sql).run(...params);
  const docs = <T>(rows: Row[]) => rows.map((r) => JSON.parse(r.doc as string) as T);
  const doc = <T>(row: Row | undefined) => (row ? (JSON.parse(row.doc as string) as T) : null);

  function transaction<T>(fn: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * The marks name an invoice by its sequence in the org and a pay run by its seq (migration 8);
   * both start at 1, and 0 in a mark stands for SETTLED_OUTSIDE.
   */
  const SETTLED_MARK = 0;
  /**
   * A withdrawn visit's row is deleted and its seq keeps a mark of -1 in both columns, so a
   * close that read it before and marks by that seq meets a taken mark (a conflict) instead
   * of billing a visit that is gone. Seqs are never reused (AUTOINCREMENT).
   */
  const WITHDRAWN_MARK = -1;
  /** Visits with the invoice and pay run they belong to. */
  const VISIT_SELECT = `SELECT v.*,
      CASE m.invoice_seq WHEN ${SETTLED_MARK} THEN '${SETTLED_OUTSIDE}' ELSE i.id END AS invoice_id,
      CASE m.pay_run_seq WHEN ${SETTLED_MARK} THEN '${SETTLED_OUTSIDE}' ELSE p.id END AS pay_run_id
    FROM visits v LEFT JOIN visit_marks m ON m.visit_seq = v.seq
    LEFT JOIN invoices i ON i.org_id = v.org_id AND i.sequence = m.invoice_seq
    LEFT JOIN pay_runs p ON p.seq = m.pay_run_seq`;

  /** `byKey`: filter by the agency and therapist keys, which the close's covering index holds (migration 9). */
  function visitFilter(orgId: string, query: VisitQuery, byKey = false): { where: string; params: SQLInputValue[] } {
    const where = ['v.org_id = ?'];
    const params: SQLInputValue[] = [orgId];
    // Not correlated with the row: SQLite looks the key up once per query.
    const byColumn = (column: string, id: string) => {
      if (byKey) { where.push(`v.${column}_key = (SELECT key FROM id_keys WHERE org_id = ? AND id = ?)`); params.push(orgId, id); }
      else { where.push(`v.${column}_id = ?`); params.push(id); }
    };
    if (query.agencyId !== undefined) byColumn('agency', query.agencyId);
    if (query.therapistId !== undefined) byColumn('therapist', query.therapistId);
    if (query.billed !== undefined) where.push(query.billed ? 'm.invoice_seq IS NOT NULL' : 'm.invoice_seq IS NULL');
    if (query.paid !== undefined) where.push(query.paid ? 'm.pay_run_seq IS NOT NULL' : 'm.pay_run_seq IS NULL');
    if (query.dateFrom !== undefined) { where.push('v.date >= ?'); params.push(query.dateFrom); }
    if (query.dateTo !== undefined) { where.push('v.date <= ?'); params.push(query.dateTo); }
    return { where: where.join(' AND '), params };
  }

  const visitFromRow = (r: Row): StoredVisit => ({
    id: r.id as string,
    clientId: r.client_id as string,
    agencyId: r.agency_id as string,
    therapistId: r.therapist_id as string,
    date: r.date as string,
    discipline: r.discipline as StoredVisit['discipline'],
    visitType: r.visit_type as string,
    noteDone: r.note_done === 1,
    patient: r.patient as string,
    patientHasMrn: r.patient_has_mrn === 1,
    dupKey: r.dup_key as string,
    receivedAt: r.received_at as string,
    invoiceId: (r.invoice_id as string | null) ?? null,
    payRunId: (r.pay_run_id as string | null) ?? null,
  });

  /** What a close or a pay run reads of a visit, as arrays, not objects: a close reads 100,000 of these. */
  const BILLING_COLUMNS = 'v.id, v.agency_key, v.therapist_key, v.date, v.discipline, v.visit_type, v.note_done, v.patient_has_mrn, v.seq';
  function billingRows<T>(sql: string, params: SQLInputValue[], from: (row: SQLInputValue[]) => T): T[] {
    const statement = stmt(sql);
    statement.setReturnArrays(true);
    // Row by row: each row's array dies young instead of 100,000 of them outliving the read.
    const out: T[] = [];
    for (const row of statement.iterate(...params)) out.push(from(row as unknown as SQLInputValue[]));
    return out;
  }
  /**
   * A reader of billing rows. The agency and therapist come as keys, turned back into the org's
   * ids (id_keys, read once); it keeps one copy of each other repeated value (date, discipline,
   * visit type): SQLite hands over a new string per row, and a close keeps 100,000 rows.
   * Each visit carries its seq, which the close hands back to mark it (claimVisits).
   */
  function billingVisitReader(orgId: string): (r: SQLInputValue[]) => BillingVisit;
  function billingVisitReader(orgId: string, marks: 'with-marks'): (r: SQLInputValue[]) => UnsettledVisit;
  function billingVisitReader(orgId: string, marks?: 'with-marks'): (r: SQLInputValue[]) => BillingVisit | UnsettledVisit {
    const ids = new Map(all('SELECT key, id FROM id_keys WHERE org_id = ?', orgId).map((r) => [Number(r.key), r.id as string]));
    const idOf = (key: SQLInputValue): string => {
      const id = ids.get(key as number);
      // Never guessed: a visit without its keys is a broken store, and billing it could bill the wrong agency.
      if (id === undefined) throw new Error(`a visit of org ${orgId} names agency or therapist key ${String(key)}, which id_keys does not have`);
      return id;
    };
    const seen = new Map<SQLInputValue, string>();
    const one = (value: SQLInputValue): string => {
      const known = seen.get(value);
      if (known !== undefined) return known;
      seen.set(value, value as string);
      return value as string;
    };
    // The flags and the seq are in the literal: added afterwards, each object would grow a second allocation.
    if (marks) {
      return (r) => ({
        id: r[0] as string, agencyId: idOf(r[1]!), therapistId: idOf(r[2]!), date: one(r[3]!),
        discipline: one(r[4]!) as BillingVisit['discipline'], visitType: one(r[5]!), noteDone: r[6] === 1, patientHasMrn: r[7] === 1,
        seq: r[8] as number, billed: r[9] === 1, paid: r[10] === 1,
      });
    }
    return (r) => ({
      id: r[0] as string, agencyId: idOf(r[1]!), therapistId: idOf(r[2]!), date: one(r[3]!),
      discipline: one(r[4]!) as BillingVisit['discipline'], visitType: one(r[5]!), noteDone: r[6] === 1, patientHasMrn: r[7] === 1,
      seq: r[8] as number,
    });
  }

  /** How many lines a commit marks, and their visit ids in line order, made only when needed (a close has 100,000). */
  type LineVisits = { count: number; visitIds: () => readonly string[] };

  /** The visits' seqs in ascending order, found by id; ids that name no visit of the org come back in `unknown`. */
  function seqsById(orgId: string, visitIds: readonly string[]): { seqs: Float64Array; unknown: string[]; idBySeq: Map<number, string> } {
    // CROSS JOIN keeps the ids the outer loop: each is one probe of the (org_id, id) index.
    const rows = all('SELECT j.value AS id, v.seq FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value', JSON.stringify(visitIds), orgId);
    const idBySeq = new Map(rows.map((r) => [Number(r.seq), r.id as string]));
    const seqById = new Map(rows.map((r) => [r.id as string, Number(r.seq)]));
    const seqs = new Float64Array(visitIds.length);
    let found = 0;
    const unknown: string[] = [];
    for (const id of visitIds) {
      const seq = seqById.get(id);
      if (seq === undefined) unknown.push(id);
      else seqs[found++] = seq;
    }
    return { seqs: seqs.subarray(0, found).sort(), unknown, idBySeq };
  }

  /** Invoices and pay runs keep their long line lists packed in columns (packed-rows.ts). */
  const INVOICE_LINE_KEYS = Object.keys(invoiceLine.shape) as (keyof StoredInvoice['lines'][number])[];
  const PAY_LINE_KEYS = Object.keys(payStatementLine.shape) as (keyof PayStatement['lines'][number])[];
  const invoiceDoc = (invoice: StoredInvoice) => JSON.stringify({ ...invoice, lines: packRows(invoice.lines, INVOICE_LINE_KEYS) });
  const invoiceFrom = (row: Row | undefined): StoredInvoice | null => {
    const stored = doc<Omit<StoredInvoice, 'lines'> & { lines: PackedLines }>(row);
    return stored ? { ...stored, lines: unpackRows(stored.lines) } : null;
  };
  /** A pay run's row: all but its statements, which are rows of pay_statements (migration 10). */
  type PayRunHeader = Omit<PayRunRecord, 'statements'> & { statementCount: number };
  const payRunHeaderDoc = ({ statements, ...header }: PayRunRecord) => JSON.stringify({ ...header, statementCount: statements.length });
  const payStatementDoc = (statement: PayStatement) => JSON.stringify({ ...statement, lines: packRows(statement.lines, PAY_LINE_KEYS) });
  const payRunFrom = (orgId: string, row: Row | undefined): PayRunRecord | null => {
    const stored = doc<PayRunHeader>(row);
    if (!stored) return null;
    const { statementCount, ...header } = stored;
    const statements = all('SELECT doc FROM pay_statements WHERE org_id = ? AND pay_run_id = ? ORDER BY position', orgId, header.id).map((r) => {
      const statement = JSON.parse(r.doc as string) as Omit<PayStatement, 'lines'> & { lines: PackedLines };
      return { ...statement, lines: unpackRows<PayStatement['lines'][number]>(statement.lines) };
    });
    // Written in one transaction with their pay run: fewer is a broken file, and paying from it would underpay.
    if (statements.length !== statementCount) throw new Error(`pay run ${header.id} of org ${orgId} has ${statements.length} of its ${statementCount} statements`);
    return { ...header, statements };
  };
  const invoicesOfCycle = (orgId: string, cycleId: string) =>
    all('SELECT doc FROM invoices WHERE org_id = ? AND cycle_id = ? ORDER BY sequence', orgId, cycleId).map((r) => invoiceFrom(r)!);

  /**
   * Marks visits as billed on an invoice (its sequence) or paid in a pay run (its seq); returns
   * the ids that were already taken by another (or do not exist). The seqs go in ascending, so
   * the marks' b-tree grows at its end instead of splitting pages all over.
   */
  function claimVisits(orgId: string, column: 'invoice_seq' | 'pay_run_seq', owner: number, lines: LineVisits, visitSeqs: readonly number[] | undefined): string[] {
    // The caller's seqs when it has one per line (a seq never changes owner: seqs are never
    // reused, and a withdrawn visit's seq keeps a mark), else the lines' visits found by id.
    const byId = visitSeqs !== undefined && visitSeqs.length === lines.count ? null : seqsById(orgId, lines.visitIds());
    const seqs = byId ? byId.seqs : Float64Array.from(visitSeqs!).sort();
    let changes = 0;
    for (const seqList of jsonChunks(seqs)) {
      changes += Number(run(
        `INSERT INTO visit_marks (visit_seq, ${column}) SELECT j.value, ? FROM json_each(?) j WHERE true
         ON CONFLICT (visit_seq) DO UPDATE SET ${column} = excluded.${column} WHERE visit_marks.${column} IS NULL`,
        owner, seqList,
      ).changes);
    }
    if ((byId === null || byId.unknown.length === 0) && changes === lines.count) return [];
    // Fewer marks than visits (rare): some were taken already, by this owner (a repeat), by
    // another, or by a withdrawal (the visit is gone, its seq keeps the mark). Named through the
    // lines' own ids: the caller's seqs come in any order, not the lines'.
    const named = byId ?? seqsById(orgId, lines.visitIds());
    const taken = Array.from(jsonChunks(seqs), (seqList) => all(
      `SELECT m.visit_seq FROM json_each(?) j CROSS JOIN visit_marks m ON m.visit_seq = j.value WHERE m.${column} IS NOT ?`,
      seqList, owner,
    ).map((r) => named.idBySeq.get(Number(r.visit_seq)))).flat();
    // A withdrawn visit has no row to name it by seq: it is among the unknown ids.
    return [...named.unknown, ...taken.filter((id) => id !== undefined)];
  }

  /**
   * The seqs as JSON lists of at most 8,192 each, for json_each, made one at a time. One list
   * of 100,000 would be a 0.7 MB string, and every large object takes fresh pages from the
   * system, where the small lists reuse the young generation's memory.
   */
  function* jsonChunks(seqs: Float64Array): Generator<string> {
    for (let i = 0; i < seqs.length; i += 8192) yield JSON.stringify(Array.from(seqs.subarray(i, i + 8192)));
  }

  class Rollback extends Error {
    readonly visitIds: string[];
    constructor(visitIds: string[]) {
      super('rollback');
      this.visitIds = visitIds;
    }
  }

  /** Closes one cycle inside the caller's transaction; throws Rollback on a visit billed elsewhere. */
  function closeOne(orgId: string, commit: CloseCommit): CloseOutcome {
    const existing = doc<CycleRecord>(get('SELECT doc FROM cycles WHERE org_id = ? AND id = ?', orgId, commit.cycle.id));
    if (existing?.status === 'closed') return { status: 'already-closed', cycle: existing, invoices: invoicesOfCycle(orgId, existing.id) };
    // The numbers first: the counter moves past every invoice of the cycle, which then take them in order.
    const last = get("SELECT value FROM counters WHERE org_id = ? AND name = 'invoice'", orgId);
    let sequence = last ? Number(last.value) : 0;
    run("INSERT INTO counters (org_id, name, value) VALUES (?, 'invoice', ?) ON CONFLICT (org_id, name) DO UPDATE SET value = excluded.value", orgId, sequence + commit.invoices.length);
    crashPoint('close.numbers-reserved');
    const prefix = (doc<OrgRecord>(get('SELECT doc FROM orgs WHERE id = ?', orgId))?.settings.invoicePrefix) ?? 'INV';
    const invoices: StoredInvoice[] = [];
    for (const [i, draft] of commit.invoices.entries()) {
      sequence += 1;
      const invoice: StoredInvoice = { ...draft, sequence, number: invoiceNumber(prefix, sequence) };
      const taken = claimVisits(orgId, 'invoice_seq', sequence, { count: invoice.lines.length, visitIds: () => invoice.lines.map((l) => l.visitId) }, commit.visitSeqs?.[i]);
      if (taken.length > 0) throw new Rollback(taken);
      crashPoint('close.visits-marked');
      run('INSERT INTO invoices (org_id, id, sequence, cycle_id, agency_id, doc) VALUES (?, ?, ?, ?, ?, ?)',
        orgId, invoice.id, sequence, invoice.cycleId, invoice.agencyId, invoiceDoc(invoice));
      crashPoint('close.invoice-written');
      invoices.push(invoice);
    }
    const cycle: CycleRecord = {
      id: commit.cycle.id, scope: commit.cycle.scope, start: commit.cycle.period.start, end: commit.cycle.period.end,
      status: 'closed', invoiceIds: invoices.map((i) => i.id), closedAt: commit.closedAt,
    };
    run('INSERT OR REPLACE INTO cycles (org_id, id, doc) VALUES (?, ?, ?)', orgId, cycle.id, JSON.stringify(cycle));
    crashPoint('close.cycle-written');
    return { status: 'closed', cycle, invoices };
  }

  const store: Store & IdentityStore & DocumentStore & PortalStore & PayoutStore = {
    kind: 'sqlite',
    ...sqliteDocuments(db),
    ...sqlitePortal(db),
    ...sqlitePayouts(db),
    async close() {
      await stopCheckpoints();
      db.close();
    },

    async insertOrg(org) {
      const result = run('INSERT OR IGNORE INTO orgs (id, doc) VALUES (?, ?)', org.id, JSON.stringify(org));
      return Number(result.changes) === 1 ? 'created' : 'exists';
    },
    async getOrg(orgId) {
      return doc<OrgRecord>(get('SELECT doc FROM orgs WHERE id = ?', orgId));
    },
    async updateOrg(org) {
      run('UPDATE orgs SET doc = ? WHERE id = ?', JSON.stringify(org), org.id);
    },

    async putAgencies(orgId, agencies) {
      transaction(() => {
        for (const a of agencies) run('INSERT OR REPLACE INTO agencies (org_id, id, doc) VALUES (?, ?, ?)', orgId, a.id, JSON.stringify(a));
      });
    },
    async listAgencies(orgId) {
      return docs<Agency>(all('SELECT doc FROM agencies WHERE org_id = ? ORDER BY id', orgId));
    },
    async putTherapists(orgId, therapists) {
      transaction(() => {
        for (const t of therapists) run('INSERT OR REPLACE INTO therapists (org_id, id, doc) VALUES (?, ?, ?)', orgId, t.id, JSON.stringify(t));
      });
    },
    async listTherapists(orgId) {
      return docs<StoredTherapist>(all('SELECT doc FROM therapists WHERE org_id = ? ORDER BY id', orgId));
    },

    async putBillRates(orgId, rates) {
      transaction(() => {
        for (const r of rates) {
          run('INSERT OR REPLACE INTO bill_rates (org_id, agency_id, discipline, visit_type, effective_from, cents) VALUES (?, ?, ?, ?, ?, ?)',
            orgId, r.agencyId, r.discipline, r.visitType, r.effectiveFrom, r.cents);
        }
      });
    },
    async listBillRates(orgId) {
      return all('SELECT * FROM bill_rates WHERE org_id = ? ORDER BY agency_id, discipline, visit_type, effective_from', orgId).map((r): BillRate => ({
        agencyId: r.agency_id as string, discipline: r.discipline as BillRate['discipline'], visitType: r.visit_type as string,
        effectiveFrom: r.effective_from as string, cents: Number(r.cents),
      }));
    },
    async putPayRates(orgId, rates) {
      transaction(() => {
        for (const r of rates) {
          run('INSERT OR REPLACE INTO pay_rates (org_id, therapist_id, agency_id, discipline, visit_type, effective_from, cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
            orgId, r.therapistId, r.agencyId ?? '', r.discipline, r.visitType, r.effectiveFrom, r.cents);
        }
      });
    },
    async listPayRates(orgId) {
      return all('SELECT * FROM pay_rates WHERE org_id = ? ORDER BY therapist_id, agency_id, discipline, visit_type, effective_from', orgId).map((r): PayRate => ({
        therapistId: r.therapist_id as string, ...(r.agency_id ? { agencyId: r.agency_id as string } : {}),
        discipline: r.discipline as PayRate['discipline'], visitType: r.visit_type as string,
        effectiveFrom: r.effective_from as string, cents: Number(r.cents),
      }));
    },

    async getVisitsByClientId(orgId, clientIds) {
      return all(`${VISIT_SELECT} WHERE v.org_id = ? AND v.client_id IN (SELECT value FROM json_each(?))`, orgId, JSON.stringify(clientIds)).map(visitFromRow);
    },
    async getVisits(orgId, ids) {
      return all(`${VISIT_SELECT} WHERE v.org_id = ? AND v.id IN (SELECT value FROM json_each(?))`, orgId, JSON.stringify(ids)).map(visitFromRow);
    },
    async findVisitsByDupKey(orgId, dupKeys) {
      return all('SELECT id, dup_key FROM visits WHERE org_id = ? AND dup_key IN (SELECT value FROM json_each(?))', orgId, JSON.stringify(dupKeys))
        .map((r) => ({ id: r.id as string, dupKey: r.dup_key as string }));
    },

    async upsertVisits(orgId, visits): Promise<UpsertVisitsOutcome> {
      return transaction(() => {
        const written: string[] = [];
        const locked: string[] = [];
        // Every agency and therapist id of the batch gets its key first (migration 9).
        const named = new Set<string>();
        for (const v of visits) named.add(v.agencyId).add(v.therapistId);
        run('INSERT OR IGNORE INTO id_keys (org_id, id) SELECT ?, value FROM json_each(?)', orgId, JSON.stringify([...named]));
        for (const v of visits) {
          // The upsert skips a row that is billed: once on an issued invoice, the service is authoritative.
          // Each key is looked up from the same parameter as its id, so the two cannot disagree.
          const result = run(
            `INSERT INTO visits (org_id, id, client_id, agency_id, therapist_id, date, discipline, visit_type, note_done, patient, patient_has_mrn, dup_key, received_at, agency_key, therapist_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
               (SELECT key FROM id_keys WHERE org_id = ?1 AND id = ?4), (SELECT key FROM id_keys WHERE org_id = ?1 AND id = ?5))
             ON CONFLICT (org_id, id) DO UPDATE SET
               agency_id = excluded.agency_id, therapist_id = excluded.therapist_id, agency_key = excluded.agency_key, therapist_key = excluded.therapist_key, date = excluded.date,
               discipline = excluded.discipline, visit_type = excluded.visit_type, note_done = excluded.note_done,
               patient = excluded.patient, patient_has_mrn = excluded.patient_has_mrn, dup_key = excluded.dup_key
             WHERE visits.client_id = excluded.client_id
               AND NOT EXISTS (SELECT 1 FROM visit_marks m WHERE m.visit_seq = visits.seq AND m.invoice_seq IS NOT NULL)`,
            orgId, v.id, v.clientId, v.agencyId, v.therapistId, v.date, v.discipline, v.visitType, v.noteDone ? 1 : 0,
            v.patient, v.patientHasMrn ? 1 : 0, v.dupKey, v.receivedAt,
          );
          (Number(result.changes) === 1 ? written : locked).push(v.id);
        }
        crashPoint('visits.batch-written');
        return { written, locked };
      });
    },
    async listVisits(orgId, query: VisitQuery) {
      const { where, params } = visitFilter(orgId, query);
      return all(`${VISIT_SELECT} WHERE ${where} ORDER BY v.date, v.id`, ...params).map(visitFromRow);
    },
    async listBillingVisits(orgId, query: VisitQuery) {
      const { where, params } = visitFilter(orgId, query, true);
      // Join only what the filter needs. The order is the visits_close index's, so it costs no sort,
      // and the billing core's sorts find visits of one date already in id order (sortByNumber).
      const join = query.billed !== undefined || query.paid !== undefined ? 'LEFT JOIN visit_marks m ON m.visit_seq = v.seq' : '';
      return billingRows(`SELECT ${BILLING_COLUMNS} FROM visits v ${join} WHERE ${where} ORDER BY v.date, v.id`, params, billingVisitReader(orgId));
    },
    async listUnsettledVisits(orgId, dateTo) {
      return billingRows(
        `SELECT ${BILLING_COLUMNS}, m.invoice_seq IS NOT NULL, m.pay_run_seq IS NOT NULL FROM visits v
         LEFT JOIN visit_marks m ON m.visit_seq = v.seq
         WHERE v.org_id = ? AND v.date <= ? AND (m.invoice_seq IS NULL OR m.pay_run_seq IS NULL) ORDER BY v.date, v.id`,
        [orgId, dateTo],
        billingVisitReader(orgId, 'with-marks'),
      );
    },

    async markSettledOutside(orgId, visitIds) {
      run(
        `INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq)
         SELECT v.seq, ?, ? FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value WHERE true
         ON CONFLICT (visit_seq) DO UPDATE SET invoice_seq = excluded.invoice_seq, pay_run_seq = excluded.pay_run_seq
         WHERE visit_marks.invoice_seq IS NULL AND visit_marks.pay_run_seq IS NULL`,
        SETTLED_MARK, SETTLED_MARK, JSON.stringify(visitIds), orgId,
      );
    },

    async withdrawVisits(orgId, visitIds) {
      return transaction(() => {
        const found = all(
          `SELECT v.id, v.seq, m.invoice_seq IS NOT NULL OR m.pay_run_seq IS NOT NULL AS settled
           FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value LEFT JOIN visit_marks m ON m.visit_seq = v.seq`,
          JSON.stringify([...new Set(visitIds)]), orgId,
        );
        const open = found.filter((r) => r.settled === 0);
        const seqs = JSON.stringify(open.map((r) => Number(r.seq)));
        run(`INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq) SELECT j.value, ?, ? FROM json_each(?) j WHERE true
             ON CONFLICT (visit_seq) DO UPDATE SET invoice_seq = excluded.invoice_seq, pay_run_seq = excluded.pay_run_seq`, WITHDRAWN_MARK, WITHDRAWN_MARK, seqs);
        run('DELETE FROM visits WHERE seq IN (SELECT value FROM json_each(?))', seqs);
        return { withdrawn: open.map((r) => r.id as string), locked: found.filter((r) => r.settled !== 0).map((r) => r.id as string) };
      });
    },

    async getCycle(orgId, cycleId) {
      return doc<CycleRecord>(get('SELECT doc FROM cycles WHERE org_id = ? AND id = ?', orgId, cycleId));
    },
    async listCycles(orgId) {
      return docs<CycleRecord>(all('SELECT doc FROM cycles WHERE org_id = ? ORDER BY id', orgId));
    },
    async commitClose(orgId, commit: CloseCommit): Promise<CloseOutcome> {
      return (await store.commitCloses(orgId, [commit]))[0]!;
    },
    async commitCloses(orgId, commits): Promise<CloseOutcome[]> {
      // One transaction for all: a month's close writes each touched page once, and a
      // conflict on any visit leaves every cycle as it was.
      try {
        return transaction(() => commits.map((commit) => closeOne(orgId, commit)));
      } catch (error) {
        if (error instanceof Rollback) return commits.map(() => ({ status: 'conflict', visitIds: error.visitIds }));
        throw error;
      }
    },
    async getInvoice(orgId, invoiceId) {
      return invoiceFrom(get('SELECT doc FROM invoices WHERE org_id = ? AND id = ?', orgId, invoiceId));
    },
    async listInvoices(orgId, query) {
      const where = ['org_id = ?'];
      const params: SQLInputValue[] = [orgId];
      if (query.agencyId !== undefined) { where.push('agency_id = ?'); params.push(query.agencyId); }
      if (query.cycleId !== undefined) { where.push('cycle_id = ?'); params.push(query.cycleId); }
      return all(`SELECT doc FROM invoices WHERE ${where.join(' AND ')} ORDER BY sequence`, ...params).map((r) => invoiceFrom(r)!);
    },
    async voidInvoice(orgId, invoiceId, voided) {
      return transaction(() => {
        const invoice = invoiceFrom(get('SELECT doc FROM invoices WHERE org_id = ? AND id = ?', orgId, invoiceId));
        if (!invoice || invoice.status === 'void') return invoice;
        const updated: StoredInvoice = { ...invoice, status: 'void', voidedOn: voided.on, voidReason: voided.reason };
        run('UPDATE invoices SET doc = ? WHERE org_id = ? AND id = ?', invoiceDoc(updated), orgId, invoiceId);
        // By the invoice's own visits: the marks have no index by invoice (migrations 6 and 7).
        run(`UPDATE visit_marks SET invoice_seq = NULL
             WHERE invoice_seq = ? AND visit_seq IN (SELECT v.seq FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value)`,
          invoice.sequence, JSON.stringify(invoice.lines.map((l) => l.visitId)), orgId);
        return updated;
      });
    },
    async insertCreditNote(orgId, note) {
      const result = run('INSERT OR IGNORE INTO credit_notes (org_id, id, invoice_id, number, doc) VALUES (?, ?, ?, ?, ?)',
        orgId, note.id, note.invoiceId, note.number, JSON.stringify(note));
      return Number(result.changes) === 1 ? 'created' : 'number-taken';
    },
    async listCreditNotes(orgId, invoiceId) {
      return invoiceId === undefined
        ? docs<CreditNote>(all('SELECT doc FROM credit_notes WHERE org_id = ? ORDER BY number', orgId))
        : docs<CreditNote>(all('SELECT doc FROM credit_notes WHERE org_id = ? AND invoice_id = ? ORDER BY number', orgId, invoiceId));
    },

    async commitPayRun(orgId, payRun, visitSeqs): Promise<PayRunOutcome> {
      try {
        return transaction((): PayRunOutcome => {
          const existing = payRunFrom(orgId, get('SELECT doc FROM pay_runs WHERE org_id = ? AND id = ?', orgId, payRun.id));
          if (existing) return { status: 'already-exists', payRun: existing };
          // The row first: its seq is what the marks name (a conflict rolls all of it back).
          const inserted = run('INSERT INTO pay_runs (org_id, id, status, doc) VALUES (?, ?, ?, ?)', orgId, payRun.id, payRun.status, payRunHeaderDoc(payRun));
          crashPoint('payrun.header-written');
          for (const [position, statement] of payRun.statements.entries()) {
            run('INSERT INTO pay_statements (org_id, pay_run_id, position, doc) VALUES (?, ?, ?, ?)', orgId, payRun.id, position, payStatementDoc(statement));
          }
          crashPoint('payrun.statements-written');
          const lines = { count: payRun.statements.reduce((n, s) => n + s.lines.length, 0), visitIds: () => payRun.statements.flatMap((s) => s.lines.map((l) => l.visitId)) };
          const taken = claimVisits(orgId, 'pay_run_seq', Number(inserted.lastInsertRowid), lines, visitSeqs);
          if (taken.length > 0) throw new Rollback(taken);
          crashPoint('payrun.visits-marked');
          return { status: 'created', payRun };
        });
      } catch (error) {
        if (error instanceof Rollback) return { status: 'conflict', visitIds: error.visitIds };
        throw error;
      }
    },
    async getPayRun(orgId, payRunId) {
      return payRunFrom(orgId, get('SELECT doc FROM pay_runs WHERE org_id = ? AND id = ?', orgId, payRunId));
    },
    async listPayRuns(orgId) {
      return all('SELECT doc FROM pay_runs WHERE org_id = ? ORDER BY id', orgId).map((r) => payRunFrom(orgId, r)!);
    },
    async setPayRunStatus(orgId, payRunId, from: PayRunStatus, to: PayRunStatus, at) {
      return transaction(() => {
        // The header alone: the statements do not change with the status.
        const header = doc<PayRunHeader>(get('SELECT doc FROM pay_runs WHERE org_id = ? AND id = ?', orgId, payRunId));
        if (!header || header.status !== from) return false;
        const updated: PayRunHeader = { ...header, status: to, ...(to === 'approved' ? { approvedAt: at } : {}) };
        run('UPDATE pay_runs SET status = ?, doc = ? WHERE org_id = ? AND id = ?', to, JSON.stringify(updated), orgId, payRunId);
        return true;
      });
    },

    async insertPayment(orgId, payment) {
      const result = run('INSERT OR IGNORE INTO payments (org_id, id, therapist_id, pay_run_id, paid_on, status, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
        orgId, payment.id, payment.therapistId, payment.payRunId ?? null, payment.paidOn, payment.status, JSON.stringify(payment));
      return Number(result.changes) === 1 ? 'created' : 'exists';
    },
    async getPayment(orgId, paymentId) {
      return doc<Payment>(get('SELECT doc FROM payments WHERE org_id = ? AND id = ?', orgId, paymentId));
    },
    async updatePayment(orgId, payment, expectedStatus) {
      const result = run('UPDATE payments SET status = ?, paid_on = ?, doc = ? WHERE org_id = ? AND id = ? AND status = ?',
        payment.status, payment.paidOn, JSON.stringify(payment), orgId, payment.id, expectedStatus);
      return Number(result.changes) === 1;
    },
    async listPayments(orgId, query: PaymentQuery) {
      const where = ['org_id = ?'];
      const params: SQLInputValue[] = [orgId];
      if (query.therapistId !== undefined) { where.push('therapist_id = ?'); params.push(query.therapistId); }
      if (query.payRunId !== undefined) { where.push('pay_run_id = ?'); params.push(query.payRunId); }
      if (query.paidFrom !== undefined) { where.push('paid_on >= ?'); params.push(query.paidFrom); }
      if (query.paidTo !== undefined) { where.push('paid_on <= ?'); params.push(query.paidTo); }
      return docs<Payment>(all(`SELECT doc FROM payments WHERE ${where.join(' AND ')} ORDER BY paid_on, id`, ...params));
    },

    async appendAudit(orgId, entries) {
      // One statement for the whole list: a batch of 10,000 visits writes 10,000 entries.
      run(
        `INSERT INTO audit (org_id, id, at, actor, action, record_type, record_id, detail)
         SELECT ?, j.value ->> 'id', j.value ->> 'at', j.value ->> 'actor', j.value ->> 'action', j.value ->> 'recordType', j.value ->> 'recordId', j.value ->> 'detail'
         FROM json_each(?) j ORDER BY j.key`,
        orgId, JSON.stringify(entries),
      );
    },
    async listAudit(orgId, query) {
      const rows = query.recordId === undefined
        ? all('SELECT * FROM audit WHERE org_id = ? ORDER BY seq DESC LIMIT ?', orgId, query.limit ?? 1000)
        : all('SELECT * FROM audit WHERE org_id = ? AND record_id = ? ORDER BY seq DESC LIMIT ?', orgId, query.recordId, query.limit ?? 1000);
      return rows.reverse().map((r): AuditEntry => ({
        id: r.id as string, at: r.at as string, actor: r.actor as string, action: r.action as AuditEntry['action'],
        recordType: r.record_type as AuditEntry['recordType'], recordId: r.record_id as string,
        ...(r.detail !== null ? { detail: r.detail as string } : {}),
      }));
    },

    async putMember(orgId, member) {
      const m = { ...member, email: member.email.toLowerCase() };
      run('INSERT OR REPLACE INTO members (org_id, email, doc) VALUES (?, ?, ?)', orgId, m.email, JSON.stringify(m));
    },
    async getMember(orgId, email) {
      return doc<MemberRecord>(get('SELECT doc FROM members WHERE org_id = ? AND email = ?', orgId, email.toLowerCase()));
    },
    async listMembers(orgId) {
      return docs<MemberRecord>(all('SELECT doc FROM members WHERE org_id = ? ORDER BY email', orgId));
    },
    async removeMember(orgId, email) {
      return Number(run('DELETE FROM members WHERE org_id = ? AND email = ?', orgId, email.toLowerCase()).changes) === 1;
    },
    async insertApiKey(orgId, key) {
      run('INSERT INTO api_keys (org_id, id, doc) VALUES (?, ?, ?)', orgId, key.id, JSON.stringify(key));
    },
    async getApiKey(orgId, keyId) {
      return doc<ApiKeyRecord>(get('SELECT doc FROM api_keys WHERE org_id = ? AND id = ?', orgId, keyId));
    },
    async listApiKeys(orgId) {
      return docs<ApiKeyRecord>(all('SELECT doc FROM api_keys WHERE org_id = ? ORDER BY id', orgId));
    },
    async revokeApiKey(orgId, keyId, at) {
      return transaction(() => {
        const key = doc<ApiKeyRecord>(get('SELECT doc FROM api_keys WHERE org_id = ? AND id = ?', orgId, keyId));
        if (!key || key.revokedAt) return false;
        run('UPDATE api_keys SET doc = ? WHERE org_id = ? AND id = ?', JSON.stringify({ ...key, revokedAt: at }), orgId, keyId);
        return true;
      });
    },
  };
  return store;
}

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed`, { cause: error });
    }
  }
}
