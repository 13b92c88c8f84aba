/** Stripe payouts: connecting the org's account, onboarding therapists, paying pay runs, and Stripe's webhook. */
import { ok } from '../../../../shared/index.ts';
import { connectStripe, stripeOverview } from '../../usecases/payouts/connect.ts';
import { onboardTherapist, visitOnboarding } from '../../usecases/payouts/onboarding.ts';
import { listPayRunTransfers, payPayRun } from '../../usecases/payouts/pay.ts';
import { receiveStripeEvent } from '../../usecases/payouts/webhooks.ts';
import { pagedWhole, route, type BrowserAnswer } from '../route.ts';
import { pageOf } from './common.schema.ts';
import {
  connectStripeSpec,
  getStripeSpec,
  onboardingVisitSpec,
  onboardTherapistSpec,
  payPayRunSpec,
  payRunTransfersSpec,
  stripeWebhookSpec,
} from './stripe.schema.ts';

export const stripeRoutes = [
  route(connectStripeSpec, ({ params, body, payouts }) => connectStripe(payouts, params.orgId, body)),
  route(getStripeSpec, ({ params, payouts }) => stripeOverview(payouts, params.orgId)),
  route(onboardTherapistSpec, ({ params, payouts }) => onboardTherapist(payouts, params.orgId, params.therapistId)),
  route(payPayRunSpec, ({ params, payouts }) => payPayRun(payouts, params.orgId, params.payRunId)),
  route(payRunTransfersSpec, ({ params, query, payouts }) =>
    pagedWhole('transfers', listPayRunTransfers(payouts, params.orgId, params.payRunId), (t) => [t.paymentId], pageOf(query)),
  ),
  route(stripeWebhookSpec, ({ params, payouts, rawBody, header }) =>
    receiveStripeEvent(payouts, params.orgId, rawBody ?? Buffer.alloc(0), header('stripe-signature') ?? ''),
  ),
  route(onboardingVisitSpec, async ({ params, query, payouts }) => {
    const visit = await visitOnboarding(payouts, params.orgId, params.therapistId, query.token);
    if (!visit.ok) return visit;
    return ok<BrowserAnswer>(
      visit.value.kind === 'redirect'
        ? { redirect: visit.value.location }
        : { text: 'Your Stripe payout account is set up. You can close this page.' },
    );
  }),
];
