/**
 * VisitLedger's own plans (what an org pays the service, not what agencies pay the org), as
 * pure rules: today is passed in. Every org starts on a 30-day free trial without a card; it
 * then subscribes to Starter (up to 8 active therapists) or Unlimited.
 *
 * An **active therapist** is one with at least one visit dated in the org's current
 * subscription period: the paid period Stripe bills (from its start to today), or, on the
 * trial and once lapsed, the last 30 days ending today.
 *
 * What a plan limits is only new billing (closing cycles, pay runs, payouts) and adding
 * therapists; nothing here ever hides or deletes data, and the service keeps storing visits,
 * serving portal links, exports and year-end files whatever the plan says.
 */
import { addDays, daysBetween, type IsoDate } from './dates.ts';

export const PAID_PLANS = ['starter', 'unlimited'] as const;
export type PaidPlan = (typeof PAID_PLANS)[number];
export const PLANS = ['trial', ...PAID_PLANS] as const;
export type Plan = (typeof PLANS)[number];
export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const TRIAL_DAYS = 30;
export const STARTER_THERAPIST_LIMIT = 8;
/** Days a Starter org may stay over its limit (warned) before it cannot add therapists. */
export const OVER_LIMIT_GRACE_DAYS = 7;
/** Days a subscription may stay past due before new billing stops. */
export const PAST_DUE_GRACE_DAYS = 14;
/** The window that counts active therapists when there is no paid period (the trial, a lapsed org). */
export const ACTIVE_WINDOW_DAYS = 30;

/** Each paid plan's Stripe price, found by its lookup key (never a price id written here). */
export const PLAN_PRICES: Record<PaidPlan, { name: string; lookupKey: string; monthlyCents: number; therapistLimit: number | null }> = {
  starter: { name: 'Starter', lookupKey: 'visitledger_starter_monthly', monthlyCents: 6000, therapistLimit: STARTER_THERAPIST_LIMIT },
  unlimited: { name: 'Unlimited', lookupKey: 'visitledger_unlimited_monthly', monthlyCents: 14900, therapistLimit: null },
};

/** What the service knows of the org's paid subscription, as Stripe's webhooks last told it. */
export type PaidSubscription = {
  plan: PaidPlan;
  status: SubscriptionStatus;
  currentPeriodStart: IsoDate;
  currentPeriodEnd: IsoDate;
  /** The day the subscription became past due (null unless it is). */
  pastDueSince: IsoDate | null;
};

export type SubscriptionState = {
  plan: Plan;
  status: SubscriptionStatus;
  /** The free trial's end: the org's creation day plus TRIAL_DAYS (the trial is over from that day on). */
  trialEndsOn: IsoDate;
  /** Whole days of trial left (0 once it ended or a paid plan is active). */
  trialDaysLeft: number;
  currentPeriodEnd: IsoDate | null;
  /** Null: no limit (the trial and Unlimited). */
  therapistLimit: number | null;
  /** The days whose visits make a therapist active. */
  activePeriod: { start: IsoDate; end: IsoDate };
  pastDueSince: IsoDate | null;
};

export function trialEndOf(orgCreatedOn: IsoDate): IsoDate {
  return addDays(orgCreatedOn, TRIAL_DAYS);
}

const lastDays = (today: IsoDate) => ({ start: addDays(today, -(ACTIVE_WINDOW_DAYS - 1)), end: today });

