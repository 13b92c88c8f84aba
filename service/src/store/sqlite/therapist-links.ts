/** The therapists' pages in SQLite: links, W-9s signed there, consents, posted Copy Bs and notices, a row each. */
import type { DatabaseSync } from 'node:sqlite';
import type {
  EDeliveryConsent,
  PostedCopyB,
  TherapistLinkRecord,
  TherapistNotification,
  TherapistPortalStore,
  W9Submission,
} from '../therapist-port.ts';

type DocRow = { org_id: string; doc: string };

const parsed = <T>(row: unknown): T | null => (row ? (JSON.parse((row as DocRow).doc) as T) : null);
const all = <T>(rows: unknown[]): T[] => rows.map((r) => parsed<T>(r)!);

export function sqliteTherapistLinks(db: DatabaseSync): TherapistPortalStore {
  const insertLink = db.prepare('INSERT INTO therapist_links (org_id, id, therapist_id, token_hash, doc) VALUES (?, ?, ?, ?, ?)');
  const selectLink = db.prepare('SELECT org_id, doc FROM therapist_links WHERE org_id = ? AND id = ?');
  const selectLinks = db.prepare('SELECT org_id, doc FROM therapist_links WHERE org_id = ? ORDER BY id');
  const selectLinksOf = db.prepare('SELECT org_id, doc FROM therapist_links WHERE org_id = ? AND therapist_id = ? ORDER BY id');
  const selectLinkByHash = db.prepare('SELECT org_id, doc FROM therapist_links WHERE token_hash = ?');
  const updateLink = db.prepare('UPDATE therapist_links SET doc = ? WHERE org_id = ? AND id = ?');
  const insertW9 = db.prepare('INSERT INTO w9_submissions (org_id, id, therapist_id, signed_at, doc) VALUES (?, ?, ?, ?, ?)');
  const selectW9s = db.prepare('SELECT org_id, doc FROM w9_submissions WHERE org_id = ? AND therapist_id = ? ORDER BY signed_at, id');
  const insertConsent = db.prepare('INSERT INTO edelivery_consents (org_id, id, therapist_id, given_at, doc) VALUES (?, ?, ?, ?, ?)');
  const selectConsent = db.prepare('SELECT org_id, doc FROM edelivery_consents WHERE org_id = ? AND id = ?');
  const selectConsents = db.prepare('SELECT org_id, doc FROM edelivery_consents WHERE org_id = ? ORDER BY given_at, id');
  const selectConsentsOf = db.prepare(
    'SELECT org_id, doc FROM edelivery_consents WHERE org_id = ? AND therapist_id = ? ORDER BY given_at, id',
  );
  const updateConsent = db.prepare('UPDATE edelivery_consents SET doc = ? WHERE org_id = ? AND id = ?');
  const insertCopy = db.prepare('INSERT INTO posted_copy_b (org_id, id, therapist_id, year, posted_at, doc) VALUES (?, ?, ?, ?, ?, ?)');
  const selectCopy = db.prepare('SELECT org_id, doc FROM posted_copy_b WHERE org_id = ? AND id = ?');
  const insertNotice = db.prepare('INSERT INTO therapist_notifications (org_id, id, created_at, sent_at, doc) VALUES (?, ?, ?, NULL, ?)');
  const selectNotices = db.prepare('SELECT org_id, doc FROM therapist_notifications WHERE org_id = ? ORDER BY created_at, id');
  const selectUnsent = db.prepare(
    'SELECT org_id, doc FROM therapist_notifications WHERE org_id = ? AND sent_at IS NULL ORDER BY created_at, id',
  );
  const selectNotice = db.prepare('SELECT org_id, doc FROM therapist_notifications WHERE org_id = ? AND id = ?');
  const updateNotice = db.prepare('UPDATE therapist_notifications SET sent_at = ?, doc = ? WHERE org_id = ? AND id = ?');

  /** Read, change and write without yielding: node:sqlite is synchronous, so no other request interleaves. */
  function setOnce<T extends object>(
    select: ReturnType<DatabaseSync['prepare']>,
    write: (doc: T) => void,
    orgId: string,
    id: string,
    field: keyof T,
    at: string,
  ): boolean {
    const current = parsed<T>(select.get(orgId, id));
    if (!current || current[field] !== undefined) return false;
    write({ ...current, [field]: at });
    return true;
  }

  return {
    async insertTherapistLink(orgId, link) {
      insertLink.run(orgId, link.id, link.therapistId, link.tokenHash, JSON.stringify(link));
    },
    async getTherapistLink(orgId, linkId) {
      return parsed<TherapistLinkRecord>(selectLink.get(orgId, linkId));
    },
    async listTherapistLinks(orgId, therapistId) {
      return all<TherapistLinkRecord>(therapistId === undefined ? selectLinks.all(orgId) : selectLinksOf.all(orgId, therapistId));
    },
    async revokeTherapistLink(orgId, linkId, at) {
      return setOnce<TherapistLinkRecord>(
        selectLink,
        (doc) => updateLink.run(JSON.stringify(doc), orgId, linkId),
        orgId,
        linkId,
        'revokedAt',
        at,
      );
    },
    async findTherapistLinkByTokenHash(tokenHash) {
      const row = selectLinkByHash.get(tokenHash) as DocRow | undefined;
      return row ? { orgId: row.org_id, link: parsed<TherapistLinkRecord>(row)! } : null;
    },
    async insertW9Submission(orgId, submission) {
      insertW9.run(orgId, submission.id, submission.therapistId, submission.signedAt, JSON.stringify(submission));
    },
    async listW9Submissions(orgId, therapistId) {
      return all<W9Submission>(selectW9s.all(orgId, therapistId));
    },
    async insertConsent(orgId, consent) {
      insertConsent.run(orgId, consent.id, consent.therapistId, consent.givenAt, JSON.stringify(consent));
    },
    async withdrawConsent(orgId, consentId, at) {
      return setOnce<EDeliveryConsent>(
        selectConsent,
        (doc) => updateConsent.run(JSON.stringify(doc), orgId, consentId),
        orgId,
        consentId,
        'withdrawnAt',
        at,
      );
    },
    async listConsents(orgId, therapistId) {
      return all<EDeliveryConsent>(therapistId === undefined ? selectConsents.all(orgId) : selectConsentsOf.all(orgId, therapistId));
    },
    async insertPostedCopyB(orgId, copy) {
      insertCopy.run(orgId, copy.id, copy.therapistId, copy.year, copy.postedAt, JSON.stringify(copy));
    },
    async listPostedCopyB(orgId, query) {
      const where = [
        'org_id = ?',
        ...(query.therapistId !== undefined ? ['therapist_id = ?'] : []),
        ...(query.year !== undefined ? ['year = ?'] : []),
      ];
      const args = [
        orgId,
        ...(query.therapistId !== undefined ? [query.therapistId] : []),
        ...(query.year !== undefined ? [query.year] : []),
      ];
      const rows = db
        .prepare(`SELECT org_id, doc FROM posted_copy_b WHERE ${where.join(' AND ')} ORDER BY posted_at DESC, id`)
        .all(...args);
      return all<PostedCopyB>(rows);
    },
    async getPostedCopyB(orgId, id) {
      return parsed<PostedCopyB>(selectCopy.get(orgId, id));
    },
    async insertNotification(orgId, notification) {
      insertNotice.run(orgId, notification.id, notification.createdAt, JSON.stringify(notification));
    },
    async listNotifications(orgId, query) {
      return all<TherapistNotification>(query.unsent ? selectUnsent.all(orgId) : selectNotices.all(orgId));
    },
    async markNotificationSent(orgId, id, at) {
      return setOnce<TherapistNotification>(
        selectNotice,
        (doc) => updateNotice.run(at, JSON.stringify(doc), orgId, id),
        orgId,
        id,
        'sentAt',
        at,
      );
    },
  };
}
