/**
 * Agency portal links: the owner creates one per agency (the URL is shown once: only the
 * token's SHA-256 is stored), lists, revokes and rotates them, and sees which invoices each
 * link opened. A portal request resolves its token to the link; an unknown, altered,
 * expired or revoked token all give the same `null`, so a caller learns nothing of which.
 */
import type * as z from 'zod/mini';
import { ok, type Result } from '../../../shared/index.ts';
import { createPortalLinkBody, rotatePortalLinkBody } from '../../../shared/wire/portal.ts';
import { hashPasscode } from '../crypto/passcodes.ts';
import { newToken, TOKEN_PATTERN, tokenHash, tokenMatches } from '../crypto/tokens.ts';
import type { PortalLinkRecord, PortalStore } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

export type PortalContext = UseCaseContext & { portal: PortalStore };

export const DEFAULT_LINK_DAYS = 90;
const DAY_MS = 86_400_000;

export type PortalLinkStatus = 'active' | 'expired' | 'revoked';

/** What the owner sees of a link: never its token or hashes. */
export type PortalLinkView = {
  id: string; agencyId: string; createdAt: string; expiresAt: string; revokedAt?: string;
  hasPasscode: boolean; status: PortalLinkStatus; viewedInvoiceIds: string[];
};

export const linkStatus = (link: PortalLinkRecord, now: Date): PortalLinkStatus =>
  link.revokedAt ? 'revoked' : Date.parse(link.expiresAt) <= now.getTime() ? 'expired' : 'active';

function viewOf(link: PortalLinkRecord, now: Date, viewedInvoiceIds: string[]): PortalLinkView {
  return {
    id: link.id, agencyId: link.agencyId, createdAt: link.createdAt, expiresAt: link.expiresAt,
    ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
    hasPasscode: link.passcodeHash !== undefined, status: linkStatus(link, now), viewedInvoiceIds,
  };
}

export type PortalLinkInput = z.infer<typeof createPortalLinkBody>;

export type CreatedPortalLink = { link: PortalLinkView; url: string };

async function issueLink(ctx: PortalContext, orgId: string, fields: { agencyId: string; days: number; passcodeHash?: string }, baseUrl: string): Promise<CreatedPortalLink> {
  const token = newToken();
  const now = ctx.now();
  const link: PortalLinkRecord = {
    id: ctx.newId(), agencyId: fields.agencyId, tokenHash: tokenHash(token), createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + fields.days * DAY_MS).toISOString(),
    ...(fields.passcodeHash ? { passcodeHash: fields.passcodeHash } : {}),
  };
  await ctx.portal.insertPortalLink(orgId, link);
  await audit(ctx, orgId, [{ action: 'create', recordType: 'portal-link', recordId: link.id, detail: `for agency ${link.agencyId}, ${fields.days} days` }]);
  return { link: viewOf(link, now, []), url: `${baseUrl.replace(/\/+$/, '')}/portal/${token}` };
}

/** A new link for an agency of the org; its URL is in this answer only. */
export async function createPortalLink(ctx: PortalContext, orgId: string, input: unknown, baseUrl: string): Promise<Result<CreatedPortalLink, Failure>> {
  const parsed = createPortalLinkBody.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the portal link is not valid', describeIssues(parsed.error.issues));
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const { agencyId, days = DEFAULT_LINK_DAYS, passcode } = parsed.data;
  if (!(await ctx.store.listAgencies(orgId)).some((a) => a.id === agencyId)) return fail('not-found', `no agency "${agencyId}"`);
  return ok(await issueLink(ctx, orgId, { agencyId, days, ...(passcode ? { passcodeHash: hashPasscode(passcode) } : {}) }, baseUrl));
}

export async function listPortalLinks(ctx: PortalContext, orgId: string, agencyId?: string): Promise<Result<PortalLinkView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const links = await ctx.portal.listPortalLinks(orgId, agencyId);
  const views = await ctx.portal.listPortalViews(orgId, links.map((l) => l.id));
  const now = ctx.now();
  return ok(links.map((l) => viewOf(l, now, views.filter((v) => v.linkId === l.id).map((v) => v.invoiceId))));
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
export async function rotatePortalLink(ctx: PortalContext, orgId: string, linkId: string, input: unknown, baseUrl: string): Promise<Result<CreatedPortalLink, Failure>> {
  const parsed = rotatePortalLinkBody.safeParse(input ?? {});
  if (!parsed.success) return fail('invalid-input', 'the rotation is not valid', describeIssues(parsed.error.issues));
  const link = await ctx.portal.getPortalLink(orgId, linkId);
  if (!link) return fail('not-found', `no portal link "${linkId}"`);
  if (!link.revokedAt) {
    const revoked = await revokePortalLink(ctx, orgId, linkId);
    if (!revoked.ok) return revoked;
  }
  const days = parsed.data.days ?? DEFAULT_LINK_DAYS;
  return ok(await issueLink(ctx, orgId, { agencyId: link.agencyId, days, ...(link.passcodeHash ? { passcodeHash: link.passcodeHash } : {}) }, baseUrl));
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
