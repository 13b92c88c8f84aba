/**
 * The issued invoices from the command line, on the same use cases as the API:
 * `visitledger invoices [--period YYYY-MM] [--agency NAME] [--status S] [--json]` lists them with what is paid and open,
 * `visitledger void --invoice NUMBER --reason TEXT` voids one (its visits are billed again on the next close, as late visits),
 * `visitledger credit-note --invoice NUMBER (--visit ID... | --amount X) --reason TEXT` credits part of one.
 */
import { creditDescription, formatMoney, monthBounds, sumCents, type CreditNoteLineInput } from '../../../shared/index.ts';
import { RECEIVABLE_STATUSES, receivablesLedger, type ReceivableStatus } from '../../../shared/receivables.ts';
import type { StoredInvoice } from '../store/port.ts';
import { issueCreditNote, listCreditNotes } from '../usecases/invoices.ts';
import { voidInvoiceEndingPayments } from '../usecases/online-payments.ts';
import { readLedger } from '../usecases/receivables.ts';
import { entryNamed } from './names.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, UsageError, type CliValues } from './output.ts';
import { amountOption } from './typed-input.ts';

export const invoicesOptions = {
  period: { type: 'string' },
  agency: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--period 2026-03`: the first and last day of the month, or a usage error. */
export function monthOption(text: string): { start: string; end: string } {
  const bounds = monthBounds(text.trim());
  if (!bounds.ok) throw new UsageError(`--period: "${text}" is not a month as YYYY-MM`);
  return bounds.value;
}

/** `--status partially-paid` or `--status "partially paid"`. */
function statusOption(text: string): ReceivableStatus {
  const status = text
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  const known = RECEIVABLE_STATUSES.find((s) => s === status);
  if (!known) throw new UsageError(`--status: "${text}" is not one of ${RECEIVABLE_STATUSES.join(', ')}`);
  return known;
}

export async function runInvoices(rt: CliRuntime, values: CliValues<typeof invoicesOptions>): Promise<number> {
  const month = values.period === undefined ? null : monthOption(values.period);
  const status = values.status === undefined ? null : statusOption(values.status);
  const agencies = await rt.ctx.store.listAgencies(rt.orgId);
  const agency = values.agency === undefined ? null : entryNamed('agency', values.agency, agencies);
  const names = new Map(agencies.map((a) => [a.id, a.name]));
  const ledger = await readLedger(rt.ctx, rt.orgId, agency?.id);
  const balances = receivablesLedger(ledger);
  const stored = new Map(ledger.invoices.map((i) => [i.id, i]));
  const notesOf = (invoiceId: string) => ledger.creditNotes.filter((n) => n.invoiceId === invoiceId).map((n) => n.number);
  // An invoice belongs to the month its service period ends in, as `close --period` issues it.
  const shown = [...balances.invoices.values()].flatMap((b) => {
    const invoice = stored.get(b.invoice.id)!;
    const inMonth = !month || (invoice.period.end >= month.start && invoice.period.end <= month.end);
    return inMonth && (!status || b.status === status) ? [{ ...b, invoice }] : [];
  });
  const rows = shown.map((b) => {
    const invoice = b.invoice;
    return {
      number: invoice.number,
      agency: names.get(invoice.agencyId) ?? invoice.agencyName,
      period: invoice.period,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      totalCents: invoice.totalCents,
      paidCents: b.paidCents,
      creditedCents: b.creditedCents,
      writtenOffCents: b.writtenOffCents,
      openCents: b.openCents,
      status: b.status,
      visits: invoice.lines.length,
      creditNotes: notesOf(invoice.id),
      ...(invoice.voidedOn ? { voidedOn: invoice.voidedOn, voidReason: invoice.voidReason } : {}),
    };
  });
  if (values.json) {
    printJson({ invoices: rows });
    return 0;
  }
  if (rows.length === 0) {
    say(
      `no invoices${agency ? ` of ${agency.name}` : ''}${month ? ` for a period ending in ${values.period}` : ''}${status ? ` ${status}` : ''}`,
    );
    return 0;
  }
  say(
    table([
      ['Number', 'Agency', 'Period', 'Issued', 'Due', 'Total', 'Paid', 'Credited', 'Open', 'Status'],
      ...rows.map((r) => [
        r.number,
        r.agency,
        `${r.period.start}..${r.period.end}`,
        r.issueDate,
        r.dueDate,
        money(r.totalCents),
        money(r.paidCents),
        money(r.creditedCents),
        money(r.openCents),
        r.status + (r.creditNotes.length ? ` (${r.creditNotes.join(', ')})` : ''),
      ]),
    ]),
  );
  say(`${rows.length} invoice${rows.length === 1 ? '' : 's'}: ${money(sumCents(rows.map((r) => r.openCents)))} open`);
  return 0;
}

/** The invoice numbered `number` (as printed: INV-0042), or a usage error. */
async function invoiceNumbered(rt: CliRuntime, number: string): Promise<StoredInvoice> {
  const invoice = (await rt.ctx.store.listInvoices(rt.orgId, {})).find((i) => i.number.toLowerCase() === number.trim().toLowerCase());
  if (!invoice) throw new UsageError(`--invoice: no invoice numbered "${number}" (visitledger invoices lists them)`);
  return invoice;
}

export const voidOptions = { invoice: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runVoid(rt: CliRuntime, values: CliValues<typeof voidOptions>): Promise<number> {
  const missing = (['invoice', 'reason'] as const).filter((k) => !values[k]?.trim());
  if (missing.length) throw new UsageError(`void needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const invoice = await invoiceNumbered(rt, values.invoice!);
  const result = await voidInvoiceEndingPayments(rt.payouts(), rt.orgId, invoice.id, { reason: values.reason });
  if (!result.ok)
    return failureExit(
      result.error.message.startsWith('reason ') ? { ...result.error, message: `--${result.error.message}` } : result.error,
    );
  const voided = result.value;
  if (values.json) {
    printJson({
      number: voided.number,
      agency: voided.agencyName,
      totalCents: voided.totalCents,
      status: voided.status,
      voidedOn: voided.voidedOn,
      voidReason: voided.voidReason,
      visitsFreed: voided.lines.map((l) => l.visitId),
    });
    return 0;
  }
  say(`voided ${voided.number} (${voided.agencyName}, ${money(voided.totalCents)}) on ${voided.voidedOn}: ${voided.voidReason}`);
  say(`  its ${voided.lines.length} visit${voided.lines.length === 1 ? ' is' : 's are'} billed again on the next close, as late visits`);
  return 0;
}

