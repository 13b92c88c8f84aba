/** Pay runs: pay statements per therapist for a payroll period. */
import { approvePayRun, createPayRun, getPayRun, listPayRuns } from '../../usecases/payroll.ts';
import { listed, route } from '../route.ts';
import { approvePayRunSpec, createPayRunSpec, getPayRunSpec, listPayRunsSpec } from './pay-runs.schema.ts';

export const payRunRoutes = [
  route(createPayRunSpec, ({ params, body, ctx }) => createPayRun(ctx, params.orgId, body.period)),
  route(listPayRunsSpec, ({ params, ctx }) => listed('payRuns', listPayRuns(ctx, params.orgId))),
  route(getPayRunSpec, ({ params, ctx }) => getPayRun(ctx, params.orgId, params.payRunId)),
  route(approvePayRunSpec, ({ params, ctx }) => approvePayRun(ctx, params.orgId, params.payRunId)),
];
