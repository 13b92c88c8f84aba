/**
 * Stripe Billing in the stand-in: what the service operator's own Stripe account does when it
 * bills the orgs for VisitLedger (events on the account itself: no `account`, sent to its own
 * endpoint).
 *
 * - Prices with `lookup_key`s (a test adds them), listed by `GET /v1/prices?lookup_keys[]=...`
 *   (`active` filters; a price is recurring monthly).
 * - `POST /v1/customers` (metadata), `GET /v1/customers/:id`.
 * - `POST /v1/checkout/sessions` in `subscription` mode (the payment-mode sessions are
 *   checkout.ts's: standin.ts asks this module first, and it answers only for `mode=subscription`):
 *   an existing `customer`, one `line_items` entry naming a recurring `price`, `success_url`,
 *   `subscription_data.metadata` and `subscription_data.trial_end` (at least 48 hours ahead, as
 *   Stripe requires); `GET /v1/checkout/sessions/:id` and `POST .../:id/expire` (only an open
 *   one; `checkout.session.expired`) for its own. Idempotency keys are standin.ts's.
 * - `POST /v1/billing_portal/sessions` (`customer`, `return_url`), `GET /v1/subscriptions/:id`
 *   and `DELETE /v1/subscriptions/:id` (cancel at once, `customer.subscription.deleted`; with
 *   `prorate` and `invoice_now`, a final invoice credits the unused time of a paid period to the
 *   customer's `balance`; a canceled subscription cannot be canceled again).
 *   Subscriptions carry their period on the item (`items.data[0].current_period_start/end`, as
 *   in API versions since 2025-03-31), invoices their subscription under
 *   `parent.subscription_details` (with the subscription's metadata).
 * - Test controls, each emitting the signed events Stripe sends: complete a checkout (the
 *   subscription is `trialing` until `trial_end`, or `active` with its first invoice paid),
 *   renew a period (paid, or the card declines: `past_due` with `invoice.payment_failed`),
 *   pay what is past due, switch the plan as the portal does, cancel (now, or at the period's
 *   end), and warn of a trial's end. Opening a Checkout URL completes it and redirects to
 *   `success_url`; opening a portal URL redirects to `return_url`.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parseForm, type FormObject, type FormValue } from './form.ts';
import { newId, obj, str, strings, type Answer, type Json, type StandinPartDeps } from './kit.ts';

type ApiRequest = { method: string; path: string; query: string; form: FormObject };

type Price = Json & { id: string; lookup_key: string | null; active: boolean; unit_amount: number };
type Subscription = Json & {
  id: string;
  customer: string;
  status: 'trialing' | 'active' | 'past_due' | 'canceled';
  trial_end: number | null;
  cancel_at_period_end: boolean;
  metadata: Record<string, FormValue>;
  items: { object: 'list'; data: (Json & { price: Price; current_period_start: number; current_period_end: number })[] };
};
type Session = Json & { id: string; mode: 'subscription'; status: 'open' | 'complete' | 'expired'; customer: string; url: string | null };
type BillingState = {
  prices: Map<string, Price>;
  customers: Map<string, Json>;
  sessions: Map<string, Session & { price: Price; trialEnd: number | null; subscriptionMetadata: Record<string, FormValue> }>;
  subscriptions: Map<string, Subscription>;
  invoices: Json[];
  portalSessions: Json[];
};

export type BillingControls = {
  /** A monthly price on the platform, found by its lookup key. */
  addPrice(key: string, price: { lookupKey: string; unitAmount: number; active?: boolean }): string;
  customers(key: string): Json[];
  subscriptions(key: string): Json[];
  portalSessions(key: string): Json[];
  /** The customer entered a card on Checkout's page: the subscription starts (events: created, invoice.paid unless trialing, checkout.session.completed). */
  completeCheckout(sessionId: string): Promise<Json>;
  /** The period ended: the next one starts and is charged; `declined`: the card fails and the subscription is past due. */
  renew(subscriptionId: string, options?: { declined?: boolean }): Promise<void>;
  /** What is past due was paid (the owner fixed the card in the portal): active again. */
  payPastDue(subscriptionId: string): Promise<void>;
  /** The portal's plan switch: the item's price becomes the one with this lookup key. */
  changePlan(subscriptionId: string, lookupKey: string): Promise<void>;
  /** The portal's cancel: at once (`customer.subscription.deleted`), or at the period's end (updated, still active). */
  cancel(subscriptionId: string, options?: { atPeriodEnd?: boolean }): Promise<void>;
  /** Stripe's notice three days before a trial ends. */
  trialWillEnd(subscriptionId: string): Promise<void>;
};

export type BillingDeps<P extends { key: string }> = StandinPartDeps<P>;
const TRIAL_END_MIN_AHEAD_S = 48 * 3600;

