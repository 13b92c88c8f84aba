/** The owner's side of the therapists' own pages: their links, posting Copy B, the paper list and the notices to email. */
import { listTherapistNotifications, markNotificationsSent, paperCopies, postCopyB } from '../../usecases/therapist-copy-b.ts';
import { createTherapistLink, listTherapistLinks, revokeTherapistLinks, rotateTherapistLink } from '../../usecases/therapist-links.ts';
import { listed, pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import {
  createTherapistLinkSpec,
  listPaperCopiesSpec,
  listTherapistLinksSpec,
  listTherapistNotificationsSpec,
  markTherapistNotificationsSentSpec,
  postCopyBSpec,
  revokeTherapistLinksSpec,
  rotateTherapistLinkSpec,
} from './therapist-links.schema.ts';

export const therapistLinkRoutes = [
  route(createTherapistLinkSpec, ({ params, body, ctx, portal }) =>
    createTherapistLink({ ...ctx, therapists: portal.store }, params.orgId, params.therapistId, body, portal.baseUrl),
  ),
  route(listTherapistLinksSpec, ({ params, query, ctx, portal }) =>
    pagedWhole(
      'links',
      listTherapistLinks({ ...ctx, therapists: portal.store }, params.orgId, query.therapistId),
      (l) => [l.id],
      pageOf(query),
    ),
  ),
  route(revokeTherapistLinksSpec, ({ params, ctx, portal }) =>
    listed('revoked', revokeTherapistLinks({ ...ctx, therapists: portal.store }, params.orgId, params.therapistId)),
  ),
  route(rotateTherapistLinkSpec, ({ params, body, ctx, portal }) =>
    rotateTherapistLink({ ...ctx, therapists: portal.store }, params.orgId, params.therapistId, body, portal.baseUrl),
  ),
  route(postCopyBSpec, ({ params, documents, portal }) => postCopyB({ ...documents, therapists: portal.store }, params.orgId, params.year)),
  route(listPaperCopiesSpec, ({ params, ctx, portal }) =>
    listed('paper', paperCopies({ ...ctx, therapists: portal.store }, params.orgId, params.year)),
  ),
  route(listTherapistNotificationsSpec, ({ params, query, ctx, portal }) =>
    listed(
      'notifications',
      listTherapistNotifications({ ...ctx, therapists: portal.store }, params.orgId, { unsent: query.unsent === 'true' }),
    ),
  ),
  route(markTherapistNotificationsSentSpec, ({ params, body, ctx, portal }) =>
    markNotificationsSent({ ...ctx, therapists: portal.store }, params.orgId, body.ids),
  ),
];
