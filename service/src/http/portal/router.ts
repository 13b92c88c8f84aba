/**
 * The agency portal's pages, outside the API: server-rendered HTML, no script. A link as
 * sent (`/portal/<token>`, or one of its pages under it) is exchanged for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over https, for `/portal` only) and answered with a
 * 303 to the same page without the token; every page after that (`/portal`,
 * `/portal/statement`, `/portal/invoices/:invoiceId[/pdf]`) is opened by the session alone,
 * so no later URL carries the token. Every answer carries no-store, a strict CSP, HSTS and
 * no-referrer; every request counts against its client's per-minute allowance; a token that
 * does not open a portal (unknown, altered, expired, revoked) gets one and the same page.
 * Log lines name the route pattern, never the URL with its token. An invoice with something
 * open can be paid online (`POST /portal/invoices/:invoiceId/pay`, a 303 to Stripe's page)
 * when the org offers it.
 */
import { payoutContextOf } from '../../usecases/payouts/context.ts';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { DocumentRenderer } from '../../documents/renderer-port.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { DocumentStore, PortalStore, Store } from '../../store/port.ts';
import type { PayoutStore } from '../../store/payouts-port.ts';
import type { EventVerifier, PayoutGatewayFactory } from '../../payouts/gateway-port.ts';
import { onlinePaymentState, startOnlinePayment } from '../../usecases/online-payments.ts';
import { agencyInvoice, agencyInvoicePdf, agencyInvoices, agencyStatement, portalActor } from '../../usecases/portal-agency.ts';
import { newPortalSession, resolvePortalSession, type PortalSession } from '../../usecases/portal-session.ts';
import { checkPortalPasscode, resolvePortalToken, type PortalAccess, type PortalContext } from '../../usecases/portal.ts';
import {
  exchangeToken,
  pageErrors,
  pagesRouter,
  seeOtherPage,
  sendPage,
  sendPdfOrNotFound,
  sessionPage,
  setSessionCookie,
  sessionPages,
} from '../page-kit.ts';
import type { Logger } from '../logger.ts';
import { requestState } from '../request-state.ts';
import { PORTAL_STYLE_HASH } from './html.ts';
import {
  errorPage,
  invalidLinkPage,
  invoiceListPage,
  cannotPayPage,
  invoicePage,
  lockedPage,
  notFoundPage,
  openingPage,
  passcodePage,
  redirectPage,
  sessionEndedPage,
  statementPage,
  tooManyRequestsPage,
} from './pages.ts';

export type PortalDeps = {
  store: Store;
  portal: PortalStore;
  documents: DocumentStore;
  renderer: DocumentRenderer;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  /** Portal requests one client (an address, an IPv6 /64) may make per minute before it gets 429. */
  requestsPerMinute: number;
  /** Paying online: the org's Stripe account, as the payouts use it; `portalBaseUrl` begins Stripe's return URLs. */
  payouts: PayoutStore;
  payoutGateways: PayoutGatewayFactory;
  verifyStripeEvent: EventVerifier;
  portalBaseUrl: string;
  /** Where Stripe's payment pages are: the pay form's redirect goes there (the CSP's form-action). */
  stripeCheckoutOrigin?: string;
};

/** Stripe Checkout's pages. */
export const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';

