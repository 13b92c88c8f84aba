import { describe, expect, it } from 'vitest';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { closeAgencyCycle, closeMonth, previewClose } from './cycles.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from './directory.ts';
import { getInvoice, issueCreditNote, listCreditNotes, voidInvoice } from './invoices.ts';
import { createOrg } from './orgs.ts';
import { approvePayRun, createPayRun } from './payroll.ts';
import { recordManualPayment, taxYearSummary } from './payments.ts';
import { upsertVisits, type VisitRow } from './visits.ts';
import { expectOk } from '../../../shared/test-support/results.ts';

const JANUARY = { start: '2026-01-01', end: '2026-01-31' };
const FEBRUARY = { start: '2026-02-01', end: '2026-02-28' };

/** An org with two agencies (one printing MRNs only), two therapists and their rates. */
async function anOrg() {
  const ctx = aUseCaseContext({ now: '2026-02-02T15:00:00.000Z' });
  await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing', payrollCycle: { kind: 'monthly' } } });
  const agencies = expectOk(
    await upsertAgencies(ctx, 'acme', [{ name: 'Oakridge' }, { name: 'Summit', patientIdentifier: 'mrn', termsDays: 15 }]),
    'setup',
  );
  const therapists = expectOk(
    await upsertTherapists(ctx, 'acme', [
      {
        name: 'Tom Becker',
        disciplines: ['PT'],
        w9: {
          legalName: 'Tom Becker',
          taxClassification: 'individual',
          address: { line1: '1 Main', city: 'Columbus', state: 'OH', zip: '43215' },
          tinType: 'SSN',
          tin: '123-45-6789',
          signedOn: '2026-01-02',
        },
      },
      { name: 'Omar Haddad', disciplines: ['PTA'] },
    ]),
    'setup',
  );
  const [oak, summit] = agencies.map((a) => a.id) as [string, string];
  const [tom, omar] = therapists.map((t) => t.id) as [string, string];
  await putBillRates(ctx, 'acme', [
    { agencyId: oak, discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2026-01-01' },
    { agencyId: oak, discipline: 'PT', visitType: 'ROUTINE', cents: 9000, effectiveFrom: '2026-02-01' },
    { agencyId: oak, discipline: 'PTA', visitType: 'ROUTINE', cents: 6000, effectiveFrom: '2026-01-01' },
    { agencyId: summit, discipline: 'PT', visitType: 'ROUTINE', cents: 8000, effectiveFrom: '2026-01-01' },
  ]);
  await putPayRates(ctx, 'acme', [
    { therapistId: tom, discipline: 'PT', visitType: 'ROUTINE', cents: 5500, effectiveFrom: '2026-01-01' },
    { therapistId: tom, agencyId: summit, discipline: 'PT', visitType: 'ROUTINE', cents: 5000, effectiveFrom: '2026-01-01' },
    { therapistId: omar, discipline: 'PTA', visitType: 'ROUTINE', cents: 4000, effectiveFrom: '2026-01-01' },
  ]);
  let n = 0;
  const visit = (overrides: Partial<VisitRow>): VisitRow => ({
    clientId: `row-${++n}`,
    agencyId: oak,
    therapistId: tom,
    patient: { name: 'Alvarez, Rosa', mrn: 'MR1' },
    date: '2026-01-05',
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
    ...overrides,
  });
  return { ctx, oak, summit, tom, omar, visit };
}

describe('closing a cycle', () => {
  it('issues one invoice per agency with the rates in force, holds what cannot be billed, and returns the same invoice when closed again', async () => {
    const { ctx, oak, summit, omar, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [
      visit({ date: '2026-01-05' }),
      visit({ date: '2026-01-06', therapistId: omar, discipline: 'PTA' }),
      visit({ date: '2026-01-07', visitType: 'EVAL' }), // no bill rate: held
      visit({ date: '2026-01-08', agencyId: summit, patient: { name: 'Nguyen, Bao' } }), // Summit prints MRNs: held
      visit({ date: '2026-01-09', agencyId: summit, patient: { name: 'Okafor, Grace', mrn: 'MR9' } }),
      visit({ date: '2026-02-03' }), // next period: not on January's invoice
    ]);

    const preview = await previewClose(ctx, 'acme', oak, JANUARY);
    expect(preview).toMatchObject({
      ok: true,
      value: { alreadyClosed: false, draft: { totalCents: 14500 }, held: [{ problems: [{ code: 'missing-bill-rate' }] }] },
    });
    expect(await ctx.store.listInvoices('acme', {})).toEqual([]); // a preview writes nothing

    const closed = expectOk(await closeMonth(ctx, 'acme', '2026-01'));
    const [oakridge, summitClose] = closed.cycles;
    expect(oakridge).toMatchObject({
      status: 'closed',
      invoice: {
        number: 'INV-0001',
        agencyName: 'Oakridge',
        totalCents: 14500,
        issueDate: '2026-02-02',
        dueDate: '2026-03-04',
        patientIdentifier: 'name',
      },
    });
    expect(oakridge!.invoice!.lines.map((l) => [l.date, l.rateCents, l.late])).toEqual([
      ['2026-01-05', 8500, false],
      ['2026-01-06', 6000, false],
    ]);
    expect(oakridge!.held).toEqual([
      {
        visitId: expect.any(String),
        problems: [{ code: 'missing-bill-rate', message: 'No bill rate for Oakridge, PT Evaluation, in force on 2026-01-07' }],
      },
    ]);
    expect(summitClose).toMatchObject({
      invoice: { number: 'INV-0002', totalCents: 8000, dueDate: '2026-02-17', patientIdentifier: 'mrn' },
      held: [{ problems: [{ code: 'missing-mrn' }] }],
    });
    // Exactly the visits on the lines are marked, each with its own invoice and the pay run; the held ones stay open.
    const payRun = closed.payRuns[0]!.payRun;
    const invoiceOf = new Map(closed.cycles.flatMap((c) => c.invoice!.lines.map((l) => [l.visitId, c.invoice!.id] as const)));
    const paidIds = new Set(payRun.statements.flatMap((s) => s.lines.map((l) => l.visitId)));
    const january = await ctx.store.listVisits('acme', { dateTo: JANUARY.end });
    expect(january.map((v) => [v.date, v.invoiceId, v.payRunId])).toEqual(
      january.map((v) => [v.date, invoiceOf.get(v.id) ?? null, paidIds.has(v.id) ? payRun.id : null]),
    );
    expect(january.filter((v) => v.invoiceId === null).map((v) => v.date)).toEqual(['2026-01-07', '2026-01-08']);
    expect(january.filter((v) => v.payRunId === null).map((v) => v.date)).toEqual(['2026-01-07']);

    const again = expectOk(await closeMonth(ctx, 'acme', '2026-01'));
    expect(again.cycles.map((c) => [c.status, c.invoice?.number, c.invoice?.totalCents])).toEqual([
      ['already-closed', 'INV-0001', 14500],
      ['already-closed', 'INV-0002', 8000],
    ]);
    expect(again.payRuns.map((r) => r.status)).toEqual(['already-exists']);
    expect(await ctx.store.listInvoices('acme', {})).toHaveLength(2);
  });

  it('bills a visit that arrives after its cycle closed on the next invoice, marked late, at the rate of its own date', async () => {
    const { ctx, oak, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-01-05' })]);
    await closeAgencyCycle(ctx, 'acme', oak, JANUARY);
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-01-20', clientId: 'late-one' }), visit({ date: '2026-02-10', clientId: 'feb' })]);
    ctx.setNow('2026-03-02T15:00:00.000Z');
    const february = expectOk(await closeAgencyCycle(ctx, 'acme', oak, FEBRUARY));
    expect(february.invoice!.lines.map((l) => [l.date, l.rateCents, l.late])).toEqual([
      ['2026-02-10', 9000, false],
      ['2026-01-20', 8500, true],
    ]);
    expect(february.invoice!.number).toBe('INV-0002');
  });

  it("leaves a visit billed before but not yet paid off the next month's invoice, and pays it late", async () => {
    const { ctx, oak, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-01-05' })]);
    await closeAgencyCycle(ctx, 'acme', oak, JANUARY); // billed in January, no pay run yet
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-02-10', clientId: 'feb' })]);
    ctx.setNow('2026-03-02T15:00:00.000Z');
    const closed = expectOk(await closeMonth(ctx, 'acme', '2026-02'));
    const oakFebruary = closed.cycles.find((c) => c.agencyId === oak)!;
    expect(oakFebruary.invoice!.lines.map((l) => [l.date, l.late])).toEqual([['2026-02-10', false]]);
    expect(closed.payRuns[0]!.payRun.statements.flatMap((s) => s.lines.map((l) => [l.date, l.late]))).toEqual([
      ['2026-02-10', false],
      ['2026-01-05', true],
    ]);
  });

  it("splits a month between a semi-monthly agency's two cycles and pays each visit once across two pay periods", async () => {
    const { ctx, visit } = await anOrg();
    const semi = expectOk(await upsertAgencies(ctx, 'acme', [{ name: 'Halfway Health', billingCycle: { kind: 'semi-monthly' } }]), 'setup');
    const halfway = semi[0]!.id;
    await putBillRates(ctx, 'acme', [
      { agencyId: halfway, discipline: 'PT', visitType: 'ROUTINE', cents: 7000, effectiveFrom: '2026-01-01' },
    ]);
    const org = await ctx.store.getOrg('acme');
    await ctx.store.updateOrg({ ...org!, settings: { ...org!.settings, payrollCycle: { kind: 'semi-monthly' } } });
    await upsertVisits(ctx, 'acme', [
      visit({ agencyId: halfway, date: '2026-01-05' }),
      visit({ agencyId: halfway, date: '2026-01-15' }),
      visit({ agencyId: halfway, date: '2026-01-16' }),
      visit({ agencyId: halfway, date: '2026-01-31' }),
    ]);
    const closed = expectOk(await closeMonth(ctx, 'acme', '2026-01'));
    const invoices = closed.cycles.filter((c) => c.agencyId === halfway).map((c) => c.invoice!.lines.map((l) => l.date));
    expect(invoices).toEqual([
      ['2026-01-05', '2026-01-15'],
      ['2026-01-16', '2026-01-31'],
    ]);
    expect(closed.payRuns.map((r) => r.payRun.statements.flatMap((s) => s.lines.map((l) => l.date)))).toEqual([
      ['2026-01-05', '2026-01-15'],
      ['2026-01-16', '2026-01-31'],
    ]);
  });

  it('refuses to close a cycle, a month or a pay period before it has ended, and allows it on its last day', async () => {
    const { ctx, oak, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-02-05' })]);
    // Today is 2026-02-02: February has not ended. The preview still shows what it would bill so far.
    expect(await closeAgencyCycle(ctx, 'acme', oak, JANUARY)).toMatchObject({ ok: true });
    expect(await closeAgencyCycle(ctx, 'acme', oak, FEBRUARY)).toMatchObject({
      ok: false,
      error: {
        code: 'rule-broken',
        message: expect.stringMatching(/February 2026 has not ended: it ends on 2026-02-28 and today is 2026-02-02/),
      },
    });
    expect(await closeMonth(ctx, 'acme', '2026-02')).toMatchObject({
      ok: false,
      error: { code: 'rule-broken', message: expect.stringMatching(/^2026-02 has not ended/) },
    });
    expect(await createPayRun(ctx, 'acme', FEBRUARY)).toMatchObject({
      ok: false,
      error: { code: 'rule-broken', message: expect.stringMatching(/pay period .* has not ended/) },
    });
    expect(await previewClose(ctx, 'acme', oak, FEBRUARY)).toMatchObject({ ok: true, value: { draft: { totalCents: 9000 } } });
    expect(await ctx.store.listInvoices('acme', {})).toEqual([]); // January had no visits; February was refused
    expect(await ctx.store.listPayRuns('acme')).toEqual([]);
    // Its last day, in the org's time zone (New York by default: 23:30 UTC on the 28th is still the 28th there).
    ctx.setNow('2026-02-28T23:30:00.000Z');
    const closed = expectOk(await closeMonth(ctx, 'acme', '2026-02'));
    expect(closed.cycles.find((c) => c.agencyId === oak)).toMatchObject({
      status: 'closed',
      invoice: { issueDate: '2026-02-28', totalCents: 9000 },
    });
  });

  it('refuses to bill earlier visits as late while their own cycle is still open', async () => {
    const { ctx, oak, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [visit({ date: '2026-01-05' }), visit({ date: '2026-02-05' })]);
    ctx.setNow('2026-03-02T15:00:00.000Z');
    const result = await closeAgencyCycle(ctx, 'acme', oak, FEBRUARY);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'rule-broken', message: expect.stringMatching(/January 2026, which is not closed/) },
    });
    expect(await ctx.store.listInvoices('acme', {})).toEqual([]);
  });

  it('refuses a period that is not one of the agency’s cycles, and an unknown agency', async () => {
    const { ctx, oak } = await anOrg();
    expect(await closeAgencyCycle(ctx, 'acme', oak, { start: '2026-01-01', end: '2026-01-15' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await closeAgencyCycle(ctx, 'acme', 'nope', JANUARY)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await closeMonth(ctx, 'acme', '2026-13')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('locks a billed visit against changes from the sheet', async () => {
    const { ctx, oak, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [visit({ clientId: 'v' })]);
    const closed = await closeAgencyCycle(ctx, 'acme', oak, JANUARY);
    const result = await upsertVisits(ctx, 'acme', [visit({ clientId: 'v', date: '2026-01-06' })]);
    expect(result).toMatchObject({ ok: true, value: [{ status: 'locked', invoiceId: closed.ok ? closed.value.invoice!.id : '' }] });
    expect((await ctx.store.listVisits('acme', {}))[0]?.date).toBe('2026-01-05');
  });
});

describe('correcting an issued invoice', () => {
  async function anIssuedInvoice() {
    const setup = await anOrg();
    await upsertVisits(setup.ctx, 'acme', [setup.visit({ date: '2026-01-05' }), setup.visit({ date: '2026-01-06' })]);
    const closed = await closeAgencyCycle(setup.ctx, 'acme', setup.oak, JANUARY);
    if (!closed.ok || !closed.value.invoice) throw new Error('setup');
    return { ...setup, invoice: closed.value.invoice };
  }

  it('shows the invoice with patients as the agency chose, and audits the read', async () => {
    const { ctx, invoice } = await anIssuedInvoice();
    const view = await getInvoice(ctx, 'acme', invoice.id);
    expect(view).toMatchObject({
      ok: true,
      value: { number: 'INV-0001', lines: [{ patient: 'Alvarez, Rosa' }, { patient: 'Alvarez, Rosa' }] },
    });
    expect((await ctx.store.listAudit('acme', { recordId: invoice.id })).map((e) => e.action)).toEqual(['create', 'read']);
  });

  it('voids once, frees the visits for the next invoice as late visits, and keeps the number', async () => {
    const { ctx, oak, invoice } = await anIssuedInvoice();
    expect(await voidInvoice(ctx, 'acme', invoice.id, { reason: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const voided = await voidInvoice(ctx, 'acme', invoice.id, { reason: 'wrong agency' });
    expect(voided).toMatchObject({
      ok: true,
      value: { status: 'void', number: 'INV-0001', voidReason: 'wrong agency', voidedOn: '2026-02-02' },
    });
    expect(await voidInvoice(ctx, 'acme', invoice.id, { reason: 'again' })).toMatchObject({ ok: false, error: { code: 'rule-broken' } });
    ctx.setNow('2026-03-02T15:00:00.000Z');
    const february = await closeAgencyCycle(ctx, 'acme', oak, FEBRUARY);
    expect(february).toMatchObject({
      ok: true,
      value: { invoice: { number: 'INV-0002', totalCents: 17000, lines: [{ late: true }, { late: true }] } },
    });
  });

  it('credits up to the invoice total over all notes, numbered after the invoice', async () => {
    const { ctx, invoice } = await anIssuedInvoice();
    const first = await issueCreditNote(ctx, 'acme', invoice.id, {
      reason: 'rate dispute',
      lines: [{ visitId: invoice.lines[0]!.visitId, description: 'rate', amountCents: 1000 }],
    });
    expect(first).toMatchObject({ ok: true, value: { number: 'INV-0001-CN1', totalCents: 1000, invoiceNumber: 'INV-0001' } });
    const tooMuch = await issueCreditNote(ctx, 'acme', invoice.id, { reason: 'all of it' });
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'rule-broken' } });
    const rest = await issueCreditNote(ctx, 'acme', invoice.id, {
      reason: 'the rest',
      lines: [{ description: 'goodwill', amountCents: 16000 }],
    });
    expect(rest).toMatchObject({ ok: true, value: { number: 'INV-0001-CN2' } });
    expect(await listCreditNotes(ctx, 'acme', invoice.id)).toMatchObject({
      ok: true,
      value: [{ number: 'INV-0001-CN1' }, { number: 'INV-0001-CN2' }],
    });
    expect(await voidInvoice(ctx, 'acme', invoice.id, { reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'rule-broken', message: expect.stringMatching(/credit notes/) },
    });
    expect(await issueCreditNote(ctx, 'acme', invoice.id, { reason: 'x', lines: [{ description: 'neg', amountCents: -5 }] })).toMatchObject(
      { ok: false, error: { code: 'invalid-input' } },
    );
  });
});

describe('pay runs and the 1099 ledger', () => {
  it('pays from the same visits at the pay rate in force, with the agency override, and warns about a missing W-9', async () => {
    const { ctx, summit, omar, visit } = await anOrg();
    await upsertVisits(ctx, 'acme', [
      visit({}),
      visit({ date: '2026-01-09', agencyId: summit }),
      visit({ date: '2026-01-10', therapistId: omar, discipline: 'PTA' }),
    ]);
    const run = expectOk(await createPayRun(ctx, 'acme', JANUARY));
    expect(run.payRun.statements.map((s) => [s.therapistName, s.totalCents, s.w9Status])).toEqual([
      ['Omar Haddad', 4000, 'missing'],
      ['Tom Becker', 10500, 'on-file'],
    ]);
    expect(run.payRun.totalCents).toBe(14500);
    expect(run.warnings).toMatchObject([{ therapistId: omar, code: 'no-w9', message: expect.stringMatching(/24%/) }]);
    // Asked again, it warns again, as long as the W-9 is still missing.
    const again = await createPayRun(ctx, 'acme', JANUARY);
    expect(again).toMatchObject({ ok: true, value: { status: 'already-exists', payRun: { totalCents: 14500 } } });
    expect(again.ok && again.value.warnings).toEqual(run.warnings);
    await upsertTherapists(ctx, 'acme', [
      {
        id: omar,
        name: 'Omar Haddad',
        disciplines: ['PTA'],
        w9: {
          legalName: 'Omar Haddad',
          taxClassification: 'individual',
          address: { line1: '2 Elm', city: 'Columbus', state: 'OH', zip: '43215' },
          tinType: 'SSN',
          tin: '123-45-6780',
          signedOn: '2026-02-01',
        },
      },
    ]);
    expect(await createPayRun(ctx, 'acme', JANUARY)).toMatchObject({ ok: true, value: { status: 'already-exists', warnings: [] } });
    expect(await approvePayRun(ctx, 'acme', run.payRun.id)).toMatchObject({ ok: true, value: { status: 'approved' } });
    expect(await approvePayRun(ctx, 'acme', run.payRun.id)).toMatchObject({ ok: false, error: { code: 'rule-broken' } });
    expect(await createPayRun(ctx, 'acme', { start: '2026-01-01', end: '2026-01-15' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('counts payments by the day they were paid, and only the methods that count toward 1099-NEC', async () => {
    const { ctx, tom, omar } = await anOrg();
    ctx.setNow('2027-01-15T15:00:00.000Z'); // a payment is recorded once made: these run to 2027-01-02
    const pay = (therapistId: string, amountCents: number, paidOn: string, method: string) =>
      recordManualPayment(ctx, 'acme', { therapistId, amountCents, paidOn, method });
    expect(await pay(tom, 150000, '2026-12-31', 'check')).toMatchObject({ ok: true, value: { status: 'paid' } });
    await pay(tom, 50000, '2026-06-01', 'ach');
    await pay(tom, 99999, '2026-07-01', 'card');
    await pay(tom, 70000, '2027-01-02', 'check'); // a December visit paid in January counts in 2027
    await pay(omar, 199999, '2026-03-01', 'cash');
    expect(await pay(tom, 0, '2026-03-01', 'check')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await pay(tom, 10, '2026-03-01', 'paypal')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await pay('nobody', 10, '2026-03-01', 'check')).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const summary = expectOk(await taxYearSummary(ctx, 'acme', 2026));
    expect(summary).toMatchObject({ year: 2026, thresholdCents: 200000, dueDate: '2027-02-01' });
    expect(summary.therapists.map((t) => [t.name, t.totalCents, t.excludedCents, t.reportable, t.w9Status, t.tinMasked])).toEqual([
      ['Omar Haddad', 199999, 0, false, 'missing', null],
      ['Tom Becker', 200000, 99999, true, 'on-file', '***-**-6789'],
    ]);
    expect(JSON.stringify(summary)).not.toContain('123456789');
    const next = await taxYearSummary(ctx, 'acme', 2027);
    expect(next).toMatchObject({ ok: false, error: { code: 'rule-broken', message: expect.stringMatching(/2027/) } });
    expect(await taxYearSummary(ctx, 'acme', 'soon')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
