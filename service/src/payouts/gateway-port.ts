/**
 * The PayoutGateway port: what the payout use cases ask of a payment provider, in the
 * product's words. The Stripe adapter (stripe-gateway.ts) is the only implementation; the
 * tests run it against the project's Stripe stand-in. Nothing here carries PHI: therapists
 * are named by id only.
 */

/** What the product needs to know of a therapist's connected account. */
export type AccountState = {
  accountId: string;
  /** Stripe may send transfers to it (the `transfers` capability is active). */
  transfersActive: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** Stripe's names of what is still due (`external_account`, ...): never values. */
  requirementsDue: string[];
  disabledReason: string | null;
};

export type TransferRequest = {
  amountCents: number;
  destination: string;
  transferGroup: string;
  idempotencyKey: string;
  /** Ids only (payment, pay run, therapist): Stripe signs no BAA. */
  metadata: Record<string, string>;
};

export type Transfer = {
  id: string;
  amountCents: number /** How much of it was reversed (pulled back to the org's balance). */;
  amountReversedCents: number;
  destination: string;
  destinationPayment: string | null;
  createdAt: Date;
  metadata: Record<string, string>;
};

/** Why Stripe refused a transfer, as the owner can act on it. */
export type TransferRefusal = {
  kind: 'balance-insufficient' | 'account-inactive' | 'idempotency-conflict' | 'refused';
  /** Stripe's own code, when it gave one. */
  stripeCode: string | null;
  message: string;
};

export type TransferOutcome = { ok: true; transfer: Transfer; replayed: boolean } | { ok: false; refusal: TransferRefusal };

/** An agency paying an invoice on Stripe's hosted page (Checkout), on the org's own account. */
export type CheckoutRequest = {
  amountCents: number;
  /** The line item's name: the invoice number only ("Invoice INV-0007"), never PHI. */
  itemName: string;
  /** Stripe's payment method types, in the order offered: `us_bank_account` first, `card` if the org allows it. */
  paymentMethods: readonly ('us_bank_account' | 'card')[];
  /** Ids only (org, invoice, attempt): on the session and its PaymentIntent. */
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
};

export type CheckoutSession = {
  id: string;
  /** Stripe's page while the session is open; null after. */
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  amountCents: number;
  paymentIntentId: string | null;
  metadata: Record<string, string>;
};

/** What an event is about, read from its object by the adapter (the use cases never see Stripe's shapes). */
export type EventSubject =
  | { kind: 'account'; state: AccountState }
  | { kind: 'capability'; accountId: string }
  | { kind: 'payout'; payout: { id: string; status: string; failureCode: string | null } }
  | { kind: 'transfer'; transfer: { id: string; amountCents: number; amountReversedCents: number; paymentId: string | null } }
  | { kind: 'checkout-session'; session: CheckoutSession }
  | { kind: 'payment-intent'; intent: { id: string; status: string; metadata: Record<string, string> } }
  | { kind: 'dispute'; dispute: { id: string; paymentIntentId: string | null; amountCents: number } }
  | { kind: 'other' };

/** A webhook event, verified. `account`: the connected account it happened on (Connect events). */
export type VerifiedEvent = { id: string; type: string; created: number; account: string | null; subject: EventSubject };

/** The key does not open the account, or Stripe could not be reached: nothing was done. */
export class GatewayUnavailable extends Error {}

export interface PayoutGateway {
  /** One call that proves the key works and may read the balance. */
  checkKey(): Promise<{ ok: true; livemode: boolean } | { ok: false; message: string }>;
  createAccount(input: { therapistId: string; idempotencyKey: string }): Promise<AccountState>;
  retrieveAccount(accountId: string): Promise<AccountState>;
  createAccountLink(input: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
  createTransfer(request: TransferRequest): Promise<TransferOutcome>;
  /** Transfers already made in a transfer group (a pay run): what a retry checks first. */
  listTransfers(transferGroup: string): Promise<Transfer[]>;
  /** What a payout on a connected account carried: the source ids of its balance transactions. */
  payoutSources(accountId: string, payoutId: string): Promise<string[]>;
  /** A Checkout Session (mode payment) for an invoice, under the attempt's idempotency key. */
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession>;
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession>;
  /** Ends an open session so it can no longer be paid; null when it was no longer open (paid or expired). */
  expireCheckoutSession(sessionId: string): Promise<CheckoutSession | null>;
}

/** Opens the gateway for an org's own key (each org connects its own Stripe account). */
export type PayoutGatewayFactory = (secretKey: string) => PayoutGateway;

/** Checks a webhook's signature on its raw body; null when it does not verify. Needs no API key. */
export type EventVerifier = (rawBody: Buffer, signatureHeader: string, webhookSecret: string) => VerifiedEvent | null;
