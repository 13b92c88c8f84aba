/** Checkout attempts in SQLite (migration 16): one row per invoice and attempt number, the record as a JSON doc. */
import type { CheckoutAttempt, CheckoutStore } from '../checkout-port.ts';
import type { SqliteConnection } from './connection.ts';

export function sqliteCheckout({ all, get, run, docs, doc }: SqliteConnection): CheckoutStore {
  const columns = (a: CheckoutAttempt) => [a.sessionId ?? null, a.paymentIntentId ?? null, JSON.stringify(a)] as const;
  return {
    async insertCheckoutAttempt(orgId, a) {
      const inserted = run(
        'INSERT OR IGNORE INTO checkout_attempts (org_id, invoice_id, attempt, session_id, payment_intent_id, doc) VALUES (?, ?, ?, ?, ?, ?)',
        orgId,
        a.invoiceId,
        a.attempt,
        ...columns(a),
      );
      return Number(inserted.changes) === 1 ? 'created' : 'exists';
    },
    async updateCheckoutAttempt(orgId, a, from) {
      const updated = run(
        `UPDATE checkout_attempts SET session_id = ?, payment_intent_id = ?, doc = ?
         WHERE org_id = ? AND invoice_id = ? AND attempt = ? AND json_extract(doc, '$.status') = ?`,
        ...columns(a),
        orgId,
        a.invoiceId,
        a.attempt,
        from,
      );
      return Number(updated.changes) === 1 ? 'updated' : 'changed';
    },
    async listCheckoutAttempts(orgId, invoiceId) {
      return docs<CheckoutAttempt>(
        all('SELECT doc FROM checkout_attempts WHERE org_id = ? AND invoice_id = ? ORDER BY attempt', orgId, invoiceId),
      );
    },
    async findCheckoutAttempt(orgId, by) {
      return 'sessionId' in by
        ? doc<CheckoutAttempt>(get('SELECT doc FROM checkout_attempts WHERE org_id = ? AND session_id = ?', orgId, by.sessionId))
        : doc<CheckoutAttempt>(
            get('SELECT doc FROM checkout_attempts WHERE org_id = ? AND payment_intent_id = ?', orgId, by.paymentIntentId),
          );
    },
  };
}
