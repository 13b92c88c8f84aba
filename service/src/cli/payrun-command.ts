/**
 * `visitledger payrun --period 2026-01 [--pay] [--json]`: the pay runs of the payroll periods
 * that end in the month, with each therapist's amount, payment status and Stripe transfer.
 * `--pay` approves an open pay run and pays it through Stripe; paying again pays nobody twice.
 * Exit status 1 when a therapist is left unpaid, held without a W-9 included (each says why).
 */
import { payRunsOfMonth } from '../usecases/payouts/pay-month.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, UsageError, type CliValues } from './output.ts';

export const payrunOptions = { period: { type: 'string' }, pay: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function runPayrun(rt: CliRuntime, values: CliValues<typeof payrunOptions>): Promise<number> {
  if (!values.period) throw new UsageError('payrun needs --period YYYY-MM (the month whose payroll periods end)');
  const result = await payRunsOfMonth(rt.payouts(), rt.orgId, values.period, { pay: values.pay === true });
  if (!result.ok) return failureExit(result.error);
  const lines = result.value.payRuns.flatMap((r) => r.therapists);
  const unpaid =
    values.pay === true &&
    lines.some((l) => l.status === 'failed' || l.status === 'pending' || l.status === 'not-paid' || l.status === 'held');
  if (values.json) {
    printJson(result.value);
    return unpaid ? 1 : 0;
  }
  if (result.value.payRuns.length === 0) say(`no payroll period ends in ${values.period}`);
  for (const r of result.value.payRuns) {
    say(`${r.payRunId} (${r.period.start}..${r.period.end}): ${r.status}`);
    say(
      table(
        r.therapists.map((l) => [
          `  ${l.therapistName}`,
          money(l.amountCents),
          l.withheldCents ? `${money(l.withheldCents)} withheld, ${money(l.amountCents - l.withheldCents)} net` : '',
          l.status,
          l.transferId ?? '',
          l.problem ?? l.warning ?? '',
        ]),
      ),
    );
  }
  return unpaid ? 1 : 0;
}
