import * as z from 'zod';
import { WIRE } from '../../../../shared/wire/api.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, pageQuery, recordId, SORT_KEYS, wired } from './common.schema.ts';

const linkPath = z.object({ orgId, linkId: recordId });

export const createPortalLinkSpec = {
  ...wired('createPortalLink'),
  tag: 'portal',
  access: 'owner',
  status: 201,
  summary: "Make an agency's portal link; the answer is the only time its URL is shown (the service keeps only the token's hash)",
  params: orgPath,
  body: objectOf(WIRE.createPortalLink.body),
} satisfies RouteSpec;

export const listPortalLinksSpec = {
  ...wired('listPortalLinks'),
  tag: 'portal',
  access: 'owner',
  summary: "The org's portal links (status, dates, the invoices each opened; never the URL)",
  params: orgPath,
  query: z.object({ agencyId: recordId.optional(), ...pageQuery(SORT_KEYS.byId) }),
} satisfies RouteSpec;

export const revokePortalLinkSpec = {
  ...wired('revokePortalLink'),
  tag: 'portal',
  access: 'owner',
  summary: 'Revoke a portal link at once',
  params: linkPath,
} satisfies RouteSpec;

export const rotatePortalLinkSpec = {
  ...wired('rotatePortalLink'),
  tag: 'portal',
  access: 'owner',
  status: 201,
  summary: 'Revoke a portal link and make its agency a new one (same passcode); the new URL is shown once',
  params: linkPath,
  body: objectOf(WIRE.rotatePortalLink.body),
} satisfies RouteSpec;
