/**
 * The payroll cycle on the command line (`settings --payroll-cycle weekly|biweekly|semi-monthly|monthly --payroll-anchor DATE`)
 * and how it is shown: an org starts paying biweekly from 2026-01-05 until the owner says otherwise, so the settings and
 * the close say which cycle is in force, and when it is still that default.
 */
import { cycleRuleText, dayOfWeek, periodContaining, type CycleRule, type IsoDate, type Period } from '../../../shared/index.ts';
import type { Store } from '../store/port.ts';
import { defaultOrgSettings } from '../usecases/orgs.ts';
import { UsageError, type CliValues } from './output.ts';
import { dateOption } from './typed-input.ts';

export const payrollCycleOptions = { 'payroll-cycle': { type: 'string' }, 'payroll-anchor': { type: 'string' } } as const;

const KINDS = ['weekly', 'biweekly', 'semi-monthly', 'monthly'] as const;

/**
 * The cycle the options ask for, or undefined when neither is given. A weekly cycle's weeks
 * start on the anchor's weekday and a biweekly one's periods on the anchor; a cycle that needs
 * an anchor keeps the current one when it is the same kind, and nothing is guessed otherwise.
 */
export function payrollCyclePatch(values: CliValues<typeof payrollCycleOptions>, current: CycleRule): CycleRule | undefined {
  const typed = values['payroll-cycle'];
  if (typed === undefined && values['payroll-anchor'] === undefined) return undefined;
  const kind = typed === undefined ? current.kind : KINDS.find((k) => k === typed.trim().toLowerCase().replace(/\s+/g, '-'));
  if (!kind) throw new UsageError(`--payroll-cycle: "${typed}" is not one of ${KINDS.join(', ')}`);
  const anchor = values['payroll-anchor'] === undefined ? undefined : dateOption('--payroll-anchor', values['payroll-anchor']);
  if (kind === 'monthly' || kind === 'semi-monthly') {
    if (anchor !== undefined) throw new UsageError(`--payroll-anchor: a ${kind} payroll follows the calendar and takes no anchor`);
    return { kind };
  }
  if (anchor !== undefined) return kind === 'weekly' ? { kind, weekStartsOn: dayOfWeek(anchor) } : { kind, anchor };
  if (current.kind === kind) return current;
  throw new UsageError(
    `--payroll-cycle ${kind} needs --payroll-anchor DATE: the first day of one of its pay periods${kind === 'weekly' ? ' (its weekday starts every week)' : ''}`,
  );
}

/** Still the cycle every new org starts with: the owner never chose it. */
export const isDefaultPayrollCycle = (rule: CycleRule) => JSON.stringify(rule) === JSON.stringify(defaultOrgSettings('').payrollCycle);

/** "Biweekly from 2026-01-05 (the default of a new org; ...)" */
export function payrollCycleText(rule: CycleRule): string {
  const text = cycleRuleText(rule);
  return isDefaultPayrollCycle(rule) ? `${text} (a new org's default: --payroll-cycle and --payroll-anchor change it)` : text;
}

/** The cycle as the settings' JSON shows it, with the pay period today falls in. */
export function payrollCycleJson(
  rule: CycleRule,
  today: IsoDate,
): { payrollCycle: CycleRule; payrollCycleDefault: boolean; currentPayPeriod: Period } {
  return { payrollCycle: rule, payrollCycleDefault: isDefaultPayrollCycle(rule), currentPayPeriod: periodContaining(rule, today) };
}

/**
 * The month's visits its close leaves unpaid because their pay period ends after the month,
 * by pay period: the close names them, and the month whose close pays them.
 */
export async function laterPayPeriods(
  store: Store,
  orgId: string,
  rule: CycleRule,
  month: Period,
): Promise<{ period: Period; visits: number }[]> {
  const unpaid = await store.listBillingVisits(orgId, { paid: false, dateFrom: month.start, dateTo: month.end });
  const later = new Map<string, { period: Period; visits: number }>();
  for (const v of unpaid) {
    const period = periodContaining(rule, v.date);
    if (period.end <= month.end) continue; // held: the close said why
    const entry = later.get(period.start) ?? { period, visits: 0 };
    entry.visits += 1;
    later.set(period.start, entry);
  }
  return [...later.values()].sort((a, b) => (a.period.start < b.period.start ? -1 : 1));
}
