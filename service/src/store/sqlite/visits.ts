/** Visits in SQLite: one row each (the patient sealed), with the marks of their invoice and pay run (marks.ts). */
import type { SQLInputValue } from 'node:sqlite';
import {
  SETTLED_OUTSIDE,
  type BillingVisit,
  type KeyMaintenanceStore,
  type Store,
  type StoredVisit,
  type UnsettledVisit,
  type UpsertVisitsOutcome,
  type VisitQuery,
} from '../port.ts';
import { crashPoint } from '../../faults/crash-points.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { SETTLED_MARK, WITHDRAWN_MARK } from './marks.ts';

export type SqliteVisits = Pick<
  Store,
  | 'getVisitsByClientId'
  | 'getVisits'
  | 'findVisitsByDupKey'
  | 'upsertVisits'
  | 'listVisits'
  | 'listBillingVisits'
  | 'listUnsettledVisits'
  | 'markSettledOutside'
  | 'withdrawVisits'
> &
  Pick<KeyMaintenanceStore, 'resealVisits'>;

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
    if (byKey) {
      where.push(`v.${column}_key = (SELECT key FROM id_keys WHERE org_id = ? AND id = ?)`);
      params.push(orgId, id);
    } else {
      where.push(`v.${column}_id = ?`);
      params.push(id);
    }
  };
  if (query.agencyId !== undefined) byColumn('agency', query.agencyId);
  if (query.therapistId !== undefined) byColumn('therapist', query.therapistId);
  if (query.billed !== undefined) where.push(query.billed ? 'm.invoice_seq IS NOT NULL' : 'm.invoice_seq IS NULL');
  if (query.paid !== undefined) where.push(query.paid ? 'm.pay_run_seq IS NOT NULL' : 'm.pay_run_seq IS NULL');
  if (query.dateFrom !== undefined) {
    where.push('v.date >= ?');
    params.push(query.dateFrom);
  }
  if (query.dateTo !== undefined) {
    where.push('v.date <= ?');
    params.push(query.dateTo);
  }
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

export function sqliteVisits({ stmt, all, run, transaction }: SqliteConnection): SqliteVisits {
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
      if (id === undefined)
        throw new Error(`a visit of org ${orgId} names agency or therapist key ${String(key)}, which id_keys does not have`);
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
        id: r[0] as string,
        agencyId: idOf(r[1]!),
        therapistId: idOf(r[2]!),
        date: one(r[3]!),
        discipline: one(r[4]!) as BillingVisit['discipline'],
        visitType: one(r[5]!),
        noteDone: r[6] === 1,
        patientHasMrn: r[7] === 1,
        seq: r[8] as number,
        billed: r[9] === 1,
        paid: r[10] === 1,
      });
    }
    return (r) => ({
      id: r[0] as string,
      agencyId: idOf(r[1]!),
      therapistId: idOf(r[2]!),
      date: one(r[3]!),
      discipline: one(r[4]!) as BillingVisit['discipline'],
      visitType: one(r[5]!),
      noteDone: r[6] === 1,
      patientHasMrn: r[7] === 1,
      seq: r[8] as number,
    });
  }

  return {
    async resealVisits(orgId, visits) {
      transaction(() => {
        for (const v of visits)
          run('UPDATE visits SET patient = ?, dup_key = ? WHERE org_id = ? AND id = ?', v.patient, v.dupKey, orgId, v.id);
      });
    },
    async getVisitsByClientId(orgId, clientIds) {
      return all(
        `${VISIT_SELECT} WHERE v.org_id = ? AND v.client_id IN (SELECT value FROM json_each(?))`,
        orgId,
        JSON.stringify(clientIds),
      ).map(visitFromRow);
    },
    async getVisits(orgId, ids) {
      return all(`${VISIT_SELECT} WHERE v.org_id = ? AND v.id IN (SELECT value FROM json_each(?))`, orgId, JSON.stringify(ids)).map(
        visitFromRow,
      );
    },
    async findVisitsByDupKey(orgId, dupKeys) {
      return all(
        'SELECT id, dup_key FROM visits WHERE org_id = ? AND dup_key IN (SELECT value FROM json_each(?))',
        orgId,
        JSON.stringify(dupKeys),
      ).map((r) => ({ id: r.id as string, dupKey: r.dup_key as string }));
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
            orgId,
            v.id,
            v.clientId,
            v.agencyId,
            v.therapistId,
            v.date,
            v.discipline,
            v.visitType,
            v.noteDone ? 1 : 0,
            v.patient,
            v.patientHasMrn ? 1 : 0,
            v.dupKey,
            v.receivedAt,
          );
          (Number(result.changes) === 1 ? written : locked).push(v.id);
        }
        crashPoint('visits.batch-written');
        return { written, locked };
      });
    },
    async listVisits(orgId, query: VisitQuery, page) {
      const { where, params } = visitFilter(orgId, query);
      if (!page) return all(`${VISIT_SELECT} WHERE ${where} ORDER BY v.date, v.id`, ...params).map(visitFromRow);
      // The visits_close index is in (date, id) order: a page is a range of it.
      const after = page.after ? ' AND (v.date, v.id) > (?, ?)' : '';
      return all(`${VISIT_SELECT} WHERE ${where}${after} ORDER BY v.date, v.id LIMIT ?`, ...params, ...(page.after ?? []), page.limit).map(
        visitFromRow,
      );
    },
    async listBillingVisits(orgId, query: VisitQuery) {
      const { where, params } = visitFilter(orgId, query, true);
      // Join only what the filter needs. The order is the visits_close index's, so it costs no sort,
      // and the billing core's sorts find visits of one date already in id order (sortByNumber).
      const join = query.billed !== undefined || query.paid !== undefined ? 'LEFT JOIN visit_marks m ON m.visit_seq = v.seq' : '';
      return billingRows(
        `SELECT ${BILLING_COLUMNS} FROM visits v ${join} WHERE ${where} ORDER BY v.date, v.id`,
        params,
        billingVisitReader(orgId),
      );
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
        SETTLED_MARK,
        SETTLED_MARK,
        JSON.stringify(visitIds),
        orgId,
      );
    },

    async withdrawVisits(orgId, visitIds) {
      return transaction(() => {
        const found = all(
          `SELECT v.id, v.seq, m.invoice_seq IS NOT NULL OR m.pay_run_seq IS NOT NULL AS settled
           FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value LEFT JOIN visit_marks m ON m.visit_seq = v.seq`,
          JSON.stringify([...new Set(visitIds)]),
          orgId,
        );
        const open = found.filter((r) => r.settled === 0);
        const seqs = JSON.stringify(open.map((r) => Number(r.seq)));
        run(
          `INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq) SELECT j.value, ?, ? FROM json_each(?) j WHERE true
             ON CONFLICT (visit_seq) DO UPDATE SET invoice_seq = excluded.invoice_seq, pay_run_seq = excluded.pay_run_seq`,
          WITHDRAWN_MARK,
          WITHDRAWN_MARK,
          seqs,
        );
        run('DELETE FROM visits WHERE seq IN (SELECT value FROM json_each(?))', seqs);
        return { withdrawn: open.map((r) => r.id as string), locked: found.filter((r) => r.settled !== 0).map((r) => r.id as string) };
      });
    },
  };
}
