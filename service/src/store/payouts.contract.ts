/** The contract of the PayoutStore part, for every adapter that has one. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectedAccountRecord, PayoutStore, StripeTransferRecord } from './payouts-port.ts';

export function aConnectedAccount(therapistId: string, overrides: Partial<ConnectedAccountRecord> = {}): ConnectedAccountRecord {
  return {
    therapistId,
    accountId: `acct_${therapistId}`,
    createdAt: '2026-02-01T00:00:00.000Z',
    transfersActive: false,
    payoutsEnabled: false,
    detailsSubmitted: false,
    requirementsDue: ['external_account'],
    disabledReason: 'requirements.past_due',
    checkedAt: '2026-02-01T00:00:00.000Z',
    ...overrides,
  };
}

export function aStripeTransfer(paymentId: string, overrides: Partial<StripeTransferRecord> = {}): StripeTransferRecord {
  return {
    paymentId,
    payRunId: 'payroll:2026-01-05',
    therapistId: 't1',
    accountId: 'acct_t1',
    idempotencyKey: `payrun:payroll:2026-01-05:therapist:t1`,
    ...overrides,
  };
}

export function describePayoutContract(name: string, make: () => Promise<PayoutStore>): void {
  describe(`PayoutStore contract: ${name}`, () => {
    let store: PayoutStore;
    beforeEach(async () => {
      store = await make();
    });

    it('keeps one Stripe connection per org, replaced when connected again', async () => {
      expect(await store.getStripeConnection('a')).toBeNull();
      const first = {
        key: 'v1.k1.sealed-key',
        keyLast4: 'abcd',
        livemode: false,
        webhookSecret: 'v1.k1.sealed-secret',
        connectedAt: '2026-02-01T00:00:00.000Z',
      };
      await store.putStripeConnection('a', first);
      await store.putStripeConnection('a', { ...first, keyLast4: 'wxyz' });
      expect(await store.getStripeConnection('a')).toEqual({ ...first, keyLast4: 'wxyz' });
      expect(await store.getStripeConnection('b')).toBeNull();
    });

    it("creates a therapist's connected account once, finds it by Stripe id in its own org only, and updates it", async () => {
      const account = aConnectedAccount('t1', { onboardingTokenHash: 'h1' });
      expect(await store.insertConnectedAccount('a', account)).toBe('created');
      expect(await store.insertConnectedAccount('a', aConnectedAccount('t1', { accountId: 'acct_other' }))).toBe('exists');
      expect(await store.getConnectedAccount('a', 't1')).toEqual(account);
      expect(await store.findConnectedAccount('a', 'acct_t1')).toEqual(account);
      expect(await store.findConnectedAccount('b', 'acct_t1')).toBeNull();
      expect(await store.getConnectedAccount('b', 't1')).toBeNull();
      const ready = {
        ...account,
        transfersActive: true,
        payoutsEnabled: true,
        detailsSubmitted: true,
        requirementsDue: [],
        disabledReason: null,
        eventCreated: 1_790_000_000,
      };
      await store.updateConnectedAccount('a', ready);
      expect(await store.getConnectedAccount('a', 't1')).toEqual(ready);
      await store.insertConnectedAccount('a', aConnectedAccount('t0'));
      expect((await store.listConnectedAccounts('a')).map((a) => a.therapistId)).toEqual(['t0', 't1']);
      expect(await store.listConnectedAccounts('b')).toEqual([]);
    });

    it('keeps transfer records by payment id, listed by pay run or account, per org', async () => {
      const r1 = aStripeTransfer('stripe:payroll:2026-01-05:t1');
      const r2 = aStripeTransfer('stripe:payroll:2026-01-05:t2', { therapistId: 't2', accountId: 'acct_t2' });
      const r3 = aStripeTransfer('stripe:payroll:2026-01-19:t1', { payRunId: 'payroll:2026-01-19' });
      for (const r of [r3, r2, r1]) await store.putStripeTransfer('a', r);
      const paid = {
        ...r1,
        transferId: 'tr_1',
        destinationPayment: 'py_1',
        payout: { id: 'po_1', status: 'failed' as const, failureCode: 'account_closed', at: '2026-02-02T00:00:00.000Z' },
      };
      await store.putStripeTransfer('a', paid);
      expect(await store.getStripeTransfer('a', r1.paymentId)).toEqual(paid);
      expect(await store.getStripeTransfer('b', r1.paymentId)).toBeNull();
      expect((await store.listStripeTransfers('a', { payRunId: 'payroll:2026-01-05' })).map((r) => r.paymentId)).toEqual([
        r1.paymentId,
        r2.paymentId,
      ]);
      expect((await store.listStripeTransfers('a', { accountId: 'acct_t1' })).map((r) => r.paymentId)).toEqual([
        r1.paymentId,
        r3.paymentId,
      ]);
      expect(await store.listStripeTransfers('a', {})).toHaveLength(3);
      expect(await store.listStripeTransfers('b', {})).toEqual([]);
    });

    it('notes each webhook event once per org', async () => {
      expect(await store.eventProcessed('a', 'evt_1')).toBe(false);
      expect(await store.markEventProcessed('a', 'evt_1', '2026-02-01T00:00:00.000Z')).toBe('new');
      expect(await store.markEventProcessed('a', 'evt_1', '2026-02-01T00:00:01.000Z')).toBe('seen');
      expect(await store.eventProcessed('a', 'evt_1')).toBe(true);
      expect(await store.eventProcessed('b', 'evt_1')).toBe(false);
      expect(await store.markEventProcessed('b', 'evt_1', '2026-02-01T00:00:00.000Z')).toBe('new');
    });
  });
}
