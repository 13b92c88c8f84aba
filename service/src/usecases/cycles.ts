/**
 * Closing billing cycles: one invoice per agency per cycle, numbered without gaps, from
 * the agency's unbilled visits of the period plus late visits of periods already closed.
 * The computation is the billing core's; the store issues it atomically. Closing twice
 * returns the first result; a crash half way leaves nothing half issued (the store's
 * commitClose is atomic, or resumable on Firestore).
 */
import {
  draftInvoice, isPeriodOf, monthBounds, ok, periodContaining, periodLabel, periodsEndingIn, type Agency, type HeldVisit,
  type InvoiceDraft, type Period, type Result,
} from '../../../shared/index.ts';
import type { CycleRecord, StoredInvoice, StoredVisit } from '../store/port.ts';
import { loadBillingInputs, type BillingInputs } from './billing-inputs.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { fail, type Failure } from './failure.ts';
import { loadOrg } from './orgs.ts';
import { createPayRun, type PayRunResult } from './payroll.ts';

export const agencyCycleId = (agencyId: string, period: Period) => `agency:${agencyId}:${period.start}`;

export type CloseResult = {
  status: 'closed' | 'already-closed';
  agencyId: string;
  period: Period;
  invoice: StoredInvoice | null;
  /** Visits not billed, with the reasons (no bill rate, no MRN when the agency asks for one). */
  held: HeldVisit[];
};

export type ClosePreview = { agencyId: string; period: Period; draft: InvoiceDraft | null; held: HeldVisit[]; alreadyClosed: boolean };

const MAX_CONFLICT_RETRIES = 3;

async function prepare(ctx: UseCaseContext, orgId: string, agencyId: string, period: Period) {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const inputs = await loadBillingInputs(ctx, orgId, org.value.settings);
  const agency = inputs.agencies.get(agencyId);
  if (!agency) return fail('not-found', `no agency with id "${agencyId}"`);
  if (period.start > period.end || !isPeriodOf(agency.billingCycle, period)) {
    const proper = periodContaining(agency.billingCycle, period.start);
    return fail('invalid-input', `${period.start} to ${period.end} is not one of ${agency.name}'s billing cycles (the cycle containing ${period.start} is ${periodLabel(proper)})`);
  }
  return ok({ org: org.value, inputs, agency });
}

/** Unbilled visits dated before the period whose own cycle was never closed: close that cycle first. */
async function unclosedEarlierPeriod(ctx: UseCaseContext, orgId: string, agency: Agency, period: Period, visits: readonly StoredVisit[]): Promise<Period | null> {
  const earlier = new Map<string, Period>();
  for (const v of visits) {
    if (v.date >= period.start) continue;
    const own = periodContaining(agency.billingCycle, v.date);
    earlier.set(own.start, own);
  }
  for (const own of [...earlier.values()].sort((a, b) => a.start.localeCompare(b.start))) {
    const cycle = await ctx.store.getCycle(orgId, agencyCycleId(agency.id, own));
    if (cycle?.status !== 'closed') return own;
  }
  return null;
}

function draftFor(ctx: UseCaseContext, inputs: BillingInputs, agency: Agency, period: Period, visits: readonly StoredVisit[], issueDate: string) {
  return draftInvoice({ agency, period, visits, rates: inputs.rates, therapistName: inputs.therapistName, vocabulary: inputs.vocabulary, issueDate });
}

export async function previewClose(ctx: UseCaseContext, orgId: string, agencyId: string, period: Period): Promise<Result<ClosePreview, Failure>> {
  const prepared = await prepare(ctx, orgId, agencyId, period);
  if (!prepared.ok) return prepared;
  const { org, inputs, agency } = prepared.value;
  const existing = await ctx.store.getCycle(orgId, agencyCycleId(agencyId, period));
  const visits = await ctx.store.listVisits(orgId, { agencyId, billed: false, dateTo: period.end });
  const { draft, held } = draftFor(ctx, inputs, agency, period, visits, today(ctx, org.settings.timeZone));
  return ok({ agencyId, period, draft: existing?.status === 'closed' ? null : draft, held, alreadyClosed: existing?.status === 'closed' });
}

