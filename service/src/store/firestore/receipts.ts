/**
 * The receivables ledger in Firestore: `orgs/{orgId}/receivables/{agencyId|seq}`. The doc id
 * is the entry's place in its agency's ledger, so one transaction that reads every place a
 * write takes and creates them all (at most 500 writes) lets only one of two racing writes in.
 * A receipt's idempotency key is `orgs/{orgId}/receiptKeys/{clientId}`, created in the same transaction.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { ReceivableEntry } from '../../../../shared/receivables.ts';
import type { Store } from '../port.ts';
import { compareStrings, recordOf, toData } from './documents.ts';
import { docId } from './paths.ts';

export type FirestoreReceivables = Pick<Store, 'appendReceivables' | 'listReceivables'>;

/** Seqs padded so the ids sort in ledger order. */
const placeId = (agencyId: string, seq: number) => docId(agencyId, String(seq).padStart(10, '0'));

export function firestoreReceivables(db: Firestore): FirestoreReceivables {
  const ledger = (orgId: string) => db.collection('orgs').doc(docId(orgId)).collection('receivables');
  const receiptKeys = (orgId: string) => db.collection('orgs').doc(docId(orgId)).collection('receiptKeys');
  return {
    async appendReceivables(orgId, entries) {
      const col = ledger(orgId);
      const refs = entries.map((e) => col.doc(placeId(e.agencyId, e.seq)));
      // A receipt's idempotency key is a document of its own, created with it: a second receipt under the key finds it taken.
      const keys = entries.flatMap((e) => (e.kind === 'receipt' && e.clientId !== undefined ? [{ key: e.clientId, receiptId: e.id }] : []));
      const keyRefs = keys.map((k) => receiptKeys(orgId).doc(docId(k.key)));
      const created = await db.runTransaction(async (tx) => {
        const all = [...refs, ...keyRefs];
        const taken = all.length === 0 ? [] : await tx.getAll(...all);
        if (taken.some((s) => s.exists)) return false;
        entries.forEach((e, i) => {
          tx.create(refs[i]!, toData(e));
        });
        keys.forEach((k, i) => {
          tx.create(keyRefs[i]!, { receiptId: k.receiptId });
        });
        return true;
      });
      return created ? 'created' : 'conflict';
    },
    async listReceivables(orgId, agencyId) {
      const col = ledger(orgId);
      const snapshot = await (agencyId === undefined ? col : col.where('agencyId', '==', agencyId)).get();
      return snapshot.docs
        .flatMap((s) => recordOf<ReceivableEntry>(s) ?? [])
        .sort((a, b) => compareStrings(a.agencyId, b.agencyId) || a.seq - b.seq);
    },
  };
}
