/** The contract of the SubscriptionStore part: every adapter keeps an org's subscription and its billing events the same way. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SubscriptionRecord, SubscriptionStore } from './subscription-port.ts';

export function aSubscriptionRecord(overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    customerId: 'cus_1',
    subscriptionId: 'sub_1',
    paid: { plan: 'starter', status: 'active', currentPeriodStart: '2026-04-01', currentPeriodEnd: '2026-05-01', pastDueSince: null },
    eventCreated: 1_775_000_000,
    checkout: null,
    updatedAt: '2026-04-01T00:00:00.000Z',
    ...overrides,
  };
}

export function describeSubscriptionContract(name: string, make: () => Promise<SubscriptionStore>): void {
  describe(`SubscriptionStore contract: ${name}`, () => {
    let store: SubscriptionStore;
    beforeEach(async () => {
      store = await make();
    });

    it('an org that never subscribed has neither part', async () => {
      expect(await store.getSubscription('a')).toEqual({ record: null, overLimitSince: null });
    });

    it('keeps the Stripe part per org, replaced whole, and the over-limit day apart from it', async () => {
      await store.setOverLimitSince('a', '2026-04-10');
      await store.putSubscription('a', aSubscriptionRecord({ paid: null, subscriptionId: null }));
      const renewed = aSubscriptionRecord();
      await store.putSubscription('a', renewed);
      expect(await store.getSubscription('a')).toEqual({ record: renewed, overLimitSince: '2026-04-10' });
      await store.setOverLimitSince('a', null);
      expect(await store.getSubscription('a')).toEqual({ record: renewed, overLimitSince: null });
      expect(await store.getSubscription('b')).toEqual({ record: null, overLimitSince: null });
    });

    it("keeps the org's newest Checkout Session, and forgets it when a record without one replaces it", async () => {
      const opened = aSubscriptionRecord({ checkout: { sessionId: 'cs_test_1', plan: 'starter', attempt: 1 } });
      await store.putSubscription('a', opened);
      expect((await store.getSubscription('a')).record).toEqual(opened);
      const next = aSubscriptionRecord({ checkout: { sessionId: 'cs_test_2', plan: 'unlimited', attempt: 2 } });
      await store.putSubscription('a', next);
      expect((await store.getSubscription('a')).record).toEqual(next);
      await store.putSubscription('a', aSubscriptionRecord());
      expect((await store.getSubscription('a')).record).toEqual(aSubscriptionRecord());
    });

    it('notes each billing event once per org', async () => {
      expect(await store.billingEventProcessed('a', 'evt_1')).toBe(false);
      expect(await store.markBillingEventProcessed('a', 'evt_1', '2026-04-01T00:00:00.000Z')).toBe('new');
      expect(await store.markBillingEventProcessed('a', 'evt_1', '2026-04-01T00:00:01.000Z')).toBe('seen');
      expect(await store.billingEventProcessed('a', 'evt_1')).toBe(true);
      expect(await store.billingEventProcessed('b', 'evt_1')).toBe(false);
    });
  });
}
