import type { RouteSpec } from '../route.ts';

export const healthSpec = {
  id: 'health', method: 'get', path: '/healthz', tag: 'service', access: 'public', summary: 'The service is up',
} satisfies RouteSpec;

export const openApiSpec = {
  id: 'openapi', method: 'get', path: '/openapi.json', tag: 'service', access: 'public', summary: 'This API, as an OpenAPI 3.1 document',
} satisfies RouteSpec;
