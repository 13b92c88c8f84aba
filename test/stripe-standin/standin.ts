/**
 * A stateful stand-in for the part of Stripe's API that VisitLedger's payouts use, served
 * over real HTTP so the real `stripe` SDK talks to it (STRIPE_API_BASE). It keeps, per
 * platform (one per API key: each org connects its own Stripe account):
 *
 * - connected accounts (v1, controller settings) whose `transfers` capability is inactive
 *   until onboarding completes; account links whose URL completes onboarding when opened;
 * - the platform's available balance, which transfers draw down (`balance_insufficient`),
 *   and transfers refused to an account without the active capability;
 * - idempotency per API key and key: the first result (success or an error raised while
 *   executing) is replayed with `Idempotent-Replayed: true`; the same key with other
 *   parameters is a 400 `idempotency_error`; a key still in flight is a 409;
 * - on each connected account, a balance that landed transfers fill and payouts sweep,
 *   payouts a test marks paid or failed (a failed payout's money returns to the balance);
 * - events (`account.updated`, `capability.updated`, `transfer.created`, `transfer.reversed`, `payout.*`),
 *   signed as Stripe signs them (`t=...,v1=HMAC-SHA256(secret, t.body)`) and posted to the
 *   platform's webhook endpoint; reversals that pull a transfer's money back (`transfer.reversed`);
 * - a log of every request with its body, and a hold on the next transfer request, before
 *   or after it is carried out, so fault tests can kill the client at either moment.
 * - Checkout Sessions in payment mode (checkout.ts) and Stripe Billing for the operator's own
 *   account: prices by lookup key, subscription-mode Checkout, the billing portal and
 *   subscriptions (billing.ts), each asked in turn for what it models.
 *
 * Errors have Stripe's shape: `{ error: { type, code, message, param } }`.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonical, parseForm, type FormObject } from './form.ts';
import { checkoutApi, type CheckoutControls } from './checkout.ts';
import { newId, obj, str, type Answer, type Json } from './kit.ts';
import { billingApi, type BillingControls } from './billing.ts';

export type LoggedRequest = {
  method: string;
  path: string;
  query: string;
  stripeAccount?: string;
  idempotencyKey?: string;
  body: string;
  form: FormObject;
};

type Txn = { id: string; type: 'payment' | 'payout' | 'payout_failure'; source: string; amount: number; created: number; payout?: string };
type Account = Json & {
  id: string;
  capabilities: { transfers: 'active' | 'inactive' | 'pending' };
  payouts_enabled: boolean;
  details_submitted: boolean;
};
type ConnectedState = { account: Account; available: number; txns: Txn[]; payouts: Map<string, Json> };
type Platform = {
  key: string;
  id: string;
  available: number;
  accounts: Map<string, ConnectedState>;
  transfers: Json[];
  /** Stripe's endpoints: a Connect one gets the connected accounts' events, an account one the platform's own. */
  webhooks: { url: string; secret: string; connect: boolean }[];
  idempotency: Map<string, { fingerprint: string; answer?: Answer }>;
};

export type HoldStage = 'before' | 'after';
export type Hold = {
  /** Resolves when a transfer request is held at the stage. */
  reached: Promise<void>;
  /** Lets the held request go on (a request held before whose client is gone is dropped: Stripe never got it). */
  release(): void;
};

