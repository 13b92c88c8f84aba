/**
 * The PayoutStore in Firestore, under the org: `orgs/{orgId}/stripe/connection`,
 * `stripeAccounts/{therapistId}`, `stripeTransfers/{paymentId}` and `stripeEvents/{eventId}`.
 */
import type { Firestore, Query } from 'firebase-admin/firestore';
import type { CheckoutStore } from '../checkout-port.ts';
import type { ConnectedAccountRecord, PayoutStore, StripeConnectionRecord, StripeTransferRecord } from '../payouts-port.ts';
import { compareStrings, createOnce, recordOf, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestorePayouts(db: Firestore): Omit<PayoutStore, keyof CheckoutStore> {
  const org = (orgId: string) => orgPaths(db, orgId).org;
  const connection = (orgId: string) => org(orgId).collection('stripe').doc('connection');
  const accounts = (orgId: string) => org(orgId).collection('stripeAccounts');
  const transfers = (orgId: string) => org(orgId).collection('stripeTransfers');
  const events = (orgId: string) => org(orgId).collection('stripeEvents');

  return {
    async putStripeConnection(orgId, c) {
      await connection(orgId).set(toData(c));
    },
    async getStripeConnection(orgId) {
      return recordOf<StripeConnectionRecord>(await connection(orgId).get());
    },
    async insertConnectedAccount(orgId, account) {
      return (await createOnce(accounts(orgId).doc(docId(account.therapistId)), toData(account))) ? 'created' : 'exists';
    },
    async updateConnectedAccount(orgId, account) {
      await accounts(orgId).doc(docId(account.therapistId)).set(toData(account));
    },
    async getConnectedAccount(orgId, therapistId) {
      return recordOf<ConnectedAccountRecord>(await accounts(orgId).doc(docId(therapistId)).get());
    },
    async findConnectedAccount(orgId, accountId) {
      const found = await accounts(orgId).where('accountId', '==', accountId).limit(1).get();
      return found.empty ? null : recordOf<ConnectedAccountRecord>(found.docs[0]!);
    },
    async listConnectedAccounts(orgId) {
      return (await accounts(orgId).get()).docs
        .flatMap((d) => recordOf<ConnectedAccountRecord>(d) ?? [])
        .sort((a, b) => compareStrings(a.therapistId, b.therapistId));
    },
    async putStripeTransfer(orgId, record) {
      await transfers(orgId).doc(docId(record.paymentId)).set(toData(record));
    },
    async getStripeTransfer(orgId, paymentId) {
      return recordOf<StripeTransferRecord>(await transfers(orgId).doc(docId(paymentId)).get());
    },
    async listStripeTransfers(orgId, query) {
      let q: Query = transfers(orgId);
      if (query.payRunId !== undefined) q = q.where('payRunId', '==', query.payRunId);
      if (query.accountId !== undefined) q = q.where('accountId', '==', query.accountId);
      return (await q.get()).docs
        .flatMap((d) => recordOf<StripeTransferRecord>(d) ?? [])
        .sort((a, b) => compareStrings(a.paymentId, b.paymentId));
    },
    async eventProcessed(orgId, eventId) {
      return (await events(orgId).doc(docId(eventId)).get()).exists;
    },
    async markEventProcessed(orgId, eventId, at) {
      return (await createOnce(events(orgId).doc(docId(eventId)), { at })) ? 'new' : 'seen';
    },
  };
}
