/**
 * The therapists' own pages, outside the API: server-rendered HTML, no script. A link as sent
 * (`/therapist/<token>`) is exchanged for a session cookie (HttpOnly, SameSite=Strict, for
 * `/therapist` only) and a 303 to `/therapist`; the session then needs a Google sign-in by the
 * therapist's account (the code flow: `/therapist/sign-in` sends the browser to Google with
 * state and a PKCE challenge kept sealed in a cookie for `/therapist/callback` alone, SameSite=Lax
 * so that it comes back with Google's redirect). Only a signed-in session opens the pages.
 * Every answer carries no-store, a strict CSP, HSTS and no-referrer; every request counts
 * against its client's per-minute allowance; log lines name the route pattern, never the token.
 */
import { payoutContextOf } from '../../usecases/payouts/context.ts';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { GoogleCodeFlow } from '../../auth/google-code-flow.ts';
import { newToken, constantTimeEqual } from '../../crypto/tokens.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { DocumentRenderer } from '../../documents/renderer-port.ts';
import type { EventVerifier, PayoutGatewayFactory } from '../../payouts/gateway-port.ts';
import type { DocumentStore, Store } from '../../store/port.ts';
import type { PayoutStore } from '../../store/payouts-port.ts';
import type { TherapistPortalStore } from '../../store/therapist-port.ts';
import { resolveTherapistToken, type TherapistAccess } from '../../usecases/therapist-links.ts';
import {
  giveConsent,
  therapistCopies,
  therapistCopyPdf,
  therapistHome,
  therapistOnboarding,
  therapistPay,
  therapistStatementPdf,
  withdrawConsent,
} from '../../usecases/therapist-portal.ts';
import {
  checkSignIn,
  newTherapistSession,
  openSignIn,
  resolveTherapistSession,
  sealSignIn,
  SIGN_IN_MS,
  therapistActor,
  type TherapistSession,
} from '../../usecases/therapist-session.ts';
import { signW9 } from '../../usecases/therapist-w9.ts';
import {
  cookieValue,
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
import {
  documentsPage,
  errorPage,
  homePage,
  invalidLinkPage,
  notFoundPage,
  openingPage,
  payPage,
  redirectPage,
  sessionEndedPage,
  signInPage,
  THERAPIST_STYLE_HASH,
  tooManyRequestsPage,
  w9Page,
  type W9FormValues,
} from './pages.ts';

export type TherapistPagesDeps = {
  store: Store;
  therapists: TherapistPortalStore;
  documents: DocumentStore;
  renderer: DocumentRenderer;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  signIn: GoogleCodeFlow;
  /** Where the service is reached from outside: Google sends the browser back to `<base>/therapist/callback`. */
  baseUrl: string;
  payouts: PayoutStore;
  payoutGateways: PayoutGatewayFactory;
  verifyStripeEvent: EventVerifier;
  requestsPerMinute: number;
};

/** `signInOrigin`: the sign-in form posts here and is redirected to Google, which form-action must allow (browsers check a form's redirects too). */
const cspOf = (signInOrigin: string) =>
  `default-src 'none'; style-src ${THERAPIST_STYLE_HASH}; form-action 'self' ${signInOrigin}; frame-ancestors 'none'; base-uri 'none'`;
const BASE = '/therapist';
const SESSION_COOKIE = 'therapist_session';
const SIGN_IN_COOKIE = 'therapist_sign_in';
const CALLBACK = `${BASE}/callback`;
const seeOther = (res: Response, location: string) => seeOtherPage(res, location, redirectPage(location));

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function therapistRouter(deps: TherapistPagesDeps): Router {
  const router = pagesRouter(cspOf(deps.signIn.authorizationOrigin), {
    requestsPerMinute: deps.requestsPerMinute,
    now: deps.now,
    tooManyRequests: tooManyRequestsPage,
  });
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 30 });
  const redirectUri = `${deps.baseUrl.replace(/\/+$/, '')}${CALLBACK}`;

  const context = (access: TherapistAccess) => ({
    store: deps.store,
    therapists: deps.therapists,
    documents: deps.documents,
    renderer: deps.renderer,
    cipher: deps.cipher,
    now: deps.now,
    newId: deps.newId,
    actor: therapistActor(access),
  });
  const payoutContext = (access: TherapistAccess) => payoutContextOf(context(access), deps, deps.baseUrl);

  const setSession = (req: Request, res: Response, access: TherapistAccess, signedIn: TherapistSession['therapist'] | null) =>
    setSessionCookie(
      req,
      res,
      { name: SESSION_COOKIE, path: BASE },
      newTherapistSession(deps.cipher, access, deps.now(), signedIn),
      deps.now(),
    );
  const sessions = sessionPages<TherapistSession>({
    base: BASE,
    cookie: SESSION_COOKIE,
    resolve: (sealed) => resolveTherapistSession(deps, sealed, deps.now()),
    actorOf: therapistActor,
    pages: { opening: openingPage, ended: sessionEndedPage, invalidLink: invalidLinkPage },
  });

  type PageHandler = (req: Request, res: Response, session: TherapistSession) => Promise<void>;

  /** A page of a signed-in session; a session not signed in yet gets the sign-in page. */
  const page = (pattern: string, handle: PageHandler, options: { signedOut?: boolean } = {}): RequestHandler =>
    sessionPage(sessions, pattern, handle, (session) =>
      !session.signedIn && !options.signedOut ? signInPage(deps.signIn.enabled ? undefined : 'off') : undefined,
    );

  const home = async (session: TherapistSession, what: string) => {
    const data = await therapistHome(context(session), session, what);
    if (!data.ok) throw new Error(data.error.message);
    return data.value;
  };

  router.get(
    '/',
    page('', async (req, res, session) => {
      const notices: Record<string, string> = { w9: 'Thank you: your W-9 is on file.' };
      sendPage(res, 200, homePage(await home(session, 'home page'), notices[String(req.query.done)]));
    }),
  );

  router.post(
    '/sign-in',
    page(
      '/sign-in',
      async (req, res, session) => {
        if (!deps.signIn.enabled) return sendPage(res, 503, signInPage('off'));
        const state = newToken();
        const started = await deps.signIn.start({
          state,
          redirectUri,
          ...(session.therapist.email ? { loginHint: session.therapist.email } : {}),
        });
        const sealed = sealSignIn(deps.cipher, {
          orgId: session.orgId,
          linkId: session.link.id,
          state,
          verifier: started.verifier,
          nonce: started.nonce,
          startedMs: deps.now().getTime(),
        });
        // Lax: it must come back with Google's cross-site redirect to the callback, and it is sent nowhere else.
        res.cookie(SIGN_IN_COOKIE, sealed, { path: CALLBACK, httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: SIGN_IN_MS });
        seeOther(res, started.url);
      },
      { signedOut: true },
    ),
  );

  router.get('/callback', async (req, res) => {
    requestState(res).route = CALLBACK;
    res.clearCookie(SIGN_IN_COOKIE, { path: CALLBACK });
    const pending = openSignIn(deps.cipher, cookieValue(req, SIGN_IN_COOKIE), deps.now());
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!pending || !constantTimeEqual(Buffer.from(state), Buffer.from(pending.state)) || code === '' || code.length > 2000) {
      return sendPage(res, 400, signInPage('refused'));
    }
    const link = await deps.therapists.getTherapistLink(pending.orgId, pending.linkId);
    const therapist = link && (await deps.store.listTherapists(pending.orgId)).find((t) => t.id === link.therapistId);
    if (!link || !therapist || link.revokedAt || Date.parse(link.expiresAt) <= deps.now().getTime())
      return sendPage(res, 401, sessionEndedPage());
    const session: TherapistSession = { orgId: pending.orgId, link, therapist, signedIn: false };
    requestState(res).orgId = session.orgId;
    requestState(res).actor = therapistActor(session);
    const outcome = await deps.signIn.finish({ code, verifier: pending.verifier, nonce: pending.nonce, redirectUri });
    const checked = await checkSignIn(context(session), session, outcome);
    if (checked.kind !== 'signed-in') return sendPage(res, checked.kind === 'unavailable' ? 503 : 403, signInPage(checked.kind));
    setSession(req, res, session, therapist);
    // A page of its own that loads the home page: the redirect chain began at Google, so a 303 would arrive without the Strict cookie.
    sendPage(res, 200, openingPage(BASE));
  });

  router.get(
    '/w9',
    page('/w9', async (_req, res, session) => {
      const data = await home(session, 'W-9 form');
      const w9 = session.therapist.w9;
      const values: W9FormValues = w9
        ? {
            legalName: w9.legalName,
            businessName: w9.businessName ?? '',
            classification: w9.taxClassification,
            address1: w9.address.line1,
            address2: w9.address.line2 ?? '',
            city: w9.address.city,
            state: w9.address.state,
            zip: w9.address.zip,
            tinType: w9.tin.type,
          }
        : { legalName: session.therapist.name };
      sendPage(res, 200, w9Page(data, values));
    }),
  );

  router.post(
    '/w9',
    form,
    page('/w9', async (req, res, session) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const signed = await signW9(context(session), session, body, { address: clientAddress(req) });
      if (signed.ok) return seeOther(res, `${BASE}?done=w9`);
      if (signed.error.code !== 'invalid-input') return sendPage(res, 409, errorPage(signed.error.message));
      // The form again with what was typed, but never the TIN: it is typed again.
      const { tin: _tin, ...typed } = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<
        string,
        string
      >;
      sendPage(
        res,
        400,
        w9Page(await home(session, 'W-9 form, refused'), typed, (signed.error.details ?? []) as { path: string; message: string }[]),
      );
    }),
  );

  router.get(
    '/pay',
    page('/pay', async (req, res, session) => {
      const pay = await therapistPay(context(session), session);
      if (!pay.ok) return sendPage(res, 404, notFoundPage());
      const notes: Record<string, string> = {
        ready: 'Your Stripe account is set up: nothing more to do.',
        off: 'Your agency has not connected Stripe yet: ask them how you are paid.',
      };
      sendPage(res, 200, payPage(await home(session, 'pay page'), pay.value, notes[String(req.query.stripe)]));
    }),
  );

  router.get(
    '/pay/:payRunId/pdf',
    page('/pay/:payRunId/pdf', async (req, res, session) => {
      const pdf = await therapistStatementPdf(context(session), session, String(req.params.payRunId));
      sendPdfOrNotFound(res, pdf, notFoundPage);
    }),
  );

  router.post(
    '/stripe',
    page('/stripe', async (_req, res, session) => {
      const next = await therapistOnboarding(payoutContext(session), session);
      if (!next.ok) return seeOther(res, `${BASE}/pay?stripe=off`);
      seeOther(res, next.value ?? `${BASE}/pay?stripe=ready`);
    }),
  );

  router.get(
    '/documents',
    page('/documents', async (req, res, session) => {
      const copies = await therapistCopies(context(session), session);
      if (!copies.ok) return sendPage(res, 404, notFoundPage());
      const notes: Record<string, string> = {
        consent: 'Thank you: your 1099-NEC will come electronically, here.',
        withdrawn: 'Your consent is withdrawn: your 1099-NEC will come on paper.',
      };
      sendPage(
        res,
        200,
        documentsPage(await home(session, `1099-NEC page, ${copies.value.length} copies`), copies.value, notes[String(req.query.done)]),
      );
    }),
  );

  router.get(
    '/documents/:copyId/pdf',
    page('/documents/:copyId/pdf', async (req, res, session) => {
      const pdf = await therapistCopyPdf(context(session), session, String(req.params.copyId));
      sendPdfOrNotFound(res, pdf, notFoundPage);
    }),
  );

  router.post(
    '/consent',
    form,
    page('/consent', async (req, res, session) => {
      if ((req.body as Record<string, unknown> | undefined)?.consent !== 'yes') return seeOther(res, `${BASE}/documents`);
      await giveConsent(context(session), session, clientAddress(req));
      seeOther(res, `${BASE}/documents?done=consent`);
    }),
  );

  router.post(
    '/consent/withdraw',
    page('/consent/withdraw', async (_req, res, session) => {
      await withdrawConsent(context(session), session);
      seeOther(res, `${BASE}/documents?done=withdrawn`);
    }),
  );

  /** The link as sent: one answer for every invalid token; a valid one becomes a session (kept when this browser is signed in for the link) and a 303 without it. */
  router.get('/:token', async (req, res) => {
    requestState(res).route = `${BASE}/:token`;
    const access = await resolveTherapistToken(deps.therapists, String(req.params.token), deps.now());
    await exchangeToken(
      req,
      res,
      sessions,
      access,
      therapistActor,
      (valid) => setSession(req, res, valid, null),
      () => seeOther(res, BASE),
    );
  });

  router.use((_req, res) => {
    requestState(res).route ??= `${BASE}/(unmatched)`;
    sendPage(res, 404, notFoundPage());
  });
  router.use(pageErrors({ invalidLink: invalidLinkPage, error: () => errorPage() }));
  return router;
}
