import * as z from 'zod';
import { isoDate, PAYMENT_STATUSES } from '../../../../shared/index.ts';
import { PAYOUT_STATUSES } from '../../store/payouts-port.ts';
import { stripeConnectInput } from '../../usecases/payouts/connect.ts';
import { TOKEN_PATTERN } from '../../crypto/tokens.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const connection = z.object({
  keyLast4: z.string(),
  livemode: z.boolean(),
  connectedAt: z.string(),
  webhookUrl: z.string().describe("Where Stripe sends the org's events: give it to Stripe as the Connect webhook endpoint"),
});

/** A therapist's connected account and whether money may go to it, as Stripe last said. */
const connectedAccount = z.object({
  therapistId: z.string(),
  accountId: z.string(),
  createdAt: z.string(),
  transfersActive: z.boolean(),
  payoutsEnabled: z.boolean(),
  detailsSubmitted: z.boolean(),
  requirementsDue: z.array(z.string()),
  disabledReason: z.string().nullable(),
  checkedAt: z.string(),
  eventCreated: z.int().optional().describe('The created time (Unix seconds) of the newest Stripe event applied'),
  onboardingTokenExpiresAt: z.string().optional().describe("When the therapist's onboarding URL stops working"),
});

const onboarding = z.object({
  therapistId: z.string(),
  therapistName: z.string(),
  accountId: z.string(),
  account: z.enum(['created', 'existing']).describe('created: a connected account was made now'),
  ready: z.boolean(),
  requirementsDue: z.array(z.string()),
  onboardingUrl: z.string().optional().describe('The URL to send the therapist (absent once the account is ready); it works for 7 days'),
  onboardingUrlExpiresAt: z.string().optional().describe('When onboardingUrl stops working: ask again for a new one'),
  stripeLink: z.string().optional().describe("Stripe's own link, valid until stripeLinkExpiresAt and for one visit"),
  stripeLinkExpiresAt: z.string().optional(),
});

const transfer = z.object({
  paymentId: z.string(),
  payRunId: z.string(),
  therapistId: z.string(),
  accountId: z.string(),
  idempotencyKey: z.string(),
  transferId: z.string().optional(),
  destinationPayment: z.string().optional(),
  problem: z.object({ code: z.string(), message: z.string() }).optional().describe('Why Stripe refused the transfer'),
  reversedCents: z.int().optional().describe('Cents of the transfer reversed in Stripe'),
  payout: z
    .object({ id: z.string(), status: z.enum(PAYOUT_STATUSES), failureCode: z.string().optional(), at: z.string() })
    .optional()
    .describe("The connected account's payout that carried the money to the therapist's bank"),
  status: z.enum(PAYMENT_STATUSES),
  amountCents: z.int(),
  paidOn: isoDate,
});

/** Stripe's largest events (an account with its requirements) are well under this. */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/** What a Stripe webhook route answers Stripe. */
export const webhookAnswer = z.object({
  received: z.literal(true),
  duplicate: z.boolean().describe('The event was applied before'),
  handled: z.boolean().describe('False for an event the service ignores'),
});

export const connectStripeSpec = {
  id: 'connectStripe',
  method: 'put',
  path: '/v1/orgs/:orgId/stripe',
  tag: 'payouts',
  access: 'owner',
  summary:
    "Connect the org's own Stripe account: its restricted key and its Connect webhook endpoint's signing secret, checked with one call to Stripe and stored encrypted (never shown again); answers the webhook URL to give Stripe",
  params: orgPath,
  body: objectOf(stripeConnectInput),
  answer: connection,
} satisfies RouteSpec;

export const getStripeSpec = {
  id: 'getStripe',
  method: 'get',
  path: '/v1/orgs/:orgId/stripe',
  tag: 'payouts',
  access: 'owner',
  summary:
    "Whether Stripe is connected (the key's last 4 characters, live or test, the webhook URL) and each therapist's connected account with its readiness",
  params: orgPath,
  answer: z.object({ connection: connection.nullable(), accounts: z.array(connectedAccount) }),
} satisfies RouteSpec;

export const onboardTherapistSpec = {
  id: 'onboardTherapist',
  method: 'post',
  path: '/v1/orgs/:orgId/therapists/:therapistId/stripe-onboarding',
  tag: 'payouts',
  access: 'owner',
  summary:
    "Make the therapist's Stripe connected account if missing, and a new onboarding URL to send them (retires the previous one) unless the account is ready",
  params: z.object({ orgId, therapistId: recordId }),
  answer: onboarding,
} satisfies RouteSpec;

export const payPayRunSpec = {
  ...wired('payPayRun'),
  tag: 'payouts',
  access: 'owner',
  summary:
    'Pay an approved pay run through Stripe: per therapist { therapistId, amountCents, status (paid, failed, pending, not-paid, paid-outside-stripe, nothing-due), transferId?, problem?, warning? }; paying again pays nobody twice',
  params: z.object({ orgId, payRunId: recordId }),
} satisfies RouteSpec;

export const payRunTransfersSpec = {
  id: 'listPayRunTransfers',
  method: 'get',
  path: '/v1/orgs/:orgId/pay-runs/:payRunId/transfers',
  tag: 'payouts',
  access: 'member',
  summary: "The pay run's Stripe payments: transfer, refusal if any, and the payout to the therapist's bank (in-transit, paid, failed)",
  params: z.object({ orgId, payRunId: recordId }),
  query: z.object(pageQuery(SORT_KEYS.byId)),
  answer: z.object({ transfers: z.array(transfer), nextCursor }),
} satisfies RouteSpec;

export const stripeWebhookSpec = {
  id: 'stripeWebhook',
  method: 'post',
  path: '/v1/stripe/webhooks/:orgId',
  tag: 'payouts',
  access: 'stripe-signature',
  summary:
    "Stripe's events for the org: from its Connect endpoint account.updated, capability.updated, payout.paid, payout.failed; from its own account's endpoint transfer.reversed and the Checkout events of agencies paying online (checkout.session.completed, .async_payment_succeeded, .async_payment_failed, .expired, payment_intent.processing, charge.dispute.created); a replay changes nothing, other events are acknowledged and ignored",
  params: orgPath,
  rawBodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
  answer: webhookAnswer,
} satisfies RouteSpec;

export const onboardingVisitSpec = {
  id: 'visitOnboarding',
  method: 'get',
  path: '/v1/stripe/onboarding/:orgId/:therapistId',
  tag: 'payouts',
  access: 'link-token',
  summary:
    "The therapist's onboarding URL (also Stripe's refresh and return URL): redirects to a fresh Stripe-hosted onboarding link, or says onboarding is done",
  params: z.object({ orgId, therapistId: recordId }),
  query: z.object({ token: z.string().regex(TOKEN_PATTERN, 'is not a link token') }),
  browser: true,
} satisfies RouteSpec;
