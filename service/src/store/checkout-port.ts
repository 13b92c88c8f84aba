/**
 * What paying an invoice online keeps: each attempt to pay an invoice through a Stripe
 * Checkout Session, numbered per invoice (its idempotency key is made from the number), and
 * where the payment stands as Stripe's events said. The money itself is recorded as a receipt
 * in the receivables ledger once Stripe says it succeeded; an attempt only says what is under way.
 */

export const CHECKOUT_STATUSES = ['creating', 'open', 'processing', 'succeeded', 'failed', 'expired', 'disputed'] as const;
/**
 * `creating`: written before Stripe is asked (a retry asks again under the same key);
 * `open`: the session waits for the agency; `processing`: a bank debit under way (days);
 * `succeeded`: paid, its receipt recorded; `failed`: the debit failed; `expired`: the session
 * ended unpaid; `disputed`: the payer's bank disputed it and its receipt was reversed.
 */
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export type CheckoutAttempt = {
  invoiceId: string;
  /** 1, 2, ...: the invoice's attempts in order. */
  attempt: number;
  agencyId: string;
  /** What the session asks: the invoice's open amount when it was made. */
  amountCents: number;
  paymentMethods: ('us_bank_account' | 'card')[];
  idempotencyKey: string;
  status: CheckoutStatus;
  createdAt: string;
  updatedAt: string;
  sessionId?: string;
  paymentIntentId?: string;
  /** The receipt recorded when the payment succeeded. */
  receiptId?: string;
};

export interface CheckoutStore {
  /** 'exists' (nothing written) when the invoice already has an attempt with this number. */
  insertCheckoutAttempt(orgId: string, attempt: CheckoutAttempt): Promise<'created' | 'exists'>;
  /**
   * Replaces the attempt (same invoice and number) if it is still in status `from`; 'changed'
   * (nothing written) when another write moved it first: two events of one payment, handled at
   * once, never undo each other.
   */
  updateCheckoutAttempt(orgId: string, attempt: CheckoutAttempt, from: CheckoutStatus): Promise<'updated' | 'changed'>;
  /** The invoice's attempts, first first. */
  listCheckoutAttempts(orgId: string, invoiceId: string): Promise<CheckoutAttempt[]>;
  /** By the Checkout Session or the PaymentIntent: what a webhook names. */
  findCheckoutAttempt(orgId: string, by: { sessionId: string } | { paymentIntentId: string }): Promise<CheckoutAttempt | null>;
}
