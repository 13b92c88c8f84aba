/** Org set-up and settings. */
import { putMember } from '../../usecases/members.ts';
import { createOrg, getOrg, setPayerTin, updateOrgSettings } from '../../usecases/orgs.ts';
import { route } from '../route.ts';
import { createOrgSpec, getOrgSpec, setPayerTinSpec, updateOrgSettingsSpec } from './orgs.schema.ts';

export const orgRoutes = [
  route(createOrgSpec, async ({ body, ctx, principal, identity }) => {
    if (principal?.kind !== 'google') throw new Error('createOrg ran without a Google account', { cause: { code: 'access-misconfigured' } });
    const created = await createOrg(ctx, { id: body.id, settings: body.settings }, 'api');
    if (!created.ok) return created;
    const owner = await putMember(identity, created.value.id, principal.email, { role: 'owner' });
    return owner.ok ? created : owner;
  }),
  route(getOrgSpec, ({ params, ctx }) => getOrg(ctx, params.orgId)),
  route(updateOrgSettingsSpec, ({ params, body, ctx }) => updateOrgSettings(ctx, params.orgId, body)),
  route(setPayerTinSpec, ({ params, body, ctx }) => setPayerTin(ctx, params.orgId, body)),
];
