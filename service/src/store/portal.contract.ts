/** The contract of the PortalStore part, for every adapter that has one. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PortalLinkRecord, PortalStore } from './port.ts';

export function aPortalLink(id: string, overrides: Partial<PortalLinkRecord> = {}): PortalLinkRecord {
  return {
    id,
    agencyId: 'ag1',
    tokenHash: `hash-of-${id}`,
    createdAt: '2026-02-01T00:00:00.000Z',
    expiresAt: '2026-05-02T00:00:00.000Z',
    ...overrides,
  };
}

export function describePortalContract(name: string, make: () => Promise<PortalStore>): void {
  describe(`PortalStore contract: ${name}`, () => {
    let store: PortalStore;
    beforeEach(async () => {
      store = await make();
    });

    it('keeps links per org, listed by id and by agency', async () => {
      const l1 = aPortalLink('l1', { passcodeHash: 'scrypt$aa$bb' });
      const l2 = aPortalLink('l2', { agencyId: 'ag2' });
      await store.insertPortalLink('a', l2);
      await store.insertPortalLink('a', l1);
      expect(await store.getPortalLink('a', 'l1')).toEqual(l1);
      expect(await store.getPortalLink('b', 'l1')).toBeNull();
      expect((await store.listPortalLinks('a')).map((l) => l.id)).toEqual(['l1', 'l2']);
      expect(await store.listPortalLinks('a', 'ag2')).toEqual([l2]);
      expect(await store.listPortalLinks('b')).toEqual([]);
    });

    it('finds a link by its token hash across orgs, naming its org', async () => {
      await store.insertPortalLink('a', aPortalLink('l1', { tokenHash: 'h-a' }));
      await store.insertPortalLink('b', aPortalLink('l1', { tokenHash: 'h-b' }));
      expect(await store.findPortalLinkByTokenHash('h-a')).toEqual({ orgId: 'a', link: aPortalLink('l1', { tokenHash: 'h-a' }) });
      expect((await store.findPortalLinkByTokenHash('h-b'))?.orgId).toBe('b');
      expect(await store.findPortalLinkByTokenHash('h-unknown')).toBeNull();
    });

    it('revokes a link once, in its own org only', async () => {
      await store.insertPortalLink('a', aPortalLink('l1'));
      expect(await store.revokePortalLink('b', 'l1', '2026-03-01T00:00:00.000Z')).toBe(false);
      expect(await store.revokePortalLink('a', 'l1', '2026-03-01T00:00:00.000Z')).toBe(true);
      expect(await store.revokePortalLink('a', 'l1', '2026-03-02T00:00:00.000Z')).toBe(false);
      expect((await store.getPortalLink('a', 'l1'))?.revokedAt).toBe('2026-03-01T00:00:00.000Z');
      expect((await store.findPortalLinkByTokenHash('hash-of-l1'))?.link.revokedAt).toBe('2026-03-01T00:00:00.000Z');
    });

    it('keeps the first view of an invoice per link, per org', async () => {
      await store.markPortalInvoiceViewed('a', { linkId: 'l1', invoiceId: 'inv1', at: '2026-02-02T00:00:00.000Z' });
      await store.markPortalInvoiceViewed('a', { linkId: 'l1', invoiceId: 'inv1', at: '2026-02-03T00:00:00.000Z' });
      await store.markPortalInvoiceViewed('a', { linkId: 'l2', invoiceId: 'inv2', at: '2026-02-04T00:00:00.000Z' });
      await store.markPortalInvoiceViewed('b', { linkId: 'l1', invoiceId: 'inv9', at: '2026-02-04T00:00:00.000Z' });
      expect(await store.listPortalViews('a', ['l1'])).toEqual([{ linkId: 'l1', invoiceId: 'inv1', at: '2026-02-02T00:00:00.000Z' }]);
      expect((await store.listPortalViews('a', ['l1', 'l2'])).map((v) => v.invoiceId)).toEqual(['inv1', 'inv2']);
      expect(await store.listPortalViews('a', [])).toEqual([]);
    });
  });
}
