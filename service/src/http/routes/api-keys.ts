/** API keys: only an owner makes, lists or revokes them. */
import { createApiKey, keyMaker, listApiKeys, revokeApiKey } from '../../usecases/api-keys.ts';
import { pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { createApiKeySpec, listApiKeysSpec, revokeApiKeySpec } from './api-keys.schema.ts';

export const apiKeyRoutes = [
  route(createApiKeySpec, async ({ params, body, identity, principal }) =>
    createApiKey(identity, params.orgId, body, principal ? await keyMaker(identity, params.orgId, principal) : undefined),
  ),
  route(listApiKeysSpec, ({ params, query, identity }) =>
    pagedWhole('apiKeys', listApiKeys(identity, params.orgId), (k) => [k.id], pageOf(query)),
  ),
  route(revokeApiKeySpec, ({ params, identity }) => revokeApiKey(identity, params.orgId, params.keyId)),
];