export type StripeStandin = {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** A platform (an org's Stripe account) that this API key opens, with an available balance in cents. */
  addPlatform(key: string, balanceCents: number): void;
  setBalance(key: string, cents: number): void;
  /** Keeps the platform's state as it is now (accounts, balances, transfers, idempotency); calling the result puts it back, so a fault test can start each run from the same Stripe. */
  checkpoint(key: string): () => void;
  balanceOf(key: string): number;
  /** An endpoint for events on connected accounts (`connect`, the default) or on the platform's own account. */
  setWebhookEndpoint(key: string, url: string, secret: string, options?: { connect?: boolean }): void;
  /** The therapist finished Stripe's onboarding: transfers active, payouts enabled (emits account.updated). */
  completeOnboarding(accountId: string): Promise<void>;
  /** Stripe restricted the account; `silent`: the webhook is lost. */
  restrictAccount(accountId: string, options?: { silent?: boolean }): Promise<void>;
  markPayout(payoutId: string, status: 'paid' | 'failed', failureCode?: string): Promise<void>;
  /** A new payout of the account's whole available balance. */
  payOutAccount(accountId: string): Promise<Json | null>;
  transfers(key: string): Json[];
  accounts(key: string): Account[];
  payouts(accountId: string): Json[];
  holdNextTransfer(stage: HoldStage): Hold;
  /** Every webhook post so far has been answered. */
  flushWebhooks(): Promise<void>;
  deliveries: { eventId: string; type: string; status: number }[];
  /** Posts an event again, exactly as first sent (a replay). */
  redeliver(eventId: string): Promise<number>;
  /** Checkout Sessions on the platform (checkout.ts): what the customer and their bank do. */
  checkout: CheckoutControls;
  /** Stripe Billing on the platform (billing.ts): prices by lookup key, subscriptions and what their customers do. */
  billing: BillingControls;
  close(): Promise<void>;
};

const API_VERSION = '2026-10-28.endive';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const stripeError = (status: number, error: Json): Answer => ({ status, body: { error } });
const invalid = (message: string, extra: Json = {}) => stripeError(400, { type: 'invalid_request_error', message, ...extra });
const missing = (what: string, id: string, param: string) =>
  stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${id}'`, param });

export function signatureHeader(secret: string, payload: string, timestamp = nowSeconds()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/**
 * `clock`: Stripe's time in Unix seconds for the objects it makes (a transfer's `created` is the
 * day a payment counts for 1099-NEC), so a test can pin the tax year; signatures keep the real time,
 * which the service checks them against.
 */
export async function startStripeStandin(options: { clock?: () => number } = {}): Promise<StripeStandin> {
  const clock = options.clock ?? nowSeconds;
  const platforms = new Map<string, Platform>();
  const requests: LoggedRequest[] = [];
  const deliveries: StripeStandin['deliveries'] = [];
  const sentEvents = new Map<string, { platform: Platform; payload: string; hook?: { url: string; secret: string } }>();
  const inFlightDeliveries = new Set<Promise<unknown>>();
  const holds: { stage: HoldStage; reached: () => void; released: Promise<void>; release: () => void }[] = [];
  let base = '';
  const checkout = checkoutApi<Platform>({ clock, base: () => base, platformOf: (key) => platformOf(key), emit, invalid, missing });
  const billing = billingApi<Platform>({ clock, base: () => base, platformOf: (key) => platformOf(key), emit, invalid, missing });

  const connectedOf = (accountId: string) => {
    for (const p of platforms.values()) {
      const state = p.accounts.get(accountId);
      if (state) return { platform: p, state };
    }
    throw new Error(`stand-in: no connected account ${accountId}`);
  };

  function emit(platform: Platform, type: string, object: Json, account?: string): void {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: clock(),
      type,
      livemode: false,
      data: { object },
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      ...(account ? { account } : {}),
    };
    const payload = JSON.stringify(event);
    const hook = platform.webhooks.find((w) => w.connect === (account !== undefined));
    sentEvents.set(event.id, { platform, payload, ...(hook ? { hook } : {}) });
    if (hook) void deliver(hook, event.id, type, payload);
  }

  function deliver(hook: { url: string; secret: string }, eventId: string, type: string, payload: string): Promise<number> {
    const sent = fetch(hook.url, {
      method: 'POST',
      body: payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signatureHeader(hook.secret, payload),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    }).then(
      async (res) => {
        await res.arrayBuffer();
        deliveries.push({ eventId, type, status: res.status });
        return res.status;
      },
      () => {
        deliveries.push({ eventId, type, status: 0 });
        return 0;
      },
    );
    inFlightDeliveries.add(sent);
    void sent.finally(() => inFlightDeliveries.delete(sent));
    return sent;
  }

  function newAccount(params: FormObject): Account {
    const requested = str(obj(obj(params.capabilities).transfers).requested) === 'true';
    return {
      id: newId('acct'),
      object: 'account',
      type: 'express',
      country: str(params.country) ?? 'US',
      default_currency: 'usd',
      created: clock(),
      controller: { ...obj(params.controller), type: 'application', is_controller: true },
      capabilities: { transfers: requested ? 'inactive' : 'inactive' },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: {
        currently_due: ['external_account', 'individual.ssn_last_4', 'tos_acceptance.date'],
        eventually_due: [],
        past_due: [],
        disabled_reason: 'requirements.past_due',
      },
      metadata: obj(params.metadata),
      email: str(params.email) ?? null,
      livemode: false,
    };
  }

  function setReady(state: ConnectedState, ready: boolean): void {
    const a = state.account;
    a.capabilities = { transfers: ready ? 'active' : 'inactive' };
    a.payouts_enabled = ready;
    a.details_submitted = a.details_submitted || ready;
    a.requirements = ready
      ? { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null }
      : {
          currently_due: ['external_account'],
          eventually_due: [],
          past_due: ['external_account'],
          disabled_reason: 'requirements.past_due',
        };
  }

  function createPayout(platform: Platform, state: ConnectedState): Json | null {
    const txns = state.txns.filter((t) => t.payout === undefined && t.type !== 'payout');
    if (state.available <= 0 || txns.length === 0) return null;
    const payout: Json = {
      id: newId('po'),
      object: 'payout',
      amount: state.available,
      currency: 'usd',
      status: 'in_transit',
      created: clock(),
      arrival_date: clock() + 86_400,
      automatic: true,
      failure_code: null,
      failure_message: null,
      livemode: false,
    };
    for (const t of txns) t.payout = payout.id as string;
    state.txns.push({
      id: newId('txn'),
      type: 'payout',
      source: payout.id as string,
      amount: -state.available,
      created: clock(),
      payout: payout.id as string,
    });
    state.available = 0;
    state.payouts.set(payout.id as string, payout);
    emit(platform, 'payout.created', payout, state.account.id);
    return payout;
  }

  function createTransfer(platform: Platform, params: FormObject): Answer {
    const amount = Number(str(params.amount));
    const destination = str(params.destination);
    if (!Number.isInteger(amount) || amount <= 0)
      return invalid('Invalid positive integer', { param: 'amount', code: 'parameter_invalid_integer' });
    if (str(params.currency) !== 'usd') return invalid('Invalid currency', { param: 'currency', code: 'parameter_invalid_empty' });
    const state = destination ? platform.accounts.get(destination) : undefined;
    if (!state) return invalid(`No such destination: '${destination}'`, { param: 'destination', code: 'resource_missing', executed: true });
    if (state.account.capabilities.transfers !== 'active') {
      return invalid(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        { code: 'insufficient_capabilities_for_transfer', param: 'destination', executed: true },
      );
    }
    if (platform.available < amount) {
      return invalid(
        'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Top-ups.',
        { code: 'balance_insufficient', executed: true },
      );
    }
    platform.available -= amount;
    const destinationPayment = newId('py');
    const transfer: Json = {
      id: newId('tr'),
      object: 'transfer',
      amount,
      amount_reversed: 0,
      currency: 'usd',
      created: clock(),
      destination,
      destination_payment: destinationPayment,
      transfer_group: str(params.transfer_group) ?? null,
      metadata: obj(params.metadata),
      description: str(params.description) ?? null,
      reversed: false,
      reversals: { object: 'list', data: [], has_more: false },
      livemode: false,
    };
    platform.transfers.push(transfer);
    state.available += amount;
    state.txns.push({ id: newId('txn'), type: 'payment', source: destinationPayment, amount, created: clock() });
    emit(platform, 'transfer.created', transfer);
    createPayout(platform, state);
    return { status: 200, body: transfer };
  }

  /** A reversal pulls the money back from the connected account to the platform (it may leave the account negative). */
  function reverseTransfer(platform: Platform, transferId: string, params: FormObject): Answer {
    const t = platform.transfers.find((x) => x.id === transferId);
    if (!t) return missing('transfer', transferId, 'id');
    const remaining = (t.amount as number) - (t.amount_reversed as number);
    const amount = str(params.amount) === undefined ? remaining : Number(str(params.amount));
    if (!Number.isInteger(amount) || amount <= 0 || amount > remaining)
      return invalid('The reversal amount is more than what is left to reverse', { param: 'amount', code: 'parameter_invalid_integer' });
    const state = platform.accounts.get(t.destination as string)!;
    state.available -= amount;
    platform.available += amount;
    t.amount_reversed = (t.amount_reversed as number) + amount;
    t.reversed = t.amount_reversed === t.amount;
    const reversal = {
      id: newId('trr'),
      object: 'transfer_reversal',
      amount,
      currency: 'usd',
      transfer: t.id,
      created: clock(),
      metadata: obj(params.metadata),
    };
    (t.reversals as { data: Json[] }).data.push(reversal);
    emit(platform, 'transfer.reversed', t);
    return { status: 200, body: reversal };
  }

  const list = (url: string, data: Json[]): Answer => ({ status: 200, body: { object: 'list', data, has_more: false, url } });

  /** One API request, already authenticated to its platform. */
  async function handle(platform: Platform, req: LoggedRequest): Promise<Answer> {
    const q = new URLSearchParams(req.query);
    const on = req.stripeAccount ? platform.accounts.get(req.stripeAccount) : undefined;
    if (req.stripeAccount && !on) {
      return stripeError(403, {
        type: 'invalid_request_error',
        message: 'The provided key does not have access to account or that account does not exist.',
      });
    }
    const route = `${req.method} ${req.path.replace(/\/(acct|tr|po)_[a-f0-9]+$/, '/:id').replace(/\/tr_[a-f0-9]+\/reversals$/, '/:id/reversals')}`;
    const id = /[a-z]+_[a-f0-9]+$/.exec(req.path)?.[0] ?? '';
    switch (route) {
      case 'GET /v1/balance': {
        const available = on ? on.available : platform.available;
        return {
          status: 200,
          body: {
            object: 'balance',
            livemode: false,
            available: [{ amount: available, currency: 'usd', source_types: { card: available } }],
            pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
          },
        };
      }
      case 'POST /v1/accounts': {
        const state: ConnectedState = { account: newAccount(req.form), available: 0, txns: [], payouts: new Map() };
        platform.accounts.set(state.account.id, state);
        return { status: 200, body: state.account };
      }
      case 'GET /v1/accounts/:id': {
        const state = platform.accounts.get(id);
        return state ? { status: 200, body: state.account } : missing('account', id, 'account');
      }
      case 'POST /v1/account_links': {
        const account = str(req.form.account);
        if (!account || !platform.accounts.has(account))
          return invalid(`No such account: '${account}'`, { param: 'account', code: 'resource_missing' });
        if (str(req.form.type) !== 'account_onboarding' && str(req.form.type) !== 'account_update')
          return invalid('Invalid type', { param: 'type' });
        const refresh = str(req.form.refresh_url);
        const back = str(req.form.return_url);
        if (!refresh || !back)
          return invalid('Missing required param: refresh_url or return_url.', {
            param: refresh ? 'return_url' : 'refresh_url',
            code: 'parameter_missing',
          });
        const created = clock();
        const link = new URLSearchParams({ account, return_url: back });
        return {
          status: 200,
          body: { object: 'account_link', created, expires_at: created + 300, url: `${base}/_standin/onboarding?${link}` },
        };
      }
      case 'POST /v1/transfers':
        return createTransfer(platform, req.form);
      case 'GET /v1/transfers': {
        const group = q.get('transfer_group');
        const dest = q.get('destination');
        return list(
          '/v1/transfers',
          platform.transfers
            .filter((t) => (group === null || t.transfer_group === group) && (dest === null || t.destination === dest))
            .toReversed(),
        );
      }
      case 'POST /v1/transfers/:id/reversals':
        return reverseTransfer(platform, /tr_[a-f0-9]+/.exec(req.path)![0], req.form);
      case 'GET /v1/transfers/:id': {
        const t = platform.transfers.find((x) => x.id === id);
        return t ? { status: 200, body: t } : missing('transfer', id, 'id');
      }
      case 'GET /v1/payouts/:id': {
        const p = on?.payouts.get(id);
        return p ? { status: 200, body: p } : missing('payout', id, 'payout');
      }
      case 'GET /v1/balance_transactions': {
        if (!on) return list('/v1/balance_transactions', []);
        const payout = q.get('payout');
        const txns = on.txns.filter((t) => payout === null || t.payout === payout);
        return list(
          '/v1/balance_transactions',
          txns.map((t) => ({
            id: t.id,
            object: 'balance_transaction',
            amount: t.amount,
            currency: 'usd',
            type: t.type,
            source: t.source,
            created: t.created,
          })),
        );
      }
      default:
        return (
          // Billing answers subscription-mode Checkout Sessions and its own objects; payment mode is checkout.ts's.
          billing.handle(platform, req) ??
          checkout.handle(platform, req) ??
          stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.path}).` })
        );
    }
  }

  async function withIdempotency(
    platform: Platform,
    req: LoggedRequest,
    run: () => Promise<Answer>,
  ): Promise<Answer & { replayed?: boolean }> {
    const key = req.idempotencyKey;
    if (req.method !== 'POST' || !key) return run();
    const scope = `${req.stripeAccount ?? ''}|${key}`;
    const fingerprint = `${req.path} ${canonical(req.form)}`;
    const seen = platform.idempotency.get(scope);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return invalid(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          { type: 'idempotency_error' },
        );
      }
      if (!seen.answer)
        return stripeError(409, {
          type: 'idempotency_error',
          message: 'There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later.',
        });
      return { ...seen.answer, replayed: true };
    }
    const entry: { fingerprint: string; answer?: Answer } = { fingerprint };
    platform.idempotency.set(scope, entry);
    const answer = await run();
    const { executed, ...error } = (answer.body.error ?? {}) as Json;
    // Stripe keeps the result once the endpoint ran (success or an error it raised while
    // executing); a request refused by validation keeps nothing and the key stays free.
    if (answer.status === 200 || executed) entry.answer = answer.status === 200 ? answer : { status: answer.status, body: { error } };
    else platform.idempotency.delete(scope);
    return answer.status === 200 ? answer : { status: answer.status, body: { error } };
  }

  async function apiRequest(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      body,
      form: parseForm(body),
      ...(header('stripe-account') ? { stripeAccount: header('stripe-account')! } : {}),
      ...(header('idempotency-key') ? { idempotencyKey: header('idempotency-key')! } : {}),
    };
    requests.push(logged);
    const key = /^Bearer (.+)$/.exec(header('authorization') ?? '')?.[1];
    const platform = key ? platforms.get(key) : undefined;
    const send = (answer: Answer & { replayed?: boolean }) => {
      if (res.destroyed) return;
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': newId('req'),
        'stripe-version': API_VERSION,
        ...(answer.replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(JSON.stringify(answer.body));
    };
    if (!platform) {
      const shown = key ? `${key.slice(0, 8)}****${key.slice(-4)}` : '';
      return send(stripeError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${shown}` }));
    }
    const isTransfer = logged.method === 'POST' && logged.path === '/v1/transfers';
    const hold = isTransfer ? holds.shift() : undefined;
    if (hold?.stage === 'before') {
      hold.reached();
      await hold.released;
      // The client died while the request was held: Stripe never received it.
      if (res.destroyed || req.socket.destroyed) return;
    }
    const answer = await withIdempotency(platform, logged, () => handle(platform, logged));
    if (hold?.stage === 'after') {
      hold.reached();
      await hold.released;
    }
    send(answer);
  }

  /** The page an account link opens: onboarding done, back to the return URL. */
  async function onboardingPage(url: URL, res: ServerResponse): Promise<void> {
    const account = url.searchParams.get('account') ?? '';
    await standin.completeOnboarding(account);
    res.writeHead(302, { location: url.searchParams.get('return_url') ?? '/' });
    res.end();
  }

  /** Control endpoints, for tests that drive the stand-in over HTTP. */
  async function control(path: string, body: Json, res: ServerResponse): Promise<void> {
    const [, , what, id, action] = path.split('/');
    let result: unknown = { ok: true };
    if (what === 'accounts' && action === 'complete') await standin.completeOnboarding(id!);
    else if (what === 'accounts' && action === 'restrict') await standin.restrictAccount(id!, { silent: body.silent === true });
    else if (what === 'payouts' && (action === 'paid' || action === 'failed'))
      await standin.markPayout(id!, action, body.failure_code as string | undefined);
    else if (what === 'balance') standin.setBalance(String(body.key), Number(body.cents));
    else if (what === 'requests') result = requests;
    else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://standin');
      const work =
        url.pathname === '/_standin/onboarding'
          ? onboardingPage(url, res)
          : url.pathname.startsWith('/_standin/billing/')
            ? billing.page(url.pathname.slice('/_standin/billing/'.length), res)
            : url.pathname.startsWith('/_standin/checkout/')
              ? Promise.resolve(checkout.page(url.pathname.slice('/_standin/checkout/'.length), res))
              : url.pathname.startsWith('/_standin/')
                ? control(url.pathname, body ? (JSON.parse(body) as Json) : {}, res)
                : apiRequest(req, res, body);
      work.catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  const platformOf = (key: string) => {
    const p = platforms.get(key);
    if (!p) throw new Error('stand-in: unknown API key');
    return p;
  };

  const standin: StripeStandin = {
    url: base,
    port,
    requests,
    deliveries,
    checkout: checkout.controls,
    billing: billing.controls,
    addPlatform(key, balanceCents) {
      platforms.set(key, {
        key,
        id: newId('acct'),
        available: balanceCents,
        accounts: new Map(),
        transfers: [],
        idempotency: new Map(),
        webhooks: [],
      });
    },
    setBalance(key, cents) {
      platformOf(key).available = cents;
    },
    balanceOf: (key) => platformOf(key).available,
    setWebhookEndpoint(key, url, secret, options = {}) {
      const connect = options.connect ?? true;
      const p = platformOf(key);
      p.webhooks = [...p.webhooks.filter((w) => w.connect !== connect), { url, secret, connect }];
    },
    async completeOnboarding(accountId) {
      const { platform, state } = connectedOf(accountId);
      setReady(state, true);
      emit(platform, 'account.updated', state.account, accountId);
      emit(
        platform,
        'capability.updated',
        { id: 'transfers', object: 'capability', account: accountId, status: 'active', requested: true },
        accountId,
      );
    },
    async restrictAccount(accountId, options = {}) {
      const { platform, state } = connectedOf(accountId);
      setReady(state, false);
      if (!options.silent) emit(platform, 'account.updated', state.account, accountId);
    },
    async markPayout(payoutId, status, failureCode) {
      for (const platform of platforms.values()) {
        for (const state of platform.accounts.values()) {
          const payout = state.payouts.get(payoutId);
          if (!payout) continue;
          payout.status = status;
          if (status === 'failed') {
            payout.failure_code = failureCode ?? 'account_closed';
            payout.failure_message = 'The bank account has been closed.';
            state.available += payout.amount as number;
            state.txns.push({
              id: newId('txn'),
              type: 'payout_failure',
              source: payoutId,
              amount: payout.amount as number,
              created: clock(),
            });
          }
          emit(platform, `payout.${status}`, payout, state.account.id);
          return;
        }
      }
      throw new Error(`stand-in: no payout ${payoutId}`);
    },
    async payOutAccount(accountId) {
      const { platform, state } = connectedOf(accountId);
      return createPayout(platform, state);
    },
    transfers: (key) => platformOf(key).transfers,
    checkpoint(key) {
      const saved = structuredClone(platformOf(key));
      return () => {
        platforms.set(key, structuredClone(saved));
      };
    },
    accounts: (key) => [...platformOf(key).accounts.values()].map((s) => s.account),
    payouts: (accountId) => [...connectedOf(accountId).state.payouts.values()],
    holdNextTransfer(stage) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.push({ stage, reached, released, release });
      return { reached: reachedPromise, release };
    },
    async flushWebhooks() {
      while (inFlightDeliveries.size > 0) await Promise.all([...inFlightDeliveries]);
    },
    async redeliver(eventId) {
      const sent = sentEvents.get(eventId);
      if (!sent?.hook) throw new Error(`stand-in: no event ${eventId} was sent to an endpoint`);
      return deliver(sent.hook, eventId, 'replay', sent.payload);
    },
    async close() {
      for (const h of holds) h.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standin;
}
