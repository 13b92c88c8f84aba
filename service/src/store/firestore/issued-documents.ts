/**
 * Issued documents in Firestore. A PDF can pass the 1 MiB document limit, so its bytes go
 * base64 in chunk docs of 700 KB under `orgs/{orgId}/issuedDocuments/{id}/chunks`, named by
 * the content's SHA-256 and position; the header doc (kind, record, sha256, chunk count) is
 * created last, in a transaction, and is what makes the document exist. Two racing puts of
 * one id write their chunks under different hashes, so the loser cannot overwrite the
 * winner's bytes: every reader follows the header's hash.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { DocumentKind, DocumentStore, StoredDocument } from '../port.ts';
import { commitInBatches, type Write } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

/** Base64 characters per chunk doc: 700 KB, well under the 1 MiB document limit. */
export const DOCUMENT_CHUNK_CHARS = 700_000;

type Header = { id: string; kind: DocumentKind; recordId: string; sha256: string; createdAt: string; byteLength: number; chunks: number };

export function firestoreDocuments(db: Firestore): DocumentStore {
  const header = (orgId: string, id: string) => orgPaths(db, orgId).org.collection('issuedDocuments').doc(docId(id));
  const chunk = (orgId: string, id: string, sha256: string, index: number) =>
    header(orgId, id).collection('chunks').doc(`${sha256}-${String(index).padStart(4, '0')}`);

  async function read(orgId: string, h: Header): Promise<StoredDocument> {
    const refs = Array.from({ length: h.chunks }, (_, i) => chunk(orgId, h.id, h.sha256, i));
    const snapshots = refs.length === 0 ? [] : await db.getAll(...refs);
    const base64 = snapshots.map((s) => {
      const data = s.data();
      if (!data) throw new Error(`document ${h.id}: a chunk is missing`, { cause: { code: 'document-incomplete' } });
      return data.base64 as string;
    }).join('');
    const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
    return { id: h.id, kind: h.kind, recordId: h.recordId, sha256: h.sha256, bytes, createdAt: h.createdAt };
  }

  return {
    async putDocument(orgId, d) {
      const ref = header(orgId, d.id);
      const existing = await ref.get();
      if (existing.exists) return read(orgId, existing.data() as Header);
      const base64 = Buffer.from(d.bytes).toString('base64');
      const parts: string[] = [];
      for (let i = 0; i < base64.length; i += DOCUMENT_CHUNK_CHARS) parts.push(base64.slice(i, i + DOCUMENT_CHUNK_CHARS));
      const writes: Write[] = parts.map((part, i) => ({ op: 'set', ref: chunk(orgId, d.id, d.sha256, i), data: { base64: part } }));
      await commitInBatches(db, writes);
      const mine: Header = { id: d.id, kind: d.kind, recordId: d.recordId, sha256: d.sha256, createdAt: d.createdAt, byteLength: d.bytes.byteLength, chunks: parts.length };
      const stored = await db.runTransaction(async (tx) => {
        const now = await tx.get(ref);
        if (now.exists) return now.data() as Header;
        tx.create(ref, mine);
        return mine;
      });
      return stored === mine ? { ...d } : read(orgId, stored);
    },
    async getDocument(orgId, id) {
      const snapshot = await header(orgId, id).get();
      return snapshot.exists ? read(orgId, snapshot.data() as Header) : null;
    },
  };
}
