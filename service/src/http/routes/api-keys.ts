/** API keys: only an owner makes, lists or revokes them. */
import { createApiKey, listApiKeys, revokeApiKey } from '../../usecases/api-keys.ts';
import { listed, route } from '../route.ts';
import { createApiKeySpec, listApiKeysSpec, revokeApiKeySpec } from './api-keys.schema.ts';

export const apiKeyRoutes = [
  route(createApiKeySpec, ({ params, body, identity }) => createApiKey(identity, params.orgId, body)),
  route(listApiKeysSpec, ({ params, identity }) => listed('apiKeys', listApiKeys(identity, params.orgId))),
  route(revokeApiKeySpec, ({ params, identity }) => revokeApiKey(identity, params.orgId, params.keyId)),
];
