/** The PayoutStore in SQLite: one table per kind of record (migration 5), each record as a JSON doc. */
import type { DatabaseSync } from 'node:sqlite';
import type { CheckoutStore } from '../checkout-port.ts';
import type { ConnectedAccountRecord, PayoutStore, StripeConnectionRecord, StripeTransferRecord } from '../payouts-port.ts';
import { cachedStatements } from './statements.ts';

type DocRow = { doc: string };

export function sqlitePayouts(db: DatabaseSync): Omit<PayoutStore, keyof CheckoutStore> {
  const q = (sql: string) => db.prepare(sql);
  const putConnection = q('INSERT OR REPLACE INTO stripe_connections (org_id, doc) VALUES (?, ?)');
  const getConnection = q('SELECT doc FROM stripe_connections WHERE org_id = ?');
  const insertAccount = q('INSERT OR IGNORE INTO stripe_accounts (org_id, therapist_id, account_id, doc) VALUES (?, ?, ?, ?)');
  const updateAccount = q('UPDATE stripe_accounts SET account_id = ?, doc = ? WHERE org_id = ? AND therapist_id = ?');
  const getAccount = q('SELECT doc FROM stripe_accounts WHERE org_id = ? AND therapist_id = ?');
  const findAccount = q('SELECT doc FROM stripe_accounts WHERE org_id = ? AND account_id = ?');
  const listAccounts = q('SELECT doc FROM stripe_accounts WHERE org_id = ? ORDER BY therapist_id');
  const putTransfer = q('INSERT OR REPLACE INTO stripe_transfers (org_id, payment_id, pay_run_id, account_id, doc) VALUES (?, ?, ?, ?, ?)');
  const getTransfer = q('SELECT doc FROM stripe_transfers WHERE org_id = ? AND payment_id = ?');
  const hasEvent = q('SELECT 1 AS seen FROM stripe_events WHERE org_id = ? AND event_id = ?');
  const insertEvent = q('INSERT OR IGNORE INTO stripe_events (org_id, event_id, at) VALUES (?, ?, ?)');
  // listStripeTransfers' four filters (by pay run, by account, both, neither), each prepared once.
  const listTransfers = cachedStatements(db);
  const one = <T>(row: unknown) => (row ? (JSON.parse((row as DocRow).doc) as T) : null);
  const many = <T>(rows: unknown[]) => rows.map((r) => JSON.parse((r as DocRow).doc) as T);

  return {
    async putStripeConnection(orgId, connection) {
      putConnection.run(orgId, JSON.stringify(connection));
    },
    async getStripeConnection(orgId) {
      return one<StripeConnectionRecord>(getConnection.get(orgId));
    },
    async insertConnectedAccount(orgId, account) {
      return Number(insertAccount.run(orgId, account.therapistId, account.accountId, JSON.stringify(account)).changes) === 1
        ? 'created'
        : 'exists';
    },
    async updateConnectedAccount(orgId, account) {
      updateAccount.run(account.accountId, JSON.stringify(account), orgId, account.therapistId);
    },
    async getConnectedAccount(orgId, therapistId) {
      return one<ConnectedAccountRecord>(getAccount.get(orgId, therapistId));
    },
    async findConnectedAccount(orgId, accountId) {
      return one<ConnectedAccountRecord>(findAccount.get(orgId, accountId));
    },
    async listConnectedAccounts(orgId) {
      return many<ConnectedAccountRecord>(listAccounts.all(orgId));
    },
    async putStripeTransfer(orgId, record) {
      putTransfer.run(orgId, record.paymentId, record.payRunId, record.accountId, JSON.stringify(record));
    },
    async getStripeTransfer(orgId, paymentId) {
      return one<StripeTransferRecord>(getTransfer.get(orgId, paymentId));
    },
    async listStripeTransfers(orgId, query) {
      const where = ['org_id = ?'];
      const params: string[] = [orgId];
      if (query.payRunId !== undefined) {
        where.push('pay_run_id = ?');
        params.push(query.payRunId);
      }
      if (query.accountId !== undefined) {
        where.push('account_id = ?');
        params.push(query.accountId);
      }
      const sql = `SELECT doc FROM stripe_transfers WHERE ${where.join(' AND ')} ORDER BY payment_id`;
      return many<StripeTransferRecord>(listTransfers(sql).all(...params));
    },
    async eventProcessed(orgId, eventId) {
      return hasEvent.get(orgId, eventId) !== undefined;
    },
    async markEventProcessed(orgId, eventId, at) {
      return Number(insertEvent.run(orgId, eventId, at).changes) === 1 ? 'new' : 'seen';
    },
  };
}
