/**
 * The therapists' pages in Firestore, under `orgs/{orgId}`: therapistLinks, w9Submissions,
 * edeliveryConsents, postedCopyB and therapistNotifications. A request brings only its
 * token, so `therapistTokens/{tokenHash}` names the org and link, written in the same batch,
 * with the link's expiry as `expireAt` so a TTL policy removes it after the link has expired.
 */
import type { CollectionReference, Firestore, Query } from 'firebase-admin/firestore';
import type {
  EDeliveryConsent,
  PostedCopyB,
  TherapistLinkRecord,
  TherapistNotification,
  TherapistPortalStore,
  W9Submission,
} from '../therapist-port.ts';
import { compareStrings, recordOf, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestoreTherapistLinks(db: Firestore): TherapistPortalStore {
  const collection = (orgId: string, name: string) => orgPaths(db, orgId).org.collection(name);
  const links = (orgId: string) => collection(orgId, 'therapistLinks');
  const w9s = (orgId: string) => collection(orgId, 'w9Submissions');
  const consents = (orgId: string) => collection(orgId, 'edeliveryConsents');
  const copies = (orgId: string) => collection(orgId, 'postedCopyB');
  const notices = (orgId: string) => collection(orgId, 'therapistNotifications');
  const tokens = db.collection('therapistTokens');
  const records = async <T>(q: Query) => (await q.get()).docs.flatMap((d) => recordOf<T>(d) ?? []);
  const create = async (c: CollectionReference, id: string, record: object) => void (await c.doc(docId(id)).create(toData(record)));

  /** Sets `field` to `at` when it is still unset, in a transaction; false when the record is unknown or it was set. */
  const setOnce = <T extends object>(c: CollectionReference, id: string, field: keyof T & string, at: string) => {
    const ref = c.doc(docId(id));
    return db.runTransaction(async (tx) => {
      const current = recordOf<T>(await tx.get(ref));
      if (!current || current[field] !== undefined) return false;
      tx.set(ref, toData({ ...current, [field]: at }));
      return true;
    });
  };

  return {
    async insertTherapistLink(orgId, link) {
      const batch = db.batch();
      batch.create(links(orgId).doc(docId(link.id)), toData(link));
      // `expireAt`: the field of the collection's TTL policy (docs/deploy.md); an expired link is refused before the index goes.
      batch.create(tokens.doc(link.tokenHash), { orgId, linkId: link.id, expireAt: new Date(link.expiresAt) });
      await batch.commit();
    },
    async getTherapistLink(orgId, linkId) {
      return recordOf<TherapistLinkRecord>(await links(orgId).doc(docId(linkId)).get());
    },
    async listTherapistLinks(orgId, therapistId) {
      const query = therapistId === undefined ? links(orgId) : links(orgId).where('therapistId', '==', therapistId);
      return (await records<TherapistLinkRecord>(query)).sort((a, b) => compareStrings(a.id, b.id));
    },
    revokeTherapistLink: (orgId, linkId, at) => setOnce<TherapistLinkRecord>(links(orgId), linkId, 'revokedAt', at),
    async findTherapistLinkByTokenHash(tokenHash) {
      const index = await tokens.doc(tokenHash).get();
      if (!index.exists) return null;
      const { orgId, linkId } = index.data() as { orgId: string; linkId: string };
      const link = recordOf<TherapistLinkRecord>(await links(orgId).doc(docId(linkId)).get());
      return link && link.tokenHash === tokenHash ? { orgId, link } : null;
    },
    insertW9Submission: (orgId, submission) => create(w9s(orgId), submission.id, submission),
    async listW9Submissions(orgId, therapistId) {
      return (await records<W9Submission>(w9s(orgId).where('therapistId', '==', therapistId))).sort(
        (a, b) => compareStrings(a.signedAt, b.signedAt) || compareStrings(a.id, b.id),
      );
    },
    insertConsent: (orgId, consent) => create(consents(orgId), consent.id, consent),
    withdrawConsent: (orgId, consentId, at) => setOnce<EDeliveryConsent>(consents(orgId), consentId, 'withdrawnAt', at),
    async listConsents(orgId, therapistId) {
      const query = therapistId === undefined ? consents(orgId) : consents(orgId).where('therapistId', '==', therapistId);
      return (await records<EDeliveryConsent>(query)).sort((a, b) => compareStrings(a.givenAt, b.givenAt) || compareStrings(a.id, b.id));
    },
    insertPostedCopyB: (orgId, copy) => create(copies(orgId), copy.id, copy),
    async listPostedCopyB(orgId, query) {
      const all = await records<PostedCopyB>(
        query.therapistId === undefined ? copies(orgId) : copies(orgId).where('therapistId', '==', query.therapistId),
      );
      return all
        .filter((c) => query.year === undefined || c.year === query.year)
        .sort((a, b) => compareStrings(b.postedAt, a.postedAt) || compareStrings(a.id, b.id));
    },
    async getPostedCopyB(orgId, id) {
      return recordOf<PostedCopyB>(await copies(orgId).doc(docId(id)).get());
    },
    insertNotification: (orgId, notification) => create(notices(orgId), notification.id, notification),
    async listNotifications(orgId, query) {
      const all = await records<TherapistNotification>(notices(orgId));
      return all
        .filter((n) => !query.unsent || n.sentAt === undefined)
        .sort((a, b) => compareStrings(a.createdAt, b.createdAt) || compareStrings(a.id, b.id));
    },
    markNotificationSent: (orgId, id, at) => setOnce<TherapistNotification>(notices(orgId), id, 'sentAt', at),
  };
}
