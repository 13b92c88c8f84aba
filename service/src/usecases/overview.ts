/**
 * The owner's overview of a month, for `visitledger overview` and GET /v1/orgs/:orgId/overview
 * (and through it the sidebar): the org's money records read once, the figures computed by
 * shared/overview.ts, names put on the ids. No PHI is read: visits come without patients.
 */
import { ok, type Result } from '../../../shared/index.ts';
import {
  blockers,
  heldVisits,
  missingW9s,
  monthSeries,
  monthTotals,
  overviewMonth,
  type Margin,
  type OverviewLedger,
} from '../../../shared/overview.ts';
import type { OverviewAnswer } from '../../../shared/wire/overview.ts';
import { loadBillingInputs } from './billing-inputs.ts';
import { agencyCycleId } from './cycles.ts';
import { today, type UseCaseContext } from './context.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { readLedger } from './receivables.ts';

/** `month`: YYYY-MM; the current month in the org's time zone when absent. */
export async function monthOverview(ctx: UseCaseContext, orgId: string, month?: string): Promise<Result<OverviewAnswer, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const day = today(ctx, org.value.settings.timeZone);
  const asked = month ?? day.slice(0, 7);
  const bounds = overviewMonth(asked, day);
  if (!bounds.ok) return fail('invalid-input', bounds.error.message, [{ path: 'month', message: bounds.error.message }]);
  const { asOf } = bounds.value;
  const [receivables, payRuns, payments, inputs, unsettled, cycles] = await Promise.all([
    readLedger(ctx, orgId),
    ctx.store.listPayRuns(orgId),
    ctx.store.listPayments(orgId, {}),
    loadBillingInputs(ctx, orgId, org.value.settings),
    ctx.store.listUnsettledVisits(orgId, bounds.value.end),
    ctx.store.listCycles(orgId),
  ]);
  const ledger: OverviewLedger = { ...receivables, payRuns, payments };
  const totals = monthTotals(ledger, asked, bounds.value, asOf);
  const therapists = [...inputs.therapists.values()];
  const held = heldVisits({
    visits: unsettled,
    bounds: bounds.value,
    agencies: inputs.agencies,
    therapists,
    rates: inputs.rates,
    vocabulary: inputs.vocabulary,
    holdPayUntilNoteDone: org.value.settings.holdPayUntilNoteDone,
    issueDate: day,
  });
  const missing = missingW9s(ledger, therapists, asOf);
  const closed = new Set(cycles.filter((c) => c.status === 'closed').map((c) => c.id));
  const year = asOf.slice(0, 4);
  /** A breakdown's rows by name; each row built by `row` from its name or key. */
  const margins = <K extends string, R>(map: Map<K, Margin>, name: (key: K) => string, row: (key: K, name: string) => R) =>
    [...map.entries()]
      .map(([key, m]) => ({ key, name: name(key), m }))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ key, name: n, m }) => ({ ...row(key, n), ...m }));
  return ok({
    month: asked,
    billedCents: totals.billedCents,
    collectedCents: totals.collectedCents,
    openReceivablesCents: totals.openReceivablesCents,
    payrollCents: totals.payrollCents,
    paidToTherapistsCents: totals.paidToTherapistsCents,
    owedToTherapistsCents: totals.owedToTherapistsCents,
    marginCents: totals.marginCents,
    byAgency: margins(totals.byAgency, inputs.agencyName, (_, agency) => ({ agency })),
    held: held.map(({ agencyId, therapistId, ...h }) => ({
      visitId: h.visitId,
      date: h.date,
      agency: inputs.agencyName(agencyId),
      therapist: inputs.therapistName(therapistId),
      discipline: h.discipline,
      visitType: h.visitType,
      heldFrom: h.heldFrom,
      reasons: h.reasons,
    })),
    missingW9: missing
      .map(({ therapistId, ...m }) => ({ therapist: inputs.therapistName(therapistId), ...m }))
      .sort((a, b) => a.therapist.localeCompare(b.therapist)),
    asOf,
    receivablesByAge: totals.receivablesByAge,
    byTherapist: margins(totals.byTherapist, inputs.therapistName, (_, therapist) => ({ therapist })),
    byDiscipline: margins(
      totals.byDiscipline,
      (d) => d,
      (discipline) => ({ discipline }),
    ),
    blockers: blockers({
      asOf,
      unsettled: unsettled.filter((v) => v.date <= asOf),
      agencies: inputs.agencies,
      payrollCycle: org.value.settings.payrollCycle,
      cycleClosed: (agencyId, period) => closed.has(agencyCycleId(agencyId, period)),
      payRunStarts: new Set(payRuns.map((r) => r.period.start)),
      held: held.length,
      missingW9: missing.length,
      payerTinOnFile: org.value.payerTin !== undefined,
      paidThisYear: payments.some((p) => p.status === 'paid' && p.paidOn.startsWith(year) && p.paidOn <= asOf),
    }),
    months: monthSeries(ledger, asked, day),
  });
}
