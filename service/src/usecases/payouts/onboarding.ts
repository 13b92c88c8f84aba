/**
 * Onboarding therapists: one connected account per therapist (v1, controller settings:
 * Stripe collects the details on its hosted onboarding, Express dashboard), and a link to
 * Stripe's onboarding. Stripe's account links last minutes and open once, so what the owner
 * sends a therapist is the service's own onboarding URL, which makes a fresh Stripe link on
 * every visit (it is both the refresh and the return URL). That URL carries a 256-bit token,
 * stored as its SHA-256 only; it works for ONBOARDING_LINK_DAYS, and making a new one (the
 * owner's onboarding call again) retires the old.
 */
import { ok, type Result } from '../../../../shared/index.ts';
import { newToken, tokenHash, tokenMatches } from '../../crypto/tokens.ts';
import type { AccountState } from '../../payouts/gateway-port.ts';
import type { ConnectedAccountRecord } from '../../store/payouts-port.ts';
import { audit } from '../context.ts';
import { fail, type Failure } from '../../failure.ts';
import { openConnection, viaStripe, type OpenConnection, type PayoutContext } from './context.ts';

export const ONBOARDING_LINK_DAYS = 7;
const DAY_MS = 86_400_000;

export type OnboardingView = {
  therapistId: string;
  therapistName: string;
  accountId: string;
  /** `created`: a connected account was made now. */
  account: 'created' | 'existing';
  ready: boolean;
  requirementsDue: string[];
  /** The URL to send the therapist (absent once the account is ready). */
  onboardingUrl?: string;
  /** When that URL stops working; the owner makes a new one by asking again. */
  onboardingUrlExpiresAt?: string;
  /** Stripe's own link, valid until `stripeLinkExpiresAt` and for one visit. */
  stripeLink?: string;
  stripeLinkExpiresAt?: string;
};

/** Ready to receive money: Stripe may transfer to it and pay it out. */
export const isReady = (a: Pick<ConnectedAccountRecord, 'transfersActive' | 'payoutsEnabled'>) => a.transfersActive && a.payoutsEnabled;

export function withState(
  record: ConnectedAccountRecord,
  state: AccountState,
  checkedAt: string,
  eventCreated?: number,
): ConnectedAccountRecord {
  return {
    ...record,
    transfersActive: state.transfersActive,
    payoutsEnabled: state.payoutsEnabled,
    detailsSubmitted: state.detailsSubmitted,
    requirementsDue: state.requirementsDue,
    disabledReason: state.disabledReason,
    checkedAt,
    ...(eventCreated !== undefined ? { eventCreated: Math.max(eventCreated, record.eventCreated ?? 0) } : {}),
  };
}

export const onboardingUrl = (ctx: PayoutContext, orgId: string, therapistId: string, token: string) =>
  `${ctx.publicBaseUrl}/v1/stripe/onboarding/${encodeURIComponent(orgId)}/${encodeURIComponent(therapistId)}?token=${token}`;

async function ensureAccount(
  ctx: PayoutContext,
  orgId: string,
  therapistId: string,
  open: OpenConnection,
): Promise<Result<{ record: ConnectedAccountRecord; created: boolean }, Failure>> {
  const existing = await ctx.payouts.getConnectedAccount(orgId, therapistId);
  if (existing) return ok({ record: existing, created: false });
  // One account per therapist even if two calls race: Stripe answers both with the same account for 24 hours.
  const state = await viaStripe(() => open.gateway.createAccount({ therapistId, idempotencyKey: `account:therapist:${therapistId}` }));
  if (!state.ok) return state;
  const record = withState(
    { therapistId, accountId: state.value.accountId, createdAt: ctx.now().toISOString() } as ConnectedAccountRecord,
    state.value,
    ctx.now().toISOString(),
  );
  if ((await ctx.payouts.insertConnectedAccount(orgId, record)) === 'exists')
    return ok({ record: (await ctx.payouts.getConnectedAccount(orgId, therapistId))!, created: false });
  await audit(ctx, orgId, [{ action: 'create', recordType: 'stripe-account', recordId: therapistId, detail: state.value.accountId }]);
  return ok({ record, created: true });
}

