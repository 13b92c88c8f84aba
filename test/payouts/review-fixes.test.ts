/**
 * Money rules of paying: a Stripe attempt left pending is always finished (never covered
 * over by a check), and a transfer reversed before its id was stored is never adopted as paid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/index.ts';
import { recordManualPayment } from '../../service/src/usecases/payments.ts';
import {
  PAY_RUN,
  ORG,
  connectedAndOnboarded,
  lineOf,
  pay,
  STATEMENT_CENTS,
  startPayoutFixture,
  stripeOf,
  transfersTo,
  type PayoutFixture,
} from './fixture.ts';

let fx: PayoutFixture;
afterEach(async () => fx?.close());

/**
 * Therapist 0's first attempt as a pay that lost Stripe's answer leaves it: the payment row
 * `pending`, the transfer made in Stripe (its group, its metadata), the id never stored.
 */
async function pendingWithTransferMade(f: PayoutFixture, account: string): Promise<{ payment: Payment; transferId: string }> {
  const therapistId = f.therapistIds[0]!;
  const payment: Payment = {
    id: `stripe:${PAY_RUN}:${therapistId}:0`,
    therapistId,
    amountCents: STATEMENT_CENTS[0]!,
    paidOn: '2026-02-02',
    method: 'stripe',
    status: 'pending',
    payRunId: PAY_RUN,
  };
  expect(await f.ctx.store.insertPayment(ORG, payment)).not.toBe('exists');
  await f.ctx.payouts.putStripeTransfer(ORG, {
    paymentId: payment.id,
    payRunId: PAY_RUN,
    therapistId,
    accountId: account,
    idempotencyKey: `payrun:${PAY_RUN}:therapist:${therapistId}`,
  });
  const transfer = await stripeOf(f).transfers.create(
    {
      amount: payment.amountCents,
      currency: 'usd',
      destination: account,
      transfer_group: `payrun:${PAY_RUN}`,
      metadata: { payment_id: payment.id, pay_run_id: PAY_RUN, therapist_id: therapistId },
    },
    { idempotencyKey: `payrun:${PAY_RUN}:therapist:${therapistId}` },
  );
  return { payment, transferId: transfer.id };
}

describe('a Stripe attempt left pending', () => {
  it('refuses a check for the same pay run and therapist until paying again has finished it', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx);
    const { payment, transferId } = await pendingWithTransferMade(fx, accounts[0]!);
    const check = {
      therapistId: fx.therapistIds[0],
      amountCents: STATEMENT_CENTS[0],
      paidOn: '2026-02-02',
      method: 'check',
      payRunId: PAY_RUN,
    };

    const refused = await recordManualPayment(fx.ctx, ORG, check);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'rule-broken', message: expect.stringMatching(/waiting on Stripe.*pay the run again/) },
    });
    // Another therapist, or the same one without a pay run, is not held up.
    expect((await recordManualPayment(fx.ctx, ORG, { ...check, therapistId: fx.therapistIds[1], amountCents: 100 })).ok).toBe(true);
    expect((await recordManualPayment(fx.ctx, ORG, { ...check, payRunId: undefined, amountCents: 100 })).ok).toBe(true);

    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toMatchObject({ status: 'paid', paymentId: payment.id, transferId });
    expect(transfersTo(fx, accounts[0]!)).toHaveLength(1);
    expect((await recordManualPayment(fx.ctx, ORG, check)).ok).toBe(true);
  });

  it('is finished by the next pay even when a check already covers the statement', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx);
    const { payment, transferId } = await pendingWithTransferMade(fx, accounts[0]!);
    // A check recorded for the run before the refusal existed (written straight to the store).
    await fx.ctx.store.insertPayment(ORG, {
      id: 'check-1',
      therapistId: fx.therapistIds[0]!,
      amountCents: STATEMENT_CENTS[0]!,
      paidOn: '2026-02-03',
      method: 'check',
      status: 'paid',
      payRunId: PAY_RUN,
    });

    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toMatchObject({ status: 'paid', paymentId: payment.id, transferId });
    expect(await fx.ctx.store.getPayment(ORG, payment.id)).toMatchObject({ status: 'paid', reference: transferId });
    expect(transfersTo(fx, accounts[0]!)).toHaveLength(1);
  });
});

describe('a transfer reversed before its id was stored', () => {
  it('is not adopted as paid by the next pay: the payment is canceled as reversed, and paying again sends it again', async () => {
    fx = await startPayoutFixture();
    const accounts = await connectedAndOnboarded(fx);
    const { payment, transferId } = await pendingWithTransferMade(fx, accounts[0]!);
    await stripeOf(fx).transfers.createReversal(transferId);
    // The transfer.reversed event arrives while the payment names no transfer yet: it finds nothing to cancel.
    await fx.standin.flushWebhooks();
    expect((await fx.ctx.store.getPayment(ORG, payment.id))!.status).toBe('pending');

    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toMatchObject({ status: 'failed', problemCode: 'reversed', paymentId: payment.id });
    expect((await fx.ctx.store.getPayment(ORG, payment.id))!.status).toBe('canceled');
    expect(await fx.ctx.payouts.getStripeTransfer(ORG, payment.id)).toMatchObject({
      transferId,
      reversedCents: STATEMENT_CENTS[0],
      problem: { code: 'reversed' },
    });
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paying');

    const again = await pay(fx);
    expect(lineOf(again, fx, 0)).toMatchObject({ status: 'paid', amountCents: STATEMENT_CENTS[0] });
    expect(lineOf(again, fx, 0).transferId).not.toBe(transferId);
    expect(transfersTo(fx, accounts[0]!)).toHaveLength(2);
  });
});
