/** An agency or a therapist made by a typo: merged into the one it meant, or deleted when nothing is attached. */
import { deleteAgency, deleteTherapist, mergeAgency, mergeTherapist } from '../../usecases/directory-merge.ts';
import { route } from '../route.ts';
import { deleteAgencySpec, deleteTherapistSpec, mergeAgencySpec, mergeTherapistSpec } from './directory-merge.schema.ts';

export const directoryMergeRoutes = [
  route(mergeAgencySpec, ({ params, body, ctx }) => mergeAgency(ctx, params.orgId, params.agencyId, body)),
  route(deleteAgencySpec, ({ params, ctx }) => deleteAgency(ctx, params.orgId, params.agencyId)),
  route(mergeTherapistSpec, ({ params, body, ctx }) => mergeTherapist(ctx, params.orgId, params.therapistId, body)),
  route(deleteTherapistSpec, ({ params, ctx }) => deleteTherapist(ctx, params.orgId, params.therapistId)),
];
