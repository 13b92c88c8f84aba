/** Portal links in SQLite: one row per link (the token hash unique across orgs) and one per first view. */
import type { DatabaseSync } from 'node:sqlite';
import type { PortalLinkRecord, PortalStore, PortalView } from '../port.ts';
import type { TherapistPortalStore } from '../therapist-port.ts';

type LinkRow = { org_id: string; doc: string };

export function sqlitePortal(db: DatabaseSync): Omit<PortalStore, keyof TherapistPortalStore> {
  const insert = db.prepare('INSERT INTO portal_links (org_id, id, agency_id, token_hash, doc) VALUES (?, ?, ?, ?, ?)');
  const selectOne = db.prepare('SELECT org_id, doc FROM portal_links WHERE org_id = ? AND id = ?');
  const selectAll = db.prepare('SELECT org_id, doc FROM portal_links WHERE org_id = ? ORDER BY id');
  const selectByAgency = db.prepare('SELECT org_id, doc FROM portal_links WHERE org_id = ? AND agency_id = ? ORDER BY id');
  const selectByHash = db.prepare('SELECT org_id, doc FROM portal_links WHERE token_hash = ?');
  const update = db.prepare('UPDATE portal_links SET doc = ? WHERE org_id = ? AND id = ?');
  const insertView = db.prepare('INSERT OR IGNORE INTO portal_views (org_id, link_id, invoice_id, at) VALUES (?, ?, ?, ?)');
  const link = (row: unknown) => (row ? (JSON.parse((row as LinkRow).doc) as PortalLinkRecord) : null);

  return {
    async insertPortalLink(orgId, l) {
      insert.run(orgId, l.id, l.agencyId, l.tokenHash, JSON.stringify(l));
    },
    async getPortalLink(orgId, linkId) {
      return link(selectOne.get(orgId, linkId));
    },
    async listPortalLinks(orgId, agencyId) {
      const rows = agencyId === undefined ? selectAll.all(orgId) : selectByAgency.all(orgId, agencyId);
      return rows.map((r) => link(r)!);
    },
    async revokePortalLink(orgId, linkId, at) {
      // Read and write without yielding: node:sqlite is synchronous, so no other request interleaves.
      const current = link(selectOne.get(orgId, linkId));
      if (!current || current.revokedAt) return false;
      update.run(JSON.stringify({ ...current, revokedAt: at }), orgId, linkId);
      return true;
    },
    async updatePortalLink(orgId, linkId, change) {
      // As revokePortalLink: nothing yields between the read and the write.
      const current = link(selectOne.get(orgId, linkId));
      const changed = current && change(current);
      if (!current || !changed) return null;
      const doc = JSON.stringify({ ...changed, id: current.id, agencyId: current.agencyId, tokenHash: current.tokenHash });
      update.run(doc, orgId, linkId);
      return JSON.parse(doc) as PortalLinkRecord;
    },
    async findPortalLinkByTokenHash(tokenHash) {
      const row = selectByHash.get(tokenHash) as LinkRow | undefined;
      return row ? { orgId: row.org_id, link: link(row)! } : null;
    },
    async markPortalInvoiceViewed(orgId, view) {
      insertView.run(orgId, view.linkId, view.invoiceId, view.at);
    },
    async listPortalViews(orgId, linkIds) {
      if (linkIds.length === 0) return [];
      const rows = db
        .prepare(
          `SELECT link_id, invoice_id, at FROM portal_views WHERE org_id = ? AND link_id IN (${linkIds.map(() => '?').join(',')}) ORDER BY at, invoice_id`,
        )
        .all(orgId, ...linkIds) as { link_id: string; invoice_id: string; at: string }[];
      return rows.map((r): PortalView => ({ linkId: r.link_id, invoiceId: r.invoice_id, at: r.at }));
    },
  };
}
