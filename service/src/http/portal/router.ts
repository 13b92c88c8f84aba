/**
 * The agency portal's pages at `/portal/:token/...`, outside the API: server-rendered HTML,
 * no script. Every answer carries no-store, a strict CSP, HSTS and no-referrer; every
 * request counts against its IP's per-minute allowance; a token that does not open a
 * portal (unknown, altered, expired, revoked) gets one and the same page. Log lines name
 * the route pattern, never the URL with its token.
 */
import { createHmac } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { createFailureLimiter } from '../../auth/failure-limiter.ts';
import type { DocumentRenderer } from '../../documents/renderer-port.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import { passcodeMatches } from '../../crypto/passcodes.ts';
import { constantTimeEqual } from '../../crypto/tokens.ts';
import type { DocumentStore, PortalStore, Store } from '../../store/port.ts';
import { agencyInvoice, agencyInvoicePdf, agencyInvoices, agencyStatement, portalActor } from '../../usecases/portal-agency.ts';
import { resolvePortalToken, type PortalAccess, type PortalContext } from '../../usecases/portal.ts';
import { isClientError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { requestState } from '../request-state.ts';
import { sendFile } from '../send-file.ts';
import { PORTAL_STYLE_HASH } from './html.ts';
import { errorPage, invalidLinkPage, invoiceListPage, invoicePage, notFoundPage, passcodePage, statementPage, tooManyRequestsPage } from './pages.ts';

export type PortalDeps = {
  store: Store;
  portal: PortalStore;
  documents: DocumentStore;
  renderer: DocumentRenderer;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  /** Portal requests one client IP may make per minute before it gets 429. */
  requestsPerMinute: number;
};

const CSP = `default-src 'none'; style-src ${PORTAL_STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
const PASS_COOKIE = 'portal_pass';
const PASS_MAX_AGE_S = 12 * 3600;

const portalHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

function sendPage(res: Response, status: number, markup: string): void {
  res.status(status).type('html').send(markup);
}

/** The cookie that says this browser gave the link's passcode: keyed by the passcode's hash, so a new passcode or link voids it. */
const passProof = (access: PortalAccess) => createHmac('sha256', access.link.passcodeHash!).update(`portal-pass:${access.link.id}`).digest('base64url');

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function hasPassed(req: Request, access: PortalAccess): boolean {
  if (!access.link.passcodeHash) return true;
  return constantTimeEqual(Buffer.from(cookieValue(req, PASS_COOKIE) ?? ''), Buffer.from(passProof(access)));
}

export function portalRouter(deps: PortalDeps): Router {
  const router = express.Router();
  // Counts every request, not only failures: the same bounded per-IP window as the API's.
  const limiter = createFailureLimiter({ maxFailures: deps.requestsPerMinute, windowMs: 60_000, now: () => deps.now().getTime() });
  const passcodeForm = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });

  router.use(portalHeaders);
  router.use((req, res, next) => {
    const client = req.ip ?? 'unknown';
    const wait = limiter.retryAfter(client);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendPage(res, 429, tooManyRequestsPage());
    }
    limiter.recordFailure(client);
    next();
  });

  const context = (access: PortalAccess): PortalContext & { documents: DocumentStore; renderer: DocumentRenderer } => ({
    store: deps.store, portal: deps.portal, documents: deps.documents, renderer: deps.renderer, cipher: deps.cipher,
    now: deps.now, newId: deps.newId, actor: portalActor(access),
  });

  type PageHandler = (req: Request, res: Response, access: PortalAccess, base: string) => Promise<void>;

  /** Resolves the token (one answer for every invalid one), asks for the passcode when the link has one, then runs `handle`. */
  const page = (pattern: string, handle: PageHandler, options: { passcodeForm?: boolean } = {}): RequestHandler => async (req, res) => {
    const state = requestState(res);
    state.route = `/portal/:token${pattern}`;
    const token = String(req.params.token);
    const access = await resolvePortalToken(deps.portal, token, deps.now());
    if (!access) return sendPage(res, 404, invalidLinkPage());
    state.orgId = access.orgId;
    state.actor = portalActor(access);
    const base = `/portal/${token}`;
    if (!options.passcodeForm && !hasPassed(req, access)) return sendPage(res, 401, passcodePage(base, false));
    await handle(req, res, access, base);
  };

  router.get('/:token', page('', async (_req, res, access, base) => {
    const data = await agencyInvoices(context(access), access);
    if (!data.ok) return sendPage(res, 404, invalidLinkPage());
    sendPage(res, 200, invoiceListPage(base, data.value));
  }));

  router.get('/:token/statement', page('/statement', async (_req, res, access, base) => {
    const data = await agencyStatement(context(access), access);
    if (!data.ok) return sendPage(res, 404, invalidLinkPage());
    sendPage(res, 200, statementPage(base, data.value));
  }));

  router.get('/:token/invoices/:invoiceId', page('/invoices/:invoiceId', async (req, res, access, base) => {
    const data = await agencyInvoice(context(access), access, String(req.params.invoiceId));
    if (!data.ok) return sendPage(res, 404, notFoundPage());
    sendPage(res, 200, invoicePage(base, data.value));
  }));

  router.get('/:token/invoices/:invoiceId/pdf', page('/invoices/:invoiceId/pdf', async (req, res, access) => {
    const pdf = await agencyInvoicePdf(context(access), access, String(req.params.invoiceId));
    if (!pdf.ok) return sendPage(res, 404, notFoundPage());
    sendFile(res, 'application/pdf', { fileName: pdf.value.fileName, bytes: pdf.value.bytes, sha256: pdf.value.sha256 });
  }));

  router.post('/:token/passcode', passcodeForm, page('/passcode', async (req, res, access, base) => {
    const given = typeof req.body?.passcode === 'string' ? req.body.passcode : '';
    if (!access.link.passcodeHash) return void res.redirect(303, base);
    if (given.length === 0 || given.length > 200 || !passcodeMatches(given, access.link.passcodeHash)) return sendPage(res, 401, passcodePage(base, true));
    res.cookie(PASS_COOKIE, passProof(access), { path: base, httpOnly: true, sameSite: 'strict', secure: req.secure, maxAge: PASS_MAX_AGE_S * 1000 });
    res.redirect(303, base);
  }, { passcodeForm: true }));

  router.use((_req, res) => {
    requestState(res).route ??= '/portal/(unmatched)';
    sendPage(res, 404, notFoundPage());
  });
  router.use(((error, _req, res, _next) => {
    // A token that cannot even be decoded opens nothing: the one page for every invalid link.
    if (error instanceof URIError && !res.headersSent) return sendPage(res, 404, invalidLinkPage());
    // A passcode form that cannot be read (too large, a compressed body that does not inflate): the client's, not a fault.
    if (isClientError(error) && !res.headersSent) return sendPage(res, 400, errorPage());
    requestState(res).error = error instanceof Error ? { type: error.name, message: error.message } : { type: typeof error };
    if (res.headersSent) return void res.end();
    sendPage(res, 500, errorPage());
  }) as express.ErrorRequestHandler);
  return router;
}
