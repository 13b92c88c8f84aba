/** `visitledger receivables [--as-of DATE] [--json]` (4/2/2026 or 2026-04-02): what each agency owes, aged by days past due, and its credit. */
import { receivablesReport, totalOpen } from '../usecases/receivables.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, type CliValues } from './output.ts';
import { dateOption } from './typed-input.ts';

export const receivablesOptions = { 'as-of': { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runReceivables(rt: CliRuntime, values: CliValues<typeof receivablesOptions>): Promise<number> {
  const asOf = values['as-of'] === undefined ? undefined : dateOption('--as-of', values['as-of']);
  const result = await receivablesReport(rt.ctx, rt.orgId, asOf);
  if (!result.ok) return failureExit(result.error);
  const report = result.value;
  if (values.json) {
    printJson(report);
    return 0;
  }
  say(`receivables as of ${report.asOf}: ${money(totalOpen(report))} open`);
  say(
    table([
      ['Agency', 'Open', 'Current', '1-30', '31-60', '61-90', '90+', 'Credit'],
      ...report.agencies.map((a) => [a.agency, money(a.openCents), ...Object.values(a.buckets).map(money), money(a.creditCents)]),
    ]),
  );
  return 0;
}
