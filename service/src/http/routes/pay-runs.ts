/** Pay runs: pay statements per therapist for a payroll period. */
import { approvePayRun, createPayRun, getPayRun, listPayRuns } from '../../usecases/payroll.ts';
import { pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { approvePayRunSpec, createPayRunSpec, getPayRunSpec, listPayRunsSpec } from './pay-runs.schema.ts';

export const payRunRoutes = [
  route(createPayRunSpec, ({ params, body, ctx }) => createPayRun(ctx, params.orgId, body.period)),
  route(listPayRunsSpec, ({ params, query, ctx }) => pagedWhole('payRuns', listPayRuns(ctx, params.orgId), (r) => [r.id], pageOf(query))),
  route(getPayRunSpec, ({ params, ctx }) => getPayRun(ctx, params.orgId, params.payRunId)),
  route(approvePayRunSpec, ({ params, ctx }) => approvePayRun(ctx, params.orgId, params.payRunId)),
];
