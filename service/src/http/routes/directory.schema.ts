import { WIRE } from '../../../../shared/wire/api.ts';
import { agenciesAnswer, therapistsAnswer } from '../../../../shared/wire/directory.ts';
import { batchOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import * as z from 'zod';
import { pagedAnswer } from '../../../../shared/wire/paging.ts';
import { orgPath, pageQuery, SORT_KEYS, wired } from './common.schema.ts';

export const listAgenciesSpec = {
  id: 'listAgencies',
  method: 'get',
  path: '/v1/orgs/:orgId/agencies',
  tag: 'agencies',
  access: 'member',
  summary: 'A page of the home health agencies the org bills, by id',
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byId)),
  answer: pagedAnswer(agenciesAnswer),
} satisfies RouteSpec;

export const upsertAgenciesSpec = {
  ...wired('upsertAgencies'),
  tag: 'agencies',
  access: 'member',
  summary:
    'Add or change agencies (by id, or by name when there is no id): billing cycle, terms, how patients are identified on invoices. A bad row names its index and nothing is stored',
  params: orgPath,
  body: batchOf(WIRE.upsertAgencies.body),
} satisfies RouteSpec;

export const listTherapistsSpec = {
  id: 'listTherapists',
  method: 'get',
  path: '/v1/orgs/:orgId/therapists',
  tag: 'therapists',
  access: 'member',
  summary: 'A page of the therapists the org pays, by id, W-9 TINs masked',
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byId)),
  answer: pagedAnswer(therapistsAnswer),
} satisfies RouteSpec;

export const upsertTherapistsSpec = {
  ...wired('upsertTherapists'),
  tag: 'therapists',
  access: 'member',
  summary: 'Add or change therapists with their W-9 (the TIN is encrypted at once and shown masked from then on)',
  params: orgPath,
  body: batchOf(WIRE.upsertTherapists.body),
} satisfies RouteSpec;

export const listRatesSpec = {
  ...wired('listRates'),
  tag: 'rates',
  access: 'member',
  summary:
    'Bill rates (agency, discipline, visit type) and pay rates (therapist, optionally per agency), with effective dates: one page runs through the bill rates, then the pay rates',
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byRate)),
} satisfies RouteSpec;

export const putBillRatesSpec = {
  ...wired('putBillRates'),
  tag: 'rates',
  access: 'member',
  summary: 'Add or change bill rates in cents, keyed by agency, discipline, visit type and effective date',
  params: orgPath,
  body: batchOf(WIRE.putBillRates.body),
} satisfies RouteSpec;

export const putPayRatesSpec = {
  ...wired('putPayRates'),
  tag: 'rates',
  access: 'member',
  summary: 'Add or change pay rates in cents, keyed by therapist, agency (optional override), discipline, visit type and effective date',
  params: orgPath,
  body: batchOf(WIRE.putPayRates.body),
} satisfies RouteSpec;
