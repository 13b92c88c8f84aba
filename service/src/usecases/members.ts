/**
 * Org members: the Google accounts that act for an org, as owner or staff. An org always
 * keeps at least one owner, so nobody can lock the org out of its own settings. A member is
 * added by email; the Google account's stable id (`sub`) is recorded at its first sign-in,
 * and from then on only that account is the member, even if the email moves to another one.
 * Removing a member revokes the API keys they made.
 */
import * as z from 'zod';
import { ok, type Result } from '../../../shared/index.ts';
import { MEMBER_ROLES, type MemberRecord } from '../store/port.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { revokeApiKey, type IdentityDeps } from './api-keys.ts';

export const memberEmail = z
  .email('must be an email address')
  .max(254)
  .transform((e) => e.toLowerCase());
export const memberInput = z.object({ role: z.enum(MEMBER_ROLES) });

/** A member as shown: the Google account id stays in the store. */
export type MemberView = Omit<MemberRecord, 'sub'>;

const view = ({ sub: _sub, ...rest }: MemberRecord): MemberView => rest;

export async function listMembers(deps: IdentityDeps, orgId: string): Promise<Result<MemberView[], Failure>> {
  return ok((await deps.identity.listMembers(orgId)).map(view));
}

async function isLastOwner(deps: IdentityDeps, orgId: string, email: string): Promise<boolean> {
  const owners = (await deps.identity.listMembers(orgId)).filter((m) => m.role === 'owner');
  return owners.length === 1 && owners[0]!.email === email;
}

/** Adds a member or changes a member's role. */
/** `sub`: the member's Google account when the caller is that member (the owner creating the org), so no later request has to record it. */
export async function putMember(
  deps: IdentityDeps,
  orgId: string,
  email: string,
  input: unknown,
  sub?: string,
): Promise<Result<MemberView, Failure>> {
  const parsedEmail = memberEmail.safeParse(email);
  if (!parsedEmail.success)
    return fail(
      'invalid-input',
      'the member email is not valid',
      describeIssues(parsedEmail.error.issues).map((d) => ({ ...d, path: 'email' })),
    );
  const parsed = memberInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the member is not valid', describeIssues(parsed.error.issues));
  const current = await deps.identity.getMember(orgId, parsedEmail.data);
  if (current?.role === 'owner' && parsed.data.role !== 'owner' && (await isLastOwner(deps, orgId, current.email))) {
    return fail('rule-broken', "this is the org's only owner: make another member owner first");
  }
  const member: MemberRecord = {
    ...current,
    email: parsedEmail.data,
    role: parsed.data.role,
    addedAt: current?.addedAt ?? deps.now().toISOString(),
    ...(sub !== undefined && current?.sub === undefined ? { sub } : {}),
  };
  await deps.identity.putMember(orgId, member);
  await deps.audit(orgId, {
    action: current ? 'update' : 'create',
    recordType: 'member',
    recordId: member.email,
    detail: `role ${member.role}`,
  });
  return ok(view(member));
}

export async function removeMember(deps: IdentityDeps, orgId: string, email: string): Promise<Result<null, Failure>> {
  const current = await deps.identity.getMember(orgId, email.toLowerCase());
  if (!current) return fail('not-found', 'no such member');
  if (current.role === 'owner' && (await isLastOwner(deps, orgId, current.email))) {
    return fail('rule-broken', "this is the org's only owner: make another member owner first");
  }
  await deps.identity.removeMember(orgId, current.email);
  await deps.audit(orgId, { action: 'update', recordType: 'member', recordId: current.email, detail: 'removed' });
  for (const key of await deps.identity.listApiKeys(orgId)) {
    if (key.createdBy === current.email && !key.revokedAt) await revokeApiKey(deps, orgId, key.id);
  }
  return ok(null);
}

/** What a signed-in Google account is in an org: a member, no member, or another account than the one that signed in with the member's email before. */
export type MemberSignIn = { kind: 'member'; member: MemberRecord } | { kind: 'not-member' } | { kind: 'other-account' };

/**
 * The member a Google account acts as in an org: the member of its email, unless another
 * Google account signed in with that email first (the address given up and taken by
 * someone else): that is refused, and audited.
 */
export async function memberSigningIn(deps: IdentityDeps, orgId: string, account: { email: string; sub: string }): Promise<MemberSignIn> {
  const member = await deps.identity.getMember(orgId, account.email);
  if (!member) return { kind: 'not-member' };
  if (member.sub === undefined || member.sub === account.sub) return { kind: 'member', member };
  await deps.audit(orgId, {
    action: 'refuse',
    recordType: 'member',
    recordId: member.email,
    detail: "sign-in by another Google account with the member's email",
  });
  return { kind: 'other-account' };
}

/** Records the member's Google account at its first sign-in that is let in (a refused request writes nothing). */
export async function recordFirstSignIn(deps: IdentityDeps, orgId: string, member: MemberRecord, sub: string): Promise<void> {
  if (member.sub !== undefined) return;
  await deps.identity.putMember(orgId, { ...member, sub });
  await deps.audit(orgId, {
    action: 'update',
    recordType: 'member',
    recordId: member.email,
    detail: 'first sign-in: Google account recorded',
  });
}
