/**
 * `visitledger overview [--month YYYY-MM] [--json]`: the month's billed, collected, open, payroll, paid and owed
 * figures, the margin by agency, therapist and discipline, the visits held and why, the therapists paid without a
 * usable W-9 and what blocks the next close or the year end (docs/cli.md defines each figure). The month: the
 * current one in the org's time zone unless --month names another.
 */
import { calendarDayIn, monthBounds, periodLabel } from '../../../shared/index.ts';
import { monthOverview } from '../usecases/overview.ts';
import { describePlan, type SubscriptionAnswer } from '../../../shared/plans.ts';
import { getSubscription } from '../usecases/subscription.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, type CliValues } from './output.ts';

export const overviewOptions = { month: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runOverview(rt: CliRuntime, values: CliValues<typeof overviewOptions>): Promise<number> {
  const result = await monthOverview(rt.ctx, rt.orgId, values.month);
  if (!result.ok)
    return failureExit(
      result.error.code === 'invalid-input' ? { code: result.error.code, message: `--month: ${result.error.message}` } : result.error,
    );
  const o = result.value;
  if (values.json) {
    printJson(o);
    return 0;
  }
  const bounds = monthBounds(o.month);
  say(`${bounds.ok ? periodLabel(bounds.value) : o.month}: balances as of ${o.asOf}`);
  const plan = await getSubscription(rt.ctx, rt.orgId);
  const org = await rt.ctx.store.getOrg(rt.orgId);
  if (plan.ok && org) say(`plan: ${planLine(plan.value, calendarDayIn(rt.ctx.now(), org.settings.timeZone))}`);
  const age = o.receivablesByAge;
  say(
    table([
      ['billed', money(o.billedCents), "invoices of the month's cycles, net of voids and credit notes"],
      ['collected', money(o.collectedCents), 'receipts from agencies dated in the month'],
      [
        'open receivables',
        money(o.openReceivablesCents),
        `current ${money(age.currentCents)}, 1-30 ${money(age.days1to30Cents)}, 31-60 ${money(age.days31to60Cents)}, 61-90 ${money(age.days61to90Cents)}, 90+ ${money(age.over90Cents)}`,
      ],
      ['payroll', money(o.payrollCents), "the month's pay runs (gross)"],
      ['paid to therapists', money(o.paidToTherapistsCents), 'payments dated in the month'],
      ['owed to therapists', money(o.owedToTherapistsCents), 'pay runs ended, less the payments recorded against them'],
      ['margin', money(o.marginCents), 'billed - payroll'],
    ]),
  );
  const breakdown = (title: string, rows: { name: string; billedCents: number; payrollCents: number; marginCents: number }[]) => {
    if (rows.length === 0) return;
    say();
    say(
      table([
        [title, 'Billed', 'Payroll', 'Margin'],
        ...rows.map((r) => [r.name, money(r.billedCents), money(r.payrollCents), money(r.marginCents)]),
      ]),
    );
  };
  breakdown(
    'Agency',
    o.byAgency.map((r) => ({ ...r, name: r.agency })),
  );
  breakdown(
    'Therapist',
    o.byTherapist.map((r) => ({ ...r, name: r.therapist })),
  );
  breakdown(
    'Discipline',
    o.byDiscipline.map((r) => ({ ...r, name: r.discipline })),
  );
  if (o.held.length > 0) {
    say();
    say(`held: ${o.held.length} visit${o.held.length === 1 ? '' : 's'} left off ${o.held.length === 1 ? 'its' : 'their'} invoice or pay`);
    for (const h of o.held)
      say(`  ${h.date}  ${h.agency}  ${h.therapist}  ${h.discipline} ${h.visitType}  (${h.heldFrom.join(', ')}): ${h.reasons.join('; ')}`);
  }
  if (o.missingW9.length > 0) {
    say();
    say('paid or on a pay run this year without a usable W-9:');
    for (const m of o.missingW9)
      say(`  ${m.therapist}: ${m.reason}; paid ${money(m.paidThisYearCents)}, pay runs ${money(m.payrollThisYearCents)} this year`);
  }
  if (o.blockers.length > 0) {
    say();
    for (const b of o.blockers) say(`${b.blocks === 'close' ? 'before the next close' : 'before the year end'}: ${b.message}`);
  }
  return 0;
}

/** The plan in one line: "Free trial: 12 days left; 3 active therapists this period." */
function planLine(s: SubscriptionAnswer, today: string): string {
  const summary = describePlan(s, today);
  return [summary.headline, ...summary.lines.filter((l) => l.includes('active therapists this period'))].join('; ');
}
