/**
 * The receivables ledger's part of the Store contract: entries written all or none, each at
 * its own place in its agency's ledger, read back in order, per org.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ENTRIES_PER_WRITE, type ReceivableEntry } from '../../../shared/receivables.ts';
import { anOrg } from '../test-support/store-records.ts';
import type { Store } from './port.ts';

const ORG = 'org-a';
const OTHER = 'org-b';
const AT = '2026-03-02T10:00:00.000Z';

const aReceipt = (id: string, agencyId: string, seq: number, amountCents = 10_000): ReceivableEntry => ({
  kind: 'receipt',
  id,
  agencyId,
  seq,
  on: '2026-03-02',
  recordedAt: AT,
  amountCents,
  method: 'check',
  reference: '1042',
});
const anApplication = (id: string, agencyId: string, seq: number, receiptId: string): ReceivableEntry => ({
  kind: 'application',
  id,
  agencyId,
  seq,
  on: '2026-03-02',
  recordedAt: AT,
  invoiceId: `inv-${seq}`,
  amountCents: 1,
  receiptId,
});

export function describeReceivablesContract(name: string, make: () => Promise<Store>): void {
  describe(`receivables contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
      await store.insertOrg(anOrg(ORG));
      await store.insertOrg(anOrg(OTHER));
    });

    it('writes a receipt and its applications together and reads the ledger by agency, then seq', async () => {
      const first = [aReceipt('r1', 'ag2', 1), anApplication('a1', 'ag2', 2, 'r1'), anApplication('a2', 'ag2', 3, 'r1')];
      expect(await store.appendReceivables(ORG, first)).toBe('created');
      expect(await store.appendReceivables(ORG, [aReceipt('r2', 'ag1', 1, 55)])).toBe('created');
      expect(await store.listReceivables(ORG)).toEqual([aReceipt('r2', 'ag1', 1, 55), ...first]);
      expect(await store.listReceivables(ORG, 'ag2')).toEqual(first);
      expect(await store.listReceivables(OTHER)).toEqual([]);
      expect(await store.listReceivables(ORG, 'ag3')).toEqual([]);
    });

    it('writes nothing of a batch when one of its places is taken', async () => {
      expect(await store.appendReceivables(ORG, [aReceipt('r1', 'ag1', 1)])).toBe('created');
      expect(await store.appendReceivables(ORG, [aReceipt('r2', 'ag1', 2), anApplication('a1', 'ag1', 1, 'r2')])).toBe('conflict');
      expect((await store.listReceivables(ORG)).map((e) => e.id)).toEqual(['r1']);
      // The same place in another org is that org's own.
      expect(await store.appendReceivables(OTHER, [aReceipt('r1', 'ag1', 1)])).toBe('created');
    });

    it('lets one of two racing writes to the same place in', async () => {
      const outcomes = await Promise.all([
        store.appendReceivables(ORG, [aReceipt('x', 'ag1', 1, 100), anApplication('xa', 'ag1', 2, 'x')]),
        store.appendReceivables(ORG, [aReceipt('y', 'ag1', 1, 200), anApplication('ya', 'ag1', 2, 'y')]),
      ]);
      expect(outcomes.sort()).toEqual(['conflict', 'created']);
      const ledger = await store.listReceivables(ORG, 'ag1');
      expect(ledger).toHaveLength(2);
      expect(new Set(ledger.map((e) => e.id.slice(0, 1))).size).toBe(1);
    });

    it('writes a receipt applied to as many invoices as one write takes', async () => {
      const entries = [
        aReceipt('big', 'ag1', 1),
        ...Array.from({ length: MAX_ENTRIES_PER_WRITE - 1 }, (_, i) => anApplication(`big-${i}`, 'ag1', i + 2, 'big')),
      ];
      expect(await store.appendReceivables(ORG, entries)).toBe('created');
      expect(await store.listReceivables(ORG, 'ag1')).toEqual(entries);
    });
  });
}
