/**
 * Paying a pay run through Stripe, end to end over HTTP: the use cases, the real stripe SDK
 * and the project's Stripe stand-in. What Stripe ends up holding (transfers, idempotency
 * keys, balance) is read from the stand-in, never from the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { calendarDayIn } from '../../shared/index.ts';
import { expectOk } from '../../shared/test-support/results.ts';
import { recordManualPayment, taxYearSummary } from '../../service/src/usecases/payments.ts';
import { payPayRun } from '../../service/src/usecases/payouts/pay.ts';
import {
  PATIENTS,
  PAY_RUN,
  ORG,
  connectedAndOnboarded,
  lineOf,
  pay,
  STATEMENT_CENTS,
  startPayoutFixture,
  stripeOf,
  THERAPISTS,
  transfersTo,
  type PayoutFixture,
} from './fixture.ts';

let fx: PayoutFixture;
afterEach(async () => fx?.close());

const dayOf = (transfer: Record<string, unknown>) => calendarDayIn(new Date((transfer.created as number) * 1000), 'America/New_York');

describe('paying an approved pay run', () => {
  it("transfers each ready therapist their statement once, with the deterministic key and the pay run's transfer group", async () => {
    fx = await startPayoutFixture({ balanceCents: 100_000 });
    const accounts = await connectedAndOnboarded(fx, [0, 1]);
    const first = await pay(fx);

    for (const i of [0, 1]) {
      const line = lineOf(first, fx, i);
      const [transfer, ...more] = transfersTo(fx, accounts[i]!);
      expect(more).toEqual([]);
      // Paid the day Stripe made the transfer (the stand-in's clock), in the org's time zone: the 1099 date.
      expect(line).toMatchObject({ status: 'paid', amountCents: STATEMENT_CENTS[i], paidOn: dayOf(transfer!) });
      expect(transfer).toMatchObject({
        id: line.transferId,
        amount: STATEMENT_CENTS[i],
        currency: 'usd',
        transfer_group: `payrun:${PAY_RUN}`,
      });
    }
    expect(lineOf(first, fx, 2)).toMatchObject({ status: 'not-paid', problemCode: 'account-not-ready', amountCents: STATEMENT_CENTS[2] });
    expect(transfersTo(fx, accounts[2]!)).toEqual([]);
    const keys = fx.standin.requests.filter((r) => r.path === '/v1/transfers' && r.method === 'POST').map((r) => r.idempotencyKey);
    expect(keys.sort()).toEqual([0, 1].map((i) => `payrun:${PAY_RUN}:therapist:${fx.therapistIds[i]}`).sort());
    expect(fx.standin.balanceOf(fx.key)).toBe(100_000 - STATEMENT_CENTS[0]! - STATEMENT_CENTS[1]!);
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paying');

    // Paying again pays nobody twice; once Omar is ready, he alone is paid and the run is done.
    expect((await pay(fx)).map((l) => l.status)).toEqual(first.map((l) => l.status));
    expect(fx.standin.transfers(fx.key)).toHaveLength(2);
    await fx.standin.completeOnboarding(accounts[2]!);
    const third = await pay(fx);
    expect(third.map((l) => l.status)).toEqual(['paid', 'paid', 'paid']);
    expect(
      fx.standin
        .transfers(fx.key)
        .map((t) => t.amount)
        .sort(),
    ).toEqual([...STATEMENT_CENTS].sort());
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paid');
  });

  it('confirms readiness with Stripe before money moves, even when the webhook saying otherwise was lost', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    await fx.standin.restrictAccount(accounts[1]!, { silent: true });
    expect((await fx.ctx.payouts.getConnectedAccount(ORG, fx.therapistIds[1]!))!.transfersActive).toBe(true);
    const lines = await pay(fx);
    expect(lineOf(lines, fx, 1)).toMatchObject({ status: 'not-paid', problemCode: 'account-not-ready' });
    expect(lineOf(lines, fx, 1).problem).toContain('external_account');
    expect(transfersTo(fx, accounts[1]!)).toEqual([]);
    expect((await fx.ctx.payouts.getConnectedAccount(ORG, fx.therapistIds[1]!))!.transfersActive).toBe(false);
  });

  it('leaves a transfer refused for the balance failed with what to do, then pays it under a new key once funded, and the 1099 counts only what was paid', async () => {
    // Statements are paid in name order (Ana, Omar, Tom): the balance covers Ana and Omar only.
    fx = await startPayoutFixture({ balanceCents: STATEMENT_CENTS[1]! + STATEMENT_CENTS[2]! });
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    const first = await pay(fx);
    expect([1, 2].map((i) => lineOf(first, fx, i).status)).toEqual(['paid', 'paid']);
    expect(lineOf(first, fx, 0)).toMatchObject({ status: 'failed', problemCode: 'balance-insufficient', amountCents: STATEMENT_CENTS[0] });
    expect(lineOf(first, fx, 0).problem).toMatch(/add funds/);
    expect((await fx.ctx.store.getPayment(ORG, lineOf(first, fx, 0).paymentId!))!.status).toBe('failed');

    // Paying again without money: a new attempt, refused again; nothing is paid twice or lost.
    expect(lineOf(await pay(fx), fx, 0).status).toBe('failed');
    fx.standin.setBalance(fx.key, 1_000_000);
    const third = await pay(fx);
    expect(third.map((l) => l.status)).toEqual(['paid', 'paid', 'paid']);
    for (const [i, account] of accounts.entries()) expect(transfersTo(fx, account).map((t) => t.amount)).toEqual([STATEMENT_CENTS[i]]);
    const tomKeys = fx.standin.requests
      .filter((r) => r.method === 'POST' && r.path === '/v1/transfers' && r.idempotencyKey?.includes(`therapist:${fx.therapistIds[0]}`))
      .map((r) => r.idempotencyKey);
    const tomKey = `payrun:${PAY_RUN}:therapist:${fx.therapistIds[0]}`;
    expect(tomKeys).toEqual([tomKey, `${tomKey}:retry:1`, `${tomKey}:retry:2`]);

    const year = Number(lineOf(third, fx, 0).paidOn!.slice(0, 4));
    const summary = expectOk(await taxYearSummary(fx.ctx, ORG, year));
    expect(summary.therapists.map((t) => t.totalCents).sort()).toEqual([...STATEMENT_CENTS].sort());
    const payments = await fx.ctx.store.listPayments(ORG, { payRunId: PAY_RUN });
    expect(payments.map((p) => p.status).sort()).toEqual(['failed', 'failed', 'paid', 'paid', 'paid']);
  });

  it('fails a transfer Stripe refuses because the account went inactive after the check, and says what to do', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx, [0]);
    const hold = fx.standin.holdNextTransfer('before');
    const paying = payPayRun(fx.ctx, ORG, PAY_RUN);
    await hold.reached;
    await fx.standin.restrictAccount(accounts[0]!, { silent: true });
    hold.release();
    const result = expectOk(await paying);
    expect(lineOf(result.payments, fx, 0)).toMatchObject({ status: 'failed', problemCode: 'account-inactive' });
    expect(lineOf(result.payments, fx, 0).problem).toMatch(/onboarding link/);
    expect(fx.standin.transfers(fx.key)).toEqual([]);
  });

  it('surfaces a key Stripe already holds with other parameters as its own result, leaving the payment pending', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx, [0, 1]);
    const stripe = stripeOf(fx);
    await stripe.transfers.create(
      { amount: 1, currency: 'usd', destination: accounts[0]! },
      { idempotencyKey: `payrun:${PAY_RUN}:therapist:${fx.therapistIds[0]}` },
    );
    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toMatchObject({ status: 'pending', problemCode: 'idempotency-conflict' });
    expect(lineOf(lines, fx, 1).status).toBe('paid');
    expect(transfersTo(fx, accounts[0]!).map((t) => t.amount)).toEqual([1]);
    expect((await fx.ctx.store.getPayment(ORG, lineOf(lines, fx, 0).paymentId!))!.status).toBe('pending');
  });

  it('pays each therapist once when two pay calls run at the same time', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    const [a, b] = await Promise.all([payPayRun(fx.ctx, ORG, PAY_RUN).then(expectOk), payPayRun(fx.ctx, ORG, PAY_RUN).then(expectOk)]);
    for (const [i, account] of accounts.entries()) {
      const [t, ...more] = transfersTo(fx, account);
      expect(more, `therapist ${i}`).toEqual([]);
      expect(lineOf(a.payments, fx, i)).toMatchObject({ status: 'paid', transferId: t!.id });
      expect(lineOf(b.payments, fx, i)).toMatchObject({ status: 'paid', transferId: t!.id });
    }
    expect(await fx.ctx.store.listPayments(ORG, { payRunId: PAY_RUN })).toHaveLength(3);
  });

  it('takes payments recorded for the pay run by check or bank transfer off what Stripe sends, and counts them all in the 1099 by their paid date', async () => {
    // Stripe's clock pinned in 2026, so the transfers fall in 2026 whatever the day the test runs.
    fx = await startPayoutFixture({ clock: () => Date.parse('2026-02-03T15:00:00Z') / 1000 });
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    const check = await recordManualPayment(fx.ctx, ORG, {
      therapistId: fx.therapistIds[0],
      amountCents: STATEMENT_CENTS[0],
      paidOn: '2026-02-01',
      method: 'check',
      reference: '1042',
      payRunId: PAY_RUN,
    });
    const partial = await recordManualPayment(fx.ctx, ORG, {
      therapistId: fx.therapistIds[1],
      amountCents: 2_000,
      paidOn: '2026-02-01',
      method: 'ach',
      payRunId: PAY_RUN,
    });
    expect(check.ok && partial.ok).toBe(true);
    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toEqual({
      therapistId: fx.therapistIds[0],
      amountCents: STATEMENT_CENTS[0],
      status: 'paid-outside-stripe',
    });
    expect(lineOf(lines, fx, 1)).toMatchObject({ status: 'paid', amountCents: STATEMENT_CENTS[1]! - 2_000 });
    expect(transfersTo(fx, accounts[0]!)).toEqual([]);
    expect(transfersTo(fx, accounts[1]!).map((t) => t.amount)).toEqual([STATEMENT_CENTS[1]! - 2_000]);
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paid');
    // The checks count in 2026 (paid 2026-02-01); the transfers in the year Stripe made them: 2026 on the pinned clock.
    expect(lineOf(lines, fx, 1).paidOn).toMatch(/^2026-/);
    const totals = async (year: number) => {
      const summary = expectOk(await taxYearSummary(fx.ctx, ORG, year));
      return summary.therapists.reduce((sum, t) => sum + t.totalCents, 0);
    };
    const all = STATEMENT_CENTS.reduce((a, b) => a + b, 0);
    expect(await totals(2026)).toBe(all);
  });

  it('cancels a payment whose transfer was reversed in full (it leaves the 1099), notes a partial reversal, and pays the reversed one again when asked', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    const first = await pay(fx);
    const stripe = stripeOf(fx);
    await stripe.transfers.createReversal(lineOf(first, fx, 0).transferId!);
    await stripe.transfers.createReversal(lineOf(first, fx, 1).transferId!, { amount: 1_000 });
    await fx.standin.flushWebhooks();
    expect((await fx.ctx.store.getPayment(ORG, lineOf(first, fx, 0).paymentId!))!.status).toBe('canceled');
    expect(await fx.ctx.payouts.getStripeTransfer(ORG, lineOf(first, fx, 0).paymentId!)).toMatchObject({
      reversedCents: STATEMENT_CENTS[0],
      problem: { code: 'reversed' },
    });
    expect((await fx.ctx.store.getPayment(ORG, lineOf(first, fx, 1).paymentId!))!.status).toBe('paid');
    expect(await fx.ctx.payouts.getStripeTransfer(ORG, lineOf(first, fx, 1).paymentId!)).toMatchObject({ reversedCents: 1_000 });
    const year = Number(lineOf(first, fx, 0).paidOn!.slice(0, 4));
    const summary = expectOk(await taxYearSummary(fx.ctx, ORG, year));
    expect(summary.therapists.map((t) => t.totalCents).sort()).toEqual([STATEMENT_CENTS[1], STATEMENT_CENTS[2]].sort());

    const again = await pay(fx);
    expect(lineOf(again, fx, 0)).toMatchObject({ status: 'paid', amountCents: STATEMENT_CENTS[0] });
    expect(lineOf(again, fx, 0).transferId).not.toBe(lineOf(first, fx, 0).transferId);
    expect(transfersTo(fx, accounts[0]!)).toHaveLength(2);
    expect(transfersTo(fx, accounts[1]!)).toHaveLength(1);
  });

  it('refuses an open pay run and an org without Stripe', async () => {
    fx = await startPayoutFixture({ approve: false });
    expect(await payPayRun(fx.ctx, ORG, PAY_RUN)).toMatchObject({ ok: false, error: { code: 'rule-broken' } });
    expect(await payPayRun(fx.ctx, ORG, 'payroll:1999-01-01')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('what reaches Stripe', () => {
  it('holds no patient, MRN, therapist name or secret in any request body', async () => {
    fx = await startPayoutFixture({ balanceCents: 10_000 });
    const accounts = await connectedAndOnboarded(fx, [0, 1, 2]);
    await pay(fx);
    fx.standin.setBalance(fx.key, 1_000_000);
    await pay(fx);
    await fx.standin.markPayout(fx.standin.payouts(accounts[0]!)[0]!.id as string, 'paid');
    await fx.standin.flushWebhooks();
    const forbidden = [
      ...PATIENTS.flatMap((p) => [p.name, p.mrn, ...p.name.split(', ')]),
      ...THERAPISTS.flatMap((t) => [t.name, ...t.name.split(' ')]),
      fx.webhookSecret,
      fx.accountWebhookSecret,
    ];
    expect(fx.standin.requests.length).toBeGreaterThan(10);
    for (const r of fx.standin.requests) {
      const seen = decodeURIComponent(`${r.path}?${r.query} ${r.body}`.replace(/\+/g, ' '));
      for (const word of forbidden) expect(seen, `${r.method} ${r.path}`).not.toContain(word);
    }
  });
});
