/** `visitledger tax-year --year 2026 [--json]`: the 1099-NEC summary, by payment date. */
import { taxYearSummary } from '../usecases/payments.ts';
import { necCorrectionsOf } from '../usecases/year-end-export.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, UsageError, type CliValues } from './output.ts';

export const taxYearOptions = { year: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runTaxYear(rt: CliRuntime, values: CliValues<typeof taxYearOptions>): Promise<number> {
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new UsageError('tax-year needs --year YYYY');
  const result = await taxYearSummary(rt.ctx, rt.orgId, Number(values.year));
  if (!result.ok) return failureExit(result.error);
  const s = result.value;
  // Returns marked filed whose amounts changed since (export-1099 --mark-filed).
  const corrections = await necCorrectionsOf(rt.ctx, rt.orgId, s.year);
  if (!corrections.ok) return failureExit(corrections.error);
  if (values.json) {
    printJson({
      year: s.year,
      thresholdCents: s.thresholdCents,
      dueDate: s.dueDate,
      eFileRequired: s.eFileRequired,
      form945TotalCents: s.form945TotalCents,
      notes: s.notes,
      therapists: s.therapists.map((t) => ({
        therapist: t.name,
        totalCents: t.totalCents,
        excludedCents: t.excludedCents,
        withheldCents: t.withheldCents,
        reportable: t.reportable,
        w9: t.w9Status,
        tin: t.tinMasked,
        blockers: t.blockers,
      })),
      corrections: corrections.value.map((c) => ({ therapist: c.name, filed: c.filed, now: c.now, message: c.message })),
    });
    return 0;
  }
  say(`1099-NEC, tax year ${s.year}: threshold ${money(s.thresholdCents)}, due to recipients and the IRS by ${s.dueDate}`);
  say(
    table([
      ['therapist', 'counted', 'not counted', 'withheld', 'reportable', 'W-9', 'TIN', 'blockers'],
      ...s.therapists.map((t) => [
        t.name,
        money(t.totalCents),
        money(t.excludedCents),
        money(t.withheldCents),
        t.reportable ? 'yes' : 'no',
        t.w9Status,
        t.tinMasked ?? '',
        t.blockers.join('; '),
      ]),
    ]),
  );
  if (s.form945TotalCents > 0)
    say(`backup withholding kept in ${s.year}: ${money(s.form945TotalCents)}, to report on Form 945 (Box 4 of each 1099-NEC)`);
  for (const n of s.notes) say(`note: ${n}`);
  for (const c of corrections.value) say(`needs a correction: ${c.message}`);
  return 0;
}
