/**
 * Org members: the Google accounts that act for an org, as owner or staff. An org always
 * keeps at least one owner, so nobody can lock the org out of its own settings.
 */
import * as z from 'zod';
import { ok, type Result } from '../../../shared/index.ts';
import { MEMBER_ROLES, type MemberRecord } from '../store/port.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import type { IdentityDeps } from './api-keys.ts';

export const memberEmail = z.email('must be an email address').max(254).transform((e) => e.toLowerCase());
export const memberInput = z.object({ role: z.enum(MEMBER_ROLES) });

export async function listMembers(deps: IdentityDeps, orgId: string): Promise<Result<MemberRecord[], Failure>> {
  return ok(await deps.identity.listMembers(orgId));
}

async function isLastOwner(deps: IdentityDeps, orgId: string, email: string): Promise<boolean> {
  const owners = (await deps.identity.listMembers(orgId)).filter((m) => m.role === 'owner');
  return owners.length === 1 && owners[0]!.email === email;
}

/** Adds a member or changes a member's role. */
export async function putMember(deps: IdentityDeps, orgId: string, email: string, input: unknown): Promise<Result<MemberRecord, Failure>> {
  const parsedEmail = memberEmail.safeParse(email);
  if (!parsedEmail.success) return fail('invalid-input', 'the member email is not valid', describeIssues(parsedEmail.error.issues).map((d) => ({ ...d, path: 'email' })));
  const parsed = memberInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the member is not valid', describeIssues(parsed.error.issues));
  const current = await deps.identity.getMember(orgId, parsedEmail.data);
  if (current?.role === 'owner' && parsed.data.role !== 'owner' && (await isLastOwner(deps, orgId, current.email))) {
    return fail('rule-broken', 'this is the org\'s only owner: make another member owner first');
  }
  const member: MemberRecord = { email: parsedEmail.data, role: parsed.data.role, addedAt: current?.addedAt ?? deps.now().toISOString() };
  await deps.identity.putMember(orgId, member);
  await deps.audit(orgId, { action: current ? 'update' : 'create', recordType: 'member', recordId: member.email, detail: `role ${member.role}` });
  return ok(member);
}

export async function removeMember(deps: IdentityDeps, orgId: string, email: string): Promise<Result<null, Failure>> {
  const current = await deps.identity.getMember(orgId, email.toLowerCase());
  if (!current) return fail('not-found', 'no such member');
  if (current.role === 'owner' && (await isLastOwner(deps, orgId, current.email))) {
    return fail('rule-broken', 'this is the org\'s only owner: make another member owner first');
  }
  await deps.identity.removeMember(orgId, current.email);
  await deps.audit(orgId, { action: 'update', recordType: 'member', recordId: current.email, detail: 'removed' });
  return ok(null);
}

