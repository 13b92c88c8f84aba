/**
 * `visitledger receipt --agency NAME --amount 1,234.56 --date 4/2/2026 --method check|ach|card|stripe|other [--reference TEXT] [--invoice NUMBER]... [--allow-repeat] [--json]`
 * Money received from an agency, applied to the invoices named (in order) or the oldest due first; the rest is credit on account.
 * Run again with the same values (a retry), it records nothing and shows the receipt already recorded, unless
 * --allow-repeat says this is a second, identical payment.
 */
import { createHash } from 'node:crypto';
import { recordReceipt } from '../usecases/receipts.ts';
import { entryNamed } from './names.ts';
import type { CliRuntime } from './runtime.ts';
import { money, printJson, say, UsageError, type CliValues } from './output.ts';
import { amountOption, dateOption, failureExitAsTyped } from './typed-input.ts';

export const receiptOptions = {
  agency: { type: 'string' },
  amount: { type: 'string' },
  date: { type: 'string' },
  method: { type: 'string' },
  reference: { type: 'string' },
  invoice: { type: 'string', multiple: true },
  'allow-repeat': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function runReceipt(rt: CliRuntime, values: CliValues<typeof receiptOptions>): Promise<number> {
  const missing = (['agency', 'amount', 'date', 'method'] as const).filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`receipt needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const amountCents = amountOption('--amount', values.amount!);
  const receivedOn = dateOption('--date', values.date!);
  const agency = entryNamed('agency', values.agency!, await rt.ctx.store.listAgencies(rt.orgId));
  const numbers = values.invoice ?? [];
  const invoices = numbers.length ? await rt.ctx.store.listInvoices(rt.orgId, {}) : [];
  const invoiceIds = numbers.map((n) => {
    // As `invoices`, `void` and `credit-note` read a number: inv-0042 is INV-0042.
    const invoice = invoices.find((i) => i.number.toLowerCase() === n.trim().toLowerCase());
    if (!invoice) throw new UsageError(`--invoice: no invoice numbered "${n}"`);
    return invoice.id;
  });
  const receipt = {
    agencyId: agency.id,
    amountCents,
    receivedOn,
    method: values.method,
    ...(values.reference ? { reference: values.reference } : {}),
    ...(invoiceIds.length ? { invoiceIds } : {}),
  };
  const result = await recordReceipt(rt.ctx, rt.orgId, values['allow-repeat'] ? receipt : { ...receipt, clientId: derivedKey(receipt) });
  if (!result.ok)
    return failureExitAsTyped(result.error, {
      amountCents: '--amount',
      receivedOn: '--date',
      method: '--method',
      reference: '--reference',
    });
  const { entries, invoices: touched, creditCents } = result.value;
  const replayed = 'replayed' in result.value;
  if (values.json) {
    printJson({ receipt: entries[0], applications: entries.slice(1), invoices: touched, creditCents, ...(replayed ? { replayed } : {}) });
    return 0;
  }
  if (replayed) {
    say(`already recorded: ${money(amountCents)} from ${agency.name} on ${receivedOn} (${entries[0]!.id}); nothing recorded again`);
    say('  if this is a second, identical payment, run it again with --allow-repeat');
  } else say(`recorded ${money(amountCents)} from ${agency.name} on ${receivedOn} (${entries[0]!.id})`);
  for (const i of touched) say(`  ${i.number}: paid ${money(i.paidCents)}, open ${money(i.openCents)} (${i.status})`);
  if (creditCents > 0) say(`${agency.name} has ${money(creditCents)} of credit on account`);
  return 0;
}

/** The idempotency key of a receipt typed on the command line: the same values give the same key, so a retry records nothing. */
function derivedKey(receipt: {
  agencyId: string;
  amountCents: number;
  receivedOn?: string | undefined;
  method?: string | undefined;
  reference?: string;
  invoiceIds?: string[];
}): string {
  const values = [
    receipt.agencyId,
    receipt.amountCents,
    receipt.receivedOn,
    receipt.method,
    receipt.reference?.trim() ?? '',
    ...(receipt.invoiceIds ?? []),
  ];
  return `cli-${createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 40)}`;
}
