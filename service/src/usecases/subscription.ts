/**
 * The org's subscription to VisitLedger: what it shows the owner, the Stripe pages that change
 * it (Checkout in subscription mode, the customer portal), the billing webhooks that move it,
 * and the two checks other use cases make (new billing; adding therapists). The rules are the
 * core's (shared/plans.ts); this file reads the clock, the store and Stripe for them.
 *
 * Plans apply only where the service bills orgs (the operator's Stripe account is set:
 * `ctx.plansEnforced`), through the API and the command line alike (cli/runtime.ts).
 * A limit never hides, deletes or refuses to store anything: it stops new billing and new
 * therapists, and says why and where to subscribe.
 */
import { calendarDayIn, ok, startOfDayIn, type IsoDate, type Result } from '../../../shared/index.ts';
import {
  billingAccess,
  countActiveTherapists,
  PLAN_PRICES,
  subscriptionState,
  therapistLimitState,
  type PaidPlan,
  type PaidSubscription,
  type PlanBlockReason,
  type SubscriptionAnswer,
  type SubscriptionState,
  type SubscriptionStatus,
  type TherapistLimitState,
} from '../../../shared/plans.ts';
import type { BillingGateway, BillingSubscription } from '../payouts/billing-port.ts';
import type { OrgRecord } from '../store/port.ts';
import type { CheckoutRecord, SubscriptionRecord } from '../store/subscription-port.ts';
import { fail, type Failure } from '../failure.ts';
import { audit, type UseCaseContext } from './context.ts';
import { loadOrg } from './orgs.ts';
import { viaStripe } from './payouts/context.ts';
import type { WebhookOutcome } from './payouts/webhooks.ts';

export type SubscriptionContext = UseCaseContext & {
  /** Null where the service bills nobody (no operator Stripe account in the settings). */
  billing: BillingGateway | null;
  /** The service's public address, where Stripe's pages send the owner back. */
  publicBaseUrl: string;
};

/** What the owner sees: the plan, its status, the trial's end, and active therapists against the limit. */
export type SubscriptionView = SubscriptionAnswer;

/** Checkout, where an org without a live subscription subscribes; the billing portal, where one with it fixes the card or upgrades. */
export const subscribePath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}/subscription/checkout`;
const portalPath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}/subscription/portal`;

/** Where Stripe's pages send the owner back (http/billing-return.ts serves it). */
const billingReturnUrl = (ctx: SubscriptionContext) => `${ctx.publicBaseUrl}/billing/return`;

const BILLING_OFF = 'this service does not bill orgs (its operator has not set up billing): every org has every feature';

type Loaded = {
  org: OrgRecord;
  state: SubscriptionState;
  today: IsoDate;
  overLimitSince: IsoDate | null;
  record: SubscriptionRecord | null;
};

async function load(ctx: UseCaseContext, orgId: string): Promise<Result<Loaded, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const zone = org.value.settings.timeZone;
  const today = calendarDayIn(ctx.now(), zone);
  const stored = await ctx.store.getSubscription(orgId);
  const state = subscriptionState({
    orgCreatedOn: calendarDayIn(new Date(org.value.createdAt), zone),
    paid: stored.record?.paid ?? null,
    today,
  });
  return ok({ org: org.value, state, today, overLimitSince: stored.overLimitSince, record: stored.record });
}

/** Counts the active therapists and keeps the day the org was first seen over its limit. */
async function therapistLimit(ctx: UseCaseContext, orgId: string, loaded: Loaded): Promise<TherapistLimitState> {
  const visits = await ctx.store.listBillingVisits(orgId, {
    dateFrom: loaded.state.activePeriod.start,
    dateTo: loaded.state.activePeriod.end,
  });
  const limit = therapistLimitState({
    state: loaded.state,
    activeTherapists: countActiveTherapists(visits, loaded.state.activePeriod),
    overLimitSince: loaded.overLimitSince,
    today: loaded.today,
  });
  if (limit.overLimitSince !== loaded.overLimitSince) await ctx.store.setOverLimitSince(orgId, limit.overLimitSince);
  return limit;
}

