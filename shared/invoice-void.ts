/**
 * Voiding an issued invoice: a new, void copy with the day and the reason; the issued one
 * is never edited, and its visits become unbilled again (billedVisitIds), to be billed anew.
 */
import { correctionReason } from './correction-reason.ts';
import type { IsoDate } from './dates.ts';
import { err, ok, type Result } from './result.ts';
import type { Invoice } from './schemas.ts';

export type VoidError = { code: 'already-void' | 'reason-required' | 'reason-too-long' | 'before-issue-date'; message: string };

/** A new, void copy of the invoice; the issued one is left as it was. */
export function voidInvoice(invoice: Invoice, options: { on: IsoDate; reason: string }): Result<Invoice, VoidError> {
  if (invoice.status === 'void')
    return err({
      code: 'already-void',
      message: `Invoice ${invoice.number} was already voided on ${invoice.voidedOn ?? 'an earlier date'}`,
    });
  const reason = correctionReason(options.reason, invoice.number, 'voided');
  if (!reason.ok) return reason;
  if (options.on < invoice.issueDate)
    return err({
      code: 'before-issue-date',
      message: `Invoice ${invoice.number} was issued on ${invoice.issueDate}; it cannot be voided on ${options.on}`,
    });
  return ok({ ...invoice, status: 'void', voidedOn: options.on, voidReason: reason.value });
}
