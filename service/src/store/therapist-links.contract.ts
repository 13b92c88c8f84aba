/** The contract of the therapists' pages' part of the store (therapist-port.ts), for every adapter. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { EDeliveryConsent, PostedCopyB, TherapistLinkRecord, TherapistPortalStore, W9Submission } from './therapist-port.ts';

const aLink = (id: string, o: Partial<TherapistLinkRecord> = {}): TherapistLinkRecord => ({
  id,
  therapistId: 't1',
  tokenHash: `therapist-hash-of-${id}`,
  createdAt: '2026-02-01T00:00:00.000Z',
  expiresAt: '2026-05-02T00:00:00.000Z',
  ...o,
});
const aW9 = (id: string, signedAt: string): W9Submission => ({
  id,
  therapistId: 't1',
  signature: 'Dana Lee',
  signedAt,
  signedFrom: '203.0.113.9',
  formRevision: 'March 2024',
  signedInEmail: 'dana@example.com',
  item2CrossedOut: false,
  w9: {
    legalName: 'Dana Lee',
    taxClassification: 'individual',
    address: { line1: '1 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    tinType: 'SSN',
    tin: { sealed: 'v1.k1.sealed', last4: '6789', type: 'SSN' },
    signedOn: signedAt.slice(0, 10),
  },
});
const aConsent = (id: string, therapistId: string, givenAt: string): EDeliveryConsent => ({
  id,
  therapistId,
  givenAt,
  disclosureVersion: '2026-1',
  givenFrom: '203.0.113.9',
});
const aCopy = (id: string, therapistId: string, postedAt: string): PostedCopyB => ({
  id,
  therapistId,
  year: 2026,
  fileName: '1099-NEC-2026-copy-B-Dana-Lee.pdf',
  documentId: `nec-copy-b:2026:${therapistId}:${id}`,
  sha256: 'ab'.repeat(32),
  postedAt,
  availableThrough: '2027-10-15',
  corrected: false,
});

export function describeTherapistPortalContract(name: string, make: () => Promise<TherapistPortalStore>): void {
  describe(`TherapistPortalStore contract: ${name}`, () => {
    let store: TherapistPortalStore;
    beforeEach(async () => {
      store = await make();
    });

    it('keeps links per org, finds one by token hash across orgs, and revokes once', async () => {
      await store.insertTherapistLink('a', aLink('l2', { therapistId: 't2' }));
      await store.insertTherapistLink('a', aLink('l1'));
      expect((await store.listTherapistLinks('a')).map((l) => l.id)).toEqual(['l1', 'l2']);
      expect((await store.listTherapistLinks('a', 't2')).map((l) => l.id)).toEqual(['l2']);
      expect(await store.getTherapistLink('b', 'l1')).toBeNull();
      expect(await store.findTherapistLinkByTokenHash('therapist-hash-of-l1')).toEqual({ orgId: 'a', link: aLink('l1') });
      expect(await store.findTherapistLinkByTokenHash('unknown')).toBeNull();
      expect(await store.revokeTherapistLink('a', 'l1', '2026-02-02T00:00:00.000Z')).toBe(true);
      expect(await store.revokeTherapistLink('a', 'l1', '2026-02-03T00:00:00.000Z')).toBe(false);
      expect(await store.revokeTherapistLink('b', 'l2', '2026-02-03T00:00:00.000Z')).toBe(false);
      expect((await store.getTherapistLink('a', 'l1'))!.revokedAt).toBe('2026-02-02T00:00:00.000Z');
    });

    it('keeps every W-9 signed, oldest first, and consents withdrawn once', async () => {
      await store.insertW9Submission('a', aW9('w2', '2026-03-01T00:00:00.000Z'));
      await store.insertW9Submission('a', aW9('w1', '2026-02-01T00:00:00.000Z'));
      expect((await store.listW9Submissions('a', 't1')).map((w) => w.id)).toEqual(['w1', 'w2']);
      expect(await store.listW9Submissions('b', 't1')).toEqual([]);
      await store.insertConsent('a', aConsent('c1', 't1', '2026-02-01T00:00:00.000Z'));
      await store.insertConsent('a', aConsent('c2', 't2', '2026-02-02T00:00:00.000Z'));
      expect((await store.listConsents('a')).map((c) => c.id)).toEqual(['c1', 'c2']);
      expect(await store.withdrawConsent('a', 'c1', '2026-03-01T00:00:00.000Z')).toBe(true);
      expect(await store.withdrawConsent('a', 'c1', '2026-03-02T00:00:00.000Z')).toBe(false);
      expect(await store.listConsents('a', 't1')).toEqual([
        { ...aConsent('c1', 't1', '2026-02-01T00:00:00.000Z'), withdrawnAt: '2026-03-01T00:00:00.000Z' },
      ]);
    });

    it('lists posted copies newest first, by therapist and year, and marks notices sent once', async () => {
      await store.insertPostedCopyB('a', aCopy('p1', 't1', '2026-02-01T00:00:00.000Z'));
      await store.insertPostedCopyB('a', aCopy('p2', 't1', '2026-03-01T00:00:00.000Z'));
      await store.insertPostedCopyB('a', aCopy('p3', 't2', '2026-02-15T00:00:00.000Z'));
      expect((await store.listPostedCopyB('a', { therapistId: 't1' })).map((c) => c.id)).toEqual(['p2', 'p1']);
      expect((await store.listPostedCopyB('a', { year: 2026 })).map((c) => c.id)).toEqual(['p2', 'p3', 'p1']);
      expect(await store.listPostedCopyB('a', { year: 2025 })).toEqual([]);
      expect(await store.getPostedCopyB('a', 'p3')).toEqual(aCopy('p3', 't2', '2026-02-15T00:00:00.000Z'));
      expect(await store.getPostedCopyB('b', 'p3')).toBeNull();
      await store.insertNotification('a', {
        id: 'n1',
        therapistId: 't1',
        kind: 'copy-b-ready',
        year: 2026,
        createdAt: '2026-03-01T00:00:00.000Z',
      });
      expect(await store.markNotificationSent('a', 'n1', '2026-03-02T00:00:00.000Z')).toBe(true);
      expect(await store.markNotificationSent('a', 'n1', '2026-03-03T00:00:00.000Z')).toBe(false);
      expect(await store.listNotifications('a', { unsent: true })).toEqual([]);
      expect((await store.listNotifications('a', {}))[0]!.sentAt).toBe('2026-03-02T00:00:00.000Z');
    });
  });
}
