/**
 * `visitledger payment --therapist NAME --amount 1,234.56 --date YYYY-MM-DD --method check|ach|stripe|cash|card [--pay-run ID] [--backup-withholding]`
 * With --backup-withholding the amount is the gross: 24% of it is kept for the IRS and the therapist was paid the rest.
 */
import { backupWithholdingKept, parseMoney, PAYMENT_METHOD_RULES } from '../../../shared/index.ts';
import { recordManualPayment } from '../usecases/payments.ts';
import { entryNamed } from './names.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, UsageError, type CliValues } from './output.ts';

export const paymentOptions = {
  therapist: { type: 'string' },
  amount: { type: 'string' },
  date: { type: 'string' },
  method: { type: 'string' },
  reference: { type: 'string' },
  'pay-run': { type: 'string' },
  'backup-withholding': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function runPayment(rt: CliRuntime, values: CliValues<typeof paymentOptions>): Promise<number> {
  const missing = (['therapist', 'amount', 'date', 'method'] as const).filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`payment needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const amount = parseMoney(values.amount!);
  if (!amount.ok) throw new UsageError(`--amount: ${amount.error.message}`);
  const therapist = entryNamed('therapist', values.therapist!, await rt.ctx.store.listTherapists(rt.orgId));
  const result = await recordManualPayment(rt.ctx, rt.orgId, {
    therapistId: therapist.id,
    amountCents: amount.value,
    paidOn: values.date,
    method: values.method,
    ...(values.reference ? { reference: values.reference } : {}),
    ...(values['pay-run'] ? { payRunId: values['pay-run'] } : {}),
    ...(values['backup-withholding'] ? { backupWithholding: true } : {}),
  });
  if (!result.ok) return failureExit(result.error);
  if (values.json) printJson(result.value);
  else {
    const rule = PAYMENT_METHOD_RULES[result.value.method];
    const p = result.value;
    say(`recorded ${money(p.amountCents)} to ${therapist.name} on ${p.paidOn} by ${rule.label} (${p.id})`);
    if (p.withheldCents)
      say(`${backupWithholdingKept(p.withheldCents, p.amountCents)}; ${money(p.amountCents - p.withheldCents)} paid to the therapist`);
    if (rule.countsTowardNec === false) say(`note: ${rule.note}`);
  }
  return 0;
}
