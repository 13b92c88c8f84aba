/**
 * Closing billing cycles: one invoice per agency per cycle, numbered without gaps, from
 * the agency's unbilled visits of the period plus late visits of periods already closed.
 * The computation is the billing core's; the store issues it atomically. Closing twice
 * returns the first result; a crash half way leaves nothing half issued (the store's
 * commitClose is atomic, or resumable on Firestore).
 */
import {
  draftInvoice,
  isPeriodOf,
  monthBounds,
  ok,
  periodContaining,
  periodLabel,
  periodsEndingIn,
  type Agency,
  type HeldVisit,
  type InvoiceDraft,
  type Period,
  type Result,
} from '../../../shared/index.ts';
import type { BillingVisit, CloseCommit, CycleRecord, StoredInvoice, UnsettledVisit } from '../store/port.ts';
import { loadBillingInputs, seqsOnLines, type BillingInputs } from './billing-inputs.ts';
import { crashPoint } from '../faults/crash-points.ts';
import { audit, notEndedYet, today, type UseCaseContext } from './context.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { createPayRun, type NothingToPay, type PayRunResult } from './payroll.ts';
import { refuseNewBilling } from './subscription.ts';

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
    const message = `${period.start} to ${period.end} is not one of ${agency.name}'s billing cycles (the cycle containing ${period.start} is ${periodLabel(proper)})`;
    return fail('invalid-input', message, [{ path: 'period', message }]);
  }
  return ok({ org: org.value, inputs, agency });
}

/** Unbilled visits dated before the period whose own cycle was never closed: close that cycle first. */
async function unclosedEarlierPeriod(
  ctx: UseCaseContext,
  orgId: string,
  agency: Agency,
  period: Period,
  visits: readonly BillingVisit[],
  batch: readonly CycleTarget[] = [],
): Promise<Period | null> {
  const earlier = new Map<string, Period>();
  for (const v of visits) {
    if (v.date >= period.start) continue;
    const own = periodContaining(agency.billingCycle, v.date);
    earlier.set(own.start, own);
  }
  for (const own of [...earlier.values()].sort((a, b) => a.start.localeCompare(b.start))) {
    // An earlier cycle closed in the same batch, ahead of this one, is not a reason to wait.
    if (batch.some((t) => t.agency.id === agency.id && t.period.start === own.start)) continue;
    const cycle = await ctx.store.getCycle(orgId, agencyCycleId(agency.id, own));
    if (cycle?.status !== 'closed') return own;
  }
  return null;
}

function draftFor(inputs: BillingInputs, agency: Agency, period: Period, visits: readonly BillingVisit[], issueDate: string) {
  return draftInvoice({
    agency,
    period,
    visits,
    rates: inputs.rates,
    therapistName: inputs.therapistName,
    vocabulary: inputs.vocabulary,
    issueDate,
  });
}

export async function previewClose(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  period: Period,
): Promise<Result<ClosePreview, Failure>> {
  const prepared = await prepare(ctx, orgId, agencyId, period);
  if (!prepared.ok) return prepared;
  const { org, inputs, agency } = prepared.value;
  const existing = await ctx.store.getCycle(orgId, agencyCycleId(agencyId, period));
  const visits = await ctx.store.listBillingVisits(orgId, { agencyId, billed: false, dateTo: period.end });
  const { draft, held } = draftFor(inputs, agency, period, visits, today(ctx, org.settings.timeZone));
  return ok({ agencyId, period, draft: existing?.status === 'closed' ? null : draft, held, alreadyClosed: existing?.status === 'closed' });
}

export async function closeAgencyCycle(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  period: Period,
): Promise<Result<CloseResult, Failure>> {
  const prepared = await prepare(ctx, orgId, agencyId, period);
  if (!prepared.ok) return prepared;
  const { org, inputs, agency } = prepared.value;
  // A cycle already closed is answered as it is whatever the plan: only a new close is new billing.
  const existing = await ctx.store.getCycle(orgId, agencyCycleId(agency.id, period));
  if (existing?.status !== 'closed') {
    const refused = await refuseNewBilling(ctx, orgId);
    if (refused) return refused;
  }
  const early = notEndedYet(ctx, org.settings.timeZone, period, `${agency.name}'s cycle ${periodLabel(period)}`);
  if (early) return early;
  const closed = await closeCycles(ctx, orgId, org.settings.timeZone, inputs, [{ agency, period }]);
  return closed.ok ? ok(closed.value[0]!) : closed;
}

type CycleTarget = { agency: Agency; period: Period };