const CSP = `default-src 'none'; style-src ${PORTAL_STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
/** Where the pages live once the token is exchanged: the session cookie is sent nowhere else. */
const BASE = '/portal';
const SESSION_COOKIE = 'portal_session';
const seeOther = (res: Response, location: string) => seeOtherPage(res, location, redirectPage(location));

/** The pages reached with a token, and the same page without it: `:invoiceId` stays, encoded again. */
const TOKEN_PAGES = ['', '/statement', '/invoices/:invoiceId', '/invoices/:invoiceId/pdf'] as const;
const pageWithoutToken = (pattern: string, req: Request) =>
  `${BASE}${pattern.replace(':invoiceId', () => encodeURIComponent(String(req.params.invoiceId)))}`;

export function portalRouter(deps: PortalDeps): Router {
  const router = pagesRouter(CSP, { requestsPerMinute: deps.requestsPerMinute, now: deps.now, tooManyRequests: tooManyRequestsPage });
  const passcodeForm = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });
  // A browser checks a form's redirect against form-action too: the pay form's 303 goes to Stripe.
  const payPageCsp = CSP.replace("form-action 'self'", `form-action 'self' ${deps.stripeCheckoutOrigin ?? STRIPE_CHECKOUT_ORIGIN}`);

  const context = (access: PortalAccess): PortalContext & { documents: DocumentStore; renderer: DocumentRenderer } => ({
    store: deps.store,
    portal: deps.portal,
    documents: deps.documents,
    renderer: deps.renderer,
    cipher: deps.cipher,
    now: deps.now,
    newId: deps.newId,
    actor: portalActor(access),
  });

  const payoutContext = (access: PortalAccess) => payoutContextOf(context(access), deps, deps.portalBaseUrl);

  const setSession = (req: Request, res: Response, access: PortalAccess, passed: boolean) =>
    setSessionCookie(req, res, { name: SESSION_COOKIE, path: BASE }, newPortalSession(deps.cipher, access, deps.now(), passed), deps.now());

  const sessions = sessionPages<PortalSession>({
    base: BASE,
    cookie: SESSION_COOKIE,
    resolve: (sealed) => resolvePortalSession(deps, sealed, deps.now()),
    actorOf: portalActor,
    pages: { opening: openingPage, ended: sessionEndedPage, invalidLink: invalidLinkPage },
  });

  /** The link as sent: one answer for every invalid token; a valid one becomes a session (kept when this browser has one for the link) and a 303 to the page without it. */
  const exchange =
    (pattern: string): RequestHandler =>
    async (req, res) => {
      requestState(res).route = `/portal/:token${pattern}`;
      const access = await resolvePortalToken(deps.portal, String(req.params.token), deps.now());
      await exchangeToken(
        req,
        res,
        sessions,
        access,
        portalActor,
        (valid) => setSession(req, res, valid, false),
        () => seeOther(res, pattern === '/passcode' ? BASE : pageWithoutToken(pattern, req)),
      );
    };

  type PageHandler = (req: Request, res: Response, session: PortalSession) => Promise<void>;

  /** A page of the session's link: the passcode form first when the link has one this browser has not given. */
  const page = (pattern: string, handle: PageHandler, options: { passcodeForm?: boolean } = {}): RequestHandler =>
    sessionPage(sessions, pattern, handle, (session) => (!options.passcodeForm && !session.passed ? passcodePage(BASE, false) : undefined));

  router.get(
    '/',
    page('', async (_req, res, session) => {
      const data = await agencyInvoices(context(session), session);
      if (!data.ok) return sendPage(res, 404, invalidLinkPage());
      sendPage(res, 200, invoiceListPage(BASE, data.value));
    }),
  );

  router.get(
    '/statement',
    page('/statement', async (_req, res, session) => {
      const data = await agencyStatement(context(session), session);
      if (!data.ok) return sendPage(res, 404, invalidLinkPage());
      sendPage(res, 200, statementPage(BASE, data.value));
    }),
  );

  router.get(
    '/invoices/:invoiceId',
    page('/invoices/:invoiceId', async (req, res, session) => {
      const invoiceId = String(req.params.invoiceId);
      const data = await agencyInvoice(context(session), session, invoiceId);
      if (!data.ok) return sendPage(res, 404, notFoundPage());
      const payment = await onlinePaymentState(payoutContext(session), session, invoiceId);
      if (payment.kind === 'offered') res.setHeader('Content-Security-Policy', payPageCsp);
      const returned = req.query.payment === 'sent' || req.query.payment === 'canceled' ? req.query.payment : undefined;
      sendPage(res, 200, invoicePage(BASE, { ...data.value, payment, ...(returned ? { returned } : {}) }));
    }),
  );

  // Cross-site, the SameSite=Strict session cookie stays behind: a forged form opens no session and pays nothing.
  router.post(
    '/invoices/:invoiceId/pay',
    passcodeForm,
    page('/invoices/:invoiceId/pay', async (req, res, session) => {
      const invoiceId = String(req.params.invoiceId);
      const started = await startOnlinePayment(payoutContext(session), session, invoiceId);
      if (started.ok) return seeOther(res, started.value.url);
      const status = started.error.code === 'not-found' ? 404 : started.error.code === 'payment-provider' ? 502 : 409;
      if (status === 404) return sendPage(res, 404, notFoundPage());
      sendPage(res, status, cannotPayPage(BASE, invoiceId, started.error.message));
    }),
  );

  router.get(
    '/invoices/:invoiceId/pdf',
    page('/invoices/:invoiceId/pdf', async (req, res, session) => {
      const pdf = await agencyInvoicePdf(context(session), session, String(req.params.invoiceId));
      sendPdfOrNotFound(res, pdf, notFoundPage);
    }),
  );

  router.post(
    '/passcode',
    passcodeForm,
    page(
      '/passcode',
      async (req, res, session) => {
        if (session.passed) return seeOther(res, BASE);
        const given = typeof req.body?.passcode === 'string' ? req.body.passcode : '';
        const check = await checkPortalPasscode(context(session), session, given);
        if (check.kind === 'locked') {
          res.setHeader('Retry-After', String(check.retryAfterS));
          return sendPage(res, 429, lockedPage(check.retryAfterS));
        }
        if (check.kind === 'wrong') return sendPage(res, 401, passcodePage(BASE, true));
        setSession(req, res, session, true);
        seeOther(res, BASE);
      },
      { passcodeForm: true },
    ),
  );

  for (const pattern of TOKEN_PAGES) router.get(`/:token${pattern}`, exchange(pattern));
  // The passcode form of a page that still had the token in its URL: read (a form it cannot read is a 400), then the session's own form.
  router.post('/:token/passcode', passcodeForm, exchange('/passcode'));

  router.use((_req, res) => {
    requestState(res).route ??= '/portal/(unmatched)';
    sendPage(res, 404, notFoundPage());
  });
  // A token that cannot even be decoded opens nothing (the one page for every invalid link); a passcode form that cannot be read is the client's.
  router.use(pageErrors({ invalidLink: invalidLinkPage, error: errorPage }));
  return router;
}
