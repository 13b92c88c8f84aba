/** The contract of the checkout attempts (agencies paying invoices online), for every adapter. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckoutAttempt, CheckoutStore } from './checkout-port.ts';

export function aCheckoutAttempt(invoiceId: string, attempt: number, overrides: Partial<CheckoutAttempt> = {}): CheckoutAttempt {
  return {
    invoiceId,
    attempt,
    agencyId: 'ag1',
    amountCents: 12_345,
    paymentMethods: ['us_bank_account', 'card'],
    idempotencyKey: `invoice:${invoiceId}:checkout:${attempt}`,
    status: 'creating',
    createdAt: '2026-02-03T10:00:00.000Z',
    updatedAt: '2026-02-03T10:00:00.000Z',
    ...overrides,
  };
}

export function describeCheckoutContract(name: string, make: () => Promise<CheckoutStore>): void {
  describe(`CheckoutStore contract: ${name}`, () => {
    let store: CheckoutStore;
    beforeEach(async () => {
      store = await make();
    });

    it("keeps each invoice's attempts once per number, in order, in their own org only", async () => {
      const second = aCheckoutAttempt('inv/1', 2);
      expect(await store.insertCheckoutAttempt('a', second)).toBe('created');
      expect(await store.insertCheckoutAttempt('a', aCheckoutAttempt('inv/1', 1))).toBe('created');
      expect(await store.insertCheckoutAttempt('a', aCheckoutAttempt('inv/1', 2, { amountCents: 1 }))).toBe('exists');
      expect(await store.insertCheckoutAttempt('a', aCheckoutAttempt('inv|2', 1))).toBe('created');
      expect((await store.listCheckoutAttempts('a', 'inv/1')).map((x) => x.attempt)).toEqual([1, 2]);
      expect(await store.listCheckoutAttempts('a', 'inv/1')).toContainEqual(second);
      expect(await store.listCheckoutAttempts('a', 'inv|2')).toHaveLength(1);
      expect(await store.listCheckoutAttempts('b', 'inv/1')).toEqual([]);
    });

    it('replaces an attempt as it moves on and finds it by its session or payment intent, in its org only', async () => {
      await store.insertCheckoutAttempt('a', aCheckoutAttempt('inv1', 1));
      expect(await store.findCheckoutAttempt('a', { sessionId: 'cs_1' })).toBeNull();
      const open = aCheckoutAttempt('inv1', 1, { status: 'open', sessionId: 'cs_1', updatedAt: '2026-02-03T10:00:01.000Z' });
      expect(await store.updateCheckoutAttempt('a', open, 'creating')).toBe('updated');
      expect(await store.findCheckoutAttempt('a', { sessionId: 'cs_1' })).toEqual(open);
      const processing = { ...open, status: 'processing' as const, paymentIntentId: 'pi_1' };
      expect(await store.updateCheckoutAttempt('a', processing, 'open')).toBe('updated');
      expect(await store.findCheckoutAttempt('a', { paymentIntentId: 'pi_1' })).toEqual(processing);
      expect(await store.findCheckoutAttempt('a', { sessionId: 'cs_1' })).toEqual(processing);
      expect(await store.listCheckoutAttempts('a', 'inv1')).toEqual([processing]);
      expect(await store.findCheckoutAttempt('b', { sessionId: 'cs_1' })).toBeNull();
      expect(await store.findCheckoutAttempt('b', { paymentIntentId: 'pi_1' })).toBeNull();
    });

    it('writes an attempt only from the status it was read in: a write that came first is never undone', async () => {
      await store.insertCheckoutAttempt('a', aCheckoutAttempt('inv1', 1, { status: 'open' }));
      const succeeded = aCheckoutAttempt('inv1', 1, { status: 'succeeded', receiptId: 'r1' });
      const processing = aCheckoutAttempt('inv1', 1, { status: 'processing' });
      // Both read the attempt open; the success is written first.
      expect(await store.updateCheckoutAttempt('a', succeeded, 'open')).toBe('updated');
      expect(await store.updateCheckoutAttempt('a', processing, 'open')).toBe('changed');
      expect(await store.listCheckoutAttempts('a', 'inv1')).toEqual([succeeded]);
      expect(await store.updateCheckoutAttempt('b', processing, 'open')).toBe('changed');
      expect(await store.listCheckoutAttempts('b', 'inv1')).toEqual([]);
    });
  });
}