/**
 * Closes several agency cycles with the org's data loaded once, committed together (one
 * transaction on SQLite). Cycles already closed come back as they were. When a visit was
 * billed meanwhile by another close, the cycles not yet closed are computed again.
 * `unsettledRead`: the visits when the caller already read them (a month's close reads the
 * unsettled ones: those it says are billed are left out).
 */
async function closeCycles(
  ctx: UseCaseContext,
  orgId: string,
  timeZone: string,
  inputs: BillingInputs,
  targets: readonly CycleTarget[],
  unsettledRead?: readonly UnsettledVisit[],
): Promise<Result<CloseResult[], Failure>> {
  const results = new Map<string, CloseResult>();
  for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
    const plans: { target: CycleTarget; cycleId: string; held: HeldVisit[]; commit: CloseCommit }[] = [];
    // Visits already given to an earlier cycle of this batch (two semi-monthly halves of a month):
    // each cycle takes the agency's visits dated up to its end, so those given are exactly the
    // ones dated up to the latest end given so far (a date per agency, not a set of 100,000 ids).
    const givenUpTo = new Map<string, string>();
    // After a conflict the visits are read again: the caller's read is out of date.
    const unbilled = byAgency(targets, attempt === 0 && unsettledRead ? unsettledRead : await readUnbilled(ctx, orgId, targets));
    const issueDate = today(ctx, timeZone);
    for (const target of targets) {
      const { agency, period } = target;
      const cycleId = agencyCycleId(agency.id, period);
      if (results.has(cycleId)) continue;
      const existing = await ctx.store.getCycle(orgId, cycleId);
      if (existing?.status === 'closed') {
        results.set(cycleId, await closedResult(ctx, orgId, existing, agency.id, period, 'already-closed'));
        continue;
      }
      const given = givenUpTo.get(agency.id);
      const visits = allOrThose(unbilled.get(agency.id) ?? [], (v) => v.date <= period.end && (given === undefined || v.date > given));
      if (given === undefined || period.end > given) givenUpTo.set(agency.id, period.end);
      const blocking = await unclosedEarlierPeriod(ctx, orgId, agency, period, visits, targets);
      if (blocking) {
        return fail(
          'rule-broken',
          `${agency.name} has unbilled visits in ${periodLabel(blocking)}, which is not closed: close that cycle first, so its visits are not billed as late`,
        );
      }
      const { draft, held } = draftFor(inputs, agency, period, visits, issueDate);
      plans.push({
        target,
        cycleId,
        held,
        commit: {
          cycle: { id: cycleId, scope: { kind: 'agency', agencyId: agency.id }, period },
          invoices: draft ? [{ ...draft, id: ctx.newId(), cycleId, status: 'issued' }] : [],
          visitSeqs: draft ? [seqsOnLines(visits, held)] : [],
          closedAt: ctx.now().toISOString(),
        },
      });
    }
    if (plans.length === 0) break;
    crashPoint('close.computed');
    const outcomes = await ctx.store.commitCloses(
      orgId,
      plans.map((p) => p.commit),
    );
    crashPoint('close.committed');
    const created = [];
    for (const [i, outcome] of outcomes.entries()) {
      const { target, cycleId, held } = plans[i]!;
      if (outcome.status === 'conflict') continue; // a visit was billed meanwhile: computed again next round
      if (outcome.status === 'already-closed') {
        results.set(cycleId, await closedResult(ctx, orgId, outcome.cycle, target.agency.id, target.period, 'already-closed'));
        continue;
      }
      const invoice = outcome.invoices[0] ?? null;
      if (invoice) created.push(invoice);
      results.set(cycleId, { status: 'closed', agencyId: target.agency.id, period: target.period, invoice, held });
    }
    await audit(
      ctx,
      orgId,
      created.map((invoice) => ({
        action: 'create' as const,
        recordType: 'invoice' as const,
        recordId: invoice.id,
        detail: `${invoice.number}, ${invoice.lines.length} visits`,
      })),
    );
    // Read the visits again only when a conflict left a cycle to compute anew.
    if (targets.every((t) => results.has(agencyCycleId(t.agency.id, t.period)))) break;
  }
  const unfinished = targets.find((t) => !results.has(agencyCycleId(t.agency.id, t.period)));
  if (unfinished)
    return fail(
      'conflict',
      `${unfinished.agency.name}'s cycle ${periodLabel(unfinished.period)} kept changing while it was being closed; try again`,
    );
  return ok(targets.map((t) => results.get(agencyCycleId(t.agency.id, t.period))!));
}

/** The targets' unbilled visits in one read (a month's close reads the org once). */
async function readUnbilled(ctx: UseCaseContext, orgId: string, targets: readonly CycleTarget[]): Promise<BillingVisit[]> {
  const agencyIds = new Set(targets.map((t) => t.agency.id));
  return ctx.store.listBillingVisits(orgId, {
    billed: false,
    dateTo: latestEnd(targets.map((t) => t.period)),
    ...(agencyIds.size === 1 ? { agencyId: [...agencyIds][0]! } : {}),
  });
}

