/** Issued documents in SQLite: one row per document, the PDF as a BLOB; migration 3 makes rows immutable. */
import type { DatabaseSync } from 'node:sqlite';
import type { DocumentKind, DocumentStore, StoredDocument } from '../port.ts';

type DocumentRow = { id: string; kind: string; record_id: string; sha256: string; bytes: Uint8Array; created_at: string };

const fromRow = (r: DocumentRow): StoredDocument => ({
  id: r.id, kind: r.kind as DocumentKind, recordId: r.record_id, sha256: r.sha256, bytes: r.bytes, createdAt: r.created_at,
});

export function sqliteDocuments(db: DatabaseSync): DocumentStore {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO documents (org_id, id, kind, record_id, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT id, kind, record_id, sha256, bytes, created_at FROM documents WHERE org_id = ? AND id = ?');
  const read = (orgId: string, id: string) => {
    const row = select.get(orgId, id) as DocumentRow | undefined;
    return row ? fromRow(row) : null;
  };
  return {
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
