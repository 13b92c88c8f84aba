/**
 * The therapists' own links, made by the owner as agencies' portal links are: the URL is shown
 * once (only the token's SHA-256 is stored), each link expires, and the owner revokes a
 * therapist's links or rotates them (revoked, and a new one made). A link alone opens nothing:
 * the therapist then signs in with the Google account whose email is on file.
 */
import { ok, type Result } from '../../../shared/index.ts';
import { rotatePortalLinkBody } from '../../../shared/wire/portal.ts';
import { newToken, TOKEN_PATTERN, tokenHash, tokenMatches } from '../crypto/tokens.ts';
import type { StoredTherapist } from '../store/port.ts';
import type { TherapistLinkRecord, TherapistPortalStore } from '../store/therapist-port.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { audit, type UseCaseContext } from './context.ts';
import { loadOrg } from './orgs.ts';
import { DEFAULT_LINK_DAYS, linkStatus, type PortalLinkStatus } from './portal.ts';

export type TherapistContext = UseCaseContext & { therapists: TherapistPortalStore };

const DAY_MS = 86_400_000;

/** What the owner sees of a link: never its token or hash. */
export type TherapistLinkView = {
  id: string;
  therapistId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  status: PortalLinkStatus;
};

/** `emailOnFile`: false when the therapist has no email yet; the link then opens nothing until the owner sets one. */
export type CreatedTherapistLink = { link: TherapistLinkView; url: string; emailOnFile: boolean };

export const therapistLinkView = (link: TherapistLinkRecord, now: Date): TherapistLinkView => ({
  id: link.id,
  therapistId: link.therapistId,
  createdAt: link.createdAt,
  expiresAt: link.expiresAt,
  ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
  status: linkStatus(link, now),
});

async function therapistOf(ctx: TherapistContext, orgId: string, therapistId: string): Promise<Result<StoredTherapist, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const therapist = (await ctx.store.listTherapists(orgId)).find((t) => t.id === therapistId);
  return therapist ? ok(therapist) : fail('not-found', `no therapist "${therapistId}"`);
}

const parseDays = (input: unknown): Result<number, Failure> => {
  const parsed = rotatePortalLinkBody.safeParse(input ?? {});
  if (!parsed.success) return fail('invalid-input', 'the therapist link is not valid', describeIssues(parsed.error.issues));
  return ok(parsed.data.days ?? DEFAULT_LINK_DAYS);
};

/** A new link for the therapist; its URL is in this answer only. Only the Google account with the therapist's email on file opens it. */
export async function createTherapistLink(
  ctx: TherapistContext,
  orgId: string,
  therapistId: string,
  input: unknown,
  baseUrl: string,
): Promise<Result<CreatedTherapistLink, Failure>> {
  const days = parseDays(input);
  if (!days.ok) return days;
  const therapist = await therapistOf(ctx, orgId, therapistId);
  if (!therapist.ok) return therapist;
  const token = newToken();
  const now = ctx.now();
  const link: TherapistLinkRecord = {
    id: ctx.newId(),
    therapistId,
    tokenHash: tokenHash(token),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + days.value * DAY_MS).toISOString(),
  };
  await ctx.therapists.insertTherapistLink(orgId, link);
  await audit(ctx, orgId, [
    { action: 'create', recordType: 'therapist', recordId: therapistId, detail: `therapist link ${link.id}, ${days.value} days` },
  ]);
  return ok({
    link: therapistLinkView(link, now),
    url: `${baseUrl.replace(/\/+$/, '')}/therapist/${token}`,
    emailOnFile: Boolean(therapist.value.email),
  });
}

export async function listTherapistLinks(
  ctx: TherapistContext,
  orgId: string,
  therapistId?: string,
): Promise<Result<TherapistLinkView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const now = ctx.now();
  return ok((await ctx.therapists.listTherapistLinks(orgId, therapistId)).map((l) => therapistLinkView(l, now)));
}

/** Revokes every link of the therapist that is not revoked yet; the answer lists those it revoked (none: an empty list). */
export async function revokeTherapistLinks(
  ctx: TherapistContext,
  orgId: string,
  therapistId: string,
): Promise<Result<TherapistLinkView[], Failure>> {
  const therapist = await therapistOf(ctx, orgId, therapistId);
  if (!therapist.ok) return therapist;
  const at = ctx.now().toISOString();
  const revoked: TherapistLinkView[] = [];
  for (const link of await ctx.therapists.listTherapistLinks(orgId, therapistId)) {
    if (link.revokedAt || !(await ctx.therapists.revokeTherapistLink(orgId, link.id, at))) continue;
    revoked.push(therapistLinkView({ ...link, revokedAt: at }, ctx.now()));
  }
  if (revoked.length > 0)
    await audit(
      ctx,
      orgId,
      revoked.map((l) => ({
        action: 'void' as const,
        recordType: 'therapist' as const,
        recordId: therapistId,
        detail: `therapist link ${l.id} revoked`,
      })),
    );
  return ok(revoked);
}

/** Revokes the therapist's links and makes a new one: a new URL, shown once. */
export async function rotateTherapistLink(
  ctx: TherapistContext,
  orgId: string,
  therapistId: string,
  input: unknown,
  baseUrl: string,
): Promise<Result<CreatedTherapistLink, Failure>> {
  const days = parseDays(input);
  if (!days.ok) return days;
  const revoked = await revokeTherapistLinks(ctx, orgId, therapistId);
  if (!revoked.ok) return revoked;
  return createTherapistLink(ctx, orgId, therapistId, { days: days.value }, baseUrl);
}

export type TherapistAccess = { orgId: string; link: TherapistLinkRecord };

/** The active link of this token, or null for every kind of invalid token alike. */
export async function resolveTherapistToken(store: TherapistPortalStore, token: string, now: Date): Promise<TherapistAccess | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const found = await store.findTherapistLinkByTokenHash(tokenHash(token));
  if (!found || !tokenMatches(token, found.link.tokenHash)) return null;
  return linkStatus(found.link, now) === 'active' ? found : null;
}
