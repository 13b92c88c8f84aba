/**
 * Stripe Checkout in the stand-in: what an agency paying an invoice online goes through, on
 * the org's own Stripe account (the platform; its events carry no `account` and go to the
 * platform's own endpoint).
 *
 * - `POST /v1/checkout/sessions` (mode `payment`, `line_items` with `price_data`,
 *   `allowed_payment_method_types` `us_bank_account` and `card` (the API version the
 *   service pins has no `payment_method_types` parameter: sent, it is refused as unknown), `metadata`, `payment_intent_data.metadata`,
 *   `client_reference_id`, `success_url`, `cancel_url`), `GET /v1/checkout/sessions/:id`,
 *   `POST /v1/checkout/sessions/:id/expire`, `GET /v1/payment_intents/:id`. Idempotency keys are
 *   the stand-in's own (standin.ts), as for every POST.
 * - A session is `open` with a `url` until the customer pays; its PaymentIntent is made then
 *   (as in API versions since 2022-08-01): a card payment succeeds at once
 *   (`checkout.session.completed` with `payment_status: paid`); a US bank account payment is
 *   `processing` (`payment_intent.processing`, then `checkout.session.completed` with
 *   `payment_status: unpaid`) until the test settles it (`checkout.session.async_payment_succeeded`)
 *   or fails it (`checkout.session.async_payment_failed`; the PaymentIntent goes back to
 *   `requires_payment_method`). A paid charge can be disputed (`charge.dispute.created`).
 *
 * Its state is kept by platform key, outside the platform record: `checkpoint` (standin.ts)
 * keeps and restores the payouts' state only.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FormObject } from './form.ts';
import { newId, obj, str, strings, type Answer, type Json, type StandinPartDeps } from './kit.ts';
/** The part of a logged request a handler reads. */
type ApiRequest = { method: string; path: string; form: FormObject };

export type CheckoutPaymentMethod = 'card' | 'us_bank_account';

type Session = Json & {
  id: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  payment_intent: string | null;
  url: string | null;
};
type PaymentIntent = Json & {
  id: string;
  status: 'processing' | 'succeeded' | 'requires_payment_method';
  amount: number;
  latest_charge: string | null;
};
type CheckoutState = { sessions: Map<string, Session>; intents: Map<string, PaymentIntent>; disputes: Json[] };

export type CheckoutControls = {
  /** Every session the platform made, oldest first. */
  sessions(key: string): Json[];
  /** The customer pays on Stripe's page: by card it succeeds at once; by US bank account it is processing. */
  pay(sessionId: string, method: CheckoutPaymentMethod): Promise<void>;
  /** The bank debit of a processing payment cleared. */
  settle(sessionId: string): Promise<void>;
  /** The bank debit of a processing payment failed (insufficient funds, account closed...). */
  fail(sessionId: string): Promise<void>;
  /** The payer's bank disputes the paid charge. */
  dispute(sessionId: string): Promise<Json>;
  /** Stripe expires an open session (24 hours after it was made). */
  expire(sessionId: string): Promise<void>;
};

/** Stripe's smallest charge in USD. */
const MINIMUM_CENTS = 50;
const SESSION_LIFETIME_S = 24 * 3600;

