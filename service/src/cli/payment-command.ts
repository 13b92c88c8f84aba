/**
 * `visitledger payment --therapist NAME --amount 1,234.56 --date 4/2/2026 --method check|ach|stripe|cash|card [--pay-run ID] [--backup-withholding]`
 * With --backup-withholding the amount is the gross: 24% of it is kept for the IRS and the therapist was paid the rest.
 */
import { backupWithholdingKept, PAYMENT_METHOD_RULES } from '../../../shared/index.ts';
import { recordManualPayment } from '../usecases/payments.ts';
import { entryNamed } from './names.ts';
import type { CliRuntime } from './runtime.ts';
import { money, printJson, say, UsageError, type CliValues } from './output.ts';
import { amountOption, dateOption, failureExitAsTyped } from './typed-input.ts';

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
  const amountCents = amountOption('--amount', values.amount!);
  const paidOn = dateOption('--date', values.date!);
  const therapist = entryNamed('therapist', values.therapist!, await rt.ctx.store.listTherapists(rt.orgId));
  const result = await recordManualPayment(rt.ctx, rt.orgId, {
    therapistId: therapist.id,
    amountCents,
    paidOn,
    method: values.method,
    ...(values.reference ? { reference: values.reference } : {}),
    ...(values['pay-run'] ? { payRunId: values['pay-run'] } : {}),
    ...(values['backup-withholding'] ? { backupWithholding: true } : {}),
  });
  if (!result.ok)
    return failureExitAsTyped(result.error, { amountCents: '--amount', paidOn: '--date', method: '--method', payRunId: '--pay-run' });
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
