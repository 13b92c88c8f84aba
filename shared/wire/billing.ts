/**
 * Billing and pay on the wire: a month's close, invoices as issued, pay runs with their
 * statements, payments, paying a pay run through Stripe, and the 1099-NEC year.
 */
import * as z from 'zod/mini';
import { pagedAnswer } from './paging.ts';
import { cents, invoice, isoDate, paymentMethod, payment, payStatement, period, W9_STATUSES } from '../schemas.ts';

/** An invoice as issued (no patients: a line names its visit), with the cycle that issued it. */
export const issuedInvoice = z.extend(invoice, { cycleId: z.string() });

/** A visit left off an invoice or a pay run, with why (no rate, no MRN where the agency needs one, the note not done). */
export const heldVisit = z.object({ visitId: z.string(), problems: z.array(z.object({ code: z.string(), message: z.string() })) });

export const closeResult = z.object({
  status: z.enum(['closed', 'already-closed']),
  agencyId: z.string(),
  period,
  invoice: z.nullable(issuedInvoice),
  held: z.array(heldVisit),
});

export const payRun = z.object({
  id: z.string().check(z.describe('payroll:<first day of the period>')),
  period,
  status: z.enum(['open', 'approved', 'paying', 'paid']),
  statements: z.array(payStatement),
  totalCents: cents,
  createdAt: z.string(),
  approvedAt: z.optional(z.string()),
});

export const payRunResult = z.object({
  status: z.enum(['created', 'already-exists']),
  payRun,
  held: z.array(heldVisit),
  warnings: z
    .array(z.object({ therapistId: z.string(), code: z.string(), message: z.string() }))
    .check(z.describe('Therapists without a usable W-9: their pay held, or paid with backup withholding kept')),
});

export const closeMonthBody = z.object({ month: z.string().check(z.maxLength(7), z.describe('YYYY-MM')) });
/** A pay period of the month with nothing payable: no pay run was made for it. */
export const nothingToPay = z.object({
  status: z.literal('nothing-to-pay'),
  period,
  held: z.array(heldVisit),
  warnings: z.array(z.object({ therapistId: z.string(), code: z.string(), message: z.string() })),
});
export const monthClose = z.object({
  month: z.string(),
  cycles: z.array(closeResult),
  payRuns: z.array(payRunResult),
  nothingToPay: z.array(nothingToPay).check(z.describe('Pay periods ending in the month with nothing payable: no $0.00 pay run is made')),
});

export const invoicesAnswer = pagedAnswer(z.object({ invoices: z.array(issuedInvoice) }));
export const createPayRunBody = z.object({ period });
export const payRunsAnswer = pagedAnswer(z.object({ payRuns: z.array(payRun) }));
export const paymentsAnswer = pagedAnswer(z.object({ payments: z.array(payment) }));

/** One therapist's outcome of paying a pay run; `problem` is set only when the owner has something to do. */
export const payLine = z.object({
  therapistId: z.string(),
  amountCents: cents.check(z.describe('The gross; the transfer carries amountCents - withheldCents')),
  withheldCents: z.optional(cents.check(z.describe('Backup withholding kept (no usable W-9, the therapist set to withhold)'))),
  status: z.enum(['paid', 'failed', 'pending', 'not-paid', 'paid-outside-stripe', 'nothing-due', 'held']),
  paymentId: z.optional(z.string()),
  transferId: z.optional(z.string()),
  paidOn: z.optional(isoDate),
  problem: z.optional(z.string()),
  warning: z.optional(
    z.string().check(z.describe('Something the owner should know that does not stop the payment (backup withholding kept)')),
  ),
  problemCode: z.optional(
    z.enum([
      'no-account',
      'account-not-ready',
      'balance-insufficient',
      'account-inactive',
      'idempotency-conflict',
      'refused',
      'stripe-unreachable',
      'reversed',
    ]),
  ),
});

export const payRunPayout = z.object({ payRunId: z.string(), payRunStatus: payRun.shape.status, payments: z.array(payLine) });

export const taxYearSummary = z.object({
  year: z.int(),
  thresholdCents: cents,
  dueDate: isoDate,
  therapists: z.array(
    z.object({
      therapistId: z.string(),
      name: z.string(),
      totalCents: cents.check(z.describe('Paid in the year by methods that count toward 1099-NEC: Box 1')),
      excludedCents: cents.check(z.describe('Paid in the year by methods that do not count (card, or Stripe when the org says so)')),
      withheldCents: cents.check(z.describe("Backup withholding kept from the year's counted payments: Box 4")),
      byMethod: z.array(
        z.object({
          method: paymentMethod,
          label: z.string(),
          cents,
          payments: z.int(),
          counted: z.boolean().check(z.describe('Whether this method counts toward 1099-NEC')),
          note: z.string().check(z.describe('Why it counts or not')),
        }),
      ),
      reportable: z.boolean(),
      w9Status: z.enum(W9_STATUSES),
      tinMasked: z.nullable(z.string()),
      blockers: z.array(z.string()),
    }),
  ),
  reportableCount: z.int(),
  notes: z.array(z.string()),
  eFileRequired: z.boolean(),
  form945TotalCents: cents.check(z.describe('Backup withholding kept from every payment paid in the year: what Form 945 reports')),
});
