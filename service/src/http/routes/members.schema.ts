import * as z from 'zod';
import { MEMBER_ROLES } from '../../store/port.ts';
import { memberInput } from '../../usecases/members.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { orgId, orgPath, pageQuery, SORT_KEYS } from './common.schema.ts';

const memberPath = z.object({ orgId, email: z.string().min(3).max(254).describe("The member's Google account email") });
const member = z.object({ email: z.string(), role: z.enum(MEMBER_ROLES), addedAt: z.string() });

export const listMembersSpec = {
  id: 'listMembers',
  method: 'get',
  path: '/v1/orgs/:orgId/members',
  tag: 'members',
  access: 'member',
  summary: 'A page of the Google accounts that act for the org, with their roles, by email',
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byId)),
  answer: z.object({ members: z.array(member), nextCursor }),
} satisfies RouteSpec;

export const putMemberSpec = {
  id: 'putMember',
  method: 'put',
  path: '/v1/orgs/:orgId/members/:email',
  tag: 'members',
  access: 'owner',
  summary: "Add a member or change a member's role (owner or staff); the last owner cannot be demoted",
  params: memberPath,
  body: objectOf(memberInput),
  answer: member,
} satisfies RouteSpec;

export const removeMemberSpec = {
  id: 'removeMember',
  method: 'delete',
  path: '/v1/orgs/:orgId/members/:email',
  tag: 'members',
  access: 'owner',
  status: 204,
  summary: 'Remove a member; the last owner cannot be removed',
  params: memberPath,
} satisfies RouteSpec;
