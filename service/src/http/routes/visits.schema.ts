import * as z from 'zod';
import { MAX_VISITS_PER_BATCH, visitRow } from '../../usecases/visits.ts';
import { rowsOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { isoDate } from '../../../../shared/index.ts';
import { booleanQuery, optionalDate, orgPath, recordId } from './common.schema.ts';

export const upsertVisitsSpec = {
  id: 'upsertVisits', method: 'post', path: '/v1/orgs/:orgId/visits', tag: 'visits', access: 'member', bodyLimit: 'batch',
  summary: `Add or change up to ${MAX_VISITS_PER_BATCH.toLocaleString('en-US')} visits, keyed by the sheet's clientId (idempotent). Every row gets an answer: created, updated, unchanged or locked (on an issued invoice), with its problems (missing rate, likely duplicate). A malformed row rejects the batch, naming the row`,
  params: orgPath, body: z.object({ visits: rowsOf(visitRow) }),
} satisfies RouteSpec;

export const listVisitsSpec = {
  id: 'listVisits', method: 'get', path: '/v1/orgs/:orgId/visits', tag: 'visits', access: 'member',
  summary: 'Visits with their patients (PHI: each read is audited), filtered by agency, therapist, dates, billed or not',
  params: orgPath,
  query: z.object({
    agencyId: recordId.optional(), therapistId: recordId.optional(), dateFrom: optionalDate, dateTo: optionalDate, billed: booleanQuery.optional(),
  }),
} satisfies RouteSpec;

export const settleVisitsOutsideSpec = {
  id: 'settleVisitsOutside', method: 'post', path: '/v1/orgs/:orgId/visits/settled-outside', tag: 'visits', access: 'owner',
  summary: 'An owner\'s history: the visits dated on or before `through` (a past day) that are neither billed nor paid here are marked billed and paid before VisitLedger, so no close bills or pays them again, and they no longer change. `preview: true` answers how many, and their first and last dates, without writing. It cannot be undone',
  params: orgPath, body: z.object({ through: isoDate, preview: z.boolean().optional() }),
} satisfies RouteSpec;

export const withdrawVisitsSpec = {
  id: 'withdrawVisits', method: 'post', path: '/v1/orgs/:orgId/visits/withdraw', tag: 'visits', access: 'member', bodyLimit: 'batch',
  summary: `Remove visits entered by mistake (rows deleted from the sheet), by the clientIds they were sent with, up to ${MAX_VISITS_PER_BATCH.toLocaleString('en-US')}: a visit neither billed nor paid is deleted, patient and all (audited), so no close bills or pays it. Every clientId gets an answer: withdrawn, locked (billed or paid: a void or a credit note corrects it) or unknown`,
  params: orgPath,
  body: z.object({ clientIds: z.array(visitRow.shape.clientId).min(1, 'names no visit').max(MAX_VISITS_PER_BATCH, `has more than ${MAX_VISITS_PER_BATCH} client ids; send them in smaller batches`) }),
} satisfies RouteSpec;
