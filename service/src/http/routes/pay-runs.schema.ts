import * as z from 'zod';
import { period } from '../../../../shared/index.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, recordId } from './common.schema.ts';

const payRunPath = z.object({ orgId, payRunId: recordId.describe('As the pay run names itself: payroll:<first day> (URL-encode the colon or not)') });

export const createPayRunSpec = {
  id: 'createPayRun', method: 'post', path: '/v1/orgs/:orgId/pay-runs', tag: 'payroll', access: 'member',
  summary: 'Create the pay run of a payroll period from the same visits as the invoices; creating it again returns the first one (status already-exists)',
  params: orgPath, body: z.object({ period }),
} satisfies RouteSpec;

export const listPayRunsSpec = {
  id: 'listPayRuns', method: 'get', path: '/v1/orgs/:orgId/pay-runs', tag: 'payroll', access: 'member',
  summary: 'Pay runs with their pay statements', params: orgPath,
} satisfies RouteSpec;

export const getPayRunSpec = {
  id: 'getPayRun', method: 'get', path: '/v1/orgs/:orgId/pay-runs/:payRunId', tag: 'payroll', access: 'member',
  summary: 'One pay run with its pay statements', params: payRunPath,
} satisfies RouteSpec;

export const approvePayRunSpec = {
  id: 'approvePayRun', method: 'post', path: '/v1/orgs/:orgId/pay-runs/:payRunId/approve', tag: 'payroll', access: 'owner',
  summary: 'Approve an open pay run before money moves (an owner\'s decision)', params: payRunPath,
} satisfies RouteSpec;
