/**
 * The sidebar's Plan panel: the org's VisitLedger plan (the free trial's days left, the plan,
 * active therapists against its limit) and the Stripe pages that change it, opened by the
 * owner in a new tab: Checkout to subscribe, the billing portal for the card, plan and cancelling.
 */
import { calendarDayIn } from '../../../shared/dates.ts';
import { describePlan, type PlanSummary, type SubscriptionAnswer } from '../../../shared/plans.ts';
import { connection, readConfig } from '../config.ts';
import { callOne, explain } from '../service-client/client.ts';
import { activeBook } from '../sheets/io.ts';
import { failed, type ActionResult } from './result.ts';

export type PlanResult = ActionResult & { plan?: SubscriptionAnswer & PlanSummary };
export type StripePageResult = ActionResult & { url?: string };

const NOT_CONNECTED = ['The sheet is not connected to the VisitLedger service.', 'Open Set up and enter the org id.'] as const;

export function planStatus(): PlanResult {
  const title = 'Plan';
  const conn = connection(readConfig());
  if (!conn) return failed(title, ...NOT_CONNECTED);
  const answer = callOne(conn, { route: 'getSubscription' });
  if (!answer.ok) return failed(title, explain(answer, conn));
  const summary = describePlan(answer.body, calendarDayIn(new Date(), activeBook().getSpreadsheetTimeZone()));
  return { ok: true, title, lines: [summary.headline, ...summary.lines], plan: { ...answer.body, ...summary } };
}

/** The Stripe Checkout URL for `plan` (starter or unlimited), for the owner to open. */
export function upgradePlan(plan: string): StripePageResult {
  const title = 'Choose a plan';
  const conn = connection(readConfig());
  if (!conn) return failed(title, ...NOT_CONNECTED);
  if (plan !== 'starter' && plan !== 'unlimited') return failed(title, `"${plan}" is not a plan: choose starter or unlimited.`);
  const answer = callOne(conn, { route: 'startSubscriptionCheckout', body: { plan } });
  if (!answer.ok) return failed(title, explain(answer, conn));
  return { ok: true, title, lines: ['Stripe Checkout is ready: open it to enter a card.'], url: answer.body.url };
}

/** The Stripe billing portal's URL: the card, the plan, cancelling. */
export function manageBilling(): StripePageResult {
  const title = 'Billing';
  const conn = connection(readConfig());
  if (!conn) return failed(title, ...NOT_CONNECTED);
  const answer = callOne(conn, { route: 'openBillingPortal' });
  if (!answer.ok) return failed(title, explain(answer, conn));
  return {
    ok: true,
    title,
    lines: ["Stripe's billing page is ready: open it to change the card or the plan, or to cancel."],
    url: answer.body.url,
  };
}
