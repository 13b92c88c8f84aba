/**
 * Key maintenance in Firestore: the orgs (the `orgs` docs, whose ids are escaped org ids,
 * paths.ts) and one record of how far sealing and rotation got, `maintenance/keys`, outside
 * every org.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { KeyMaintenanceRecord, KeyMaintenanceStore } from '../port.ts';
import { fromData, toData } from './documents.ts';

export function firestoreKeyMaintenance(
  db: Firestore,
): Pick<KeyMaintenanceStore, 'listOrgIds' | 'getKeyMaintenance' | 'putKeyMaintenance'> {
  const record = db.collection('maintenance').doc('keys');
  return {
    async listOrgIds() {
      // docId escapes '%', '/', '|' and a leading '.' or '_' as %XX, and nothing else.
      return (await db.collection('orgs').select().get()).docs.map((s) => decodeURIComponent(s.id)).sort();
    },
    async getKeyMaintenance() {
      const snapshot = await record.get();
      return snapshot.exists ? fromData<KeyMaintenanceRecord>(snapshot.data()!) : null;
    },
    async putKeyMaintenance(next) {
      await record.set(toData(next));
    },
  };
}
