/**
 * The HTTP API: Express 5 over the use cases. Each route runs: request id and log line,
 * security headers, then its own chain: who may call it (before anything of the body is
 * read), the body parser with the route's size limit, the schemas of its path, query and
 * body, and its handler. Failures become `{ error: { code, message, details } }`.
 */
import { payoutContextOf } from '../usecases/payouts/context.ts';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import * as z from 'zod';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { trustedProxies } from '../auth/client-address.ts';
import { createFailureLimiter, type FailureLimiter } from '../auth/failure-limiter.ts';
import type { IdTokenVerifier } from '../auth/google-id-token.ts';
import type { GoogleCodeFlow } from '../auth/google-code-flow.ts';
import { createAuthenticator } from '../auth/principal.ts';
import type { DocumentRenderer } from '../documents/renderer-port.ts';
import type { DocumentStore, IdentityStore, PortalStore, Store } from '../store/port.ts';
import type { PayoutStore } from '../store/payouts-port.ts';
import type { EventVerifier, PayoutGatewayFactory } from '../payouts/gateway-port.ts';
import type { BillingGateway } from '../payouts/billing-port.ts';
import { audit, type UseCaseContext } from '../usecases/context.ts';
import { authorize, callerOf, type AuthorizeDeps } from './authenticate.ts';
import { backgroundWork, type BackgroundWork } from './background.ts';
import { errorHandler, routeNotFound, sendError, sendFailure } from './errors.ts';
import { legalPagesRouter } from './legal-pages.ts';
import { billingReturnRouter } from './billing-return.ts';
import { demoRouter } from './demo/router.ts';
import { requestLogging, type Logger } from './logger.ts';
import { buildOpenApi, type OpenApiDocument } from './openapi.ts';
import { requestState } from './request-state.ts';
import { isReplay, type BrowserAnswer, type DownloadFile, type Route, type RouteSpec } from './route.ts';
import { sendFile } from './send-file.ts';
import { portalRouter } from './portal/router.ts';
import { therapistRouter } from './therapist/router.ts';
import { apiRoutes } from './routes/index.ts';
import { metaRoutes } from './routes/meta.ts';

export type AppLimits = {
  bodyBytes: number;
  batchBodyBytes: number;
  authFailuresPerMinute: number;
  trustProxyHops: number;
  portalRequestsPerMinute: number;
  /** Calls of the `expensive` routes (the exports) each org may make a minute; EXPORTS_PER_MINUTE unless said. */
  exportsPerMinute?: number;
};

export const EXPORTS_PER_MINUTE = 10;

export type AppDeps = {
  store: Store;
  identity: IdentityStore;
  /** Issued documents (PDFs) and what renders them. */
  documents: DocumentStore;
  renderer: DocumentRenderer;
  /** Agency portal links; `portalBaseUrl` begins the URLs they print (`<base>/portal/<token>`). */
  portal: PortalStore;
  portalBaseUrl: string;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  verifyIdToken: IdTokenVerifier;
  /** Google sign-in (the code flow) for the therapists' own pages. */
  therapistSignIn: GoogleCodeFlow;
  limits: AppLimits;
  /** Stripe payouts: what they store, the gateway on each org's key, and the webhook signature check. */
  payouts: PayoutStore;
  payoutGateways: PayoutGatewayFactory;
  verifyStripeEvent: EventVerifier;
  /** Where Stripe's payment pages are (stripeCheckoutOrigin): the portal's pay form redirects there. */
  stripeCheckoutOrigin?: string;
  /** The operator's own Stripe account, which bills the orgs for VisitLedger; unset, plans are not enforced. */
  billing?: BillingGateway;
  /** `/demo`, the read-only tour (npm start, or VISITLEDGER_PUBLIC_DEMO=1): the org it shows, seeded by the time it answers. */
  publicDemo?: { orgId(): Promise<string> };
  /** The Google Cloud project request trace ids belong to (Cloud Logging); unset, log lines carry no trace. */
  traceProject?: string;
  /** Who runs this deployment and how to reach them, as /privacy and /terms name it. */
  operatorContact?: string;
};

/** How long /readyz waits for the store before it answers 503. */
export const READINESS_TIMEOUT_MS = 3_000;

export type Api = { app: Express; routes: Route[]; openapi: OpenApiDocument; background: BackgroundWork };

