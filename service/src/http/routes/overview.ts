/** The owner's overview of a month (the sidebar's first panel). */
import { monthOverview } from '../../usecases/overview.ts';
import { route } from '../route.ts';
import { overviewSpec } from './overview.schema.ts';

export const overviewRoutes = [route(overviewSpec, ({ params, query, ctx }) => monthOverview(ctx, params.orgId, query.month))];