export function checkoutApi<P extends { key: string }>(deps: StandinPartDeps<P>) {
  const states = new Map<string, CheckoutState>();
  const stateOf = (key: string) => {
    let s = states.get(key);
    if (!s) states.set(key, (s = { sessions: new Map(), intents: new Map(), disputes: [] }));
    return s;
  };
  const sessionFor = (sessionId: string) => {
    for (const [key, state] of states) {
      const session = state.sessions.get(sessionId);
      if (session) return { platform: deps.platformOf(key), state, session };
    }
    throw new Error(`stand-in: no checkout session ${sessionId}`);
  };

  function createSession(state: CheckoutState, form: FormObject): Answer {
    if (str(form.mode) !== 'payment')
      return deps.invalid('The stand-in makes Checkout Sessions in `payment` mode only.', {
        param: 'mode',
        code: 'parameter_invalid_empty',
      });
    const items = Array.isArray(form.line_items) ? form.line_items.map(obj) : [];
    if (items.length === 0)
      return deps.invalid('You must provide at least one line item.', { param: 'line_items', code: 'parameter_missing' });
    const lines: Json[] = [];
    let total = 0;
    for (const [i, item] of items.entries()) {
      const price = obj(item.price_data);
      const amount = Number(str(price.unit_amount));
      const quantity = Number(str(item.quantity) ?? '1');
      const name = str(obj(price.product_data).name);
      if (str(price.currency) !== 'usd') return deps.invalid('Invalid currency', { param: `line_items[${i}][price_data][currency]` });
      if (!Number.isInteger(amount) || amount < 0)
        return deps.invalid('Invalid non-negative integer', {
          param: `line_items[${i}][price_data][unit_amount]`,
          code: 'parameter_invalid_integer',
        });
      if (!name) return deps.invalid('Missing required param: name.', { param: `line_items[${i}][price_data][product_data][name]` });
      if (!Number.isInteger(quantity) || quantity < 1) return deps.invalid('Invalid quantity', { param: `line_items[${i}][quantity]` });
      lines.push({ description: name, amount_total: amount * quantity, quantity, currency: 'usd' });
      total += amount * quantity;
    }
    if (total < MINIMUM_CENTS)
      return deps.invalid("The Checkout Session's total amount due must add up to at least $0.50 usd", { code: 'amount_too_small' });
    if (form.payment_method_types !== undefined)
      return deps.invalid('Received unknown parameter: payment_method_types', { param: 'payment_method_types', code: 'parameter_unknown' });
    const methods = strings(form.allowed_payment_method_types);
    const unknown = methods.find((m) => m !== 'card' && m !== 'us_bank_account');
    if (unknown)
      return deps.invalid(`Invalid allowed_payment_method_types[]: must be one of card, us_bank_account (stand-in), got ${unknown}`, {
        param: 'allowed_payment_method_types',
      });
    const created = deps.clock();
    const id = `cs_test_${randomBytes(24).toString('hex')}`;
    const session: Session = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: total,
      amount_total: total,
      currency: 'usd',
      allowed_payment_method_types: methods.length > 0 ? methods : null,
      payment_method_types: methods.length > 0 ? methods : ['card'],
      payment_intent: null,
      metadata: obj(form.metadata),
      client_reference_id: str(form.client_reference_id) ?? null,
      success_url: str(form.success_url) ?? null,
      cancel_url: str(form.cancel_url) ?? null,
      url: `${deps.base()}/_standin/checkout/${id}`,
      created,
      expires_at: created + SESSION_LIFETIME_S,
      customer: null,
      livemode: false,
      line_items_for_tests: lines,
      payment_intent_metadata_for_tests: obj(obj(form.payment_intent_data).metadata),
    };
    state.sessions.set(id, session);
    return { status: 200, body: shown(session) };
  }

  /** A session as Stripe answers it (the stand-in's own notes left out). */
  const shown = ({ line_items_for_tests: _l, payment_intent_metadata_for_tests: _m, ...session }: Session): Json => session;

  function handle(platform: P, req: ApiRequest): Answer | null {
    const state = stateOf(platform.key);
    const path = req.path;
    if (req.method === 'POST' && path === '/v1/checkout/sessions') return createSession(state, req.form);
    const sessionPath = /^\/v1\/checkout\/sessions\/(cs_[A-Za-z0-9_]+)(\/expire)?$/.exec(path);
    if (sessionPath) {
      const session = state.sessions.get(sessionPath[1]!);
      if (!session) return deps.missing('checkout.session', sessionPath[1]!, 'session');
      if (req.method === 'GET' && !sessionPath[2]) return { status: 200, body: shown(session) };
      if (req.method === 'POST' && sessionPath[2]) {
        if (session.status !== 'open')
          return deps.invalid(
            `Only Checkout Sessions with a status in ["open"] can be expired. This session has a status of "${session.status}".`,
            {
              executed: true,
            },
          );
        expireSession(platform, session);
        return { status: 200, body: shown(session) };
      }
    }
    const intentPath = /^\/v1\/payment_intents\/(pi_[a-f0-9]+)$/.exec(path);
    if (intentPath && req.method === 'GET') {
      const intent = state.intents.get(intentPath[1]!);
      return intent ? { status: 200, body: intent } : deps.missing('payment_intent', intentPath[1]!, 'intent');
    }
    return null;
  }

  function expireSession(platform: P, session: Session): void {
    session.status = 'expired';
    session.url = null;
    deps.emit(platform, 'checkout.session.expired', shown(session));
  }

  function chargeOf(intent: PaymentIntent, method: CheckoutPaymentMethod, status: 'pending' | 'succeeded' | 'failed'): Json {
    return {
      id: intent.latest_charge,
      object: 'charge',
      amount: intent.amount,
      currency: 'usd',
      payment_intent: intent.id,
      status,
      paid: status === 'succeeded',
      payment_method_details: { type: method },
      created: deps.clock(),
      livemode: false,
    };
  }

  const controls: CheckoutControls = {
    sessions: (key) => [...stateOf(key).sessions.values()].map((s) => ({ ...s })),
    async pay(sessionId, method) {
      const { platform, state, session } = sessionFor(sessionId);
      if (session.status !== 'open') throw new Error(`stand-in: session ${sessionId} is ${session.status}`);
      if (!(session.payment_method_types as string[]).includes(method))
        throw new Error(`stand-in: session ${sessionId} does not offer ${method}`);
      const intent: PaymentIntent = {
        id: newId('pi'),
        object: 'payment_intent',
        amount: session.amount_total,
        amount_received: method === 'card' ? session.amount_total : 0,
        currency: 'usd',
        status: method === 'card' ? 'succeeded' : 'processing',
        payment_method_types: [method],
        latest_charge: newId('ch'),
        last_payment_error: null,
        metadata: session.payment_intent_metadata_for_tests as Json,
        created: deps.clock(),
        livemode: false,
      };
      state.intents.set(intent.id, intent);
      session.status = 'complete';
      session.url = null;
      session.payment_intent = intent.id;
      if (method === 'card') {
        session.payment_status = 'paid';
        deps.emit(platform, 'charge.succeeded', chargeOf(intent, method, 'succeeded'));
        deps.emit(platform, 'payment_intent.succeeded', { ...intent });
      } else {
        deps.emit(platform, 'payment_intent.processing', { ...intent });
      }
      deps.emit(platform, 'checkout.session.completed', shown(session));
    },
    async settle(sessionId) {
      const { platform, state, session } = sessionFor(sessionId);
      const intent = state.intents.get(session.payment_intent ?? '');
      if (intent?.status !== 'processing') throw new Error(`stand-in: session ${sessionId} has no processing payment`);
      intent.status = 'succeeded';
      intent.amount_received = intent.amount;
      session.payment_status = 'paid';
      deps.emit(platform, 'charge.succeeded', chargeOf(intent, 'us_bank_account', 'succeeded'));
      deps.emit(platform, 'payment_intent.succeeded', { ...intent });
      deps.emit(platform, 'checkout.session.async_payment_succeeded', shown(session));
    },
    async fail(sessionId) {
      const { platform, state, session } = sessionFor(sessionId);
      const intent = state.intents.get(session.payment_intent ?? '');
      if (intent?.status !== 'processing') throw new Error(`stand-in: session ${sessionId} has no processing payment`);
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        type: 'card_error',
        code: 'payment_method_provider_decline',
        decline_code: 'insufficient_funds',
        message: "The customer's bank account has insufficient funds to cover this payment.",
      };
      deps.emit(platform, 'charge.failed', chargeOf(intent, 'us_bank_account', 'failed'));
      deps.emit(platform, 'payment_intent.payment_failed', { ...intent });
      deps.emit(platform, 'checkout.session.async_payment_failed', shown(session));
    },
    async dispute(sessionId) {
      const { platform, state, session } = sessionFor(sessionId);
      const intent = state.intents.get(session.payment_intent ?? '');
      if (intent?.status !== 'succeeded') throw new Error(`stand-in: session ${sessionId} has no paid charge to dispute`);
      const dispute: Json = {
        id: newId('dp'),
        object: 'dispute',
        amount: intent.amount,
        currency: 'usd',
        charge: intent.latest_charge,
        payment_intent: intent.id,
        reason: 'general',
        status: 'needs_response',
        created: deps.clock(),
        livemode: false,
      };
      state.disputes.push(dispute);
      deps.emit(platform, 'charge.dispute.created', dispute);
      return dispute;
    },
    async expire(sessionId) {
      const { platform, session } = sessionFor(sessionId);
      if (session.status === 'open') expireSession(platform, session);
    },
  };

  /** Stripe's hosted page, as far as a browser test needs it: what is being paid, and nothing to type. */
  function page(sessionId: string, res: ServerResponse): void {
    const found = [...states.values()].map((s) => s.sessions.get(sessionId)).find((s) => s !== undefined);
    if (found?.status !== 'open') {
      res
        .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>Expired</title><h1>This Checkout Session is no longer available</h1>');
      return;
    }
    const names = (found.line_items_for_tests as Json[]).map((l) => String(l.description).replace(/[<>&"]/g, '')).join(', ');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><title>Stripe Checkout (stand-in)</title><h1>Pay ${names}</h1><p>$${(found.amount_total / 100).toFixed(2)} USD</p>`,
      );
  }

  return { handle, controls, page };
}