export function createApp(deps: AppDeps): Api {
  const app = express();
  // Proxies are trusted only from a proxy's address, so a client that bypasses them cannot choose its own by X-Forwarded-For.
  app.set('trust proxy', trustedProxies(deps.limits.trustProxyHops));
  app.set('query parser', 'simple'); // flat strings: no nested objects from a[b]=c
  app.use(requestLogging(deps.logger, deps.traceProject));
  app.use(helmet());
  app.use(noStore);

  const authDeps = {
    authenticate: createAuthenticator({ identity: deps.identity, verifyIdToken: deps.verifyIdToken }),
    identity: deps.identity,
    limiter: createFailureLimiter({ maxFailures: deps.limits.authFailuresPerMinute, windowMs: 60_000, now: () => deps.now().getTime() }),
    now: deps.now,
    audit: (orgId, actor, entry) =>
      audit({ store: deps.store, cipher: deps.cipher, now: deps.now, newId: deps.newId, actor }, orgId, [entry]),
  } satisfies AuthorizeDeps;
  const jsonBody = {
    default: express.json({ limit: deps.limits.bodyBytes, type: 'application/json' }),
    batch: express.json({ limit: deps.limits.batchBodyBytes, type: 'application/json' }),
  };

  const background = backgroundWork((what, error) =>
    deps.logger.error(
      { err: error instanceof Error ? { type: error.name, message: error.message, stack: error.stack } : { type: typeof error } },
      what,
    ),
  );

  let openapi: OpenApiDocument | undefined;
  const routes: Route[] = [...metaRoutes(() => openapi!), ...apiRoutes];
  openapi = buildOpenApi(
    routes.map((r) => r.spec),
    deps.portalBaseUrl,
  );

  // The same counting window as failed sign-ins, here counting an org's exports.
  const exports = createFailureLimiter({
    maxFailures: deps.limits.exportsPerMinute ?? EXPORTS_PER_MINUTE,
    windowMs: 60_000,
    now: () => deps.now().getTime(),
  });
  for (const r of routes) {
    const chain: RequestHandler[] = [noteRoute(r.spec), authorize(r.spec.access, authDeps)];
    if (r.spec.expensive) chain.push(limitPerOrg(exports));
    if (r.spec.body) chain.push(requireJson, jsonBody[r.spec.bodyLimit ?? 'default']);
    // Raw bytes, before any JSON parser could touch them: a signature is over exactly these.
    if (r.spec.rawBodyLimit) chain.push(express.raw({ type: () => true, limit: r.spec.rawBodyLimit }));
    chain.push(runHandler(r, deps, background));
    app[r.spec.method](r.spec.path, ...chain);
  }
  // The agency portal's pages: HTML, outside /v1 and its route list, with headers of their own.
  app.use('/portal', portalRouter({ ...deps, requestsPerMinute: deps.limits.portalRequestsPerMinute }));
  app.use(
    '/therapist',
    therapistRouter({
      ...deps,
      therapists: deps.portal,
      signIn: deps.therapistSignIn,
      baseUrl: deps.portalBaseUrl,
      requestsPerMinute: deps.limits.portalRequestsPerMinute,
    }),
  );
  // Operations and the Marketplace's pages: outside the API's route list, like the portal.
  app.use(express.Router().get('/readyz', readiness(deps.store)));
  app.use(billingReturnRouter());
  if (deps.publicDemo)
    app.use(
      '/demo',
      demoRouter({
        ...deps,
        orgId: deps.publicDemo.orgId,
        plansEnforced: deps.billing !== undefined,
        requestsPerMinute: deps.limits.portalRequestsPerMinute,
      }),
    );
  app.use(legalPagesRouter({ contact: deps.operatorContact ?? 'the contact address on the Google Workspace Marketplace listing' }));
  app.use(routeNotFound);
  app.use(errorHandler);
  return { app, routes, openapi, background };
}

/** A page a person opens: a redirect (303, so the browser GETs it) or one line of plain text. */
function sendBrowserAnswer(res: Response, answer: BrowserAnswer): void {
  res.setHeader('Referrer-Policy', 'no-referrer');
  if ('redirect' in answer) res.redirect(303, answer.redirect);
  else res.status(200).type('text/plain; charset=utf-8').send(answer.text);
}

