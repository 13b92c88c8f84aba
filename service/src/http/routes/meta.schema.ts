import * as z from 'zod';
import type { RouteSpec } from '../route.ts';

export const healthSpec = {
  id: 'health',
  method: 'get',
  path: '/healthz',
  tag: 'service',
  access: 'public',
  summary: 'The service is up',
  answer: z.object({ status: z.literal('ok') }),
} satisfies RouteSpec;

export const openApiSpec = {
  id: 'openapi',
  method: 'get',
  path: '/openapi.json',
  tag: 'service',
  access: 'public',
  summary: 'This API, as an OpenAPI 3.1 document',
  answer: z
    .looseObject({
      openapi: z.literal('3.1.0'),
      info: z.record(z.string(), z.string()),
      servers: z.array(z.object({ url: z.string(), description: z.string().optional() })),
      paths: z.record(z.string(), z.record(z.string(), z.unknown())),
      components: z.record(z.string(), z.unknown()),
    })
    .describe('An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)'),
} satisfies RouteSpec;
