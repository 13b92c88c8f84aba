/**
 * The OpenAPI 3.1 document, generated from the route specs' zod schemas (JSON Schema
 * 2020-12): a request as a client sends it, an answer as the service sends it. Served at
 * /openapi.json.
 */
import * as z from 'zod';
import { isoDate } from '../../../shared/index.ts';
import { documentedShape } from './documented.ts';
import { ERROR_STATUS } from './errors.ts';
import type { RouteSpec } from './route.ts';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: Record<string, string>;
  servers: { url: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
};

export const API_VERSION = '1.0.0';

/** `input`: what a client sends (a request); `output`: what the service sends (an answer). */
function toJsonSchema(schema: z.core.$ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === isoDate) (ctx.jsonSchema as JsonSchema).format = 'date';
      const shape = documentedShape(ctx.zodSchema);
      if (!shape) return;
      const target = ctx.jsonSchema as JsonSchema;
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, toJsonSchema(shape));
    },
  }) as JsonSchema;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/** `/v1/orgs/:orgId` as OpenAPI writes it: `/v1/orgs/{orgId}`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = toJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const ACCESS_TEXT: Record<RouteSpec['access'], string> = {
  public: 'No credentials.',
  'signed-in': 'A signed-in Google account (an ID token), in no org yet.',
  member: 'An owner or staff member of the org, or one of its API keys.',
  owner: 'An owner of the org, or one of its API keys with the owner role.',
  'stripe-signature':
    "Stripe only: the event signed with the org's webhook signing secret (Stripe-Signature over the raw body). Bearer credentials are refused.",
  'link-token': 'Whoever holds the link: its 256-bit token (the query parameter `token`). Bearer credentials are refused.',
};

const SECURITY: Record<RouteSpec['access'], unknown[]> = {
  public: [],
  'signed-in': [{ bearer: [] }],
  member: [{ bearer: [] }],
  owner: [{ bearer: [] }],
  'stripe-signature': [{ stripeSignature: [] }],
  'link-token': [{ linkToken: [] }],
};

function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set<number>([ERROR_STATUS.internal]);
  if (spec.params || spec.query || spec.body) statuses.add(ERROR_STATUS['invalid-input']);
  if (spec.body)
    [ERROR_STATUS['payload-too-large'], ERROR_STATUS['unsupported-media-type']].forEach((s) => {
      statuses.add(s);
    });
  if (spec.access !== 'public') {
    [ERROR_STATUS.unauthenticated, ERROR_STATUS.forbidden, ERROR_STATUS['too-many-requests'], ERROR_STATUS['auth-unavailable']].forEach(
      (s) => {
        statuses.add(s);
      },
    );
  }
  if (spec.access === 'member' || spec.access === 'owner') {
    [ERROR_STATUS['not-found'], ERROR_STATUS.conflict, ERROR_STATUS['rule-broken'], ERROR_STATUS['plan-required']].forEach((s) => {
      statuses.add(s);
    });
  }
  if (spec.access === 'signed-in') statuses.add(ERROR_STATUS.conflict);
  if (spec.access === 'member' || spec.access === 'owner' || spec.access === 'stripe-signature' || spec.access === 'link-token')
    statuses.add(ERROR_STATUS['payment-provider']);
  if (spec.access === 'stripe-signature' || spec.access === 'link-token') {
    statuses.delete(ERROR_STATUS['too-many-requests']);
    statuses.delete(ERROR_STATUS['auth-unavailable']);
    statuses.add(ERROR_STATUS['invalid-input']);
    if (spec.access === 'link-token') statuses.add(ERROR_STATUS['not-found']);
  }
  if (spec.rawBodyLimit) statuses.add(ERROR_STATUS['payload-too-large']);
  return [...statuses].sort();
}

/** The success answer of a JSON route: its schema is what a client is generated from, so every such route has one. */
function answerContent(spec: RouteSpec): Record<string, unknown> {
  if (!spec.answer)
    throw new Error(`route ${spec.id} answers JSON but names no answer schema`, { cause: { code: 'route-without-answer' } });
  return { 'application/json': { schema: toJsonSchema(spec.answer, 'output') } };
}

/** A 201 route whose answer can say `replayed` (the same idempotency key again) answers that replay with 200 (app.ts). */
function answersReplays(spec: RouteSpec): boolean {
  if (spec.status !== 201 || !spec.answer) return false;
  const properties = (toJsonSchema(spec.answer, 'output') as { properties?: Record<string, unknown> }).properties;
  return properties !== undefined && 'replayed' in properties;
}

function operation(spec: RouteSpec): Record<string, unknown> {
  const success = spec.status ?? 200;
  return {
    operationId: spec.id,
    tags: [spec.tag],
    summary: spec.summary,
    description: `Who may call it: ${ACCESS_TEXT[spec.access]}`,
    security: SECURITY[spec.access],
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(spec.body) } } } } : {}),
    ...(spec.rawBodyLimit
      ? {
          requestBody: {
            required: true,
            description: `Stripe's event as it sent it, at most ${spec.rawBodyLimit} bytes; verified on these exact bytes.`,
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        }
      : {}),
    responses: {
      [success]:
        success === 204
          ? { description: 'Done; no content.' }
          : spec.browser
            ? {
                description: 'A redirect (303) to where the browser goes next, or one line of plain text.',
                content: { 'text/plain': { schema: { type: 'string' } } },
              }
            : spec.file
              ? { description: 'The file, as an attachment.', content: { [spec.file]: { schema: { type: 'string', format: 'binary' } } } }
              : { description: 'Done.', content: answerContent(spec) },
      ...(answersReplays(spec)
        ? {
            200: {
              description:
                'A replay: sent before with the same idempotency key, so nothing new was done; the first answer, with replayed: true.',
              content: answerContent(spec),
            },
          }
        : {}),
      ...Object.fromEntries(errorStatuses(spec).map((s) => [s, { $ref: '#/components/responses/Error' }])),
    },
  };
}

/** `publicBaseUrl`: where clients reach the service (`PORTAL_BASE_URL`); the document's own origin when empty. */
export function buildOpenApi(specs: readonly RouteSpec[], publicBaseUrl = ''): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of specs) {
    const path = (paths[openApiPath(spec.path)] ??= {});
    path[spec.method] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'VisitLedger API',
      version: API_VERSION,
      description:
        'Billing, contractor payroll and 1099-NEC for home health therapy staffing agencies. Money is integer cents; dates are YYYY-MM-DD. Errors: { "error": { "code", "message", "details" } }.',
    },
    servers: [{ url: publicBaseUrl.replace(/\/+$/, '') || '/', description: 'This service' }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Google ID token (the add-on: ScriptApp.getIdentityToken()) or an org API key (vl_...).',
        },
        stripeSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: 't=<unix time>,v1=<hex HMAC-SHA256 of "t.rawBody" with the org\'s webhook signing secret>',
        },
        linkToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The 256-bit token of a link the service made (shown once, stored hashed).',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
                message: { type: 'string' },
                details: {
                  description: 'For invalid input: [{ path, message }], the path naming the field and, in a batch, the row ("3.date").',
                },
              },
            },
          },
        },
      },
      responses: {
        Error: {
          description: 'An error; the code says which.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