export async function closeAgencyCycle(ctx: UseCaseContext, orgId: string, agencyId: string, period: Period): Promise<Result<CloseResult, Failure>> {
  const prepared = await prepare(ctx, orgId, agencyId, period);
  if (!prepared.ok) return prepared;
  const { org, inputs, agency } = prepared.value;
  const cycleId = agencyCycleId(agencyId, period);

  for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
    const existing = await ctx.store.getCycle(orgId, cycleId);
    if (existing?.status === 'closed') return ok(await closedResult(ctx, orgId, existing, agencyId, period, 'already-closed'));

    const visits = await ctx.store.listVisits(orgId, { agencyId, billed: false, dateTo: period.end });
    const blocking = await unclosedEarlierPeriod(ctx, orgId, agency, period, visits);
    if (blocking) {
      return fail('rule-broken', `${agency.name} has unbilled visits in ${periodLabel(blocking)}, which is not closed: close that cycle first, so its visits are not billed as late`);
    }
    const { draft, held } = draftFor(ctx, inputs, agency, period, visits, today(ctx, org.settings.timeZone));
    const outcome = await ctx.store.commitClose(orgId, {
      cycle: { id: cycleId, scope: { kind: 'agency', agencyId }, period },
      invoices: draft ? [{ ...draft, id: ctx.newId(), cycleId, status: 'issued' }] : [],
      closedAt: ctx.now().toISOString(),
    });
    if (outcome.status === 'conflict') continue; // a visit was billed meanwhile: recompute
    if (outcome.status === 'already-closed') return ok(await closedResult(ctx, orgId, outcome.cycle, agencyId, period, 'already-closed'));
    const invoice = outcome.invoices[0] ?? null;
    if (invoice) {
      await audit(ctx, orgId, [{ action: 'create', recordType: 'invoice', recordId: invoice.id, detail: `${invoice.number}, ${invoice.lines.length} visits` }]);
    }
    return ok({ status: 'closed', agencyId, period, invoice, held });
  }
  return fail('conflict', `${agency.name}'s cycle ${periodLabel(period)} kept changing while it was being closed; try again`);
}

async function closedResult(ctx: UseCaseContext, orgId: string, cycle: CycleRecord, agencyId: string, period: Period, status: 'closed' | 'already-closed'): Promise<CloseResult> {
  const invoices = await ctx.store.listInvoices(orgId, { cycleId: cycle.id });
  return { status, agencyId, period, invoice: invoices[0] ?? null, held: [] };
}

export type MonthCloseResult = { month: string; cycles: CloseResult[]; payRuns: PayRunResult[] };

/**
 * Closes every active agency's cycles that end in the month (oldest first), and the
 * payroll periods that end in it. What a `visitledger close --period 2026-01` does.
 */
export async function closeMonth(ctx: UseCaseContext, orgId: string, month: string): Promise<Result<MonthCloseResult, Failure>> {
  const bounds = monthBounds(month);
  if (!bounds.ok) return fail('invalid-input', bounds.error.message);
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const agencies = (await ctx.store.listAgencies(orgId)).filter((a) => a.active).sort((a, b) => a.name.localeCompare(b.name));
  const cycles: CloseResult[] = [];
  for (const agency of agencies) {
    for (const period of periodsEndingIn(agency.billingCycle, bounds.value)) {
      const closed = await closeAgencyCycle(ctx, orgId, agency.id, period);
      if (!closed.ok) return closed;
      cycles.push(closed.value);
    }
  }
  const payRuns: PayRunResult[] = [];
  for (const period of periodsEndingIn(org.value.settings.payrollCycle, bounds.value)) {
    const run = await createPayRun(ctx, orgId, period);
    if (!run.ok) return run;
    payRuns.push(run.value);
  }
  return ok({ month, cycles, payRuns });
}
