import * as z from 'zod';
import * as zm from 'zod/mini';
import { orgSettings } from '../../../../shared/index.ts';
import { WIRE } from '../../../../shared/wire/api.ts';
import { orgView } from '../../../../shared/wire/directory.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgPath, wired } from './common.schema.ts';

export const createOrgSpec = {
  ...wired('createOrg'),
  tag: 'orgs',
  access: 'signed-in',
  status: 201,
  summary: 'Create an org (one staffing agency); the signed-in Google account becomes its owner',
  body: objectOf(WIRE.createOrg.body),
} satisfies RouteSpec;

export const getOrgSpec = {
  ...wired('getOrg'),
  tag: 'orgs',
  access: 'member',
  summary: 'The org and its settings (the payer TIN masked)',
  params: orgPath,
} satisfies RouteSpec;

export const getMyMembershipSpec = {
  ...wired('getMyMembership'),
  tag: 'orgs',
  access: 'member',
  summary: "The caller's own membership of the org: its email and role (the add-on lets only an owner connect a sheet)",
  params: orgPath,
} satisfies RouteSpec;

export const updateOrgSettingsSpec = {
  id: 'updateOrgSettings',
  method: 'patch',
  path: '/v1/orgs/:orgId/settings',
  tag: 'orgs',
  access: 'owner',
  summary: 'Change some of the org settings (name, time zone, invoice prefix, payroll cycle, visit types...)',
  params: orgPath,
  body: objectOf(zm.partial(orgSettings)),
  answer: orgView,
} satisfies RouteSpec;

export const setPayerTinSpec = {
  id: 'setPayerTin',
  method: 'put',
  path: '/v1/orgs/:orgId/payer-tin',
  tag: 'orgs',
  access: 'owner',
  summary: 'Set the payer TIN for the 1099 export (stored encrypted, shown masked)',
  params: orgPath,
  body: z.object({ tin: z.string().max(20), type: z.enum(['SSN', 'EIN']) }),
  answer: orgView,
} satisfies RouteSpec;
