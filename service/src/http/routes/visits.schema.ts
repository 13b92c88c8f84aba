import * as z from 'zod';
import { visit } from '../../../../shared/index.ts';
import { WIRE } from '../../../../shared/wire/api.ts';
import { MAX_VISITS_PER_BATCH } from '../../../../shared/wire/visits.ts';
import { batchOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { booleanQuery, optionalDate, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

export const upsertVisitsSpec = {
  ...wired('upsertVisits'),
  tag: 'visits',
  access: 'member',
  bodyLimit: 'batch',
  summary: `Add or change up to ${MAX_VISITS_PER_BATCH.toLocaleString('en-US')} visits, keyed by the sheet's clientId (idempotent). Every row gets an answer: created, updated, unchanged or locked (on an issued invoice), with its problems (missing rate, likely duplicate). A malformed row rejects the batch, naming the row`,
  params: orgPath,
  body: batchOf(WIRE.upsertVisits.body),
} satisfies RouteSpec;

export const listVisitsSpec = {
  id: 'listVisits',
  method: 'get',
  path: '/v1/orgs/:orgId/visits',
  tag: 'visits',
  access: 'member',
  summary:
    'A page of visits by date, with their patients (PHI: each page read is audited), filtered by agency, therapist, dates, billed or not',
  params: orgPath,
  query: z.object({
    agencyId: recordId.optional(),
    therapistId: recordId.optional(),
    dateFrom: optionalDate,
    dateTo: optionalDate,
    billed: booleanQuery.optional(),
    ...pageQuery(SORT_KEYS.byDateAndId),
  }),
  answer: z.object({
    visits: z.array(
      z.object({
        ...visit.shape,
        invoiceId: z.string().nullable().describe('The invoice it is billed on; null while unbilled'),
        payRunId: z.string().nullable().describe('The pay run it is paid in; null while unpaid'),
      }),
    ),
    nextCursor,
  }),
} satisfies RouteSpec;

export const settleVisitsOutsideSpec = {
  ...wired('settleVisitsOutside'),
  tag: 'visits',
  access: 'owner',
  summary:
    "An owner's history: the visits dated on or before `through` (a past day) that are neither billed nor paid here are marked billed and paid before VisitLedger, so no close bills or pays them again, and they no longer change. `preview: true` answers how many, and their first and last dates, without writing. It cannot be undone",
  params: orgPath,
} satisfies RouteSpec;

export const withdrawVisitsSpec = {
  ...wired('withdrawVisits'),
  tag: 'visits',
  access: 'member',
  bodyLimit: 'batch',
  summary: `Remove visits entered by mistake (rows deleted from the sheet), by the clientIds they were sent with, up to ${MAX_VISITS_PER_BATCH.toLocaleString('en-US')}: a visit neither billed nor paid is deleted, patient and all (audited), so no close bills or pays it. Every clientId gets an answer: withdrawn, locked (billed or paid: a void or a credit note corrects it) or unknown`,
  params: orgPath,
} satisfies RouteSpec;
