/**
 * Portal links in Firestore: `orgs/{orgId}/portalLinks/{linkId}` and their first views in
 * `orgs/{orgId}/portalViews/{linkId|invoiceId}`. A request brings only its token, so
 * `portalTokens/{tokenHash}` names the org and link, written in the same batch as the link,
 * with the link's expiry as `expireAt` so a TTL policy removes it after the link has expired.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { PortalLinkRecord, PortalStore, PortalView } from '../port.ts';
import type { TherapistPortalStore } from '../therapist-port.ts';
import { compareStrings, createOnce, recordOf, toData } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

export function firestorePortal(db: Firestore): Omit<PortalStore, keyof TherapistPortalStore> {
  const links = (orgId: string) => orgPaths(db, orgId).org.collection('portalLinks');
  const views = (orgId: string) => orgPaths(db, orgId).org.collection('portalViews');
  const tokens = db.collection('portalTokens');
  const byId = (a: PortalLinkRecord, b: PortalLinkRecord) => compareStrings(a.id, b.id);

  return {
    async insertPortalLink(orgId, link) {
      const batch = db.batch();
      batch.create(links(orgId).doc(docId(link.id)), toData(link));
      // `expireAt`: the field of the collection's TTL policy (docs/deploy.md), which deletes the index once the link has expired.
      batch.create(tokens.doc(link.tokenHash), { orgId, linkId: link.id, expireAt: new Date(link.expiresAt) });
      await batch.commit();
    },
    async getPortalLink(orgId, linkId) {
      return recordOf<PortalLinkRecord>(await links(orgId).doc(docId(linkId)).get());
    },
    async listPortalLinks(orgId, agencyId) {
      const query = agencyId === undefined ? links(orgId) : links(orgId).where('agencyId', '==', agencyId);
      return (await query.get()).docs.flatMap((d) => recordOf<PortalLinkRecord>(d) ?? []).sort(byId);
    },
    async revokePortalLink(orgId, linkId, at) {
      const ref = links(orgId).doc(docId(linkId));
      return db.runTransaction(async (tx) => {
        const link = recordOf<PortalLinkRecord>(await tx.get(ref));
        if (!link || link.revokedAt) return false;
        tx.set(ref, toData({ ...link, revokedAt: at }));
        return true;
      });
    },
    async updatePortalLink(orgId, linkId, change) {
      const ref = links(orgId).doc(docId(linkId));
      return db.runTransaction(async (tx) => {
        const current = recordOf<PortalLinkRecord>(await tx.get(ref));
        const changed = current && change(current);
        if (!current || !changed) return null;
        const next = toData({ ...changed, id: current.id, agencyId: current.agencyId, tokenHash: current.tokenHash });
        tx.set(ref, next);
        return next as PortalLinkRecord;
      });
    },
    async findPortalLinkByTokenHash(tokenHash) {
      const index = await tokens.doc(tokenHash).get();
      if (!index.exists) return null;
      const { orgId, linkId } = index.data() as { orgId: string; linkId: string };
      const link = recordOf<PortalLinkRecord>(await links(orgId).doc(docId(linkId)).get());
      return link && link.tokenHash === tokenHash ? { orgId, link } : null;
    },
    async markPortalInvoiceViewed(orgId, view) {
      await createOnce(views(orgId).doc(docId(view.linkId, view.invoiceId)), toData(view)); // the first view stays
    },
    async listPortalViews(orgId, linkIds) {
      if (linkIds.length === 0) return [];
      const wanted = new Set(linkIds);
      const all = (await views(orgId).get()).docs.flatMap((d) => recordOf<PortalView>(d) ?? []);
      return all.filter((v) => wanted.has(v.linkId)).sort((a, b) => compareStrings(a.at, b.at) || compareStrings(a.invoiceId, b.invoiceId));
    },
  };
}
