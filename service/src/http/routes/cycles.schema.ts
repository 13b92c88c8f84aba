import * as z from 'zod';
import { period } from '../../../../shared/index.ts';
import type { RouteSpec } from '../route.ts';
import { orgPath, recordId } from './common.schema.ts';

const agencyPeriod = z.object({ agencyId: recordId, period });

export const previewCloseSpec = {
  id: 'previewClose', method: 'post', path: '/v1/orgs/:orgId/cycles/preview', tag: 'cycles', access: 'member',
  summary: 'What closing one agency\'s billing cycle would issue: the draft invoice and the visits held (no rate, no MRN), without issuing',
  params: orgPath, body: agencyPeriod,
} satisfies RouteSpec;

export const closeCycleSpec = {
  id: 'closeCycle', method: 'post', path: '/v1/orgs/:orgId/cycles/close', tag: 'cycles', access: 'member',
  summary: 'Close one agency\'s billing cycle: issue its invoice, numbered without gaps. Closing again returns the same invoice (status already-closed)',
  params: orgPath, body: agencyPeriod,
} satisfies RouteSpec;

export const closeMonthSpec = {
  id: 'closeMonth', method: 'post', path: '/v1/orgs/:orgId/cycles/close-month', tag: 'cycles', access: 'member',
  summary: 'Close every active agency\'s cycles that end in the month, and the payroll periods that end in it',
  params: orgPath, body: z.object({ month: z.string().max(7).describe('YYYY-MM') }),
} satisfies RouteSpec;
