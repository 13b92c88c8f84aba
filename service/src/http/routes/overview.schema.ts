import * as z from 'zod';
import type { RouteSpec } from '../route.ts';
import { orgId, wired } from './common.schema.ts';

export const overviewSpec = {
  ...wired('overview'),
  tag: 'overview',
  access: 'member',
  summary:
    "The month's overview: billed, collected, open receivables by age, payroll, paid to and owed to therapists, the margin by agency, therapist and discipline, " +
    'the visits held and why, the therapists paid this year without a usable W-9, what blocks the next close or the year end, and the last 12 months. ' +
    "The same figures as `visitledger overview --json`; the current month in the org's time zone unless month",
  params: z.object({ orgId }),
  query: z.object({ month: z.optional(z.string().regex(/^\d{4}-\d{2}$/, 'must be a month as YYYY-MM')) }),
} satisfies RouteSpec;
