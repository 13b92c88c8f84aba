/**
 * The receivables ledger's part of the Store contract: entries written all or none, each at
 * its own place in its agency's ledger, read back in order, per org.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ENTRIES_PER_WRITE, type ReceiptEntry, type ReceivableEntry } from '../../../shared/receivables.ts';
import { anOrg } from '../test-support/store-records.ts';
import type { Store } from './port.ts';

const ORG = 'org-a';
const OTHER = 'org-b';
const AT = '2026-03-02T10:00:00.000Z';

const aReceipt = (id: string, agencyId: string, seq: number, amountCents = 10_000): ReceiptEntry => ({
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

    it("keeps a receipt's idempotency key unique in its org, even between agencies and racing writes", async () => {
      const keyed = (id: string, agencyId: string, seq: number, clientId: string): ReceivableEntry => ({
        ...aReceipt(id, agencyId, seq),
        clientId,
      });
      expect(await store.appendReceivables(ORG, [keyed('r1', 'ag1', 1, 'k1'), anApplication('a1', 'ag1', 2, 'r1')])).toBe('created');
      expect(await store.appendReceivables(ORG, [keyed('r2', 'ag2', 1, 'k1'), anApplication('a2', 'ag2', 2, 'r2')])).toBe('conflict');
      expect(await store.appendReceivables(ORG, [keyed('r3', 'ag1', 3, 'k1')])).toBe('conflict');
      expect((await store.listReceivables(ORG)).map((e) => e.id)).toEqual(['r1', 'a1']);
      expect(await store.listReceivables(ORG, 'ag1')).toEqual([keyed('r1', 'ag1', 1, 'k1'), anApplication('a1', 'ag1', 2, 'r1')]);
      // Another org's key is its own; receipts without a key are never held back.
      expect(await store.appendReceivables(OTHER, [keyed('r1', 'ag1', 1, 'k1')])).toBe('created');
      expect(await store.appendReceivables(ORG, [aReceipt('r4', 'ag1', 3), aReceipt('r5', 'ag1', 4)])).toBe('created');
      const outcomes = await Promise.all([
        store.appendReceivables(ORG, [keyed('x', 'ag3', 1, 'k2')]),
        store.appendReceivables(ORG, [keyed('y', 'ag4', 1, 'k2')]),
      ]);
      expect(outcomes.sort()).toEqual(['conflict', 'created']);
      expect((await store.listReceivables(ORG)).filter((e) => e.kind === 'receipt' && e.clientId === 'k2')).toHaveLength(1);
    });

    it('writes a receipt applied to as many invoices as one write takes', async () => {
      const entries = [
        aReceipt('big', 'ag1', 1),
        ...Array.from({ length: MAX_ENTRIES_PER_WRITE - 1 }, (_, i) => anApplication(`big-${i}`, 'ag1', i + 2, 'big')),
      ];
      expect(await store.appendReceivables(ORG, entries)).toBe('created');
      expect(await store.listReceivables(ORG, 'ag1')).toEqual(entries);
      // With an idempotency key, the key's own record takes one of the writes.
      const keyed = [
        { ...aReceipt('keyed', 'ag2', 1), clientId: 'k' },
        ...Array.from({ length: MAX_ENTRIES_PER_WRITE - 2 }, (_, i) => anApplication(`keyed-${i}`, 'ag2', i + 2, 'keyed')),
      ];
      expect(await store.appendReceivables(ORG, keyed)).toBe('created');
      expect(await store.listReceivables(ORG, 'ag2')).toHaveLength(MAX_ENTRIES_PER_WRITE - 1);
    });
  });
}
