import * as z from 'zod';
import { payRun } from '../../../../shared/wire/billing.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const payRunPath = z.object({
  orgId,
  payRunId: recordId.describe('As the pay run names itself: payroll:<first day> (URL-encode the colon or not)'),
});

export const createPayRunSpec = {
  ...wired('createPayRun'),
  tag: 'payroll',
  access: 'member',
  summary:
    'Create the pay run of a payroll period from the same visits as the invoices; creating it again returns the first one (status already-exists)',
  params: orgPath,
} satisfies RouteSpec;

export const listPayRunsSpec = {
  ...wired('listPayRuns'),
  tag: 'payroll',
  access: 'member',
  summary: 'A page of pay runs with their pay statements, by id',
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byId)),
} satisfies RouteSpec;

export const getPayRunSpec = {
  id: 'getPayRun',
  method: 'get',
  path: '/v1/orgs/:orgId/pay-runs/:payRunId',
  tag: 'payroll',
  access: 'member',
  summary: 'One pay run with its pay statements',
  params: payRunPath,
  answer: payRun,
} satisfies RouteSpec;

export const approvePayRunSpec = {
  ...wired('approvePayRun'),
  tag: 'payroll',
  access: 'owner',
  summary: "Approve an open pay run before money moves (an owner's decision)",
  params: payRunPath,
} satisfies RouteSpec;
