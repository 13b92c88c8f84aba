/** Closes in SQLite: cycles, the invoices they issue (numbered from the org's counter) and credit notes. */
import type { SQLInputValue } from 'node:sqlite';
import { invoiceLine, invoiceNumber, type CreditNote } from '../../../../shared/index.ts';
import type { CloseCommit, CloseOutcome, CycleRecord, OrgRecord, Store, StoredInvoice } from '../port.ts';
import { crashPoint } from '../../faults/crash-points.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { Rollback, type VisitClaims } from './marks.ts';
import { packRows, unpackRows, type PackedLines } from './packed-rows.ts';

export type SqliteCloses = Pick<
  Store,
  | 'getCycle'
  | 'listCycles'
  | 'commitClose'
  | 'commitCloses'
  | 'getInvoice'
  | 'listInvoices'
  | 'voidInvoice'
  | 'insertCreditNote'
  | 'listCreditNotes'
>;

/** Invoices keep their long line lists packed in columns (packed-rows.ts). */
const INVOICE_LINE_KEYS = Object.keys(invoiceLine.shape) as (keyof StoredInvoice['lines'][number])[];
const invoiceDoc = (invoice: StoredInvoice) => JSON.stringify({ ...invoice, lines: packRows(invoice.lines, INVOICE_LINE_KEYS) });