/** The org's plan and status today, from its creation day and its paid subscription (null before it subscribed). */
export function subscriptionState(input: { orgCreatedOn: IsoDate; paid: PaidSubscription | null; today: IsoDate }): SubscriptionState {
  const { orgCreatedOn, paid, today } = input;
  const trialEndsOn = trialEndOf(orgCreatedOn);
  const trialDaysLeft = Math.max(0, daysBetween(today, trialEndsOn));
  // A subscription that ended (canceled, or its first payment never made) before the free trial did leaves the rest of the trial.
  if (!paid || (paid.status === 'canceled' && trialDaysLeft > 0)) {
    return {
      plan: 'trial',
      // A trial that ended without a subscription has lapsed: `canceled`, its plan still `trial`.
      status: trialDaysLeft > 0 ? 'trialing' : 'canceled',
      trialEndsOn,
      trialDaysLeft,
      currentPeriodEnd: null,
      therapistLimit: null,
      activePeriod: lastDays(today),
      pastDueSince: null,
    };
  }
  const inPeriod = paid.status !== 'canceled' && paid.currentPeriodStart <= today;
  return {
    plan: paid.plan,
    status: paid.status,
    trialEndsOn,
    trialDaysLeft: paid.status === 'trialing' ? trialDaysLeft : 0,
    currentPeriodEnd: paid.currentPeriodEnd,
    therapistLimit: PLAN_PRICES[paid.plan].therapistLimit,
    activePeriod: inPeriod ? { start: paid.currentPeriodStart, end: today } : lastDays(today),
    pastDueSince: paid.status === 'past_due' ? (paid.pastDueSince ?? today) : null,
  };
}

export type PlanBlockReason = 'trial-ended' | 'canceled' | 'past-due' | 'therapist-limit';

export type PlanAccess = { allowed: true; warning: string | null } | { allowed: false; reason: PlanBlockReason; message: string };

const SUBSCRIBE = 'choose a plan (Starter or Unlimited) to go on';

/**
 * Whether the org may start new billing today (close a cycle, make or pay a pay run): not
 * once the trial ended without a plan, the subscription was canceled, or it has been past
 * due for more than PAST_DUE_GRACE_DAYS.
 */
export function billingAccess(state: SubscriptionState, today: IsoDate): PlanAccess {
  if (state.status === 'canceled') {
    return state.plan === 'trial'
      ? { allowed: false, reason: 'trial-ended', message: `the free trial ended on ${state.trialEndsOn}: ${SUBSCRIBE}` }
      : { allowed: false, reason: 'canceled', message: `the ${PLAN_PRICES[state.plan].name} subscription was canceled: ${SUBSCRIBE}` };
  }
  if (state.status === 'past_due' && state.pastDueSince) {
    const stopsOn = addDays(state.pastDueSince, PAST_DUE_GRACE_DAYS + 1);
    if (today >= stopsOn)
      return {
        allowed: false,
        reason: 'past-due',
        message: `the subscription's payment has failed since ${state.pastDueSince}: update the card in the billing portal to go on`,
      };
    return { allowed: true, warning: `the subscription's last payment failed: update the card before ${stopsOn}, or new billing stops` };
  }
  return { allowed: true, warning: null };
}

export type TherapistLimitState = {
  level: 'within' | 'warned' | 'blocked';
  activeTherapists: number;
  therapistLimit: number | null;
  /** The first day the org was seen over its limit (kept by the service; null when within it). */
  overLimitSince: IsoDate | null;
  /** From this day the org cannot add therapists unless it upgrades (null when within the limit). */
  blockedFrom: IsoDate | null;
  message: string | null;
};

/**
 * The therapist limit today: over it, the org is warned, and OVER_LIMIT_GRACE_DAYS after it was
 * first seen over (`overLimitSince`, which the service keeps), it cannot add therapists.
 */
export function therapistLimitState(input: {
  state: SubscriptionState;
  activeTherapists: number;
  overLimitSince: IsoDate | null;
  today: IsoDate;
}): TherapistLimitState {
  const { state, activeTherapists, today } = input;
  const limit = state.therapistLimit;
  if (limit === null || activeTherapists <= limit)
    return { level: 'within', activeTherapists, therapistLimit: limit, overLimitSince: null, blockedFrom: null, message: null };
  const overLimitSince = input.overLimitSince && input.overLimitSince <= today ? input.overLimitSince : today;
  const blockedFrom = addDays(overLimitSince, OVER_LIMIT_GRACE_DAYS);
  const counted = `${activeTherapists} active therapists this period, over the ${PLAN_PRICES[state.plan as PaidPlan].name} plan's ${limit}`;
  return today >= blockedFrom
    ? {
        level: 'blocked',
        activeTherapists,
        therapistLimit: limit,
        overLimitSince,
        blockedFrom,
        message: `${counted} since ${overLimitSince}: upgrade to Unlimited to add therapists`,
      }
    : {
        level: 'warned',
        activeTherapists,
        therapistLimit: limit,
        overLimitSince,
        blockedFrom,
        message: `${counted}: upgrade to Unlimited before ${blockedFrom}, or no new therapists can be added from then`,
      };
}

