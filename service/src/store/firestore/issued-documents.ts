/**
 * Issued documents in Firestore. A PDF can pass the 1 MiB document limit, so its bytes go
 * base64 in chunk docs of 700 KB under `orgs/{orgId}/issuedDocuments/{id}/chunks`, named by
 * the content's SHA-256 and position; the header doc (kind, record, sha256, chunk count) is
 * created last, in a transaction, and is what makes the document exist. Two racing puts of
 * one id write their chunks under different hashes, so the loser cannot overwrite the
 * winner's bytes: every reader follows the header's hash. The bytes come sealed
 * (crypto/document-seal.ts). Sealing them again (a key rotation) writes a new set of chunks
 * named by `chunkSet`, then points the header at it in a transaction, then deletes the old
 * set: a crash part way leaves the header naming a whole set.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { randomBytes } from 'node:crypto';
import type { DocumentKind, DocumentStore, KeyMaintenanceStore, StoredDocument } from '../port.ts';
import { commitInBatches, type Write } from './documents.ts';
import { docId, orgPaths } from './paths.ts';

/** Base64 characters per chunk doc: 700 KB, well under the 1 MiB document limit. */
export const DOCUMENT_CHUNK_CHARS = 700_000;

/** `chunkSet`: the name of the chunks' set when the bytes were sealed again; the content's SHA-256 until then. */
type Header = {
  id: string;
  kind: DocumentKind;
  recordId: string;
  sha256: string;
  createdAt: string;
  byteLength: number;
  chunks: number;
  chunkSet?: string;
};

export function firestoreDocuments(db: Firestore): DocumentStore & Pick<KeyMaintenanceStore, 'listDocumentIds' | 'resealDocument'> {
  const headers = (orgId: string) => orgPaths(db, orgId).org.collection('issuedDocuments');
  const header = (orgId: string, id: string) => headers(orgId).doc(docId(id));
  const chunk = (orgId: string, id: string, chunkSet: string, index: number) =>
    header(orgId, id)
      .collection('chunks')
      .doc(`${chunkSet}-${String(index).padStart(4, '0')}`);
  const chunkWrites = (orgId: string, id: string, chunkSet: string, bytes: Uint8Array): Write[] => {
    const base64 = Buffer.from(bytes).toString('base64');
    const writes: Write[] = [];
    for (let i = 0; i * DOCUMENT_CHUNK_CHARS < base64.length; i++) {
      writes.push({
        op: 'set',
        ref: chunk(orgId, id, chunkSet, i),
        data: { base64: base64.slice(i * DOCUMENT_CHUNK_CHARS, (i + 1) * DOCUMENT_CHUNK_CHARS) },
      });
    }
    return writes;
  };

  async function read(orgId: string, h: Header): Promise<StoredDocument> {
    const refs = Array.from({ length: h.chunks }, (_, i) => chunk(orgId, h.id, h.chunkSet ?? h.sha256, i));
    const snapshots = refs.length === 0 ? [] : await db.getAll(...refs);
    const base64 = snapshots
      .map((s) => {
        const data = s.data();
        if (!data) throw new Error(`document ${h.id}: a chunk is missing`, { cause: { code: 'document-incomplete' } });
        return data.base64 as string;
      })
      .join('');
    const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
    return { id: h.id, kind: h.kind, recordId: h.recordId, sha256: h.sha256, bytes, createdAt: h.createdAt };
  }

  return {
    async putDocument(orgId, d) {
      const ref = header(orgId, d.id);
      const existing = await ref.get();
      if (existing.exists) return read(orgId, existing.data() as Header);
      const writes = chunkWrites(orgId, d.id, d.sha256, d.bytes);
      await commitInBatches(db, writes);
      const mine: Header = {
        id: d.id,
        kind: d.kind,
        recordId: d.recordId,
        sha256: d.sha256,
        createdAt: d.createdAt,
        byteLength: d.bytes.byteLength,
        chunks: writes.length,
      };
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
    async listDocumentIds(orgId) {
      return (await headers(orgId).select('id').get()).docs.map((s) => s.get('id') as string).sort();
    },
    async resealDocument(orgId, id, bytes) {
      const ref = header(orgId, id);
      const before = (await ref.get()).data() as Header | undefined;
      if (!before) return;
      const chunkSet = `${before.sha256}.${randomBytes(6).toString('hex')}`;
      const writes = chunkWrites(orgId, id, chunkSet, bytes);
      await commitInBatches(db, writes);
      const replaced = await db.runTransaction(async (tx) => {
        const now = (await tx.get(ref)).data() as Header;
        tx.update(ref, { chunkSet, chunks: writes.length, byteLength: bytes.byteLength });
        return now;
      });
      const old = Array.from(
        { length: replaced.chunks },
        (_, i): Write => ({ op: 'delete', ref: chunk(orgId, id, replaced.chunkSet ?? replaced.sha256, i) }),
      );
      await commitInBatches(db, old);
    },
  };
}
