/** Org members (owner or staff): only an owner changes them. */
import { listMembers, putMember, removeMember } from '../../usecases/members.ts';
import { listed, route } from '../route.ts';
import { listMembersSpec, putMemberSpec, removeMemberSpec } from './members.schema.ts';

export const memberRoutes = [
  route(listMembersSpec, ({ params, identity }) => listed('members', listMembers(identity, params.orgId))),
  route(putMemberSpec, ({ params, body, identity }) => putMember(identity, params.orgId, params.email, body)),
  route(removeMemberSpec, ({ params, identity }) => removeMember(identity, params.orgId, params.email)),
];
