/**
 * Who may call a route: reads the bearer token, refuses a client that failed too often
 * (429), answers 401 without valid credentials and 403 without a role in the path's org;
 * a 403 says nothing of the org (not even whether it exists).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { FailureLimiter } from '../auth/failure-limiter.ts';
import { actorOf, roleIn, type Authenticator, type Principal } from '../auth/principal.ts';
import type { IdentityStore, MemberRole } from '../store/port.ts';
import { sendError } from './errors.ts';
import { requestState } from './request-state.ts';
import type { Access } from './route.ts';

export type Caller = { principal: Principal | null; role: MemberRole | null };

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? { principal: null, role: null };
}

/** The client as the failure limiter counts it: the socket's address, or X-Forwarded-For's behind trusted proxies. */
const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function authorize(access: Access, deps: { authenticate: Authenticator; identity: IdentityStore; limiter: FailureLimiter }): RequestHandler {
  return async (req, res, next) => {
    if (access === 'public') return next();
    if (access === 'stripe-signature' || access === 'link-token') return credentialOfItsOwn(access, req, res, next);
    const state = requestState(res);
    const client = clientOf(req);
    const wait = deps.limiter.retryAfter(client);
    if (wait > 0) {
      state.authFailure = 'rate-limited';
      res.setHeader('Retry-After', String(wait));
      return sendError(res, 'too-many-requests', `too many failed sign-ins from this address; try again in ${wait} s`);
    }
    const outcome = await deps.authenticate(req.get('authorization'));
    if (outcome.kind === 'unavailable') {
      state.authFailure = 'google-certs-unavailable';
      return sendError(res, 'auth-unavailable', 'Google sign-in cannot be checked right now; try again shortly');
    }
    if (outcome.kind !== 'authenticated') {
      // A request with no credentials is a client set up wrong, not a guess: only bad credentials count.
      if (outcome.kind === 'rejected') deps.limiter.recordFailure(client);
      state.authFailure = outcome.kind === 'missing' ? 'no-credentials' : outcome.reason;
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, 'unauthenticated', outcome.kind === 'missing'
        ? 'send Authorization: Bearer <Google ID token or API key>'
        : 'the credentials are not valid (expired, revoked, or not for this service)');
    }
    const { principal } = outcome;
    state.actor = actorOf(principal);
    if (access === 'signed-in') {
      if (principal.kind !== 'google') return sendError(res, 'forbidden', 'this needs a signed-in Google account, not an API key');
      res.locals.caller = { principal, role: null } satisfies Caller;
      return next();
    }
    const orgId = req.params.orgId;
    const role = typeof orgId === 'string' ? await roleIn(deps.identity, principal, orgId) : null;
    if (!role) return sendError(res, 'forbidden', 'you are not a member of this org');
    if (access === 'owner' && role !== 'owner') return sendError(res, 'forbidden', 'only an owner of the org may do this');
    res.locals.caller = { principal, role } satisfies Caller;
    next();
  };
}

/**
 * Routes whose credential is not a bearer token: Stripe's signature (verified by the handler
 * on the raw body with the org's secret) or a link's token (checked by the use case). A
 * member's bearer credentials open neither: 403 before anything is read.
 */
function credentialOfItsOwn(access: 'stripe-signature' | 'link-token', req: Request, res: Response, next: () => void): void {
  const state = requestState(res);
  if (req.get('authorization') !== undefined) {
    state.authFailure = 'bearer-on-signed-route';
    return sendError(res, 'forbidden', access === 'stripe-signature' ? 'this route takes only Stripe\'s signed events' : 'this link takes no sign-in: open it as it was sent');
  }
  const present = access === 'stripe-signature' ? Boolean(req.get('stripe-signature')) : typeof req.query.token === 'string' && req.query.token !== '';
  if (!present) {
    state.authFailure = 'no-credentials';
    return sendError(res, 'unauthenticated', access === 'stripe-signature' ? 'send the event signed by Stripe (Stripe-Signature)' : 'this link is missing its token');
  }
  state.actor = access === 'stripe-signature' ? 'stripe' : 'onboarding-link';
  next();
}
