/** The directory in SQLite: orgs, and each org's agencies, therapists and bill and pay rates, as the sheet pushes them. */
import type { Agency, BillRate, PayRate } from '../../../../shared/index.ts';
import type { OrgRecord, Store, StoredTherapist } from '../port.ts';
import type { Row, SqliteConnection } from './connection.ts';

export type SqliteDirectory = Pick<
  Store,
  | 'insertOrg'
  | 'getOrg'
  | 'updateOrg'
  | 'putAgencies'
  | 'listAgencies'
  | 'putTherapists'
  | 'listTherapists'
  | 'putBillRates'
  | 'listBillRates'
  | 'putPayRates'
  | 'listPayRates'
>;

export function sqliteDirectory({ all, get, run, docs, doc, transaction }: SqliteConnection): SqliteDirectory {
  return {
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
        for (const t of therapists)
          run('INSERT OR REPLACE INTO therapists (org_id, id, doc) VALUES (?, ?, ?)', orgId, t.id, JSON.stringify(t));
      });
    },
    async listTherapists(orgId) {
      return docs<StoredTherapist>(all('SELECT doc FROM therapists WHERE org_id = ? ORDER BY id', orgId));
    },

    async putBillRates(orgId, rates) {
      transaction(() => {
        for (const r of rates) writeBillRate(run, orgId, r);
      });
    },
    async listBillRates(orgId) {
      return all('SELECT * FROM bill_rates WHERE org_id = ? ORDER BY agency_id, discipline, visit_type, effective_from', orgId).map(
        billRateOf,
      );
    },
    async putPayRates(orgId, rates) {
      transaction(() => {
        for (const r of rates) writePayRate(run, orgId, r);
      });
    },
    async listPayRates(orgId) {
      return all(
        'SELECT * FROM pay_rates WHERE org_id = ? ORDER BY therapist_id, agency_id, discipline, visit_type, effective_from',
        orgId,
      ).map(payRateOf);
    },
  };
}

/** Upserts a bill rate by its key (a transaction's caller runs it). */
export function writeBillRate(run: SqliteConnection['run'], orgId: string, r: BillRate): void {
  run(
    'INSERT OR REPLACE INTO bill_rates (org_id, agency_id, discipline, visit_type, effective_from, cents) VALUES (?, ?, ?, ?, ?, ?)',
    orgId,
    r.agencyId,
    r.discipline,
    r.visitType,
    r.effectiveFrom,
    r.cents,
  );
}

/** Upserts a pay rate by its key; no agency is stored as '' (part of the key). */
export function writePayRate(run: SqliteConnection['run'], orgId: string, r: PayRate): void {
  run(
    'INSERT OR REPLACE INTO pay_rates (org_id, therapist_id, agency_id, discipline, visit_type, effective_from, cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
    orgId,
    r.therapistId,
    r.agencyId ?? '',
    r.discipline,
    r.visitType,
    r.effectiveFrom,
    r.cents,
  );
}

export const billRateOf = (r: Row): BillRate => ({
  agencyId: r.agency_id as string,
  discipline: r.discipline as BillRate['discipline'],
  visitType: r.visit_type as string,
  effectiveFrom: r.effective_from as string,
  cents: Number(r.cents),
});

export const payRateOf = (r: Row): PayRate => ({
  therapistId: r.therapist_id as string,
  ...(r.agency_id ? { agencyId: r.agency_id as string } : {}),
  discipline: r.discipline as PayRate['discipline'],
  visitType: r.visit_type as string,
  effectiveFrom: r.effective_from as string,
  cents: Number(r.cents),
});