export const creditNoteOptions = {
  invoice: { type: 'string' },
  visit: { type: 'string', multiple: true },
  amount: { type: 'string' },
  reason: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function runCreditNote(rt: CliRuntime, values: CliValues<typeof creditNoteOptions>): Promise<number> {
  const missing = (['invoice', 'reason'] as const).filter((k) => !values[k]?.trim());
  if (missing.length) throw new UsageError(`credit-note needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const visits = values.visit ?? [];
  if (visits.length > 0 === (values.amount !== undefined))
    throw new UsageError(
      'credit-note needs either --visit ID (one or more: what is left of each visit is credited) or --amount X, not both',
    );
  const invoice = await invoiceNumbered(rt, values.invoice!);
  let lines: CreditNoteLineInput[];
  if (values.amount !== undefined) {
    const cents = amountOption('--amount', values.amount);
    if (cents <= 0) throw new UsageError(`--amount: ${formatMoney(cents)} is not more than zero`);
    lines = [{ description: `Credit on ${invoice.number}: ${values.reason!.trim()}`.slice(0, 300), amountCents: cents }];
  } else {
    const prior = await listCreditNotes(rt.ctx, rt.orgId, invoice.id);
    if (!prior.ok) return failureExit(prior.error);
    const credited = (visitId: string) =>
      sumCents(prior.value.flatMap((n) => n.lines.filter((l) => l.visitId === visitId).map((l) => l.amountCents)));
    lines = [...new Set(visits.map((v) => v.trim()))].map((visitId) => {
      const billed = invoice.lines.filter((l) => l.visitId === visitId);
      if (billed.length === 0) throw new UsageError(`--visit: visit "${visitId}" is not on invoice ${invoice.number}`);
      const left = sumCents(billed.map((l) => l.amountCents)) - credited(visitId);
      if (left <= 0) throw new UsageError(`--visit: visit "${visitId}" on ${invoice.number} is credited in full already`);
      return { visitId, description: creditDescription(billed[0]!), amountCents: left };
    });
  }
  const result = await issueCreditNote(rt.ctx, rt.orgId, invoice.id, { reason: values.reason, lines });
  if (!result.ok) return failureExit(result.error);
  const note = result.value;
  if (values.json) {
    printJson(note);
    return 0;
  }
  say(`issued credit note ${note.number} on ${invoice.number} (${invoice.agencyName}): ${money(note.totalCents)} on ${note.issueDate}`);
  for (const l of note.lines) say(`  ${money(l.amountCents)}  ${l.description}`);
  return 0;
}
