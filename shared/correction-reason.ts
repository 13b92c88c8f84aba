/** The reason a correction (a void or a credit note) gives, checked the same way for both. */
import { err, ok, type Result } from './result.ts';

const MAX_REASON = 500;

export type CorrectionReasonError = { code: 'reason-required' | 'reason-too-long'; message: string };

/** The reason, trimmed: required, and at most MAX_REASON characters. */
export function correctionReason(text: string, invoiceNumber: string, done: 'voided' | 'credited'): Result<string, CorrectionReasonError> {
  const reason = text.trim();
  if (reason === '') return err({ code: 'reason-required', message: `Say why invoice ${invoiceNumber} is ${done}` });
  if (reason.length > MAX_REASON) return err({ code: 'reason-too-long', message: `The reason is longer than ${MAX_REASON} characters` });
  return ok(reason);
}
