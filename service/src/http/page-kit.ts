/**
 * What the server-rendered pages (the agency portal, the therapists' pages) answer with, alike:
 * the security headers, an HTML answer, cookies read, the per-client request allowance, the
 * one self-reload that brings a SameSite=Strict session cookie, and faults as pages.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { clientKey } from '../auth/client-address.ts';
import { createFailureLimiter, type FailureLimiter } from '../auth/failure-limiter.ts';
import { isClientError } from './errors.ts';
import { requestState } from './request-state.ts';
import type { DownloadFile } from './route.ts';
import { sendFile } from './send-file.ts';

/** no-store, the page's CSP, HSTS, no referrer, no framing, no sniffing. */
export const pageHeaders =
  (csp: string): RequestHandler =>
  (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };

export function sendPage(res: Response, status: number, markup: string): void {
  res.status(status).type('html').send(markup);
}

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Counts every request, not only failures: the same bounded per-client window as the API's; past it, a 429 page. */
export const limitPerClient =
  (limiter: FailureLimiter, tooManyRequests: () => string): RequestHandler =>
  (req, res, next) => {
    const client = clientKey(req.ip ?? req.socket.remoteAddress);
    const wait = limiter.retryAfter(client);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendPage(res, 429, tooManyRequests());
    }
    limiter.recordFailure(client);
    next();
  };

/** The query a page reloads itself with when the session cookie did not come with it. */
const RETRY = 'opened';

/**
 * No session came with the request. Right after a link is opened from another site (a mail),
 * the browser keeps the SameSite=Strict cookie off the redirect that follows, so the page first
 * reloads itself once from itself, which brings the cookie; only then does it say the link
 * must be opened again.
 */
export function answerWithoutSession(
  req: Request,
  res: Response,
  cookie: string,
  pages: { opening(again: string): string; ended(): string },
): void {
  if (req.method === 'GET' && cookieValue(req, cookie) === undefined && req.query[RETRY] === undefined) {
    const [path, query] = req.originalUrl.split('?');
    sendPage(res, 200, pages.opening(`${path}?${query ? `${query}&` : ''}${RETRY}`));
    return;
  }
  sendPage(res, 401, pages.ended());
}

/** Faults as pages: a token that cannot be decoded is an invalid link, a form that cannot be read the client's; the rest a 500 page, noted for the log line. */
export const pageErrors = (pages: { invalidLink(): string; error(): string }) =>
  ((error, _req, res, _next) => {
    if (error instanceof URIError && !res.headersSent) return sendPage(res, 404, pages.invalidLink());
    if (isClientError(error) && !res.headersSent) return sendPage(res, 400, pages.error());
    requestState(res).error = error instanceof Error ? { type: error.name, message: error.message } : { type: typeof error };
    if (res.headersSent) return void res.end();
    sendPage(res, 500, pages.error());
  }) as express.ErrorRequestHandler;

/** A 303 with a page of its own (HTML, like every page answer), never Express's text. */
export function seeOtherPage(res: Response, location: string, markup: string): void {
  res.setHeader('Location', location);
  sendPage(res, 303, markup);
}

/** The session cookie of the pages under `path`: HttpOnly, SameSite=Strict, Secure over https, kept as long as the session lasts. */
export function setSessionCookie(
  req: Request,
  res: Response,
  cookie: { name: string; path: string },
  session: { value: string; expiresAt: Date },
  now: Date,
): void {
  res.cookie(cookie.name, session.value, {
    path: cookie.path,
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    maxAge: Math.max(0, session.expiresAt.getTime() - now.getTime()),
  });
}

/** What the session pages of one kind (the portal's, the therapists') share: how a session is read, named and answered without. */
export type SessionPages<S extends { orgId: string }> = {
  base: string;
  sessionOf(req: Request): Promise<S | null>;
  actorOf(session: S): string;
  noSession(req: Request, res: Response): void;
  invalidLinkPage(): string;
};

/** The session pages under `base` whose session is sealed in the cookie `cookie`. */
export function sessionPages<S extends { orgId: string }>(kit: {
  base: string;
  cookie: string;
  resolve(sealed: string | undefined): Promise<S | null>;
  actorOf(session: S): string;
  pages: { opening(again: string): string; ended(): string; invalidLink(): string };
}): SessionPages<S> {
  return {
    base: kit.base,
    sessionOf: (req) => kit.resolve(cookieValue(req, kit.cookie)),
    actorOf: kit.actorOf,
    noSession: (req, res) => answerWithoutSession(req, res, kit.cookie, kit.pages),
    invalidLinkPage: kit.pages.invalidLink,
  };
}

/**
 * A page opened by the session alone, noted for the log line; `refusal` is the 401 page a
 * session gets that has not yet done what the page needs (a passcode, a sign-in), or undefined.
 */
export const sessionPage =
  <S extends { orgId: string }>(
    pages: SessionPages<S>,
    pattern: string,
    handle: (req: Request, res: Response, session: S) => Promise<void>,
    refusal: (session: S) => string | undefined,
  ): RequestHandler =>
  async (req, res) => {
    const state = requestState(res);
    state.route = `${pages.base}${pattern}`;
    const session = await pages.sessionOf(req);
    if (!session) return pages.noSession(req, res);
    state.orgId = session.orgId;
    state.actor = pages.actorOf(session);
    const refused = refusal(session);
    if (refused !== undefined) return sendPage(res, 401, refused);
    await handle(req, res, session);
  };

/**
 * The link as sent: one answer for every invalid token (`access` null); a valid one
 * becomes a new session unless this browser already has one for the same link, then `done`
 * answers (a 303 to the page without the token).
 */
export async function exchangeToken<S extends { orgId: string; link: { id: string } }, A extends { orgId: string; link: { id: string } }>(
  req: Request,
  res: Response,
  pages: SessionPages<S>,
  access: A | null,
  actor: (access: A) => string,
  startSession: (access: A) => void,
  done: () => void,
): Promise<void> {
  if (!access) return sendPage(res, 404, pages.invalidLinkPage());
  requestState(res).orgId = access.orgId;
  requestState(res).actor = actor(access);
  if ((await pages.sessionOf(req))?.link.id !== access.link.id) startSession(access);
  done();
}

/** A PDF the session may open, or the not-found page for one that is not there or not its own. */
export function sendPdfOrNotFound(res: Response, pdf: { ok: true; value: DownloadFile } | { ok: false }, notFoundPage: () => string): void {
  if (pdf.ok) sendFile(res, 'application/pdf', { fileName: pdf.value.fileName, bytes: pdf.value.bytes, sha256: pdf.value.sha256 });
  else sendPage(res, 404, notFoundPage());
}

/** A router of pages: the page headers on every answer, then every request (not only failures) counted against its client's per-minute allowance, the same bounded window as the API's. */
export function pagesRouter(csp: string, allowance: { requestsPerMinute: number; now: () => Date; tooManyRequests: () => string }): Router {
  const router = express.Router();
  const limiter = createFailureLimiter({
    maxFailures: allowance.requestsPerMinute,
    windowMs: 60_000,
    now: () => allowance.now().getTime(),
  });
  router.use(pageHeaders(csp));
  router.use(limitPerClient(limiter, allowance.tooManyRequests));
  return router;
}
