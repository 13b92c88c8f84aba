/** The owner's portal links: create (the URL shown once), list, revoke, rotate. */
import { createPortalLink, listPortalLinks, revokePortalLink, rotatePortalLink } from '../../usecases/portal.ts';
import { pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { createPortalLinkSpec, listPortalLinksSpec, revokePortalLinkSpec, rotatePortalLinkSpec } from './portal-links.schema.ts';

export const portalLinkRoutes = [
  route(createPortalLinkSpec, ({ params, body, ctx, portal }) =>
    createPortalLink({ ...ctx, portal: portal.store }, params.orgId, body, portal.baseUrl),
  ),
  route(listPortalLinksSpec, ({ params, query, ctx, portal }) =>
    pagedWhole('links', listPortalLinks({ ...ctx, portal: portal.store }, params.orgId, query.agencyId), (l) => [l.id], pageOf(query)),
  ),
  route(revokePortalLinkSpec, ({ params, ctx, portal }) => revokePortalLink({ ...ctx, portal: portal.store }, params.orgId, params.linkId)),
  route(rotatePortalLinkSpec, ({ params, body, ctx, portal }) =>
    rotatePortalLink({ ...ctx, portal: portal.store }, params.orgId, params.linkId, body, portal.baseUrl),
  ),
];