export function sqliteCloses({ all, get, run, docs, doc, transaction }: SqliteConnection, { claimVisits }: VisitClaims): SqliteCloses {
  const invoiceFrom = (row: Row | undefined): StoredInvoice | null => {
    const stored = doc<Omit<StoredInvoice, 'lines'> & { lines: PackedLines }>(row);
    return stored ? { ...stored, lines: unpackRows(stored.lines) } : null;
  };
  const invoicesOfCycle = (orgId: string, cycleId: string) =>
    all('SELECT doc FROM invoices WHERE org_id = ? AND cycle_id = ? ORDER BY sequence', orgId, cycleId).map((r) => invoiceFrom(r)!);

  /** Closes one cycle inside the caller's transaction; throws Rollback on a visit billed elsewhere. */
  function closeOne(orgId: string, commit: CloseCommit): CloseOutcome {
    const existing = doc<CycleRecord>(get('SELECT doc FROM cycles WHERE org_id = ? AND id = ?', orgId, commit.cycle.id));
    if (existing?.status === 'closed') return { status: 'already-closed', cycle: existing, invoices: invoicesOfCycle(orgId, existing.id) };
    // The numbers first: the counter moves past every invoice of the cycle, which then take them in order.
    const last = get("SELECT value FROM counters WHERE org_id = ? AND name = 'invoice'", orgId);
    let sequence = last ? Number(last.value) : 0;
    run(
      "INSERT INTO counters (org_id, name, value) VALUES (?, 'invoice', ?) ON CONFLICT (org_id, name) DO UPDATE SET value = excluded.value",
      orgId,
      sequence + commit.invoices.length,
    );
    crashPoint('close.numbers-reserved');
    const prefix = doc<OrgRecord>(get('SELECT doc FROM orgs WHERE id = ?', orgId))?.settings.invoicePrefix ?? 'INV';
    const invoices: StoredInvoice[] = [];
    for (const [i, draft] of commit.invoices.entries()) {
      sequence += 1;
      const invoice: StoredInvoice = { ...draft, sequence, number: invoiceNumber(prefix, sequence) };
      const taken = claimVisits(
        orgId,
        'invoice_seq',
        sequence,
        { count: invoice.lines.length, visitIds: () => invoice.lines.map((l) => l.visitId) },
        commit.visitSeqs?.[i],
      );
      if (taken.length > 0) throw new Rollback(taken);
      crashPoint('close.visits-marked');
      run(
        'INSERT INTO invoices (org_id, id, sequence, cycle_id, agency_id, doc) VALUES (?, ?, ?, ?, ?, ?)',
        orgId,
        invoice.id,
        sequence,
        invoice.cycleId,
        invoice.agencyId,
        invoiceDoc(invoice),
      );
      crashPoint('close.invoice-written');
      invoices.push(invoice);
    }
    const cycle: CycleRecord = {
      id: commit.cycle.id,
      scope: commit.cycle.scope,
      start: commit.cycle.period.start,
      end: commit.cycle.period.end,
      status: 'closed',
      invoiceIds: invoices.map((i) => i.id),
      closedAt: commit.closedAt,
    };
    run('INSERT OR REPLACE INTO cycles (org_id, id, doc) VALUES (?, ?, ?)', orgId, cycle.id, JSON.stringify(cycle));
    crashPoint('close.cycle-written');
    return { status: 'closed', cycle, invoices };
  }

  const closes: SqliteCloses = {
    async getCycle(orgId, cycleId) {
      return doc<CycleRecord>(get('SELECT doc FROM cycles WHERE org_id = ? AND id = ?', orgId, cycleId));
    },
    async listCycles(orgId) {
      return docs<CycleRecord>(all('SELECT doc FROM cycles WHERE org_id = ? ORDER BY id', orgId));
    },
    async commitClose(orgId, commit: CloseCommit): Promise<CloseOutcome> {
      return (await closes.commitCloses(orgId, [commit]))[0]!;
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
    async listInvoices(orgId, query, page) {
      const where = ['org_id = ?'];
      const params: SQLInputValue[] = [orgId];
      if (query.agencyId !== undefined) {
        where.push('agency_id = ?');
        params.push(query.agencyId);
      }
      if (query.cycleId !== undefined) {
        where.push('cycle_id = ?');
        params.push(query.cycleId);
      }
      if (page?.after) {
        where.push('sequence > ?');
        params.push(page.after[0]);
      }
      if (page) params.push(page.limit);
      const limit = page ? ' LIMIT ?' : '';
      return all(`SELECT doc FROM invoices WHERE ${where.join(' AND ')} ORDER BY sequence${limit}`, ...params).map((r) => invoiceFrom(r)!);
    },
    async voidInvoice(orgId, invoiceId, voided) {
      return transaction(() => {
        const invoice = invoiceFrom(get('SELECT doc FROM invoices WHERE org_id = ? AND id = ?', orgId, invoiceId));
        if (!invoice || invoice.status === 'void') return invoice;
        const updated: StoredInvoice = { ...invoice, status: 'void', voidedOn: voided.on, voidReason: voided.reason };
        run('UPDATE invoices SET doc = ? WHERE org_id = ? AND id = ?', invoiceDoc(updated), orgId, invoiceId);
        // By the invoice's own visits: the marks have no index by invoice (migrations 6 and 7).
        run(
          `UPDATE visit_marks SET invoice_seq = NULL
             WHERE invoice_seq = ? AND visit_seq IN (SELECT v.seq FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value)`,
          invoice.sequence,
          JSON.stringify(invoice.lines.map((l) => l.visitId)),
          orgId,
        );
        return updated;
      });
    },
    async insertCreditNote(orgId, note) {
      const result = run(
        'INSERT OR IGNORE INTO credit_notes (org_id, id, invoice_id, number, doc) VALUES (?, ?, ?, ?, ?)',
        orgId,
        note.id,
        note.invoiceId,
        note.number,
        JSON.stringify(note),
      );
      return Number(result.changes) === 1 ? 'created' : 'number-taken';
    },
    async listCreditNotes(orgId, invoiceId) {
      return invoiceId === undefined
        ? docs<CreditNote>(all('SELECT doc FROM credit_notes WHERE org_id = ? ORDER BY number', orgId))
        : docs<CreditNote>(all('SELECT doc FROM credit_notes WHERE org_id = ? AND invoice_id = ? ORDER BY number', orgId, invoiceId));
    },
  };
  return closes;
}
