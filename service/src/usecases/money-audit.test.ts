/**
 * Every write that changes money or tax figures leaves an audit record: who, what, before and
 * after, and never a secret or a whole TIN (issue 18, item 8).
 */
import { describe, expect, it } from 'vitest';
import { expectOk } from '../../../shared/test-support/results.ts';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from './directory.ts';
import { createOrg, setPayerTin, updateOrgSettings } from './orgs.ts';
import { recordManualPayment } from './payments.ts';

async function anOrg() {
  const ctx = aUseCaseContext({ actor: 'owner@acme.example' });
  expectOk(await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing' } }));
  const [agency] = expectOk(await upsertAgencies(ctx, 'acme', [{ name: 'Oakridge Home Health' }]));
  const [therapist] = expectOk(await upsertTherapists(ctx, 'acme', [{ name: 'Tom Becker', disciplines: ['PT'] }]));
  return { ctx, agencyId: agency!.id, therapistId: therapist!.id };
}

const entriesOf = async (ctx: ReturnType<typeof aUseCaseContext>, recordType: string) =>
  (await ctx.store.listAudit('acme', {})).filter((e) => e.recordType === recordType);

describe('the audit of money and tax figures', () => {
  it('records each bill and pay rate set or changed, with its amount before and after, and not one left as it was', async () => {
    const { ctx, agencyId, therapistId } = await anOrg();
    const bill = { agencyId, discipline: 'PT', visitType: 'ROUTINE', effectiveFrom: '2026-01-01' };
    expectOk(
      await putBillRates(ctx, 'acme', [
        { ...bill, cents: 8500 },
        { ...bill, visitType: 'EVAL', cents: 12_500 },
      ]),
    );
    expectOk(
      await putBillRates(ctx, 'acme', [
        { ...bill, cents: 9000 },
        { ...bill, visitType: 'EVAL', cents: 12_500 },
      ]),
    );
    const billed = await entriesOf(ctx, 'bill-rate');
    expect(billed.map((e) => [e.action, e.recordId, e.detail, e.actor])).toEqual([
      ['create', `${agencyId}:PT:ROUTINE:2026-01-01`, 'none -> 8500 cents', 'owner@acme.example'],
      ['create', `${agencyId}:PT:EVAL:2026-01-01`, 'none -> 12500 cents', 'owner@acme.example'],
      ['update', `${agencyId}:PT:ROUTINE:2026-01-01`, '8500 cents -> 9000 cents', 'owner@acme.example'],
    ]);

    expectOk(
      await putPayRates(ctx, 'acme', [{ therapistId, discipline: 'PT', visitType: 'ROUTINE', effectiveFrom: '2026-01-01', cents: 5500 }]),
    );
    expectOk(
      await putPayRates(ctx, 'acme', [
        { therapistId, agencyId, discipline: 'PT', visitType: 'ROUTINE', effectiveFrom: '2026-01-01', cents: 6000 },
      ]),
    );
    expect((await entriesOf(ctx, 'pay-rate')).map((e) => [e.recordId, e.detail])).toEqual([
      [`${therapistId}:any agency:PT:ROUTINE:2026-01-01`, 'none -> 5500 cents'],
      [`${therapistId}:${agencyId}:PT:ROUTINE:2026-01-01`, 'none -> 6000 cents'],
    ]);
  });

  it('records a manual payment (it moves a 1099 Box 1) with amount, method and day, not its free-text reference', async () => {
    const { ctx, therapistId } = await anOrg();
    ctx.setNow('2026-03-02T15:00:00.000Z'); // the day of the payment: a payment is recorded once made
    const payment = expectOk(
      await recordManualPayment(ctx, 'acme', {
        therapistId,
        amountCents: 123_456,
        paidOn: '2026-03-02',
        method: 'check',
        reference: 'check 1042 for Mrs. Alvarez',
      }),
    );
    const [entry] = await entriesOf(ctx, 'payment');
    expect(entry).toMatchObject({
      action: 'create',
      recordId: payment.id,
      actor: 'owner@acme.example',
      detail: `123456 cents to therapist ${therapistId} by check, paid 2026-03-02`,
    });
    expect(entry!.detail).not.toMatch(/Alvarez|1042/);
  });

  it('records a settings change before and after, and the payer TIN masked before and after', async () => {
    const { ctx } = await anOrg();
    expectOk(await updateOrgSettings(ctx, 'acme', { stripeTransfersCountFor1099: false, invoicePrefix: 'INV' }));
    expectOk(await setPayerTin(ctx, 'acme', { tin: '12-3456789', type: 'EIN' }));
    expectOk(await setPayerTin(ctx, 'acme', { tin: '98-7654321', type: 'EIN' }));
    const details = (await entriesOf(ctx, 'org')).map((e) => e.detail);
    expect(details).toContain('stripeTransfersCountFor1099 true -> false');
    expect(details).toContain('payer TIN none -> **-***6789');
    expect(details).toContain('payer TIN **-***6789 -> **-***4321');
    for (const detail of details) expect(detail ?? '').not.toMatch(/123456789|3456789|987654321|7654321/);
  });
});
