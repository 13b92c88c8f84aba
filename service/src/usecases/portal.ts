/**
 * Agency portal links: the owner creates one per agency (the URL is shown once: only the
 * token's SHA-256 is stored), lists, revokes and rotates them, and sees which invoices each
 * link opened. A portal request resolves its token to the link; an unknown, altered,
 * expired or revoked token all give the same `null`, so a caller learns nothing of which.
 *
 * A link's passcode is chosen by the owner, so it is guessable: it must not be short, all
 * digits or a common one, and after PASSCODE_MAX_FAILURES wrong ones within
 * PASSCODE_WINDOW_MS the link refuses every passcode for PASSCODE_LOCK_MS, from any address.
 * That count lives with the link in the store, so every instance of the service sees it.
 */
import type * as z from 'zod/mini';
import { ok, type Result } from '../../../shared/index.ts';
import { createPortalLinkBody, rotatePortalLinkBody } from '../../../shared/wire/portal.ts';
import { hashPasscode, passcodeMatches, passcodeWeakness } from '../crypto/passcodes.ts';
import { newToken, TOKEN_PATTERN, tokenHash, tokenMatches } from '../crypto/tokens.ts';
import type { PortalLinkRecord, PortalStore } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

export type PortalContext = UseCaseContext & { portal: PortalStore };

export const DEFAULT_LINK_DAYS = 90;
const DAY_MS = 86_400_000;

export const PASSCODE_MAX_FAILURES = 10;
export const PASSCODE_WINDOW_MS = 15 * 60_000;
export const PASSCODE_LOCK_MS = 15 * 60_000;

export type PortalLinkStatus = 'active' | 'expired' | 'revoked';

/** What the owner sees of a link: never its token or hashes. */
export type PortalLinkView = {
  id: string;
  agencyId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  hasPasscode: boolean;
  status: PortalLinkStatus;
  viewedInvoiceIds: string[];
  /** Until then the link refuses every passcode (too many wrong ones); absent when it takes them. */
  passcodeLockedUntil?: string;
};

const lockedUntil = (link: PortalLinkRecord, now: Date): string | undefined =>
  link.passcodeLockedUntil !== undefined && Date.parse(link.passcodeLockedUntil) > now.getTime() ? link.passcodeLockedUntil : undefined;

export const linkStatus = (link: Pick<PortalLinkRecord, 'revokedAt' | 'expiresAt'>, now: Date): PortalLinkStatus =>
  link.revokedAt ? 'revoked' : Date.parse(link.expiresAt) <= now.getTime() ? 'expired' : 'active';

function viewOf(link: PortalLinkRecord, now: Date, viewedInvoiceIds: string[]): PortalLinkView {
  return {
    id: link.id,
    agencyId: link.agencyId,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
    hasPasscode: link.passcodeHash !== undefined,
    status: linkStatus(link, now),
    viewedInvoiceIds,
    ...(lockedUntil(link, now) ? { passcodeLockedUntil: lockedUntil(link, now) } : {}),
  };
}

export type PortalLinkInput = z.infer<typeof createPortalLinkBody>;

export type CreatedPortalLink = { link: PortalLinkView; url: string };

async function issueLink(
  ctx: PortalContext,
  orgId: string,
  fields: { agencyId: string; days: number; passcodeHash?: string },
  baseUrl: string,
): Promise<CreatedPortalLink> {
  const token = newToken();
  const now = ctx.now();
  const link: PortalLinkRecord = {
    id: ctx.newId(),
    agencyId: fields.agencyId,
    tokenHash: tokenHash(token),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + fields.days * DAY_MS).toISOString(),
    ...(fields.passcodeHash ? { passcodeHash: fields.passcodeHash } : {}),
  };
  await ctx.portal.insertPortalLink(orgId, link);
  await audit(ctx, orgId, [
    { action: 'create', recordType: 'portal-link', recordId: link.id, detail: `for agency ${link.agencyId}, ${fields.days} days` },
  ]);
  return { link: viewOf(link, now, []), url: `${baseUrl.replace(/\/+$/, '')}/portal/${token}` };
}

/** A new link for an agency of the org; its URL is in this answer only. */
export async function createPortalLink(
  ctx: PortalContext,
  orgId: string,
  input: unknown,
  baseUrl: string,
): Promise<Result<CreatedPortalLink, Failure>> {
  const parsed = createPortalLinkBody.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the portal link is not valid', describeIssues(parsed.error.issues));
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const { agencyId, days = DEFAULT_LINK_DAYS, passcode } = parsed.data;
  const weakness = passcode === undefined ? null : passcodeWeakness(passcode);
  if (weakness) return fail('invalid-input', `the passcode ${weakness}`, [{ path: 'passcode', message: weakness }]);
  if (!(await ctx.store.listAgencies(orgId)).some((a) => a.id === agencyId)) return fail('not-found', `no agency "${agencyId}"`);
  return ok(await issueLink(ctx, orgId, { agencyId, days, ...(passcode ? { passcodeHash: await hashPasscode(passcode) } : {}) }, baseUrl));
}

export async function listPortalLinks(ctx: PortalContext, orgId: string, agencyId?: string): Promise<Result<PortalLinkView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const links = await ctx.portal.listPortalLinks(orgId, agencyId);
  const views = await ctx.portal.listPortalViews(
    orgId,
    links.map((l) => l.id),
  );
  const now = ctx.now();
  return ok(
    links.map((l) =>
      viewOf(
        l,
        now,
        views.filter((v) => v.linkId === l.id).map((v) => v.invoiceId),
      ),
    ),
  );
}

