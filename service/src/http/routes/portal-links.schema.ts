import * as z from 'zod';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { orgId, orgPath, recordId } from './common.schema.ts';

const linkPath = z.object({ orgId, linkId: recordId });

/** As portal.ts validates them (documentation only: the use case parses the body). */
const linkShape = z.object({
  agencyId: z.string().min(1).max(200),
  days: z.int().min(1).max(365).optional().describe('How long the link works; 90 days when omitted'),
  passcode: z.string().min(6).max(200).optional().describe('A passcode the agency must also give; stored as its scrypt hash'),
});
const rotateShape = z.object({ days: z.int().min(1).max(365).optional() });

export const createPortalLinkSpec = {
  id: 'createPortalLink', method: 'post', path: '/v1/orgs/:orgId/portal-links', tag: 'portal', access: 'owner', status: 201,
  summary: 'Make an agency\'s portal link; the answer is the only time its URL is shown (the service keeps only the token\'s hash)',
  params: orgPath, body: objectOf(linkShape),
} satisfies RouteSpec;

export const listPortalLinksSpec = {
  id: 'listPortalLinks', method: 'get', path: '/v1/orgs/:orgId/portal-links', tag: 'portal', access: 'owner',
  summary: 'The org\'s portal links (status, dates, the invoices each opened; never the URL)',
  params: orgPath, query: z.object({ agencyId: recordId.optional() }),
} satisfies RouteSpec;

export const revokePortalLinkSpec = {
  id: 'revokePortalLink', method: 'post', path: '/v1/orgs/:orgId/portal-links/:linkId/revoke', tag: 'portal', access: 'owner',
  summary: 'Revoke a portal link at once', params: linkPath,
} satisfies RouteSpec;

export const rotatePortalLinkSpec = {
  id: 'rotatePortalLink', method: 'post', path: '/v1/orgs/:orgId/portal-links/:linkId/rotate', tag: 'portal', access: 'owner', status: 201,
  summary: 'Revoke a portal link and make its agency a new one (same passcode); the new URL is shown once',
  params: linkPath, body: objectOf(rotateShape),
} satisfies RouteSpec;
