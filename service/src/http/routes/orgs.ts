/** Org set-up and settings. */
import { ok } from '../../../../shared/index.ts';
import { createOrg, getOrg, setPayerTin, updateOrgSettings } from '../../usecases/orgs.ts';
import { route } from '../route.ts';
import { createOrgSpec, getOrgSpec, setPayerTinSpec, updateOrgSettingsSpec } from './orgs.schema.ts';

export const orgRoutes = [
  route(createOrgSpec, async ({ body, ctx, principal, identity }) => {
    const created = await createOrg(ctx, { id: body.id, settings: body.settings });
    if (!created.ok || principal?.kind !== 'google') return created;
    await identity.identity.putMember(created.value.id, { email: principal.email, role: 'owner', addedAt: ctx.now().toISOString() });
    return ok(created.value);
  }),
  route(getOrgSpec, ({ params, ctx }) => getOrg(ctx, params.orgId)),
  route(updateOrgSettingsSpec, ({ params, body, ctx }) => updateOrgSettings(ctx, params.orgId, body)),
  route(setPayerTinSpec, ({ params, body, ctx }) => setPayerTin(ctx, params.orgId, body)),
];
