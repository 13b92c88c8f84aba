/** Org set-up and settings. */
import { ok } from '../../../../shared/index.ts';
import { fail } from '../../failure.ts';
import { listMembers, putMember } from '../../usecases/members.ts';
import { createOrg, getOrg, setPayerTin, updateOrgSettings } from '../../usecases/orgs.ts';
import { route } from '../route.ts';
import { createOrgSpec, getMyMembershipSpec, getOrgSpec, setPayerTinSpec, updateOrgSettingsSpec } from './orgs.schema.ts';

export const orgRoutes = [
  route(createOrgSpec, async ({ body, ctx, principal, identity }) => {
    if (principal?.kind !== 'google')
      throw new Error('createOrg ran without a Google account', { cause: { code: 'access-misconfigured' } });
    const created = await createOrg(ctx, { id: body.id, settings: body.settings }, 'api');
    if (!created.ok) return created;
    const owner = await putMember(identity, created.value.id, principal.email, { role: 'owner' }, principal.sub);
    return owner.ok ? created : owner;
  }),
  route(getOrgSpec, ({ params, ctx }) => getOrg(ctx, params.orgId)),
  route(getMyMembershipSpec, async ({ params, principal, identity }) => {
    if (principal?.kind === 'api-key') return ok({ email: null, role: principal.role });
    if (principal?.kind !== 'google')
      throw new Error('getMyMembership ran without credentials', { cause: { code: 'access-misconfigured' } });
    // The access check let the caller in as a member; the list says which role (removed since: not found).
    const members = await listMembers(identity, params.orgId);
    if (!members.ok) return members;
    const me = members.value.find((m) => m.email === principal.email);
    return me ? ok({ email: me.email, role: me.role }) : fail('not-found', 'you are not a member of this org');
  }),
  route(updateOrgSettingsSpec, ({ params, body, ctx }) => updateOrgSettings(ctx, params.orgId, body)),
  route(setPayerTinSpec, ({ params, body, ctx }) => setPayerTin(ctx, params.orgId, body)),
];
