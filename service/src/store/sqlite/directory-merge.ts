/**
 * Merging and deleting agencies and therapists in SQLite: each one BEGIN IMMEDIATE transaction
 * that reads what names the record and writes only when nothing blocks it, so a close or a
 * receipt committed by another process cannot slip in between the check and the write, and a
 * close that read the moved visits before the merge finds them gone when it commits (reseat).
 */
import type { Agency } from '../../../../shared/index.ts';
import {
  deleteBlockers,
  NOTHING_ATTACHED,
  planMerge,
  type Attached,
  type DirectoryMergeStore,
  type MergeOutcome,
  type MovedVisit,
} from '../directory-merge-port.ts';
import type { StoredTherapist } from '../port.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { WITHDRAWN_MARK } from './marks.ts';
import { billRateOf, payRateOf, writeBillRate, writePayRate } from './directory.ts';

type Kind = 'agency' | 'therapist';
const TABLE = { agency: 'agencies', therapist: 'therapists' } as const;

export function sqliteDirectoryMerge({ all, get, run, transaction }: SqliteConnection): DirectoryMergeStore {
  const count = (sql: string, ...params: string[]) => Number(get(sql, ...params)?.n ?? 0);
  const exists = (kind: Kind, orgId: string, id: string) => get(`SELECT doc FROM ${TABLE[kind]} WHERE org_id = ? AND id = ?`, orgId, id);

  /** What names the record; marks of 0 are visits settled outside VisitLedger (marks.ts). */
  function attached(kind: Kind, orgId: string, id: string): Attached {
    const visits = all(
      `SELECT v.id, m.invoice_seq, m.pay_run_seq FROM visits v LEFT JOIN visit_marks m ON m.visit_seq = v.seq WHERE v.org_id = ? AND v.${kind}_id = ?`,
      orgId,
      id,
    ).map((r) => ({ id: r.id as string, billed: Number(r.invoice_seq ?? 0) > 0, paid: Number(r.pay_run_seq ?? 0) > 0 }));
    const payRates = all(`SELECT * FROM pay_rates WHERE org_id = ? AND ${kind}_id = ?`, orgId, id).map(payRateOf);
    if (kind === 'agency') {
      return {
        ...NOTHING_ATTACHED,
        visits,
        payRates,
        invoices: count('SELECT COUNT(*) AS n FROM invoices WHERE org_id = ? AND agency_id = ?', orgId, id),
        receipts: count('SELECT COUNT(*) AS n FROM receivables WHERE org_id = ? AND agency_id = ?', orgId, id),
        portalLinks: count(
          "SELECT COUNT(*) AS n FROM portal_links WHERE org_id = ? AND agency_id = ? AND json_extract(doc, '$.revokedAt') IS NULL",
          orgId,
          id,
        ),
        billRates: all('SELECT * FROM bill_rates WHERE org_id = ? AND agency_id = ?', orgId, id).map(billRateOf),
      };
    }
    const doc = JSON.parse(exists('therapist', orgId, id)!.doc as string) as StoredTherapist;
    return {
      ...NOTHING_ATTACHED,
      visits,
      payRates,
      payments: count('SELECT COUNT(*) AS n FROM payments WHERE org_id = ? AND therapist_id = ?', orgId, id),
      therapistLinks: count(
        "SELECT COUNT(*) AS n FROM therapist_links WHERE org_id = ? AND therapist_id = ? AND json_extract(doc, '$.revokedAt') IS NULL",
        orgId,
        id,
      ),
      stripeAccount: count('SELECT COUNT(*) AS n FROM stripe_accounts WHERE org_id = ? AND therapist_id = ?', orgId, id) > 0,
      w9: doc.w9 !== undefined || count('SELECT COUNT(*) AS n FROM w9_submissions WHERE org_id = ? AND therapist_id = ?', orgId, id) > 0,
    };
  }

  /**
   * Moves visits to the kept record under new seqs. The old seq keeps the withdrawn mark
   * (marks.ts), so a close or a pay run that read a visit before the merge, and marks it by
   * that seq, meets a taken mark and reads again, instead of billing or paying it under the
   * merged record. The visit's own marks (settled outside) go with it.
   */
  function reseat(kind: Kind, orgId: string, intoId: string, moves: readonly MovedVisit[]): void {
    // The close's index reads the integer key of the agency or therapist (migration 9): it moves with the id.
    run('INSERT OR IGNORE INTO id_keys (org_id, id) VALUES (?, ?)', orgId, intoId);
    const key = get('SELECT key FROM id_keys WHERE org_id = ? AND id = ?', orgId, intoId)!.key!;
    for (const m of moves) {
      const { seq, ...row } = get('SELECT * FROM visits WHERE org_id = ? AND id = ?', orgId, m.id)!;
      const moved: Row = { ...row, [`${kind}_id`]: intoId, [`${kind}_key`]: key, dup_key: m.dupKey };
      const marks = get('SELECT invoice_seq, pay_run_seq FROM visit_marks WHERE visit_seq = ?', seq!);
      run('DELETE FROM visits WHERE seq = ?', seq!);
      run(
        `INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq) VALUES (?1, ?2, ?2)
           ON CONFLICT (visit_seq) DO UPDATE SET invoice_seq = excluded.invoice_seq, pay_run_seq = excluded.pay_run_seq`,
        seq!,
        WITHDRAWN_MARK,
      );
      const columns = Object.keys(moved);
      const inserted = run(
        `INSERT INTO visits (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        ...columns.map((c) => moved[c]!),
      );
      if (marks)
        run(
          'INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq) VALUES (?, ?, ?)',
          inserted.lastInsertRowid,
          marks.invoice_seq!,
          marks.pay_run_seq!,
        );
    }
  }

  function merge(kind: Kind, orgId: string, fromId: string, into: Agency | StoredTherapist, moves: readonly MovedVisit[]): MergeOutcome {
    return transaction((): MergeOutcome => {
      for (const id of [fromId, into.id]) if (!exists(kind, orgId, id)) return { status: 'missing', id };
      const kept = {
        billRates:
          kind === 'agency' ? all('SELECT * FROM bill_rates WHERE org_id = ? AND agency_id = ?', orgId, into.id).map(billRateOf) : [],
        payRates: all(`SELECT * FROM pay_rates WHERE org_id = ? AND ${kind}_id = ?`, orgId, into.id).map(payRateOf),
      };
      const plan = planMerge(kind, into.id, moves, attached(kind, orgId, fromId), kept);
      if (plan.status !== 'go') return plan;
      if (kind === 'agency') run('DELETE FROM bill_rates WHERE org_id = ? AND agency_id = ?', orgId, fromId);
      run(`DELETE FROM pay_rates WHERE org_id = ? AND ${kind}_id = ?`, orgId, fromId);
      for (const r of plan.billRates) writeBillRate(run, orgId, r);
      for (const r of plan.payRates) writePayRate(run, orgId, r);
      reseat(kind, orgId, into.id, moves);
      run(`UPDATE ${TABLE[kind]} SET doc = ? WHERE org_id = ? AND id = ?`, JSON.stringify(into), orgId, into.id);
      run(`DELETE FROM ${TABLE[kind]} WHERE org_id = ? AND id = ?`, orgId, fromId);
      return { status: 'merged', visits: moves.length, billRates: plan.billRates.length, payRates: plan.payRates.length };
    });
  }

  function remove(kind: Kind, orgId: string, id: string) {
    return transaction(() => {
      if (!exists(kind, orgId, id)) return { status: 'missing' as const, id };
      const blockers = deleteBlockers(attached(kind, orgId, id));
      if (blockers.length) return { status: 'blocked' as const, blockers };
      run(`DELETE FROM ${TABLE[kind]} WHERE org_id = ? AND id = ?`, orgId, id);
      return { status: 'deleted' as const };
    });
  }

  return {
    mergeAgency: async (orgId, m) => merge('agency', orgId, m.fromId, m.into, m.moves),
    mergeTherapist: async (orgId, m) => merge('therapist', orgId, m.fromId, m.into, m.moves),
    deleteAgency: async (orgId, id) => remove('agency', orgId, id),
    deleteTherapist: async (orgId, id) => remove('therapist', orgId, id),
  };
}
