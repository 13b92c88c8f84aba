/**
 * Who may call a route: reads the bearer token, answers 401 without valid credentials and
 * 403 without a role in the path's org; a 403 says nothing of the org (not even whether it
 * exists). Failed sign-ins are counted per client address and per API key id: a client or a
 * key over its limit gets 429 for its guesses, but a credential that verifies always passes,
 * so nobody can lock an owner out by failing in their name (add-on calls all come from
 * Google's shared addresses).
 */
import type { Request, RequestHandler, Response } from 'express';
import { clientKey } from '../auth/client-address.ts';
import type { FailureLimiter } from '../auth/failure-limiter.ts';
import { actorOf, type AuthenticationOutcome, type Authenticator, type Principal } from '../auth/principal.ts';
import type { IdentityStore, MemberRecord, MemberRole } from '../store/port.ts';
import type { IdentityDeps } from '../usecases/api-keys.ts';
import { memberSigningIn, recordFirstSignIn } from '../usecases/members.ts';
import { sendError } from './errors.ts';
import { requestState } from './request-state.ts';
import type { Access } from './route.ts';

export type Caller = { principal: Principal | null; role: MemberRole | null };

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? { principal: null, role: null };
}

export type AuthorizeDeps = {
  authenticate: Authenticator;
  identity: IdentityStore;
  limiter: FailureLimiter;
  now: () => Date;
  /** Appends to the org's audit log as `actor`. */
  audit: (orgId: string, actor: string, entry: Parameters<IdentityDeps['audit']>[1]) => Promise<void>;
};

/** What a failed sign-in counts against: the client's address (an IPv6 /64) and the API key it named, if any. */
function failureKeys(req: Request, outcome: Extract<AuthenticationOutcome, { kind: 'rejected' }>): string[] {
  const keys = [`address:${clientKey(req.ip ?? req.socket.remoteAddress)}`];
  if (outcome.keyId) keys.push(`api-key:${outcome.keyId}`);
  return keys;
}

const memberDeps = (deps: AuthorizeDeps, principal: Principal): IdentityDeps => ({
  identity: deps.identity,
  now: deps.now,
  audit: (orgId, entry) => deps.audit(orgId, actorOf(principal), entry),
});

/** The principal's role in the org, or why it has none; `member` when it is a Google account's membership. */
async function roleOf(
  deps: AuthorizeDeps,
  principal: Principal,
  orgId: string,
): Promise<{ role: MemberRole; member?: MemberRecord } | { role: null; why: 'not-member' | 'other-account' }> {
  if (principal.kind === 'api-key') return principal.orgId === orgId ? { role: principal.role } : { role: null, why: 'not-member' };
  const found = await memberSigningIn(memberDeps(deps, principal), orgId, principal);
  return found.kind === 'member' ? { role: found.member.role, member: found.member } : { role: null, why: found.kind };
}

export function authorize(access: Access, deps: AuthorizeDeps): RequestHandler {
  return async (req, res, next) => {
    if (access === 'public') return next();
    if (access === 'stripe-signature' || access === 'link-token') return credentialOfItsOwn(access, req, res, next);
    const state = requestState(res);
    const outcome = await deps.authenticate(req.get('authorization'));
    if (outcome.kind === 'unavailable') {
      state.authFailure = 'google-certs-unavailable';
      return sendError(res, 'auth-unavailable', 'Google sign-in cannot be checked right now; try again shortly');
    }
    if (outcome.kind === 'rejected') {
      const keys = failureKeys(req, outcome);
      const wait = Math.max(...keys.map((k) => deps.limiter.retryAfter(k)));
      if (wait > 0) {
        state.authFailure = 'rate-limited';
        res.setHeader('Retry-After', String(wait));
        return sendError(
          res,
          'too-many-requests',
          `too many failed sign-ins from this address or for this key; try again in ${wait} s (valid credentials are not refused)`,
        );
      }
      for (const k of keys) deps.limiter.recordFailure(k);
    }
    if (outcome.kind !== 'authenticated') {
      // A request with no credentials is a client set up wrong, not a guess: only bad credentials count.
      state.authFailure = outcome.kind === 'missing' ? 'no-credentials' : outcome.reason;
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(
        res,
        'unauthenticated',
        outcome.kind === 'missing'
          ? 'send Authorization: Bearer <Google ID token or API key>'
          : 'the credentials are not valid (expired, revoked, or not for this service)',
      );
    }
    const { principal } = outcome;
    state.actor = actorOf(principal);
    if (access === 'signed-in') {
      if (principal.kind !== 'google') return sendError(res, 'forbidden', 'this needs a signed-in Google account, not an API key');
      res.locals.caller = { principal, role: null } satisfies Caller;
      return next();
    }
    const orgId = req.params.orgId;
    if (typeof orgId !== 'string') return sendError(res, 'forbidden', 'you are not a member of this org');
    const found = await roleOf(deps, principal, orgId);
    if (found.role === null && found.why === 'other-account') {
      state.authFailure = 'member-sub-mismatch';
      return sendError(
        res,
        'forbidden',
        'this Google account is not the one that first signed in with this email here; ask an owner to add the member again',
      );
    }
    if (found.role === null) return sendError(res, 'forbidden', 'you are not a member of this org');
    if (access === 'owner' && found.role !== 'owner') return sendError(res, 'forbidden', 'only an owner of the org may do this');
    if (principal.kind === 'google' && found.member)
      await recordFirstSignIn(memberDeps(deps, principal), orgId, found.member, principal.sub);
    res.locals.caller = { principal, role: found.role } satisfies Caller;
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
    sendError(
      res,
      'forbidden',
      access === 'stripe-signature' ? "this route takes only Stripe's signed events" : 'this link takes no sign-in: open it as it was sent',
    );
    return;
  }
  const present =
    access === 'stripe-signature' ? Boolean(req.get('stripe-signature')) : typeof req.query.token === 'string' && req.query.token !== '';
  if (!present) {
    state.authFailure = 'no-credentials';
    sendError(
      res,
      'unauthenticated',
      access === 'stripe-signature' ? 'send the event signed by Stripe (Stripe-Signature)' : 'this link is missing its token',
    );
    return;
  }
  state.actor = access === 'stripe-signature' ? 'stripe' : 'onboarding-link';
  next();
}
