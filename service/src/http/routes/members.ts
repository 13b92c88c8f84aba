/** Org members (owner or staff): only an owner changes them. */
import { listMembers, putMember, removeMember } from '../../usecases/members.ts';
import { pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { listMembersSpec, putMemberSpec, removeMemberSpec } from './members.schema.ts';

export const memberRoutes = [
  route(listMembersSpec, ({ params, query, identity }) =>
    pagedWhole('members', listMembers(identity, params.orgId), (m) => [m.email], pageOf(query)),
  ),
  route(putMemberSpec, ({ params, body, identity }) => putMember(identity, params.orgId, params.email, body)),
  route(removeMemberSpec, ({ params, identity }) => removeMember(identity, params.orgId, params.email)),
];