export async function getSubscription(ctx: UseCaseContext, orgId: string): Promise<Result<SubscriptionView, Failure>> {
  const loaded = await load(ctx, orgId);
  if (!loaded.ok) return loaded;
  const limit = await therapistLimit(ctx, orgId, loaded.value);
  if (!ctx.plansEnforced) {
    return ok({
      plan: 'unlimited',
      status: 'active',
      trialEndsOn: null,
      currentPeriodEnd: null,
      activeTherapists: limit.activeTherapists,
      therapistLimit: null,
    });
  }
  const { state } = loaded.value;
  return ok({
    plan: state.plan,
    status: state.status,
    trialEndsOn: state.trialEndsOn,
    currentPeriodEnd: state.currentPeriodEnd,
    activeTherapists: limit.activeTherapists,
    therapistLimit: state.therapistLimit,
  });
}

const LIVE: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due'];
const hasLiveSubscription = (record: SubscriptionRecord | null) => record?.paid != null && LIVE.includes(record.paid.status);

/** Names Checkout, or the billing portal where the org has a live subscription (Checkout refuses a second one). */
const planRequired = (orgId: string, loaded: Loaded, reason: PlanBlockReason, message: string) => {
  const path = hasLiveSubscription(loaded.record) ? portalPath(orgId) : subscribePath(orgId);
  return fail('plan-required', `${message} (POST ${path}, or the Plan panel of the add-on's sidebar)`, {
    reason,
    subscribe: { method: 'POST', path },
  });
};

/**
 * Null when the org may start new billing (close a cycle, make, approve or pay a pay run);
 * otherwise the `plan-required` failure to answer. Records, exports and portals never ask.
 */
export async function refuseNewBilling(ctx: UseCaseContext, orgId: string): Promise<Result<never, Failure> | null> {
  if (!ctx.plansEnforced) return null;
  const loaded = await load(ctx, orgId);
  if (!loaded.ok) return loaded;
  const access = billingAccess(loaded.value.state, loaded.value.today);
  return access.allowed ? null : planRequired(orgId, loaded.value, access.reason, access.message);
}

/** Null when the org may add therapists; `plan-required` once it has been over its plan's limit for the grace days. */
export async function refuseNewTherapists(ctx: UseCaseContext, orgId: string): Promise<Result<never, Failure> | null> {
  if (!ctx.plansEnforced) return null;
  const loaded = await load(ctx, orgId);
  if (!loaded.ok) return loaded;
  const limit = await therapistLimit(ctx, orgId, loaded.value);
  return limit.level === 'blocked' ? planRequired(orgId, loaded.value, 'therapist-limit', limit.message!) : null;
}

async function withBilling(ctx: SubscriptionContext): Promise<Result<BillingGateway, Failure>> {
  return ctx.billing ? ok(ctx.billing) : fail('rule-broken', BILLING_OFF);
}

/** Stripe needs a trial end at least 48 hours ahead; a shorter rest of the trial is not carried over. */
const MIN_TRIAL_CARRY_SECONDS = 48 * 3600;

/**
 * The Stripe Checkout URL that subscribes the org to `plan`. Subscribing during the free trial
 * charges nothing until the trial ends. An org already subscribed changes plan or card in the
 * customer portal instead (a second subscription would bill twice). The org has one open
 * Checkout Session at a time: asked again for the same plan, the open one; for another plan,
 * the open one is expired before a new one is made; one just paid, whose subscription Stripe's
 * webhook has not brought yet, is not followed by another.
 */
