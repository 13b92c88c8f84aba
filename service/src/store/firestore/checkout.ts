/** Checkout attempts in Firestore: `orgs/{orgId}/checkoutAttempts/{invoiceId|attempt}`. */
import type { Firestore } from 'firebase-admin/firestore';
import type { CheckoutAttempt, CheckoutStore } from '../checkout-port.ts';
import { createOnce, recordOf, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestoreCheckout(db: Firestore): CheckoutStore {
  const attempts = (orgId: string) => orgPaths(db, orgId).org.collection('checkoutAttempts');
  const ref = (orgId: string, a: Pick<CheckoutAttempt, 'invoiceId' | 'attempt'>) =>
    attempts(orgId).doc(docId(a.invoiceId, String(a.attempt)));
  return {
    async insertCheckoutAttempt(orgId, a) {
      return (await createOnce(ref(orgId, a), toData(a))) ? 'created' : 'exists';
    },
    async updateCheckoutAttempt(orgId, a, from) {
      const target = ref(orgId, a);
      return db.runTransaction(async (tx) => {
        if (recordOf<CheckoutAttempt>(await tx.get(target))?.status !== from) return 'changed' as const;
        tx.set(target, toData(a));
        return 'updated' as const;
      });
    },
    async listCheckoutAttempts(orgId, invoiceId) {
      return (await attempts(orgId).where('invoiceId', '==', invoiceId).get()).docs
        .flatMap((d) => recordOf<CheckoutAttempt>(d) ?? [])
        .sort((a, b) => a.attempt - b.attempt);
    },
    async findCheckoutAttempt(orgId, by) {
      const [field, value] = 'sessionId' in by ? ['sessionId', by.sessionId] : ['paymentIntentId', by.paymentIntentId];
      const found = await attempts(orgId).where(field, '==', value).limit(1).get();
      return found.empty ? null : recordOf<CheckoutAttempt>(found.docs[0]!);
    },
  };
}
