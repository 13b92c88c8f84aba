/** The routes that need no credentials: health and the API's own description. */
import { ok } from '../../../../shared/index.ts';
import type { OpenApiDocument } from '../openapi.ts';
import { route, type Route } from '../route.ts';
import { healthSpec, openApiSpec } from './meta.schema.ts';

export function metaRoutes(openapi: () => OpenApiDocument): Route[] {
  return [route(healthSpec, async () => ok({ status: 'ok' })), route(openApiSpec, async () => ok(openapi()))];
}