/** One calendar month after `seconds`, on the anchor's day of the month as Stripe bills monthly (the 31st in a shorter month: its last day). */
function monthAfter(seconds: number, anchor: number): number {
  const d = new Date(seconds * 1000);
  const day = new Date(anchor * 1000).getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(Math.min(day, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()));
  return Math.floor(d.getTime() / 1000);
}

export function billingApi<P extends { key: string }>(deps: BillingDeps<P>) {
  const states = new Map<string, BillingState>();
  const stateOf = (key: string) => {
    let s = states.get(key);
    if (!s)
      states.set(
        key,
        (s = { prices: new Map(), customers: new Map(), sessions: new Map(), subscriptions: new Map(), invoices: [], portalSessions: [] }),
      );
    return s;
  };
  const find = <T>(pick: (state: BillingState) => Map<string, T>, id: string) => {
    for (const [key, state] of states) {
      const found = pick(state).get(id);
      if (found) return { platform: deps.platformOf(key), state, found };
    }
    throw new Error(`stand-in: no billing object ${id}`);
  };
  const list = (url: string, data: Json[]): Answer => ({ status: 200, body: { object: 'list', data, has_more: false, url } });

  function createSession(state: BillingState, form: FormObject): Answer {
    const customer = str(form.customer);
    if (!customer || !state.customers.has(customer)) return deps.missing('customer', customer ?? '', 'customer');
    const items = Array.isArray(form.line_items) ? form.line_items.map(obj) : [];
    if (items.length !== 1) return deps.invalid('The stand-in takes exactly one line item in subscription mode.', { param: 'line_items' });
    const priceId = str(items[0]!.price);
    const price = priceId ? state.prices.get(priceId) : undefined;
    if (!price) return deps.missing('price', priceId ?? '', 'line_items[0][price]');
    if (!price.active) return deps.invalid(`The price ${price.id} is not active.`, { param: 'line_items[0][price]' });
    if (str(items[0]!.quantity) !== '1') return deps.invalid('Invalid quantity', { param: 'line_items[0][quantity]' });
    if (!str(form.success_url))
      return deps.invalid('Missing required param: success_url.', { param: 'success_url', code: 'parameter_missing' });
    const data = obj(form.subscription_data);
    const trialEnd = str(data.trial_end) === undefined ? null : Number(str(data.trial_end));
    if (trialEnd !== null && (!Number.isInteger(trialEnd) || trialEnd < deps.clock() + TRIAL_END_MIN_AHEAD_S))
      return deps.invalid('`subscription_data[trial_end]` must be at least 48 hours in the future.', {
        param: 'subscription_data[trial_end]',
      });
    const id = `cs_test_${randomBytes(24).toString('hex')}`;
    const session = {
      id,
      object: 'checkout.session',
      mode: 'subscription' as const,
      status: 'open' as const,
      customer,
      client_reference_id: str(form.client_reference_id) ?? null,
      metadata: obj(form.metadata),
      success_url: str(form.success_url) ?? null,
      cancel_url: str(form.cancel_url) ?? null,
      subscription: null,
      url: `${deps.base()}/_standin/billing/checkout/${id}`,
      created: deps.clock(),
      livemode: false,
      price,
      trialEnd,
      subscriptionMetadata: obj(data.metadata),
    };
    state.sessions.set(id, session);
    return { status: 200, body: shownSession(session) };
  }

  const shownSession = ({ price: _p, trialEnd: _t, subscriptionMetadata: _m, ...session }: Session & Json): Json => session;

  function handle(platform: P, req: ApiRequest): Answer | null {
    const state = stateOf(platform.key);
    const { method, path, form } = req;
    if (method === 'GET' && path === '/v1/prices') {
      const q = parseForm(req.query);
      const keys = strings(q.lookup_keys);
      const active = str(q.active);
      return list(
        '/v1/prices',
        [...state.prices.values()].filter(
          (p) => (keys.length === 0 || keys.includes(p.lookup_key ?? '')) && (active === undefined || String(p.active) === active),
        ),
      );
    }
    if (method === 'POST' && path === '/v1/customers') {
      const customer = { id: newId('cus'), object: 'customer', created: deps.clock(), metadata: obj(form.metadata), livemode: false };
      state.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    const customerPath = /^\/v1\/customers\/(cus_[a-f0-9]+)$/.exec(path);
    if (customerPath && method === 'GET') {
      const customer = state.customers.get(customerPath[1]!);
      return customer ? { status: 200, body: customer } : deps.missing('customer', customerPath[1]!, 'id');
    }
    // Subscription mode only; everything else about Checkout Sessions is checkout.ts's.
    if (method === 'POST' && path === '/v1/checkout/sessions') return str(form.mode) === 'subscription' ? createSession(state, form) : null;
    const sessionPath = /^\/v1\/checkout\/sessions\/(cs_[A-Za-z0-9_]+)(\/expire)?$/.exec(path);
    const session = sessionPath ? state.sessions.get(sessionPath[1]!) : undefined;
    if (session && method === 'GET' && !sessionPath![2]) return { status: 200, body: shownSession(session) };
    if (session && method === 'POST' && sessionPath![2]) {
      if (session.status !== 'open')
        return deps.invalid(
          `Only Checkout Sessions with a status in ["open"] can be expired. This session has a status of "${session.status}".`,
          { executed: true },
        );
      Object.assign(session, { status: 'expired', url: null });
      deps.emit(platform, 'checkout.session.expired', shownSession(session));
      return { status: 200, body: shownSession(session) };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const customer = str(form.customer);
      if (!customer || !state.customers.has(customer)) return deps.missing('customer', customer ?? '', 'customer');
      const id = newId('bps');
      const session = {
        id,
        object: 'billing_portal.session',
        customer,
        return_url: str(form.return_url) ?? null,
        created: deps.clock(),
        url: `${deps.base()}/_standin/billing/portal/${id}`,
        livemode: false,
      };
      state.portalSessions.push(session);
      return { status: 200, body: session };
    }
    const subscriptionPath = /^\/v1\/subscriptions\/(sub_[a-f0-9]+)$/.exec(path);
    if (subscriptionPath && method === 'GET') {
      const subscription = state.subscriptions.get(subscriptionPath[1]!);
      return subscription ? { status: 200, body: subscription } : deps.missing('subscription', subscriptionPath[1]!, 'id');
    }
    if (subscriptionPath && method === 'DELETE') {
      const subscription = state.subscriptions.get(subscriptionPath[1]!);
      if (!subscription) return deps.missing('subscription', subscriptionPath[1]!, 'id');
      if (subscription.status === 'canceled')
        return deps.invalid('A canceled subscription can only update its cancellation_details and metadata.', { executed: true });
      const q = parseForm(req.query);
      cancelNow(platform, state, subscription, { prorate: str(q.prorate) === 'true', invoiceNow: str(q.invoice_now) === 'true' });
      return { status: 200, body: subscription };
    }
    return null;
  }

  function invoice(platform: P, state: BillingState, s: Subscription, paid: boolean): void {
    const item = s.items.data[0]!;
    const inv = {
      id: newId('in'),
      object: 'invoice',
      customer: s.customer,
      status: paid ? 'paid' : 'open',
      amount_due: item.price.unit_amount,
      amount_paid: paid ? item.price.unit_amount : 0,
      currency: 'usd',
      billing_reason: 'subscription_cycle',
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: s.id, metadata: s.metadata } },
      created: deps.clock(),
      livemode: false,
    };
    state.invoices.push(inv);
    deps.emit(platform, paid ? 'invoice.paid' : 'invoice.payment_failed', inv);
  }

  /** Cancels at once; `prorate` with `invoice_now` invoices the credit for a paid period's unused time onto the customer's balance. */
  function cancelNow(platform: P, state: BillingState, s: Subscription, options: { prorate: boolean; invoiceNow: boolean }): void {
    const now = deps.clock();
    const item = s.items.data[0]!;
    if (options.prorate && options.invoiceNow && s.status !== 'trialing' && item.current_period_end > now) {
      const unused = (item.current_period_end - now) / (item.current_period_end - item.current_period_start);
      const credit = -Math.round(item.price.unit_amount * unused);
      const customer = state.customers.get(s.customer)!;
      customer.balance = Number(customer.balance ?? 0) + credit;
      state.invoices.push({
        id: newId('in'),
        object: 'invoice',
        customer: s.customer,
        status: 'paid',
        total: credit,
        amount_due: 0,
        amount_paid: 0,
        currency: 'usd',
        billing_reason: 'subscription_cycle',
        period_start: item.current_period_start,
        period_end: now,
        parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: s.id, metadata: s.metadata } },
        created: now,
        livemode: false,
      });
    }
    s.status = 'canceled';
    s.canceled_at = now;
    deps.emit(platform, 'customer.subscription.deleted', s);
  }

  function startPeriod(s: Subscription, start: number): void {
    const item = s.items.data[0]!;
    item.current_period_start = start;
    item.current_period_end = monthAfter(start, Number(s.billing_cycle_anchor));
  }

  const controls: BillingControls = {
    addPrice(key, { lookupKey, unitAmount, active = true }) {
      const price: Price = {
        id: newId('price'),
        object: 'price',
        active,
        currency: 'usd',
        lookup_key: lookupKey,
        unit_amount: unitAmount,
        type: 'recurring',
        recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
        product: newId('prod'),
        created: deps.clock(),
        livemode: false,
      };
      stateOf(key).prices.set(price.id, price);
      return price.id;
    },
    customers: (key) => [...stateOf(key).customers.values()],
    subscriptions: (key) => [...stateOf(key).subscriptions.values()],
    portalSessions: (key) => stateOf(key).portalSessions,
    async completeCheckout(sessionId) {
      const { platform, state, found: session } = find((s) => s.sessions, sessionId);
      if (session.status !== 'open') throw new Error(`stand-in: checkout session ${sessionId} is ${session.status}`);
      const now = deps.clock();
      const s: Subscription = {
        id: newId('sub'),
        object: 'subscription',
        customer: session.customer,
        status: session.trialEnd !== null ? 'trialing' : 'active',
        trial_end: session.trialEnd,
        cancel_at_period_end: false,
        canceled_at: null,
        start_date: now,
        billing_cycle_anchor: session.trialEnd ?? now,
        metadata: session.subscriptionMetadata,
        items: {
          object: 'list',
          data: [
            {
              id: newId('si'),
              object: 'subscription_item',
              price: session.price,
              quantity: 1,
              current_period_start: 0,
              current_period_end: 0,
            },
          ],
        },
        livemode: false,
      };
      startPeriod(s, now);
      if (session.trialEnd !== null) s.items.data[0]!.current_period_end = session.trialEnd;
      state.subscriptions.set(s.id, s);
      Object.assign(session, { status: 'complete', subscription: s.id, url: null });
      deps.emit(platform, 'customer.subscription.created', s);
      if (s.status === 'active') invoice(platform, state, s, true);
      deps.emit(platform, 'checkout.session.completed', shownSession(session));
      return s;
    },
    async renew(subscriptionId, options = {}) {
      const { platform, state, found: s } = find((st) => st.subscriptions, subscriptionId);
      if (s.status === 'canceled') throw new Error(`stand-in: subscription ${subscriptionId} is canceled`);
      if (s.cancel_at_period_end) return controls.cancel(subscriptionId);
      startPeriod(s, s.items.data[0]!.current_period_end);
      s.status = options.declined ? 'past_due' : 'active';
      invoice(platform, state, s, !options.declined);
      deps.emit(platform, 'customer.subscription.updated', s);
    },
    async payPastDue(subscriptionId) {
      const { platform, state, found: s } = find((st) => st.subscriptions, subscriptionId);
      if (s.status !== 'past_due') throw new Error(`stand-in: subscription ${subscriptionId} is not past due`);
      s.status = 'active';
      invoice(platform, state, s, true);
      deps.emit(platform, 'customer.subscription.updated', s);
    },
    async changePlan(subscriptionId, lookupKey) {
      const { platform, state, found: s } = find((st) => st.subscriptions, subscriptionId);
      const price = [...state.prices.values()].find((p) => p.lookup_key === lookupKey && p.active);
      if (!price) throw new Error(`stand-in: no active price ${lookupKey}`);
      s.items.data[0]!.price = price;
      deps.emit(platform, 'customer.subscription.updated', s);
    },
    async cancel(subscriptionId, options = {}) {
      const { platform, state, found: s } = find((st) => st.subscriptions, subscriptionId);
      if (options.atPeriodEnd) {
        s.cancel_at_period_end = true;
        deps.emit(platform, 'customer.subscription.updated', s);
        return;
      }
      cancelNow(platform, state, s, { prorate: false, invoiceNow: false });
    },
    async trialWillEnd(subscriptionId) {
      const { platform, found: s } = find((st) => st.subscriptions, subscriptionId);
      if (s.status !== 'trialing') throw new Error(`stand-in: subscription ${subscriptionId} is not trialing`);
      deps.emit(platform, 'customer.subscription.trial_will_end', s);
    },
  };

  /** The pages Stripe's URLs open: Checkout completes and returns to success_url; the portal returns to return_url. */
  async function page(path: string, res: ServerResponse): Promise<void> {
    const [kind, id] = path.split('/');
    if (kind === 'checkout' && id) {
      const { found: session } = find((s) => s.sessions, id);
      const back = String(session.success_url ?? '/');
      if (session.status === 'expired') {
        res.writeHead(410, { 'content-type': 'text/plain' }).end('This Checkout Session has expired.');
        return;
      }
      if (session.status === 'open') await controls.completeCheckout(id);
      res.writeHead(303, { location: back }).end();
      return;
    }
    const portal = [...states.values()].flatMap((s) => s.portalSessions).find((p) => p.id === id);
    if (kind === 'portal' && portal) {
      res.writeHead(303, { location: String(portal.return_url ?? '/') }).end();
      return;
    }
    res.writeHead(404).end();
  }

  return { handle, controls, page };
}