export async function startCheckout(ctx: SubscriptionContext, orgId: string, plan: PaidPlan): Promise<Result<{ url: string }, Failure>> {
  const billing = await withBilling(ctx);
  if (!billing.ok) return billing;
  const loaded = await load(ctx, orgId);
  if (!loaded.ok) return loaded;
  const { record, state } = loaded.value;
  if (record?.paid && hasLiveSubscription(record)) {
    return fail(
      'rule-broken',
      `the org is already on the ${PLAN_PRICES[record.paid.plan].name} plan: change plan or card in the billing portal (POST ${portalPath(orgId)})`,
    );
  }
  const previous = record?.checkout ?? null;
  if (previous) {
    const still = await openCheckoutOf(billing.value, previous, plan, record?.subscriptionId ?? null, orgId);
    if (!still.ok || still.value) return still.ok ? ok({ url: still.value! }) : still;
  }
  const price = await viaStripe(() => billing.value.priceIdOf(PLAN_PRICES[plan].lookupKey));
  if (!price.ok) return price;
  if (!price.value)
    return fail('payment-provider', `the service's Stripe account has no active price with lookup key ${PLAN_PRICES[plan].lookupKey}`);
  const customerId = await customerOf(ctx, billing.value, orgId, record);
  if (!customerId.ok) return customerId;
  // The trial's last day is the one before trialEndsOn: it ends when trialEndsOn starts in the org's time zone.
  const trialEnd =
    state.status === 'trialing' && state.plan === 'trial'
      ? startOfDayIn(state.trialEndsOn, loaded.value.org.settings.timeZone) / 1000
      : null;
  const carry = trialEnd !== null && trialEnd - ctx.now().getTime() / 1000 >= MIN_TRIAL_CARRY_SECONDS ? trialEnd : null;
  const returnUrl = billingReturnUrl(ctx);
  const attempt = (previous?.attempt ?? 0) + 1;
  const session = await viaStripe(() =>
    billing.value.createSubscriptionCheckout({
      customerId: customerId.value,
      priceId: price.value!,
      orgId,
      trialEnd: carry,
      successUrl: `${returnUrl}?outcome=subscribed`,
      cancelUrl: `${returnUrl}?outcome=canceled`,
      // A retry of this attempt (an answer lost on the way) gets the same session back.
      idempotencyKey: `visitledger-org:${orgId}:subscription-checkout:${attempt}:${plan}:${carry ?? 'no-trial'}`,
    }),
  );
  if (!session.ok) return session;
  if (session.value.status !== 'open' || !session.value.url)
    return fail('payment-provider', `Stripe made Checkout Session ${session.value.id} ${session.value.status}, not open; try again`);
  const latest = (await ctx.store.getSubscription(orgId)).record;
  await ctx.store.putSubscription(
    orgId,
    recordWith(latest, { checkout: { sessionId: session.value.id, plan, attempt }, updatedAt: ctx.now().toISOString() }),
  );
  await audit(ctx, orgId, [{ action: 'create', recordType: 'org', recordId: orgId, detail: `subscription checkout started (${plan})` }]);
  return ok({ url: session.value.url });
}

/**
 * The org's previous Checkout Session: its URL while it is open for the same plan; null once it
 * can no longer be paid (expired here when it was for another plan), so a new one is made; a
 * failure when it was paid and its subscription has not reached the org's record yet.
 */
async function openCheckoutOf(
  billing: BillingGateway,
  previous: CheckoutRecord,
  plan: PaidPlan,
  subscriptionId: string | null,
  orgId: string,
): Promise<Result<string | null, Failure>> {
  const found = await viaStripe(() => billing.retrieveCheckout(previous.sessionId));
  if (!found.ok) return found;
  if (found.value.status === 'open' && previous.plan === plan && found.value.url) return ok(found.value.url);
  const session = found.value.status === 'open' ? await viaStripe(() => billing.expireCheckout(previous.sessionId)) : found;
  if (!session.ok) return session;
  if (session.value.status === 'complete' && session.value.subscriptionId !== subscriptionId) {
    return fail(
      'rule-broken',
      `the org's Checkout for the ${PLAN_PRICES[previous.plan].name} plan was just paid and its subscription is being set up: change plan in the billing portal (POST ${portalPath(orgId)}) once it shows`,
    );
  }
  return ok(null);
}

