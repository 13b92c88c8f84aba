/**
 * Issued documents in SQLite: one row per document, the PDF sealed (crypto/document-seal.ts)
 * as a BLOB; migration 3 makes rows immutable, and migration 12 lets only the sealed bytes change.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { DocumentKind, DocumentStore, KeyMaintenanceStore, StoredDocument } from '../port.ts';

type DocumentRow = { id: string; kind: string; record_id: string; sha256: string; bytes: Uint8Array; created_at: string };

const fromRow = (r: DocumentRow): StoredDocument => ({
  id: r.id,
  kind: r.kind as DocumentKind,
  recordId: r.record_id,
  sha256: r.sha256,
  bytes: r.bytes,
  createdAt: r.created_at,
});

export function sqliteDocuments(db: DatabaseSync): DocumentStore & Pick<KeyMaintenanceStore, 'listDocumentIds' | 'resealDocument'> {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO documents (org_id, id, kind, record_id, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT id, kind, record_id, sha256, bytes, created_at FROM documents WHERE org_id = ? AND id = ?');
  const read = (orgId: string, id: string) => {
    const row = select.get(orgId, id) as DocumentRow | undefined;
    return row ? fromRow(row) : null;
  };
  const listIds = db.prepare('SELECT id FROM documents WHERE org_id = ? ORDER BY id');
  const reseal = db.prepare('UPDATE documents SET bytes = ? WHERE org_id = ? AND id = ?');
  return {
    async listDocumentIds(orgId) {
      return (listIds.all(orgId) as { id: string }[]).map((r) => r.id);
    },
    async resealDocument(orgId, id, bytes) {
      reseal.run(bytes, orgId, id);
    },
    async putDocument(orgId, d) {
      // INSERT OR IGNORE then read: one synchronous step, so the first put's row is what every caller gets.
      insert.run(orgId, d.id, d.kind, d.recordId, d.sha256, d.bytes, d.createdAt);
      return read(orgId, d.id)!;
    },
    async getDocument(orgId, id) {
      return read(orgId, id);
    },
  };
}
