/** The SubscriptionStore in SQLite (migration 23): one row per org, the Stripe part as a JSON doc beside the over-limit day. */
import type { DatabaseSync } from 'node:sqlite';
import type { SubscriptionRecord, SubscriptionStore } from '../subscription-port.ts';

type Row = { doc: string | null; over_limit_since: string | null };

export function sqliteSubscriptions(db: DatabaseSync): SubscriptionStore {
  const get = db.prepare('SELECT doc, over_limit_since FROM subscriptions WHERE org_id = ?');
  const put = db.prepare('INSERT INTO subscriptions (org_id, doc) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET doc = excluded.doc');
  const setOver = db.prepare(
    'INSERT INTO subscriptions (org_id, over_limit_since) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET over_limit_since = excluded.over_limit_since',
  );
  const hasEvent = db.prepare('SELECT 1 AS seen FROM billing_events WHERE org_id = ? AND event_id = ?');
  const insertEvent = db.prepare('INSERT OR IGNORE INTO billing_events (org_id, event_id, at) VALUES (?, ?, ?)');
  return {
    async getSubscription(orgId) {
      const row = get.get(orgId) as Row | undefined;
      return {
        record: row?.doc ? (JSON.parse(row.doc) as SubscriptionRecord) : null,
        overLimitSince: row?.over_limit_since ?? null,
      };
    },
    async putSubscription(orgId, record) {
      put.run(orgId, JSON.stringify(record));
    },
    async setOverLimitSince(orgId, day) {
      setOver.run(orgId, day);
    },
    async billingEventProcessed(orgId, eventId) {
      return hasEvent.get(orgId, eventId) !== undefined;
    },
    async markBillingEventProcessed(orgId, eventId, at) {
      return Number(insertEvent.run(orgId, eventId, at).changes) === 1 ? 'new' : 'seen';
    },
  };
}
