/**
 * `visitledger pay-runs [--period YYYY-MM] [--json]`: every pay run (or those of the payroll periods ending in the month)
 * with its status, each therapist's pay, what is held and what has been paid so far. `payrun --period` pays them.
 */
import { sumCents, visitCount } from '../../../shared/index.ts';
import { listPayRuns } from '../usecases/payroll.ts';
import { monthOption } from './invoices-command.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, type CliValues } from './output.ts';

export const payRunsOptions = { period: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runPayRuns(rt: CliRuntime, values: CliValues<typeof payRunsOptions>): Promise<number> {
  const month = values.period === undefined ? null : monthOption(values.period);
  const result = await listPayRuns(rt.ctx, rt.orgId);
  if (!result.ok) return failureExit(result.error);
  const runs = result.value
    .filter((r) => !month || (r.period.end >= month.start && r.period.end <= month.end))
    .sort((a, b) => (a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0));
  const rows = await Promise.all(
    runs.map(async (r) => {
      const payments = await rt.ctx.store.listPayments(rt.orgId, { payRunId: r.id });
      return {
        id: r.id,
        period: r.period,
        status: r.status,
        totalCents: r.totalCents,
        paidCents: sumCents(payments.filter((p) => p.status === 'paid').map((p) => p.amountCents)),
        therapists: r.statements.map((s) => ({
          therapist: s.therapistName,
          totalCents: s.totalCents,
          withheldCents: s.withheldCents,
          netCents: s.netCents,
          held: s.held,
          visits: s.lines.length,
          paidCents: sumCents(payments.filter((p) => p.therapistId === s.therapistId && p.status === 'paid').map((p) => p.amountCents)),
        })),
      };
    }),
  );
  if (values.json) {
    printJson({ payRuns: rows });
    return 0;
  }
  if (rows.length === 0) {
    say(month ? `no pay run for a payroll period ending in ${values.period}` : 'no pay runs yet (close --period YYYY-MM makes them)');
    return 0;
  }
  for (const r of rows) {
    say(`${r.period.start}..${r.period.end}  ${r.status}  ${money(r.totalCents)}  paid ${money(r.paidCents)}  (${r.id})`);
    if (r.therapists.length === 0) continue;
    say(
      table(
        r.therapists.map((t) => [
          `  ${t.therapist}`,
          money(t.totalCents),
          visitCount(t.visits),
          t.held ? 'held: no W-9 on file' : t.withheldCents ? `${money(t.withheldCents)} withheld` : '',
          `paid ${money(t.paidCents)}`,
        ]),
      ),
    );
  }
  return 0;
}
