import * as z from 'zod';
import { billRate, payRate } from '../../../../shared/index.ts';
import { agencyInput, therapistInput } from '../../usecases/directory.ts';
import { rowsOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgPath } from './common.schema.ts';

export const listAgenciesSpec = {
  id: 'listAgencies', method: 'get', path: '/v1/orgs/:orgId/agencies', tag: 'agencies', access: 'member',
  summary: 'The home health agencies the org bills', params: orgPath,
} satisfies RouteSpec;

export const upsertAgenciesSpec = {
  id: 'upsertAgencies', method: 'post', path: '/v1/orgs/:orgId/agencies', tag: 'agencies', access: 'member',
  summary: 'Add or change agencies (by id, or by name when there is no id): billing cycle, terms, how patients are identified on invoices. A bad row names its index and nothing is stored',
  params: orgPath, body: z.object({ agencies: rowsOf(agencyInput) }),
} satisfies RouteSpec;

export const listTherapistsSpec = {
  id: 'listTherapists', method: 'get', path: '/v1/orgs/:orgId/therapists', tag: 'therapists', access: 'member',
  summary: 'The therapists the org pays, W-9 TINs masked', params: orgPath,
} satisfies RouteSpec;

export const upsertTherapistsSpec = {
  id: 'upsertTherapists', method: 'post', path: '/v1/orgs/:orgId/therapists', tag: 'therapists', access: 'member',
  summary: 'Add or change therapists with their W-9 (the TIN is encrypted at once and shown masked from then on)',
  params: orgPath, body: z.object({ therapists: rowsOf(therapistInput) }),
} satisfies RouteSpec;

export const listRatesSpec = {
  id: 'listRates', method: 'get', path: '/v1/orgs/:orgId/rates', tag: 'rates', access: 'member',
  summary: 'Bill rates (agency, discipline, visit type) and pay rates (therapist, optionally per agency), with effective dates', params: orgPath,
} satisfies RouteSpec;

export const putBillRatesSpec = {
  id: 'putBillRates', method: 'post', path: '/v1/orgs/:orgId/rates/bill', tag: 'rates', access: 'member',
  summary: 'Add or change bill rates in cents, keyed by agency, discipline, visit type and effective date',
  params: orgPath, body: z.object({ rates: rowsOf(billRate) }),
} satisfies RouteSpec;

export const putPayRatesSpec = {
  id: 'putPayRates', method: 'post', path: '/v1/orgs/:orgId/rates/pay', tag: 'rates', access: 'member',
  summary: 'Add or change pay rates in cents, keyed by therapist, agency (optional override), discipline, visit type and effective date',
  params: orgPath, body: z.object({ rates: rowsOf(payRate) }),
} satisfies RouteSpec;
