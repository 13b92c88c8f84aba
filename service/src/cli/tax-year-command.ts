/** `visitledger tax-year --year 2026 [--json]`: the 1099-NEC summary, by payment date. */
import { taxYearSummary } from '../usecases/payments.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, UsageError, type CliValues } from './output.ts';

export const taxYearOptions = { year: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runTaxYear(rt: CliRuntime, values: CliValues<typeof taxYearOptions>): Promise<number> {
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new UsageError('tax-year needs --year YYYY');
  const result = await taxYearSummary(rt.ctx, rt.orgId, Number(values.year));
  if (!result.ok) return failureExit(result.error);
  const s = result.value;
  if (values.json) {
    printJson({
      year: s.year, thresholdCents: s.thresholdCents, dueDate: s.dueDate, eFileRequired: s.eFileRequired, notes: s.notes,
      therapists: s.therapists.map((t) => ({
        therapist: t.name, totalCents: t.totalCents, excludedCents: t.excludedCents, reportable: t.reportable, w9: t.w9Status,
        tin: t.tinMasked, blockers: t.blockers,
      })),
    });
    return 0;
  }
  say(`1099-NEC, tax year ${s.year}: threshold ${money(s.thresholdCents)}, due to recipients and the IRS by ${s.dueDate}`);
  say(table([
    ['therapist', 'counted', 'not counted', 'reportable', 'W-9', 'TIN', 'blockers'],
    ...s.therapists.map((t) => [t.name, money(t.totalCents), money(t.excludedCents), t.reportable ? 'yes' : 'no', t.w9Status, t.tinMasked ?? '', t.blockers.join('; ')]),
  ]));
  for (const n of s.notes) say(`note: ${n}`);
  return 0;
}
