import { describe, expect, it } from 'vitest';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from './directory.ts';
import { createOrg } from './orgs.ts';
import { listVisits, upsertVisits, type VisitRow } from './visits.ts';
import { expectOk } from '../../../shared/test-support/results.ts';

async function anOrgWithRates() {
  const ctx = aUseCaseContext();
  await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing' } });
  const agencies = expectOk(await upsertAgencies(ctx, 'acme', [{ name: 'Oakridge' }]), 'setup');
  const therapists = expectOk(await upsertTherapists(ctx, 'acme', [{ name: 'Tom Becker', disciplines: ['PT'] }]), 'setup');
  const agencyId = agencies[0]!.id;
  const therapistId = therapists[0]!.id;
  await putBillRates(ctx, 'acme', [{ agencyId, discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2026-01-01' }]);
  await putPayRates(ctx, 'acme', [{ therapistId, discipline: 'PT', visitType: 'ROUTINE', cents: 5500, effectiveFrom: '2026-01-01' }]);
  const aRow = (overrides: Partial<VisitRow> = {}): VisitRow => ({
    clientId: 'row-1',
    agencyId,
    therapistId,
    patient: { name: 'Alvarez, Rosa', mrn: 'MR10044871' },
    date: '2026-01-05',
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
    ...overrides,
  });
  return { ctx, agencyId, therapistId, aRow };
}

describe('visit batch upsert', () => {
  it('answers per row: created, then unchanged on a replay, updated on a change', async () => {
    const { ctx, aRow } = await anOrgWithRates();
    const first = await upsertVisits(ctx, 'acme', [aRow(), aRow({ clientId: 'row-2', date: '2026-01-06' })]);
    expect(first).toMatchObject({
      ok: true,
      value: [
        { clientId: 'row-1', status: 'created', problems: [] },
        { clientId: 'row-2', status: 'created', problems: [] },
      ],
    });
    const replay = await upsertVisits(ctx, 'acme', [aRow(), aRow({ clientId: 'row-2', date: '2026-01-06' })]);
    expect(replay.ok && replay.value.map((a) => a.status)).toEqual(['unchanged', 'unchanged']);
    expect(replay.ok && first.ok && replay.value[0]!.visitId).toBe(first.ok && first.value[0]!.visitId);
    const changed = await upsertVisits(ctx, 'acme', [aRow({ patient: { name: 'Alvarez, Rosa', mrn: 'MR2' } })]);
    expect(changed.ok && changed.value[0]!.status).toBe('updated');
    expect(await ctx.store.listVisits('acme', {})).toHaveLength(2);
  });

  it('flags a missing rate and a duplicate on the row, and stores the visit', async () => {
    const { ctx, aRow } = await anOrgWithRates();
    const [a, b, c] = expectOk(
      await upsertVisits(ctx, 'acme', [
        aRow(),
        aRow({ clientId: 'row-2', patient: { name: 'alvarez,  rosa' } }),
        aRow({ clientId: 'row-3', visitType: 'EVAL' }),
      ]),
    );
    expect(a!.problems).toEqual([
      {
        code: 'duplicate',
        message: expect.stringMatching(/same therapist, agency, patient, date and visit type/),
        duplicateOf: [b!.visitId],
      },
    ]);
    expect(b!.problems).toEqual([{ code: 'duplicate', message: expect.any(String), duplicateOf: [a!.visitId] }]);
    expect(c!.problems.map((p) => p.code)).toEqual(['missing-bill-rate', 'missing-pay-rate']);
    expect(c!.problems[0]!.message).toBe('No bill rate for Oakridge, PT Evaluation, in force on 2026-01-05');
    expect(await ctx.store.listVisits('acme', {})).toHaveLength(3);
  });

  it('rejects the whole batch on a malformed row, naming the row and field, and writes nothing', async () => {
    const { ctx, aRow } = await anOrgWithRates();
    const result = await upsertVisits(ctx, 'acme', [aRow(), { ...aRow({ clientId: 'row-2' }), date: '13/01/2026' }]);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'visit row 1: date must be a calendar date as YYYY-MM-DD' },
    });
    expect(await upsertVisits(ctx, 'acme', [aRow({ agencyId: 'someone-elses' })])).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', details: [{ path: '0.agencyId' }] },
    });
    expect(await upsertVisits(ctx, 'acme', [aRow(), aRow()])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/appears twice/) },
    });
    expect(await upsertVisits(ctx, 'acme', 'not a list')).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', details: [{ path: 'visits' }] },
    });
    // A batch over the limit is refused as a whole, and the answer names the batch (found by the hostile-bodies fuzzing).
    expect(
      await upsertVisits(
        ctx,
        'acme',
        Array.from({ length: 10_001 }, () => 1),
      ),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'the visit batch has more than 10000 rows; send it in smaller batches',
        details: [{ path: 'visits' }],
      },
    });
    expect(await ctx.store.listVisits('acme', {})).toEqual([]);
  });

  it('never stores the patient in clear, and audits every read of it as one entry per list read', async () => {
    const { ctx, aRow } = await anOrgWithRates();
    await upsertVisits(ctx, 'acme', [aRow()]);
    const stored = await ctx.store.listVisits('acme', {});
    // Long enough that a random ciphertext or hash cannot spell it by chance ("MR1" once did).
    expect(JSON.stringify(stored)).not.toMatch(/Alvarez|MR10044871/);
    const listed = await listVisits(ctx, 'acme', { billed: false });
    expect(listed).toMatchObject({
      ok: true,
      value: { items: [{ patient: { name: 'Alvarez, Rosa', mrn: 'MR10044871' } }], nextCursor: null },
    });
    expect((await ctx.store.listAudit('acme', { recordId: stored[0]!.id })).map((e) => e.action)).toEqual(['create']);
    expect(await ctx.store.listAudit('acme', { recordId: '*' })).toMatchObject([
      { action: 'read', recordType: 'visit', detail: 'list visits billed=false: 1 shown' },
    ]);
  });
});
