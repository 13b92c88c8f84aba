/**
 * Credit notes: a numbered correction against an issued invoice ("INV-0042-CN1") that
 * credits some or all of it; the invoice itself never changes.
 */
import { correctionReason } from './correction-reason.ts';
import type { IsoDate } from './dates.ts';
import { formatMoney, sumCents, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';
import type { CreditNote, Invoice, InvoiceLine } from './schemas.ts';

export type CreditNoteError = {
  code:
    | 'invoice-void'
    | 'reason-required'
    | 'reason-too-long'
    | 'before-issue-date'
    | 'no-lines'
    | 'bad-amount'
    | 'unknown-visit'
    | 'exceeds-line'
    | 'exceeds-invoice';
  message: string;
};

export type CreditNoteLineInput = { visitId?: string; description: string; amountCents: Cents };

export type DraftCreditNoteInput = {
  issueDate: IsoDate;
  reason: string;
  /** What to credit, as positive amounts; omitted = the whole invoice, line by line. */
  lines?: readonly CreditNoteLineInput[];
  /** The notes already issued against this invoice (numbering and the credit limit). */
  priorNotes: readonly CreditNote[];
  id: string;
};

/**
 * A numbered credit note against an issued invoice ("INV-0042-CN1"). All notes together
 * never credit more than the invoice total, nor more than a visit's line for that visit.
 */
export function draftCreditNote(invoice: Invoice, input: DraftCreditNoteInput): Result<CreditNote, CreditNoteError> {
  for (const note of input.priorNotes) {
    if (note.invoiceId !== invoice.id)
      throw new Error(`draftCreditNote: prior note ${note.number} is for invoice ${note.invoiceNumber}, not ${invoice.number}`, {
        cause: { code: 'wrong-invoice' },
      });
  }
  if (invoice.status === 'void')
    return err({ code: 'invoice-void', message: `Invoice ${invoice.number} is void; there is nothing left to credit` });
  const reason = correctionReason(input.reason, invoice.number, 'credited');
  if (!reason.ok) return reason;
  if (input.issueDate < invoice.issueDate)
    return err({
      code: 'before-issue-date',
      message: `Invoice ${invoice.number} was issued on ${invoice.issueDate}; a credit note cannot be dated ${input.issueDate}`,
    });

  const lines = input.lines
    ? input.lines.map((l) => ({
        ...(l.visitId !== undefined ? { visitId: l.visitId } : {}),
        description: l.description.trim(),
        amountCents: l.amountCents,
      }))
    : invoice.lines
        .filter((l) => l.amountCents > 0)
        .map((l) => ({ visitId: l.visitId, description: creditDescription(l), amountCents: l.amountCents }));
  if (lines.length === 0) return err({ code: 'no-lines', message: `The credit note for invoice ${invoice.number} has no lines` });

  const invoiced = new Map<string, Cents>();
  for (const l of invoice.lines) invoiced.set(l.visitId, (invoiced.get(l.visitId) ?? 0) + l.amountCents);
  const credited = new Map<string, Cents>();
  for (const note of input.priorNotes)
    for (const l of note.lines) if (l.visitId !== undefined) credited.set(l.visitId, (credited.get(l.visitId) ?? 0) + l.amountCents);

  for (const [i, line] of lines.entries()) {
    if (!Number.isSafeInteger(line.amountCents) || line.amountCents <= 0) {
      return err({ code: 'bad-amount', message: `Credit line ${i + 1} must be a positive whole number of cents; got ${line.amountCents}` });
    }
    if (line.visitId === undefined) continue;
    const onInvoice = invoiced.get(line.visitId);
    if (onInvoice === undefined)
      return err({ code: 'unknown-visit', message: `Visit ${line.visitId} is not on invoice ${invoice.number}` });
    const total = (credited.get(line.visitId) ?? 0) + line.amountCents;
    if (total > onInvoice) {
      return err({
        code: 'exceeds-line',
        message: `Visit ${line.visitId} was billed ${formatMoney(onInvoice)} on invoice ${invoice.number}; crediting ${formatMoney(total)} in all is more than that`,
      });
    }
    credited.set(line.visitId, total);
  }

  const alreadyCredited = sumCents(input.priorNotes.map((n) => n.totalCents));
  const totalCents = sumCents(lines.map((l) => l.amountCents));
  if (alreadyCredited + totalCents > invoice.totalCents) {
    return err({
      code: 'exceeds-invoice',
      message: `Invoice ${invoice.number} totals ${formatMoney(invoice.totalCents)} and ${formatMoney(alreadyCredited)} is already credited; at most ${formatMoney(invoice.totalCents - alreadyCredited)} more can be, not ${formatMoney(totalCents)}`,
    });
  }
  return ok({
    id: input.id,
    number: `${invoice.number}-CN${input.priorNotes.length + 1}`,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    agencyId: invoice.agencyId,
    issueDate: input.issueDate,
    reason: reason.value,
    lines,
    totalCents,
  });
}

/** No patient in the text: the agency has the visit id and the invoice line for that. */
export function creditDescription(line: InvoiceLine): string {
  return `Credit: ${line.date} ${line.discipline} ${line.visitTypeLabel} by ${line.therapistName}`;
}
