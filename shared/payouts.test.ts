import { describe, expect, it } from 'vitest';
import { payRunAmountsDue } from './payouts.ts';
import type { Payment } from './schemas.ts';
import { summarizeTaxYear } from './tax1099.ts';
import { aTherapist } from './test-support/builders.ts';
import { expectOk } from './test-support/results.ts';

const RUN = 'payroll:2026-01-05';
const aPayment = (overrides: Partial<Payment>): Payment => ({
  id: 'p1',
  therapistId: 't1',
  amountCents: 10_000,
  paidOn: '2026-01-20',
  method: 'check',
  status: 'paid',
  payRunId: RUN,
  ...overrides,
});

describe('payRunAmountsDue', () => {
  const statements = [
    { therapistId: 't1', totalCents: 50_000 },
    { therapistId: 't2', totalCents: 20_000 },
  ];

  it('owes each statement in full when nothing was paid for the pay run elsewhere', () => {
    expect(payRunAmountsDue(statements, RUN, [])).toEqual([
      {
        therapistId: 't1',
        statementCents: 50_000,
        paidElsewhereCents: 0,
        dueCents: 50_000,
        withholding: 'none',
        withheldCents: 0,
        netCents: 50_000,
      },
      {
        therapistId: 't2',
        statementCents: 20_000,
        paidElsewhereCents: 0,
        dueCents: 20_000,
        withholding: 'none',
        withheldCents: 0,
        netCents: 20_000,
      },
    ]);
  });

  it('keeps 24% of what is still owed from a statement that withholds, and the net is what a transfer carries', () => {
    const withholding = [{ therapistId: 't1', totalCents: 50_000, withheldCents: 12_000, held: false }];
    expect(payRunAmountsDue(withholding, RUN, [])).toMatchObject([
      { dueCents: 50_000, withholding: 'backup', withheldCents: 12_000, netCents: 38_000 },
    ]);
    // $123.45 already paid by check: 24% of the $376.55 left is $90.372, kept as $90.37.
    expect(payRunAmountsDue(withholding, RUN, [aPayment({ amountCents: 12_345 })])).toMatchObject([
      { dueCents: 37_655, withheldCents: 9_037, netCents: 28_618 },
    ]);
  });

  it('leaves a held statement held, unless the W-9 on file now releases it', () => {
    const held = [{ therapistId: 't1', totalCents: 50_000, withheldCents: 0, held: true }];
    expect(payRunAmountsDue(held, RUN, [])).toMatchObject([{ dueCents: 50_000, withholding: 'held', withheldCents: 0 }]);
    expect(payRunAmountsDue(held, RUN, [], () => 'none')).toMatchObject([{ withholding: 'none', withheldCents: 0, netCents: 50_000 }]);
    expect(payRunAmountsDue(held, RUN, [], () => 'backup')).toMatchObject([
      { withholding: 'backup', withheldCents: 12_000, netCents: 38_000 },
    ]);
  });

  it('takes off paid payments for the same pay run and therapist only, never below zero', () => {
    const due = payRunAmountsDue(statements, RUN, [
      aPayment({ amountCents: 12_345 }),
      aPayment({ id: 'p2', therapistId: 't2', amountCents: 25_000 }),
      aPayment({ id: 'p3', amountCents: 1, payRunId: 'payroll:2026-01-19' }),
      aPayment({ id: 'p4', amountCents: 2, status: 'pending' }),
      aPayment({ id: 'p5', amountCents: 3, status: 'failed' }),
    ]);
    expect(due.map((d) => [d.paidElsewhereCents, d.dueCents])).toEqual([
      [12_345, 37_655],
      [25_000, 0],
    ]);
  });
});

describe('Stripe payments in the 1099-NEC year', () => {
  it('count only once paid, in the year of the day they were paid', () => {
    const therapists = [aTherapist({ id: 't1', name: 'Dana Lee' })];
    const settings = { stripeTransfersCountFor1099: true };
    const payments = [
      aPayment({ id: 'a', method: 'stripe', amountCents: 150_000, paidOn: '2026-12-31', status: 'paid' }),
      aPayment({ id: 'b', method: 'stripe', amountCents: 70_000, paidOn: '2026-12-30', status: 'pending' }),
      aPayment({ id: 'c', method: 'stripe', amountCents: 90_000, paidOn: '2026-12-29', status: 'failed' }),
      aPayment({ id: 'd', method: 'stripe', amountCents: 99_000, paidOn: '2027-01-02', status: 'paid' }),
    ];
    const summary = expectOk(summarizeTaxYear({ year: 2026, payments, therapists, settings }));
    expect(summary.therapists.map((t) => t.totalCents)).toEqual([150_000]);
  });
});
