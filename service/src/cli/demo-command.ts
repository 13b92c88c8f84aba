/** `visitledger demo [--month YYYY-MM] [--json]`: seeds the demo org (two months of visits, the first closed). */
import { calendarDayIn } from '../../../shared/index.ts';
import { DEMO_ORG, seedDemo } from '../usecases/demo.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, type CliValues } from './output.ts';

export const demoOptions = { month: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The month two months before today's: the demo's second month is then the last full month. */
export function defaultDemoMonth(now: Date): string {
  const today = calendarDayIn(now, 'UTC');
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7)) - 2;
  const y = month < 1 ? year - 1 : year;
  return `${y}-${String(month < 1 ? month + 12 : month).padStart(2, '0')}`;
}

export async function runDemo(rt: CliRuntime, values: CliValues<typeof demoOptions>, orgFlag: string | undefined): Promise<number> {
  const result = await seedDemo(rt.ctx, values.month ?? defaultDemoMonth(rt.ctx.now()), orgFlag ?? DEMO_ORG);
  if (!result.ok) return failureExit(result.error);
  const d = result.value;
  if (values.json) {
    printJson({
      orgId: d.orgId,
      months: d.months,
      agencies: d.agencies,
      therapists: d.therapists,
      visits: d.visits,
      invoices: d.closed.cycles.flatMap((c) =>
        c.invoice ? [{ agency: c.invoice.agencyName, number: c.invoice.number, totalCents: c.invoice.totalCents }] : [],
      ),
      payRuns: d.closed.payRuns.map((r) => ({ id: r.payRun.id, totalCents: r.payRun.totalCents })),
    });
    return 0;
  }
  say(
    `seeded the demo org "${d.orgId}": ${d.agencies} agencies, ${d.therapists} therapists, ${d.visits} visits in ${d.months.join(' and ')}`,
  );
  say(`closed ${d.months[0]}:`);
  for (const c of d.closed.cycles) if (c.invoice) say(`  ${c.invoice.number}  ${c.invoice.agencyName}  ${money(c.invoice.totalCents)}`);
  for (const r of d.closed.payRuns)
    say(`  pay run ${r.payRun.period.start}..${r.payRun.period.end}  ${money(r.payRun.totalCents)} (paid by bank transfer)`);
  say(`work with it with --org ${d.orgId}, e.g. visitledger close --org ${d.orgId} --period ${d.months[1]}`);
  return 0;
}