/**
 * Ready: the store answers a cheap read (one org document that need not exist) within
 * READINESS_TIMEOUT_MS. /healthz says only that the process is up; a probe that restarts or
 * routes on readiness must ask this one.
 */
function readiness(store: Store): RequestHandler {
  return async (_req, res) => {
    requestState(res).route = '/readyz';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
    });
    try {
      await Promise.race([store.getOrg('readiness-probe'), timeout]);
      res.json({ status: 'ready' });
    } catch (error) {
      requestState(res).error = error;
      res.status(503).json({ error: { code: 'store-unavailable', message: 'the store does not answer' } });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** API answers hold PHI: no cache, shared or private, keeps them. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * After authorize, so that only the org's own members spend its allowance. In memory, per
 * process: behind several instances each keeps its own count, which still bounds the load.
 */
function limitPerOrg(limiter: FailureLimiter): RequestHandler {
  return (req, res, next) => {
    const orgId = String(req.params.orgId);
    const wait = limiter.retryAfter(orgId);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendError(res, 'too-many-requests', `this org has asked for exports too often; try again in ${wait} s`);
    }
    limiter.recordFailure(orgId);
    next();
  };
}

function noteRoute(spec: RouteSpec): RequestHandler {
  return (req, res, next) => {
    const state = requestState(res);
    state.route = spec.path;
    if (typeof req.params.orgId === 'string') state.orgId = req.params.orgId;
    next();
  };
}

/**
 * A body that is there must be JSON; a missing one is left to the body schema to name. An empty
 * body is a missing one: a client posting nothing still sends `Content-Length: 0`, which
 * type-is counts as a body.
 */
const requireJson: RequestHandler = (req, res, next) => {
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  if (!empty && req.is('application/json') === false)
    return sendError(res, 'unsupported-media-type', 'send the body as JSON (Content-Type: application/json)');
  next();
};

type Issue = { path: string; message: string };

function parsePart(schema: z.core.$ZodType | undefined, value: unknown, where: string, issues: Issue[]): unknown {
  if (!schema) return undefined;
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) issues.push({ path: [where, ...i.path.map(String)].join('.'), message: i.message });
  return undefined;
}

function runHandler(r: Route, deps: AppDeps, background: BackgroundWork): RequestHandler {
  return async (req: Request, res) => {
    const issues: Issue[] = [];
    const params = parsePart(r.spec.params, req.params, 'path', issues);
    const query = parsePart(r.spec.query, req.query, 'query', issues);
    const body = parsePart(r.spec.body, req.body, 'body', issues);
    if (issues.length > 0) return sendError(res, 'invalid-input', `${issues[0]!.path}: ${issues[0]!.message}`, issues);

    const { principal } = callerOf(res);
    const ctx: UseCaseContext = {
      store: deps.store,
      cipher: deps.cipher,
      now: deps.now,
      newId: deps.newId,
      actor: requestState(res).actor ?? 'anonymous',
      plansEnforced: deps.billing !== undefined,
    };
    const documents = { ...ctx, documents: deps.documents, renderer: deps.renderer };
    const payouts = payoutContextOf(ctx, deps, deps.portalBaseUrl);
    const subscriptions = { ...ctx, billing: deps.billing ?? null, publicBaseUrl: payouts.publicBaseUrl };
    const rawBody = r.spec.rawBodyLimit && Buffer.isBuffer(req.body) ? req.body : undefined;
    const result = await r.handle({
      params,
      query,
      body,
      ctx,
      documents,
      principal,
      identity: { identity: deps.identity, now: deps.now, audit: (orgId, entry) => audit(ctx, orgId, [entry]) },
      portal: { store: deps.portal, baseUrl: deps.portalBaseUrl },
      background,
      payouts,
      subscriptions,
      rawBody,
      header: (name) => req.get(name),
    });
    if (!result.ok) return sendFailure(res, result.error);
    if (r.spec.browser) return sendBrowserAnswer(res, result.value as BrowserAnswer);
    if (r.spec.file) return sendFile(res, r.spec.file, result.value as DownloadFile);
    if (r.spec.status === 204) res.status(204).end();
    else res.status(isReplay(result.value) ? 200 : (r.spec.status ?? 200)).json(result.value);
  };
}