/** Distinct therapists with a visit dated in the period. */
export function countActiveTherapists(
  visits: Iterable<{ therapistId: string; date: IsoDate }>,
  period: { start: IsoDate; end: IsoDate },
): number {
  const active = new Set<string>();
  for (const v of visits) if (v.date >= period.start && v.date <= period.end) active.add(v.therapistId);
  return active.size;
}

/** What the service answers for an org's plan (GET /v1/orgs/:orgId/subscription). */
export type SubscriptionAnswer = {
  plan: Plan;
  status: SubscriptionStatus;
  trialEndsOn: IsoDate | null;
  currentPeriodEnd: IsoDate | null;
  activeTherapists: number;
  therapistLimit: number | null;
};

export type PlanSummary = {
  /** "Free trial: 12 days left", "Starter", "Unlimited (payment failed)". */
  headline: string;
  lines: string[];
  /** Days of free trial left; null off the trial. */
  trialDaysLeft: number | null;
  /** The plans the owner can choose with Checkout now (none once subscribed: the billing portal changes plans). */
  choices: PaidPlan[];
};

const money = (cents: number) => `$${(cents / 100).toFixed(0)}`;
const planLine = (plan: PaidPlan) =>
  `${PLAN_PRICES[plan].name}: ${money(PLAN_PRICES[plan].monthlyCents)}/month, ${
    PLAN_PRICES[plan].therapistLimit === null ? 'any number of therapists' : `up to ${PLAN_PRICES[plan].therapistLimit} active therapists`
  }.`;

/** The plan in plain words, as the sidebar and the command line show it. */
export function describePlan(s: SubscriptionAnswer, today: IsoDate): PlanSummary {
  const count =
    s.therapistLimit === null
      ? `${s.activeTherapists} active therapists this period.`
      : `${s.activeTherapists} of ${s.therapistLimit} active therapists this period${s.activeTherapists > s.therapistLimit ? ': over the limit, upgrade to Unlimited' : ''}.`;
  const subscribed = s.plan !== 'trial' && s.status !== 'canceled';
  const choices = subscribed ? [] : [...PAID_PLANS];
  if (s.plan === 'trial') {
    const left = s.trialEndsOn ? Math.max(0, daysBetween(today, s.trialEndsOn)) : 0;
    return s.status === 'trialing'
      ? {
          headline: `Free trial: ${left} day${left === 1 ? '' : 's'} left`,
          lines: [`The free trial ends on ${s.trialEndsOn}. No card is needed until then.`, count, ...PAID_PLANS.map(planLine)],
          trialDaysLeft: left,
          choices,
        }
      : {
          headline: 'Free trial ended',
          lines: [
            `The free trial ended on ${s.trialEndsOn}: closing months and paying therapists wait for a plan. Your data, exports and 1099s stay available.`,
            ...PAID_PLANS.map(planLine),
          ],
          trialDaysLeft: 0,
          choices,
        };
  }
  const name = PLAN_PRICES[s.plan].name;
  const status =
    s.status === 'past_due'
      ? ' (payment failed: update the card in the billing portal)'
      : s.status === 'canceled'
        ? ' (canceled)'
        : s.status === 'trialing'
          ? ' (in the free trial)'
          : '';
  const period = s.currentPeriodEnd && s.status !== 'canceled' ? [`The current period ends on ${s.currentPeriodEnd}.`] : [];
  return {
    headline: `${name}${status}`,
    lines: [...period, count, ...(s.status === 'canceled' ? PAID_PLANS.map(planLine) : [])],
    trialDaysLeft: s.status === 'trialing' && s.trialEndsOn ? Math.max(0, daysBetween(today, s.trialEndsOn)) : null,
    choices,
  };
}
