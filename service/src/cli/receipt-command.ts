/**
 * `visitledger receipt --agency NAME --amount 1,234.56 --date YYYY-MM-DD --method check|ach|card|stripe|other [--reference TEXT] [--invoice NUMBER]... [--json]`
 * Money received from an agency, applied to the invoices named (in order) or the oldest due first; the rest is credit on account.
 */
import { matchName, parseMoney } from '../../../shared/index.ts';
import { recordReceipt } from '../usecases/receipts.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, UsageError, type CliValues } from './output.ts';

export const receiptOptions = {
  agency: { type: 'string' },
  amount: { type: 'string' },
  date: { type: 'string' },
  method: { type: 'string' },
  reference: { type: 'string' },
  invoice: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

export async function runReceipt(rt: CliRuntime, values: CliValues<typeof receiptOptions>): Promise<number> {
  const missing = (['agency', 'amount', 'date', 'method'] as const).filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`receipt needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const amount = parseMoney(values.amount!);
  if (!amount.ok) throw new UsageError(`--amount: ${amount.error.message}`);
  const match = matchName(values.agency!, await rt.ctx.store.listAgencies(rt.orgId));
  if (match.kind !== 'exact') {
    const hint = match.kind === 'proposed' ? ` Did you mean ${match.proposals.map((p) => `"${p.entry.name}"`).join(' or ')}?` : '';
    throw new UsageError(`no agency called "${values.agency}".${hint}`);
  }
  const numbers = values.invoice ?? [];
  const invoices = numbers.length ? await rt.ctx.store.listInvoices(rt.orgId, {}) : [];
  const invoiceIds = numbers.map((n) => {
    const invoice = invoices.find((i) => i.number === n.trim());
    if (!invoice) throw new UsageError(`--invoice: no invoice numbered "${n}"`);
    return invoice.id;
  });
  const result = await recordReceipt(rt.ctx, rt.orgId, {
    agencyId: match.entry.id,
    amountCents: amount.value,
    receivedOn: values.date,
    method: values.method,
    ...(values.reference ? { reference: values.reference } : {}),
    ...(invoiceIds.length ? { invoiceIds } : {}),
  });
  if (!result.ok) return failureExit(result.error);
  const { entries, invoices: touched, creditCents } = result.value;
  if (values.json) {
    printJson({ receipt: entries[0], applications: entries.slice(1), invoices: touched, creditCents });
    return 0;
  }
  say(`recorded ${money(amount.value)} from ${match.entry.name} on ${values.date} (${entries[0]!.id})`);
  for (const i of touched) say(`  ${i.number}: paid ${money(i.paidCents)}, open ${money(i.openCents)} (${i.status})`);
  if (creditCents > 0) say(`${match.entry.name} has ${money(creditCents)} of credit on account`);
  return 0;
}
