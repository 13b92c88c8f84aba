/** The month's overview in plain words, as the sidebar and the demo's sidebar say it: a summary and the next thing to do. */
import { periodLabel } from './cycles.ts';
import { monthBounds } from './dates.ts';
import { formatMoney } from './money.ts';
import type { OverviewAnswer } from './wire/overview.ts';

export function overviewSummary(o: OverviewAnswer): { lines: string[]; next: string } {
  const bounds = monthBounds(o.month);
  const name = bounds.ok ? periodLabel(bounds.value) : o.month;
  const close = o.blockers.find((b) => b.blocks === 'close');
  const yearEnd = o.blockers.find((b) => b.blocks === 'year-end');
  return {
    lines: [
      `${name}: billed ${formatMoney(o.billedCents)}, collected ${formatMoney(o.collectedCents)}, payroll ${formatMoney(o.payrollCents)}, margin ${formatMoney(o.marginCents)}.`,
      `Open receivables ${formatMoney(o.openReceivablesCents)} and ${formatMoney(o.owedToTherapistsCents)} owed to therapists as of ${o.asOf}.`,
    ],
    next: (close ?? yearEnd)?.message ?? 'Nothing blocks the next close.',
  };
}