const latestEnd = (periods: readonly Period[]) => periods.reduce((latest, p) => (p.end > latest ? p.end : latest), '');

/** The targets' agencies' visits, by agency; a visit the read says is billed is left out. */
function byAgency(targets: readonly CycleTarget[], visits: readonly (BillingVisit | UnsettledVisit)[]): Map<string, BillingVisit[]> {
  const agencyIds = new Set(targets.map((t) => t.agency.id));
  const grouped = new Map<string, BillingVisit[]>();
  for (const v of visits) {
    if (('billed' in v && v.billed) || !agencyIds.has(v.agencyId)) continue;
    const list = grouped.get(v.agencyId);
    if (list) list.push(v);
    else grouped.set(v.agencyId, [v]);
  }
  return grouped;
}

/**
 * The items that pass `keep`: the array itself when all do. A month's visits usually all
 * pass, and a copy of 100,000 of them would take fresh memory for nothing.
 */
function allOrThose<T>(items: readonly T[], keep: (item: T) => boolean): readonly T[] {
  for (const item of items) if (!keep(item)) return items.filter(keep);
  return items;
}

async function closedResult(
  ctx: UseCaseContext,
  orgId: string,
  cycle: CycleRecord,
  agencyId: string,
  period: Period,
  status: 'closed' | 'already-closed',
): Promise<CloseResult> {
  const invoices = await ctx.store.listInvoices(orgId, { cycleId: cycle.id });
  return { status, agencyId, period, invoice: invoices[0] ?? null, held: [] };
}

/** `nothingToPay`: pay periods ending in the month with nothing payable, for which no pay run was made. */
export type MonthCloseResult = { month: string; cycles: CloseResult[]; payRuns: PayRunResult[]; nothingToPay: NothingToPay[] };

/**
 * Closes every active agency's cycles that end in the month (oldest first), and the
 * payroll periods that end in it. What a `visitledger close --period 2026-01` does.
 */
export async function closeMonth(ctx: UseCaseContext, orgId: string, month: string): Promise<Result<MonthCloseResult, Failure>> {
  const bounds = monthBounds(month);
  if (!bounds.ok) return fail('invalid-input', bounds.error.message, [{ path: 'month', message: bounds.error.message }]);
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const refused = await refuseNewBilling(ctx, orgId);
  if (refused) return refused;
  const early = notEndedYet(ctx, org.value.settings.timeZone, bounds.value, month);
  if (early) return early;
  const inputs = await loadBillingInputs(ctx, orgId, org.value.settings);
  const agencies = [...inputs.agencies.values()].filter((a) => a.active).sort((a, b) => a.name.localeCompare(b.name));
  const targets = agencies.flatMap((agency) => periodsEndingIn(agency.billingCycle, bounds.value).map((period) => ({ agency, period })));
  const payPeriods = periodsEndingIn(org.value.settings.payrollCycle, bounds.value);
  // One read serves the invoices and the pay runs: the visits not yet both billed and paid.
  // Read once, before the invoices commit: a visit arriving during the close waits for the next pay run (marked late), never paid or billed twice.
  const unsettled = await ctx.store.listUnsettledVisits(orgId, latestEnd([...targets.map((t) => t.period), ...payPeriods]));
  crashPoint('close.read');
  const closed = await closeCycles(ctx, orgId, org.value.settings.timeZone, inputs, targets, unsettled);
  if (!closed.ok) return closed;
  const cycles = closed.value;
  const payRuns: PayRunResult[] = [];
  const nothingToPay: NothingToPay[] = [];
  const paidByThisClose = new Set<string>();
  for (const [i, period] of payPeriods.entries()) {
    const unpaid = allOrThose(
      unsettled,
      (v) => !v.paid && v.date <= period.end && (paidByThisClose.size === 0 || !paidByThisClose.has(v.id)),
    );
    const run = await createPayRun(ctx, orgId, period, { inputs, unpaid, skipEmpty: true });
    if (!run.ok) return run;
    if (run.value.status === 'nothing-to-pay') {
      nothingToPay.push(run.value);
      continue;
    }
    // Only a later period of the month needs to know what this one paid.
    const later = i < payPeriods.length - 1;
    if (later && run.value.status === 'created')
      for (const s of run.value.payRun.statements) for (const l of s.lines) paidByThisClose.add(l.visitId);
    payRuns.push(run.value);
  }
  return ok({ month, cycles, payRuns, nothingToPay });
}