export async function revokePortalLink(ctx: PortalContext, orgId: string, linkId: string): Promise<Result<PortalLinkView, Failure>> {
  const link = await ctx.portal.getPortalLink(orgId, linkId);
  if (!link) return fail('not-found', `no portal link "${linkId}"`);
  if (link.revokedAt) return fail('rule-broken', 'the portal link is already revoked');
  const at = ctx.now().toISOString();
  if (!(await ctx.portal.revokePortalLink(orgId, linkId, at))) return fail('conflict', 'the portal link was revoked meanwhile');
  await audit(ctx, orgId, [{ action: 'void', recordType: 'portal-link', recordId: linkId, detail: 'revoked' }]);
  return ok(viewOf({ ...link, revokedAt: at }, ctx.now(), []));
}

/** Revokes the link and gives its agency a new one, with the same passcode; a new URL. */
export async function rotatePortalLink(
  ctx: PortalContext,
  orgId: string,
  linkId: string,
  input: unknown,
  baseUrl: string,
): Promise<Result<CreatedPortalLink, Failure>> {
  const parsed = rotatePortalLinkBody.safeParse(input ?? {});
  if (!parsed.success) return fail('invalid-input', 'the rotation is not valid', describeIssues(parsed.error.issues));
  const link = await ctx.portal.getPortalLink(orgId, linkId);
  if (!link) return fail('not-found', `no portal link "${linkId}"`);
  if (!link.revokedAt) {
    const revoked = await revokePortalLink(ctx, orgId, linkId);
    if (!revoked.ok) return revoked;
  }
  const days = parsed.data.days ?? DEFAULT_LINK_DAYS;
  return ok(
    await issueLink(
      ctx,
      orgId,
      { agencyId: link.agencyId, days, ...(link.passcodeHash ? { passcodeHash: link.passcodeHash } : {}) },
      baseUrl,
    ),
  );
}

/** Who a portal request acts as: the link's org and agency. */
export type PortalAccess = { orgId: string; link: PortalLinkRecord };

/** The active link of this token, or null for every kind of invalid token alike. */
export async function resolvePortalToken(portal: PortalStore, token: string, now: Date): Promise<PortalAccess | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  // The lookup is by hash, so no comparison ever runs on the secret itself; the check below is belt and braces.
  const found = await portal.findPortalLinkByTokenHash(tokenHash(token));
  if (!found || !tokenMatches(token, found.link.tokenHash)) return null;
  return linkStatus(found.link, now) === 'active' ? found : null;
}

export type PasscodeCheck =
  | { kind: 'passed' }
  | { kind: 'wrong' }
  /** The link refuses passcodes for `retryAfterS` more seconds, right or wrong. */
  | { kind: 'locked'; retryAfterS: number };

/** One more wrong passcode on the link: counted in its window, and the link locked at the limit. */
function withWrongPasscode(link: PortalLinkRecord, now: Date): PortalLinkRecord {
  const current = link.passcodeFailures;
  const inWindow = current !== undefined && Date.parse(current.since) + PASSCODE_WINDOW_MS > now.getTime();
  const failures = inWindow ? { count: current.count + 1, since: current.since } : { count: 1, since: now.toISOString() };
  if (failures.count < PASSCODE_MAX_FAILURES) return { ...link, passcodeFailures: failures };
  return { ...link, passcodeFailures: undefined, passcodeLockedUntil: new Date(now.getTime() + PASSCODE_LOCK_MS).toISOString() };
}

const lockedFor = (until: string, now: Date): PasscodeCheck => ({
  kind: 'locked',
  retryAfterS: Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000)),
});

/**
 * Checks a passcode given for the link. A wrong one is counted with the link (in the store,
 * so across instances) and audited as the link, never with what was typed; a locked link
 * refuses without checking (no scrypt to spend), and that is audited too.
 */
export async function checkPortalPasscode(ctx: PortalContext, access: PortalAccess, given: string): Promise<PasscodeCheck> {
  const { link } = access;
  if (!link.passcodeHash) return { kind: 'passed' };
  const now = ctx.now();
  const refuse = (detail: string) => audit(ctx, access.orgId, [{ action: 'refuse', recordType: 'portal-link', recordId: link.id, detail }]);
  const locked = lockedUntil(link, now);
  if (locked) {
    await refuse(`passcode refused: the link takes none until ${locked}`);
    return lockedFor(locked, now);
  }
  if (given.length > 0 && given.length <= 200 && (await passcodeMatches(given, link.passcodeHash))) {
    if (link.passcodeFailures) await ctx.portal.updatePortalLink(access.orgId, link.id, (l) => ({ ...l, passcodeFailures: undefined }));
    return { kind: 'passed' };
  }
  const counted = await ctx.portal.updatePortalLink(access.orgId, link.id, (l) => withWrongPasscode(l, now));
  const nowLocked = counted ? lockedUntil(counted, now) : undefined;
  await refuse(
    nowLocked
      ? `wrong passcode, ${PASSCODE_MAX_FAILURES} in ${PASSCODE_WINDOW_MS / 60_000} minutes: the link takes none until ${nowLocked}`
      : 'wrong passcode',
  );
  return nowLocked ? lockedFor(nowLocked, now) : { kind: 'wrong' };
}
