import * as z from 'zod';
import { stripeConnectInput } from '../../usecases/payouts/connect.ts';
import { TOKEN_PATTERN } from '../../crypto/tokens.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, recordId } from './common.schema.ts';

/** Stripe's largest events (an account with its requirements) are well under this. */
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

export const connectStripeSpec = {
  id: 'connectStripe', method: 'put', path: '/v1/orgs/:orgId/stripe', tag: 'payouts', access: 'owner',
  summary: 'Connect the org\'s own Stripe account: its restricted key and its Connect webhook endpoint\'s signing secret, checked with one call to Stripe and stored encrypted (never shown again); answers the webhook URL to give Stripe',
  params: orgPath, body: objectOf(stripeConnectInput),
} satisfies RouteSpec;

export const getStripeSpec = {
  id: 'getStripe', method: 'get', path: '/v1/orgs/:orgId/stripe', tag: 'payouts', access: 'owner',
  summary: 'Whether Stripe is connected (the key\'s last 4 characters, live or test, the webhook URL) and each therapist\'s connected account with its readiness',
  params: orgPath,
} satisfies RouteSpec;

export const onboardTherapistSpec = {
  id: 'onboardTherapist', method: 'post', path: '/v1/orgs/:orgId/therapists/:therapistId/stripe-onboarding', tag: 'payouts', access: 'owner',
  summary: 'Make the therapist\'s Stripe connected account if missing, and a new onboarding URL to send them (retires the previous one) unless the account is ready',
  params: z.object({ orgId, therapistId: recordId }),
} satisfies RouteSpec;

export const payPayRunSpec = {
  id: 'payPayRun', method: 'post', path: '/v1/orgs/:orgId/pay-runs/:payRunId/pay', tag: 'payouts', access: 'owner',
  summary: 'Pay an approved pay run through Stripe: per therapist { therapistId, amountCents, status (paid, failed, pending, not-paid, paid-outside-stripe, nothing-due), transferId?, problem?, warning? }; paying again pays nobody twice',
  params: z.object({ orgId, payRunId: recordId }),
} satisfies RouteSpec;

export const payRunTransfersSpec = {
  id: 'listPayRunTransfers', method: 'get', path: '/v1/orgs/:orgId/pay-runs/:payRunId/transfers', tag: 'payouts', access: 'member',
  summary: 'The pay run\'s Stripe payments: transfer, refusal if any, and the payout to the therapist\'s bank (in-transit, paid, failed)',
  params: z.object({ orgId, payRunId: recordId }),
} satisfies RouteSpec;

export const stripeWebhookSpec = {
  id: 'stripeWebhook', method: 'post', path: '/v1/stripe/webhooks/:orgId', tag: 'payouts', access: 'stripe-signature',
  summary: 'Stripe\'s events for the org (a Connect endpoint): account.updated, capability.updated, payout.paid, payout.failed; a replay changes nothing, other events are acknowledged and ignored',
  params: orgPath, rawBodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
} satisfies RouteSpec;

export const onboardingVisitSpec = {
  id: 'visitOnboarding', method: 'get', path: '/v1/stripe/onboarding/:orgId/:therapistId', tag: 'payouts', access: 'link-token',
  summary: 'The therapist\'s onboarding URL (also Stripe\'s refresh and return URL): redirects to a fresh Stripe-hosted onboarding link, or says onboarding is done',
  params: z.object({ orgId, therapistId: recordId }), query: z.object({ token: z.string().regex(TOKEN_PATTERN, 'is not a link token') }), browser: true,
} satisfies RouteSpec;