/** Makes the therapist's connected account if missing, and a new onboarding URL unless the account is ready. */
export async function onboardTherapist(ctx: PayoutContext, orgId: string, therapistId: string): Promise<Result<OnboardingView, Failure>> {
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  const therapist = (await ctx.store.listTherapists(orgId)).find((t) => t.id === therapistId);
  if (!therapist) return fail('not-found', `no therapist with id "${therapistId}"`);
  const ensured = await ensureAccount(ctx, orgId, therapistId, open.value);
  if (!ensured.ok) return ensured;
  const state = await viaStripe(() => open.value.gateway.retrieveAccount(ensured.value.record.accountId));
  if (!state.ok) return state;
  let record = withState(ensured.value.record, state.value, ctx.now().toISOString());
  const view: OnboardingView = {
    therapistId,
    therapistName: therapist.name,
    accountId: record.accountId,
    account: ensured.value.created ? 'created' : 'existing',
    ready: isReady(record),
    requirementsDue: record.requirementsDue,
  };
  if (view.ready) {
    await ctx.payouts.updateConnectedAccount(orgId, record);
    return ok(view);
  }
  const token = newToken();
  const url = onboardingUrl(ctx, orgId, therapistId, token);
  const link = await viaStripe(() =>
    open.value.gateway.createAccountLink({ accountId: record.accountId, refreshUrl: url, returnUrl: url }),
  );
  if (!link.ok) return link;
  const expiresAt = new Date(ctx.now().getTime() + ONBOARDING_LINK_DAYS * DAY_MS).toISOString();
  record = { ...record, onboardingTokenHash: tokenHash(token), onboardingTokenExpiresAt: expiresAt };
  await ctx.payouts.updateConnectedAccount(orgId, record);
  await audit(ctx, orgId, [
    { action: 'update', recordType: 'stripe-account', recordId: therapistId, detail: `onboarding link until ${expiresAt}` },
  ]);
  return ok({
    ...view,
    onboardingUrl: url,
    onboardingUrlExpiresAt: expiresAt,
    stripeLink: link.value.url,
    stripeLinkExpiresAt: link.value.expiresAt.toISOString(),
  });
}

/** Every therapist of the org, by name: accounts made where missing, a link for each not yet ready. */
export async function onboardAll(ctx: PayoutContext, orgId: string): Promise<Result<OnboardingView[], Failure>> {
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  const therapists = (await ctx.store.listTherapists(orgId)).toSorted((a, b) => a.name.localeCompare(b.name));
  const views: OnboardingView[] = [];
  for (const t of therapists) {
    const view = await onboardTherapist(ctx, orgId, t.id);
    if (!view.ok) return view;
    views.push(view.value);
  }
  return ok(views);
}

/** What a therapist's browser gets at the onboarding URL: a fresh Stripe link, or "done". */
export type OnboardingVisit = { kind: 'redirect'; location: string } | { kind: 'done' };

/** An unknown therapist, a wrong, retired or expired token: the same `not-found`, saying nothing of which. */
export async function visitOnboarding(
  ctx: PayoutContext,
  orgId: string,
  therapistId: string,
  token: string,
): Promise<Result<OnboardingVisit, Failure>> {
  const notFound = fail('not-found', 'this onboarding link is not valid; ask for a new one');
  const record = await ctx.payouts.getConnectedAccount(orgId, therapistId);
  if (!record?.onboardingTokenHash || !tokenMatches(token, record.onboardingTokenHash)) return notFound;
  if (!record.onboardingTokenExpiresAt || Date.parse(record.onboardingTokenExpiresAt) <= ctx.now().getTime()) return notFound;
  const open = await openConnection(ctx, orgId);
  if (!open.ok) return open;
  const state = await viaStripe(() => open.value.gateway.retrieveAccount(record.accountId));
  if (!state.ok) return state;
  const updated = withState(record, state.value, ctx.now().toISOString());
  await ctx.payouts.updateConnectedAccount(orgId, updated);
  if (updated.detailsSubmitted && isReady(updated)) return ok({ kind: 'done' });
  const url = onboardingUrl(ctx, orgId, therapistId, token);
  const link = await viaStripe(() =>
    open.value.gateway.createAccountLink({ accountId: record.accountId, refreshUrl: url, returnUrl: url }),
  );
  return link.ok ? ok({ kind: 'redirect', location: link.value.url }) : link;
}
