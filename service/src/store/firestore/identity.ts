/**
 * Members and API keys in Firestore: `orgs/{orgId}/members/{email}` and
 * `orgs/{orgId}/apiKeys/{keyId}`, each a small document of its own.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { ApiKeyRecord, IdentityStore, MemberRecord } from '../port.ts';
import { compareStrings, recordOf, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestoreIdentity(db: Firestore): IdentityStore {
  const members = (orgId: string) => orgPaths(db, orgId).org.collection('members');
  const apiKeys = (orgId: string) => orgPaths(db, orgId).org.collection('apiKeys');
  return {
    async putMember(orgId, member) {
      const m = { ...member, email: member.email.toLowerCase() };
      await members(orgId).doc(docId(m.email)).set(toData(m));
    },
    async getMember(orgId, email) {
      return recordOf<MemberRecord>(await members(orgId).doc(docId(email.toLowerCase())).get());
    },
    async listMembers(orgId) {
      const snapshot = await members(orgId).get();
      return snapshot.docs.flatMap((d) => recordOf<MemberRecord>(d) ?? []).sort((a, b) => compareStrings(a.email, b.email));
    },
    async removeMember(orgId, email) {
      const ref = members(orgId).doc(docId(email.toLowerCase()));
      return db.runTransaction(async (tx) => {
        if (!(await tx.get(ref)).exists) return false;
        tx.delete(ref);
        return true;
      });
    },
    async insertApiKey(orgId, key) {
      await apiKeys(orgId).doc(docId(key.id)).create(toData(key));
    },
    async getApiKey(orgId, keyId) {
      return recordOf<ApiKeyRecord>(await apiKeys(orgId).doc(docId(keyId)).get());
    },
    async listApiKeys(orgId) {
      const snapshot = await apiKeys(orgId).get();
      return snapshot.docs.flatMap((d) => recordOf<ApiKeyRecord>(d) ?? []).sort((a, b) => compareStrings(a.id, b.id));
    },
    async revokeApiKey(orgId, keyId, at) {
      const ref = apiKeys(orgId).doc(docId(keyId));
      return db.runTransaction(async (tx) => {
        const key = recordOf<ApiKeyRecord>(await tx.get(ref));
        if (!key || key.revokedAt) return false;
        tx.set(ref, toData({ ...key, revokedAt: at }));
        return true;
      });
    },
  };
}
