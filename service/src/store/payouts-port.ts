/**
 * The PayoutStore port: what paying through Stripe keeps beside the billing data. Every
 * method takes the orgId first. Secrets arrive sealed (crypto/field-cipher.ts); Stripe ids
 * (acct_, tr_, po_, evt_) are no secrets and are stored as they are.
 *
 * The payments themselves (pending, paid, failed) stay in the Store's payments: this port
 * only adds what Stripe needs next to them.
 */
import type { CheckoutStore } from './checkout-port.ts';
import type { Sealed } from './port.ts';

/** The org's own Stripe account, as connected by its owner. */
export type StripeConnectionRecord = {
  /** The restricted (or secret) key, sealed. */
  key: Sealed;
  /** The last 4 characters of the key, to show which key is connected. */
  keyLast4: string;
  livemode: boolean;
  /** The Connect webhook endpoint's signing secret (whsec_...), sealed: events of the therapists' accounts. */
  webhookSecret: Sealed;
  /** The signing secret of an endpoint for the org's own account (transfer.reversed), sealed, when there is one. */
  accountWebhookSecret?: Sealed;
  connectedAt: string;
};

/** A therapist's connected account, and whether money may go to it as Stripe last said. */
export type ConnectedAccountRecord = {
  therapistId: string;
  accountId: string;
  createdAt: string;
  /** SHA-256 (hex) of the token in the therapist's onboarding URL; the token itself is shown once. */
  onboardingTokenHash?: string;
  /** When that URL stops working (ISO instant); a token kept without one (made before URLs expired) opens nothing. */
  onboardingTokenExpiresAt?: string;
  transfersActive: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
  /** When this readiness was learned (ISO instant). */
  checkedAt: string;
  /** The `created` (Unix seconds) of the newest event applied: an older one arriving late changes nothing. */
  eventCreated?: number;
};

export const PAYOUT_STATUSES = ['in-transit', 'paid', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** A Stripe payment's transfer and where its money went next, keyed by the payment's id. */
export type StripeTransferRecord = {
  paymentId: string;
  payRunId: string;
  therapistId: string;
  accountId: string;
  idempotencyKey: string;
  transferId?: string;
  /** The payment the transfer created on the connected account (py_...): what its payouts list. */
  destinationPayment?: string;
  /** Why Stripe refused the transfer, for the owner. */
  problem?: { code: string; message: string };
  /** Cents of the transfer reversed in Stripe (the money came back to the org's balance). */
  reversedCents?: number;
  /** The connected account's payout that carried the money to the therapist's bank. */
  payout?: { id: string; status: PayoutStatus; failureCode?: string; at: string };
};

/** With the checkout attempts: agencies paying invoices online go through the same Stripe account. */
export interface PayoutStore extends CheckoutStore {
  putStripeConnection(orgId: string, connection: StripeConnectionRecord): Promise<void>;
  getStripeConnection(orgId: string): Promise<StripeConnectionRecord | null>;

  /** 'exists' (nothing written) when the therapist already has an account. */
  insertConnectedAccount(orgId: string, account: ConnectedAccountRecord): Promise<'created' | 'exists'>;
  /** Replaces the therapist's record (readiness, onboarding token). */
  updateConnectedAccount(orgId: string, account: ConnectedAccountRecord): Promise<void>;
  getConnectedAccount(orgId: string, therapistId: string): Promise<ConnectedAccountRecord | null>;
  /** By Stripe's account id: what a webhook names. */
  findConnectedAccount(orgId: string, accountId: string): Promise<ConnectedAccountRecord | null>;
  listConnectedAccounts(orgId: string): Promise<ConnectedAccountRecord[]>;

  /** Inserts or replaces by payment id. */
  putStripeTransfer(orgId: string, record: StripeTransferRecord): Promise<void>;
  getStripeTransfer(orgId: string, paymentId: string): Promise<StripeTransferRecord | null>;
  listStripeTransfers(orgId: string, query: { payRunId?: string; accountId?: string }): Promise<StripeTransferRecord[]>;

  /** Whether a webhook event was handled already (a replay). */
  eventProcessed(orgId: string, eventId: string): Promise<boolean>;
  /** Notes a webhook event as handled, after its effects are written: 'seen' when it was already. */
  markEventProcessed(orgId: string, eventId: string, at: string): Promise<'new' | 'seen'>;
}
