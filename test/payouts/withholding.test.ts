/**
 * Backup withholding through Stripe: a therapist without a W-9 is either paid the net with
 * 24% kept, or held. What Stripe received is read from the stand-in; the expected figures
 * are worked out here from the fixture's visits and rates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectOk } from '../../shared/test-support/results.ts';
import { putPayRates, upsertTherapists } from '../../service/src/usecases/directory.ts';
import { taxYearSummary } from '../../service/src/usecases/payments.ts';
import { createPayRun } from '../../service/src/usecases/payroll.ts';
import { upsertVisits } from '../../service/src/usecases/visits.ts';
import {
  aW9For,
  connectedAndOnboarded,
  lineOf,
  ORG,
  pay,
  PAY_RUN,
  startPayoutFixture,
  transfersTo,
  type PayoutFixture,
} from './fixture.ts';

let fx: PayoutFixture;
afterEach(async () => fx?.close());

const JANUARY = { start: '2026-01-01', end: '2026-01-31' };
// Tom: 3 visits x $55 = $165.00; 24% of it is $39.60, so Stripe sends $125.40.
const TOM_GROSS = 16_500;
const TOM_WITHHELD = 3_960;
const TOM_NET = 12_540;
// Omar: 1 visit x $40.
const OMAR_GROSS = 4_000;

describe('backup withholding through Stripe', () => {
  it('transfers the net to a therapist set to withhold, records the gross and what was kept, under the usual key, and counts it in Box 4 and Form 945', async () => {
    fx = await startPayoutFixture({ therapists: [{ withoutW9: 'withhold' }], clock: () => Date.parse('2026-02-03T15:00:00Z') / 1000 });
    const accounts = await connectedAndOnboarded(fx);
    const run = (await fx.ctx.store.getPayRun(ORG, PAY_RUN))!;
    expect(run.statements.find((s) => s.therapistId === fx.therapistIds[0])).toMatchObject({
      totalCents: TOM_GROSS,
      withheldCents: TOM_WITHHELD,
      netCents: TOM_NET,
      held: false,
      w9Status: 'missing',
    });

    const lines = await pay(fx);
    expect(lineOf(lines, fx, 0)).toMatchObject({
      status: 'paid',
      amountCents: TOM_GROSS,
      withheldCents: TOM_WITHHELD,
      warning: '24% backup withholding kept: $39.60 of $165.00',
    });
    const [transfer, ...more] = transfersTo(fx, accounts[0]!);
    expect(more).toEqual([]);
    expect(transfer).toMatchObject({ amount: TOM_NET, transfer_group: `payrun:${PAY_RUN}` });
    const key = fx.standin.requests.find(
      (r) => r.path === '/v1/transfers' && r.method === 'POST' && r.idempotencyKey?.includes(fx.therapistIds[0]!),
    )!.idempotencyKey;
    expect(key).toBe(`payrun:${PAY_RUN}:therapist:${fx.therapistIds[0]}`);
    // The others have a W-9 on file: paid in full, nothing kept.
    expect(lineOf(lines, fx, 1).withheldCents).toBeUndefined();
    expect(transfersTo(fx, accounts[1]!).map((t) => t.amount)).toEqual([2 * 6_000]);

    const [payment] = await fx.ctx.store.listPayments(ORG, { payRunId: PAY_RUN, therapistId: fx.therapistIds[0] });
    expect(payment).toMatchObject({ status: 'paid', method: 'stripe', amountCents: TOM_GROSS, withheldCents: TOM_WITHHELD });
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paid');

    // Paying again sends nothing more.
    await pay(fx);
    expect(transfersTo(fx, accounts[0]!)).toHaveLength(1);

    const year = expectOk(await taxYearSummary(fx.ctx, ORG, 2026));
    expect(year.therapists.find((t) => t.therapistId === fx.therapistIds[0])).toMatchObject({
      totalCents: TOM_GROSS,
      withheldCents: TOM_WITHHELD,
      reportable: true,
    });
    expect(year.form945TotalCents).toBe(TOM_WITHHELD);
  });

  it('holds a therapist without a W-9 by default: nothing sent, the run left unpaid; a W-9 received later releases it in full', async () => {
    fx = await startPayoutFixture({ therapists: [{ w9: aW9For(0) }, { w9: aW9For(1) }, {}] });
    const accounts = await connectedAndOnboarded(fx);
    const again = expectOk(await createPayRun(fx.ctx, ORG, JANUARY));
    expect(again.warnings).toEqual([
      { therapistId: fx.therapistIds[2], code: 'no-w9', message: expect.stringMatching(/^Omar Haddad: held: no W-9 on file\./) },
    ]);

    const first = await pay(fx);
    expect(lineOf(first, fx, 2)).toMatchObject({
      status: 'held',
      amountCents: OMAR_GROSS,
      problem: expect.stringMatching(/^no W-9 on file: get a signed W-9/),
    });
    expect(transfersTo(fx, accounts[2]!)).toEqual([]);
    expect(await fx.ctx.store.listPayments(ORG, { therapistId: fx.therapistIds[2] })).toEqual([]);
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paying');

    expectOk(await upsertTherapists(fx.ctx, ORG, [{ id: fx.therapistIds[2], name: 'Omar Haddad', w9: aW9For(2) }]));
    expect(expectOk(await createPayRun(fx.ctx, ORG, JANUARY)).warnings).toEqual([]);
    const second = await pay(fx);
    expect(lineOf(second, fx, 2)).toMatchObject({ status: 'paid', amountCents: OMAR_GROSS });
    expect(lineOf(second, fx, 2).withheldCents).toBeUndefined();
    expect(transfersTo(fx, accounts[2]!).map((t) => t.amount)).toEqual([OMAR_GROSS]);
    expect((await fx.ctx.store.getPayRun(ORG, PAY_RUN))!.status).toBe('paid');
  });

  it('withholds from a held statement paid after the owner switches the therapist to withholding', async () => {
    fx = await startPayoutFixture({ therapists: [{ w9: aW9For(0) }, { w9: aW9For(1) }, {}] });
    const accounts = await connectedAndOnboarded(fx);
    expect(lineOf(await pay(fx), fx, 2).status).toBe('held');
    expectOk(await upsertTherapists(fx.ctx, ORG, [{ id: fx.therapistIds[2], name: 'Omar Haddad', withoutW9: 'withhold' }]));
    // 24% of $40.00 is $9.60: Stripe sends $30.40.
    expect(lineOf(await pay(fx), fx, 2)).toMatchObject({ status: 'paid', amountCents: OMAR_GROSS, withheldCents: 960 });
    expect(transfersTo(fx, accounts[2]!).map((t) => t.amount)).toEqual([3_040]);
  });

  it('stops withholding from the next pay run once a W-9 is on file; the pay run already computed keeps its withholding', async () => {
    fx = await startPayoutFixture({ therapists: [{ withoutW9: 'withhold' }] });
    await connectedAndOnboarded(fx);
    expectOk(await upsertTherapists(fx.ctx, ORG, [{ id: fx.therapistIds[0], name: 'Tom Becker', w9: aW9For(0) }]));
    // January was computed before the W-9 came: paid as computed, with withholding.
    expect(lineOf(await pay(fx), fx, 0)).toMatchObject({ status: 'paid', amountCents: TOM_GROSS, withheldCents: TOM_WITHHELD });

    const agencyId = (await fx.ctx.store.listAgencies(ORG))[0]!.id;
    expectOk(
      await putPayRates(fx.ctx, ORG, [
        { therapistId: fx.therapistIds[0], discipline: 'PT', visitType: 'ROUTINE', cents: 5_500, effectiveFrom: '2026-01-01' },
      ]),
    );
    expectOk(
      await upsertVisits(fx.ctx, ORG, [
        {
          clientId: 'feb-1',
          agencyId,
          therapistId: fx.therapistIds[0],
          patient: { name: 'Alvarez, Rosa', mrn: 'MRN-55501' },
          date: '2026-02-10',
          discipline: 'PT',
          visitType: 'ROUTINE',
          noteDone: true,
        },
      ]),
    );
    fx.ctx.setNow('2026-03-02T15:00:00.000Z');
    const february = expectOk(await createPayRun(fx.ctx, ORG, { start: '2026-02-01', end: '2026-02-28' }));
    expect(february.warnings).toEqual([]);
    expect(february.payRun.statements).toMatchObject([
      { therapistId: fx.therapistIds[0], totalCents: 5_500, withheldCents: 0, netCents: 5_500, held: false, w9Status: 'on-file' },
    ]);
  });
});
