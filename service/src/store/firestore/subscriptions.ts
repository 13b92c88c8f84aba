/**
 * The SubscriptionStore in Firestore, under the org: `billing/subscription` (the Stripe part in
 * `record`, the over-limit day in `overLimitSince`, each written with a merge so neither
 * overwrites the other) and `billingEvents/{eventId}`.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { SubscriptionRecord, SubscriptionStore } from '../subscription-port.ts';
import { createOnce, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestoreSubscriptions(db: Firestore): SubscriptionStore {
  const org = (orgId: string) => orgPaths(db, orgId).org;
  const subscription = (orgId: string) => org(orgId).collection('billing').doc('subscription');
  const events = (orgId: string) => org(orgId).collection('billingEvents');
  return {
    async getSubscription(orgId) {
      const data = (await subscription(orgId).get()).data();
      return {
        record: (data?.record as SubscriptionRecord | undefined) ?? null,
        overLimitSince: (data?.overLimitSince as string | null | undefined) ?? null,
      };
    },
    async putSubscription(orgId, record) {
      await subscription(orgId).set({ record: toData(record) }, { merge: true });
    },
    async setOverLimitSince(orgId, day) {
      await subscription(orgId).set({ overLimitSince: day }, { merge: true });
    },
    async billingEventProcessed(orgId, eventId) {
      return (await events(orgId).doc(docId(eventId)).get()).exists;
    },
    async markBillingEventProcessed(orgId, eventId, at) {
      return (await createOnce(events(orgId).doc(docId(eventId)), { at })) ? 'new' : 'seen';
    },
  };
}