/** The record with these fields changed and the others kept. */
function recordWith(record: SubscriptionRecord | null, changes: Partial<SubscriptionRecord> & { updatedAt: string }): SubscriptionRecord {
  return {
    customerId: record?.customerId ?? null,
    subscriptionId: record?.subscriptionId ?? null,
    paid: record?.paid ?? null,
    eventCreated: record?.eventCreated ?? null,
    checkout: record?.checkout ?? null,
    ...changes,
  };
}

/** The org's customer on the operator's account: made once (an idempotency key per org), kept with the subscription. */
async function customerOf(
  ctx: UseCaseContext,
  billing: BillingGateway,
  orgId: string,
  record: SubscriptionRecord | null,
): Promise<Result<string, Failure>> {
  if (record?.customerId) return ok(record.customerId);
  const made = await viaStripe(() => billing.createCustomer({ orgId, idempotencyKey: `visitledger-org:${orgId}:customer` }));
  if (!made.ok) return made;
  await ctx.store.putSubscription(orgId, recordWith(record, { customerId: made.value, updatedAt: ctx.now().toISOString() }));
  return made;
}

/** The Stripe customer portal's URL: change the card, switch plans, cancel. */
export async function openBillingPortal(ctx: SubscriptionContext, orgId: string): Promise<Result<{ url: string }, Failure>> {
  const billing = await withBilling(ctx);
  if (!billing.ok) return billing;
  const loaded = await load(ctx, orgId);
  if (!loaded.ok) return loaded;
  const customerId = loaded.value.record?.customerId;
  if (!customerId) return fail('rule-broken', `the org has not subscribed yet: choose a plan first (POST ${subscribePath(orgId)})`);
  return viaStripe(() => billing.value.createPortalSession({ customerId, returnUrl: billingReturnUrl(ctx) }));
}

const BAD_SIGNATURE = "the Stripe-Signature header does not verify against the service's billing webhook signing secret";

/**
 * Stripe's billing events on the operator's account, verified with its signing secret on the
 * raw body. The org is the one named in the subscription's metadata; an event already handled
 * for it changes nothing. Subscription events carry the subscription; invoice events
 * (`invoice.paid`, `invoice.payment_failed`) make the service read the subscription again from
 * Stripe, which holds its status after the payment. `customer.subscription.trial_will_end` is
 * noted in the audit log.
 */
export async function receiveBillingEvent(
  ctx: SubscriptionContext,
  rawBody: Buffer,
  signature: string,
): Promise<Result<WebhookOutcome, Failure>> {
  if (!ctx.billing) return fail('invalid-input', `${BILLING_OFF}; it has no billing webhook signing secret to check events with`);
  const event = ctx.billing.verifyEvent(rawBody, signature);
  if (!event) return fail('invalid-input', BAD_SIGNATURE);
  const subject = event.subject;
  const orgId = subject.kind === 'subscription' ? subject.subscription.orgId : subject.orgId;
  // Not one of VisitLedger's subscriptions, or an org this store does not have: acknowledged, nothing to do.
  if (!orgId || !(await ctx.store.getOrg(orgId))) return ok({ received: true, duplicate: false, handled: false });
  if (await ctx.store.billingEventProcessed(orgId, event.id)) return ok({ received: true, duplicate: true, handled: false });

  let handled = false;
  const duplicate =
    event.type === 'customer.subscription.created' && subject.kind === 'subscription'
      ? await cancelSecondSubscription(ctx, orgId, subject.subscription)
      : ok(false);
  if (!duplicate.ok) return duplicate;
  if (duplicate.value) handled = true;
  else if (event.type.startsWith('customer.subscription.') && subject.kind === 'subscription') {
    const subscription =
      event.type === 'customer.subscription.deleted' ? { ...subject.subscription, status: 'canceled' as const } : subject.subscription;
    handled = await applySubscription(ctx, orgId, subscription, event.created);
    if (event.type === 'customer.subscription.trial_will_end') {
      await audit(ctx, orgId, [
        { action: 'update', recordType: 'org', recordId: orgId, detail: 'Stripe: the subscription trial ends in 3 days' },
      ]);
      handled = true;
    }
  } else if (
    (event.type === 'invoice.paid' || event.type === 'invoice.payment_failed') &&
    subject.kind === 'invoice' &&
    subject.subscriptionId
  ) {
    const fetched = await viaStripe(() => ctx.billing!.retrieveSubscription(subject.subscriptionId!));
    if (!fetched.ok) return fetched;
    handled = await applySubscription(ctx, orgId, fetched.value, event.created);
  }
  await ctx.store.markBillingEventProcessed(orgId, event.id, ctx.now().toISOString());
  return ok({ received: true, duplicate: false, handled });
}

