import * as z from 'zod';
import { MEMBER_ROLES } from '../../store/port.ts';
import { newApiKeyInput } from '../../usecases/api-keys.ts';
import { objectOf } from '../documented.ts';
import type { RouteSpec } from '../route.ts';
import { nextCursor } from '../../../../shared/wire/paging.ts';
import { orgId, orgPath, pageQuery, SORT_KEYS } from './common.schema.ts';

/** An API key as shown: never its secret or hash. */
const apiKey = z.object({
  id: z.string(),
  label: z.string(),
  role: z.enum(MEMBER_ROLES),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  createdBy: z
    .string()
    .optional()
    .describe("The member who made it (for a key made with another key, that key's member): removing the member revokes it"),
});

export const createApiKeySpec = {
  id: 'createApiKey',
  method: 'post',
  path: '/v1/orgs/:orgId/api-keys',
  tag: 'api-keys',
  access: 'owner',
  status: 201,
  summary: 'Make an API key for automation; the answer is the only time the key is shown (the service keeps only its hash)',
  params: orgPath,
  body: objectOf(newApiKeyInput),
  answer: z.object({ key: z.string().describe('vl_<orgId>_<keyId>_<secret>: shown this once'), apiKey }),
} satisfies RouteSpec;

export const listApiKeysSpec = {
  id: 'listApiKeys',
  method: 'get',
  path: '/v1/orgs/:orgId/api-keys',
  tag: 'api-keys',
  access: 'owner',
  summary: "A page of the org's API keys by id (id, label, role, dates; never the key)",
  params: orgPath,
  query: z.object(pageQuery(SORT_KEYS.byId)),
  answer: z.object({ apiKeys: z.array(apiKey), nextCursor }),
} satisfies RouteSpec;

export const revokeApiKeySpec = {
  id: 'revokeApiKey',
  method: 'delete',
  path: '/v1/orgs/:orgId/api-keys/:keyId',
  tag: 'api-keys',
  access: 'owner',
  summary: 'Revoke an API key at once',
  params: z.object({ orgId, keyId: z.string().min(1).max(64) }),
  answer: apiKey,
} satisfies RouteSpec;
