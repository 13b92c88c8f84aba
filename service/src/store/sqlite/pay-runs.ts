/** Pay runs in SQLite (a header row and one row per statement) and the payments made to therapists. */
import type { SQLInputValue } from 'node:sqlite';
import { payStatementLine, storedStatement, type Payment, type PayStatement } from '../../../../shared/index.ts';
import type { PaymentQuery, PayRunOutcome, PayRunRecord, PayRunStatus, Store } from '../port.ts';
import { crashPoint } from '../../faults/crash-points.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { Rollback, type VisitClaims } from './marks.ts';
import { packRows, unpackRows, type PackedLines } from './packed-rows.ts';

export type SqlitePayRuns = Pick<
  Store,
  'commitPayRun' | 'getPayRun' | 'listPayRuns' | 'setPayRunStatus' | 'insertPayment' | 'getPayment' | 'updatePayment' | 'listPayments'
>;

/** Pay statements keep their long line lists packed in columns (packed-rows.ts). */
const PAY_LINE_KEYS = Object.keys(payStatementLine.shape) as (keyof PayStatement['lines'][number])[];
/** A pay run's row: all but its statements, which are rows of pay_statements (migration 10). */
type PayRunHeader = Omit<PayRunRecord, 'statements'> & { statementCount: number };
const payRunHeaderDoc = ({ statements, ...header }: PayRunRecord) => JSON.stringify({ ...header, statementCount: statements.length });
const payStatementDoc = (statement: PayStatement) => JSON.stringify({ ...statement, lines: packRows(statement.lines, PAY_LINE_KEYS) });

export function sqlitePayRuns({ all, get, run, docs, doc, transaction }: SqliteConnection, { claimVisits }: VisitClaims): SqlitePayRuns {
  const payRunFrom = (orgId: string, row: Row | undefined): PayRunRecord | null => {
    const stored = doc<PayRunHeader>(row);
    if (!stored) return null;
    const { statementCount, ...header } = stored;
    const statements = all('SELECT doc FROM pay_statements WHERE org_id = ? AND pay_run_id = ? ORDER BY position', orgId, header.id).map(
      (r) => {
        const statement = JSON.parse(r.doc as string) as Omit<PayStatement, 'lines'> & { lines: PackedLines };
        return storedStatement({ ...statement, lines: unpackRows<PayStatement['lines'][number]>(statement.lines) });
      },
    );
    // Written in one transaction with their pay run: fewer is a broken file, and paying from it would underpay.
    if (statements.length !== statementCount)
      throw new Error(`pay run ${header.id} of org ${orgId} has ${statements.length} of its ${statementCount} statements`);
    return { ...header, statements };
  };

  return {
    async commitPayRun(orgId, payRun, visitSeqs): Promise<PayRunOutcome> {
      try {
        return transaction((): PayRunOutcome => {
          const existing = payRunFrom(orgId, get('SELECT doc FROM pay_runs WHERE org_id = ? AND id = ?', orgId, payRun.id));
          if (existing) return { status: 'already-exists', payRun: existing };
          // The row first: its seq is what the marks name (a conflict rolls all of it back).
          const inserted = run(
            'INSERT INTO pay_runs (org_id, id, status, doc) VALUES (?, ?, ?, ?)',
            orgId,
            payRun.id,
            payRun.status,
            payRunHeaderDoc(payRun),
          );
          crashPoint('payrun.header-written');
          for (const [position, statement] of payRun.statements.entries()) {
            run(
              'INSERT INTO pay_statements (org_id, pay_run_id, position, doc) VALUES (?, ?, ?, ?)',
              orgId,
              payRun.id,
              position,
              payStatementDoc(statement),
            );
          }
          crashPoint('payrun.statements-written');
          const lines = {
            count: payRun.statements.reduce((n, s) => n + s.lines.length, 0),
            visitIds: () => payRun.statements.flatMap((s) => s.lines.map((l) => l.visitId)),
          };
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
      const result = run(
        'INSERT OR IGNORE INTO payments (org_id, id, therapist_id, pay_run_id, paid_on, status, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
        orgId,
        payment.id,
        payment.therapistId,
        payment.payRunId ?? null,
        payment.paidOn,
        payment.status,
        JSON.stringify(payment),
      );
      return Number(result.changes) === 1 ? 'created' : 'exists';
    },
    async getPayment(orgId, paymentId) {
      return doc<Payment>(get('SELECT doc FROM payments WHERE org_id = ? AND id = ?', orgId, paymentId));
    },
    async updatePayment(orgId, payment, expectedStatus) {
      const result = run(
        'UPDATE payments SET status = ?, paid_on = ?, doc = ? WHERE org_id = ? AND id = ? AND status = ?',
        payment.status,
        payment.paidOn,
        JSON.stringify(payment),
        orgId,
        payment.id,
        expectedStatus,
      );
      return Number(result.changes) === 1;
    },
    async listPayments(orgId, query: PaymentQuery, page) {
      const where = ['org_id = ?'];
      const params: SQLInputValue[] = [orgId];
      if (query.therapistId !== undefined) {
        where.push('therapist_id = ?');
        params.push(query.therapistId);
      }
      if (query.payRunId !== undefined) {
        where.push('pay_run_id = ?');
        params.push(query.payRunId);
      }
      if (query.paidFrom !== undefined) {
        where.push('paid_on >= ?');
        params.push(query.paidFrom);
      }
      if (query.paidTo !== undefined) {
        where.push('paid_on <= ?');
        params.push(query.paidTo);
      }
      if (page?.after) {
        where.push('(paid_on, id) > (?, ?)');
        params.push(...page.after);
      }
      if (page) params.push(page.limit);
      const limit = page ? ' LIMIT ?' : '';
      return docs<Payment>(all(`SELECT doc FROM payments WHERE ${where.join(' AND ')} ORDER BY paid_on, id${limit}`, ...params));
    },
  };
}