/**
 * A subscription made while the org has another live one (two Checkouts paid before Stripe's
 * first webhook arrived) would bill it twice: it is canceled at Stripe at once, its unused time
 * credited to the org's Stripe balance (the next invoice of the one kept draws on it), and noted
 * in the audit log. True when it was such a second subscription.
 */
async function cancelSecondSubscription(
  ctx: SubscriptionContext,
  orgId: string,
  s: BillingSubscription,
): Promise<Result<boolean, Failure>> {
  const { record } = await ctx.store.getSubscription(orgId);
  if (!record?.subscriptionId || record.subscriptionId === s.id || !hasLiveSubscription(record) || s.status === 'canceled')
    return ok(false);
  const canceled = await viaStripe(() => ctx.billing!.cancelSubscription(s.id));
  if (!canceled.ok) return canceled;
  const detail = `Stripe: a second subscription ${s.id} was canceled at once (the org keeps ${record.subscriptionId}); its unused time is credited to the org's Stripe balance`;
  await audit(ctx, orgId, [{ action: 'update', recordType: 'org', recordId: orgId, detail }]);
  return ok(true);
}

/**
 * Moves the org's record to what Stripe says of its subscription: the same subscription at a
 * newer event, or a new one once the previous is over (an older subscription's late event
 * never overwrites a live one).
 */
async function applySubscription(ctx: UseCaseContext, orgId: string, s: BillingSubscription, created: number): Promise<boolean> {
  if (s.plan === null || s.status === null) return false;
  const org = await ctx.store.getOrg(orgId);
  if (!org) return false;
  const { record } = await ctx.store.getSubscription(orgId);
  const same = record?.subscriptionId === s.id;
  if (same && created < (record?.eventCreated ?? 0)) return false;
  if (!same && record?.subscriptionId && record.paid && record.paid.status !== 'canceled') return false;
  const day = (seconds: number) => calendarDayIn(new Date(seconds * 1000), org.settings.timeZone);
  const today = calendarDayIn(ctx.now(), org.settings.timeZone);
  const wasPastDue = same && record?.paid?.status === 'past_due' ? record.paid.pastDueSince : null;
  const paid: PaidSubscription = {
    plan: s.plan,
    status: s.status,
    currentPeriodStart: day(s.currentPeriodStart),
    currentPeriodEnd: day(s.currentPeriodEnd),
    pastDueSince: s.status === 'past_due' ? (wasPastDue ?? today) : null,
  };
  await ctx.store.putSubscription(
    orgId,
    recordWith(record, {
      customerId: s.customerId,
      subscriptionId: s.id,
      paid,
      eventCreated: Math.max(created, same ? (record?.eventCreated ?? 0) : 0),
      updatedAt: ctx.now().toISOString(),
    }),
  );
  if (!same || record?.paid?.status !== paid.status || record.paid.plan !== paid.plan) {
    await audit(ctx, orgId, [
      { action: 'update', recordType: 'org', recordId: orgId, detail: `subscription ${PLAN_PRICES[paid.plan].name}: ${paid.status}` },
    ]);
  }
  return true;
}
