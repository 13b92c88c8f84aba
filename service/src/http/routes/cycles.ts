/** Billing cycles: preview and close one agency's cycle, or a whole month. */
import { closeAgencyCycle, closeMonth, previewClose } from '../../usecases/cycles.ts';
import { route } from '../route.ts';
import { closeCycleSpec, closeMonthSpec, previewCloseSpec } from './cycles.schema.ts';

export const cycleRoutes = [
  route(previewCloseSpec, ({ params, body, ctx }) => previewClose(ctx, params.orgId, body.agencyId, body.period)),
  route(closeCycleSpec, ({ params, body, ctx }) => closeAgencyCycle(ctx, params.orgId, body.agencyId, body.period)),
  route(closeMonthSpec, ({ params, body, ctx }) => closeMonth(ctx, params.orgId, body.month)),
];
