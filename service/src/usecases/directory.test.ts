import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { listTherapists, putBillRates, putPayRates, upsertAgencies, upsertTherapists } from './directory.ts';
import { createOrg, getOrg, setPayerTin, updateOrgSettings } from './orgs.ts';
import { expectOk } from '../../../shared/test-support/results.ts';

async function anOrgContext() {
  const ctx = aUseCaseContext();
  expectOk(await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing' } }));
  return ctx;
}

const aW9 = {
  legalName: 'Tom Becker',
  taxClassification: 'individual',
  address: { line1: '1 Main St', city: 'Columbus', state: 'OH', zip: '43215' },
  tinType: 'SSN',
  tin: '123-45-6789',
  signedOn: '2026-01-02',
};

describe('org set-up', () => {
  it('creates an org with defaults, refuses a second one with the same id, and validates settings', async () => {
    const ctx = aUseCaseContext();
    const created = await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing' } });
    expect(created).toMatchObject({
      ok: true,
      value: { id: 'acme', settings: { name: 'Acme Staffing', invoicePrefix: 'INV', stripeTransfersCountFor1099: true } },
    });
    expect(await createOrg(ctx, { id: 'acme', settings: {} })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await createOrg(ctx, { id: 'Bad Id!', settings: {} })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const bad = await updateOrgSettings(ctx, 'acme', { invoicePrefix: 'inv 2026' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', details: [{ path: 'invoicePrefix' }] } });
    expect(await updateOrgSettings(ctx, 'acme', { invoicePrefix: 'AC' })).toMatchObject({
      ok: true,
      value: { settings: { invoicePrefix: 'AC' } },
    });
    expect(await getOrg(ctx, 'nobody')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('keeps the payer TIN sealed and shows it masked', async () => {
    const ctx = await anOrgContext();
    const result = await setPayerTin(ctx, 'acme', { tin: '12-3456789', type: 'EIN' });
    expect(result).toMatchObject({ ok: true, value: { payerTin: { type: 'EIN', masked: '**-***6789' } } });
    expect(JSON.stringify(await ctx.store.getOrg('acme'))).not.toContain('123456789');
    const bad = await setPayerTin(ctx, 'acme', { tin: '00-0000000', type: 'EIN' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!bad.ok) expect(bad.error.message).not.toMatch(/0{7}/);
  });
});

describe('agencies and therapists', () => {
  it('creates agencies with the import defaults and updates them by id or by name', async () => {
    const ctx = await anOrgContext();
    const created = expectOk(
      await upsertAgencies(ctx, 'acme', [
        { name: 'Oakridge Home Health' },
        { name: 'Summit', billingCycle: { kind: 'weekly', weekStartsOn: 1 }, termsDays: 15, patientIdentifier: 'mrn' },
      ]),
    );
    expect(created[0]).toMatchObject({
      name: 'Oakridge Home Health',
      billingCycle: { kind: 'monthly' },
      termsDays: 30,
      patientIdentifier: 'name',
      active: true,
      aliases: [],
    });
    const byName = await upsertAgencies(ctx, 'acme', [{ name: 'oakridge home health', termsDays: 45 }]);
    expect(byName).toMatchObject({ ok: true, value: [{ id: created[0]!.id, termsDays: 45 }] });
    expect(await ctx.store.listAgencies('acme')).toHaveLength(2);
  });

  it('rejects a whole batch when one row is bad, naming the row, and writes nothing', async () => {
    const ctx = await anOrgContext();
    const result = await upsertAgencies(ctx, 'acme', [{ name: 'Fine' }, { name: 'Bad', termsDays: -3 }]);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', details: [{ path: '1.termsDays', message: 'must not be negative' }] },
    });
    expect(await ctx.store.listAgencies('acme')).toEqual([]);
    expect(await upsertAgencies(ctx, 'acme', [{ id: 'nope', name: 'X' }])).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('seals the TIN of a W-9, shows it masked, and audits the change', async () => {
    const ctx = await anOrgContext();
    const result = expectOk(await upsertTherapists(ctx, 'acme', [{ name: 'Tom Becker', disciplines: ['PT'], w9: aW9 }]));
    expect(result[0]?.w9).toMatchObject({ tinType: 'SSN', tinMasked: '***-**-6789', legalName: 'Tom Becker' });
    expect(JSON.stringify(result)).not.toContain('123456789');
    const listed = await listTherapists(ctx, 'acme');
    expect(JSON.stringify(listed)).not.toMatch(/123-?45-?6789/);
    expect(readFileSync(ctx.dbFile).toString('latin1')).not.toMatch(/123-?45-?6789/);
    const auditLog = await ctx.store.listAudit('acme', { recordId: result[0]!.id });
    expect(auditLog).toMatchObject([{ action: 'update', recordType: 'therapist', actor: 'owner@example.com', detail: 'W-9' }]);
  });

  it('refuses a bad TIN without echoing it', async () => {
    const ctx = await anOrgContext();
    const result = await upsertTherapists(ctx, 'acme', [{ name: 'Tom Becker', w9: { ...aW9, tin: '666-12-3456' } }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', details: [{ path: '0.w9.tin' }] } });
    if (!result.ok) expect(JSON.stringify(result.error)).not.toContain('3456');
  });

  it('checks rates against the org: agencies, therapists and visit types must exist', async () => {
    const ctx = await anOrgContext();
    const agencies = expectOk(await upsertAgencies(ctx, 'acme', [{ name: 'Oakridge' }]), 'setup');
    const therapists = expectOk(await upsertTherapists(ctx, 'acme', [{ name: 'Tom' }]), 'setup');
    const agencyId = agencies[0]!.id;
    const therapistId = therapists[0]!.id;
    expect(
      await putBillRates(ctx, 'acme', [{ agencyId, discipline: 'PT', visitType: 'EVAL', cents: 12500, effectiveFrom: '2026-01-01' }]),
    ).toMatchObject({ ok: true });
    expect(
      await putBillRates(ctx, 'acme', [{ agencyId: 'x', discipline: 'PT', visitType: 'EVAL', cents: 1, effectiveFrom: '2026-01-01' }]),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(
      await putBillRates(ctx, 'acme', [{ agencyId, discipline: 'PT', visitType: 'OASIS', cents: 1, effectiveFrom: '2026-01-01' }]),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(
      await putBillRates(ctx, 'acme', [{ agencyId, discipline: 'PT', visitType: 'EVAL', cents: 12.5, effectiveFrom: '2026-01-01' }]),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(
      await putPayRates(ctx, 'acme', [
        { therapistId, agencyId, discipline: 'PT', visitType: 'EVAL', cents: 8000, effectiveFrom: '2026-01-01' },
      ]),
    ).toMatchObject({ ok: true });
    expect(await ctx.store.listPayRates('acme')).toEqual([
      { therapistId, agencyId, discipline: 'PT', visitType: 'EVAL', cents: 8000, effectiveFrom: '2026-01-01' },
    ]);
  });
});
