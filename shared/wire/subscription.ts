/** The org's subscription to VisitLedger, as the add-on's sidebar shows it and opens Stripe's pages. */
import * as z from 'zod/mini';
import { PAID_PLANS, PLANS, SUBSCRIPTION_STATUSES } from '../plans.ts';
import { isoDate } from '../schemas.ts';

export const subscriptionView = z.object({
  plan: z.enum(PLANS).check(z.describe('trial (the 30-day free trial), starter or unlimited')),
  status: z
    .enum(SUBSCRIPTION_STATUSES)
    .check(z.describe('trialing, active, past_due, or canceled (also a free trial that ended without a plan)')),
  trialEndsOn: z.nullable(isoDate).check(z.describe('The first day after the free trial; null where the service bills nobody')),
  currentPeriodEnd: z.nullable(isoDate).check(z.describe('The end of the paid period Stripe bills; null before a plan')),
  activeTherapists: z
    .int()
    .check(z.describe('Therapists with a visit dated in the current subscription period (the trial: the last 30 days)')),
  therapistLimit: z.nullable(z.int()).check(z.describe('Active therapists the plan covers; null: no limit (the trial, Unlimited)')),
});

export const subscriptionCheckoutBody = z.object({ plan: z.enum(PAID_PLANS) });

/** A Stripe-hosted page to open (Checkout, the customer portal). */
export const stripePage = z.object({ url: z.string() });
