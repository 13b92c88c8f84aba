/**
 * Every error answer has one shape: `{ "error": { "code", "message", "details"? } }`. Use-case
 * failures keep their code and map to FAILURE_STATUS; the HTTP layer adds its own codes.
 * No answer ever carries a stack trace, and no message repeats what the client sent (a
 * malformed body may hold PHI, and JSON.parse quotes it).
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { FAILURE_STATUS, type Failure } from '../failure.ts';
import { requestState } from './request-state.ts';

export const HTTP_ERRORS = {
  'malformed-json': 400,
  unauthenticated: 401,
  forbidden: 403,
  'route-not-found': 404,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  internal: 500,
  'auth-unavailable': 503,
} as const;

export type ErrorCode = keyof typeof HTTP_ERRORS | Failure['code'];

export const ERROR_STATUS: Record<ErrorCode, number> = { ...FAILURE_STATUS, ...HTTP_ERRORS };

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function sendError(res: Response, code: ErrorCode, message: string, details?: unknown): void {
  const body: ErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
  res.status(ERROR_STATUS[code]).json(body);
}

export function sendFailure(res: Response, failure: Failure): void {
  sendError(res, failure.code, failure.message, failure.details);
}

export const routeNotFound: RequestHandler = (_req, res) => {
  sendError(res, 'route-not-found', 'no such route; see /openapi.json');
};

/** An error that body-parser (http-errors) marked as the client's: a 4xx status. */
export function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** What body-parser throws (it sets `type`); anything else is unexpected. */
type BodyParserError = { type?: unknown; status?: unknown; limit?: unknown };

/**
 * The last handler: body-parser's errors become their JSON answers; anything else is a 500
 * whose message names the request id, and the error goes to the request's log line.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const { type, limit } = (error ?? {}) as BodyParserError;
  if (res.headersSent) {
    requestState(res).error = error;
    res.destroy();
    return;
  }
  switch (type) {
    case 'entity.too.large':
      return sendError(
        res,
        'payload-too-large',
        `the request body is larger than this route accepts (${typeof limit === 'number' ? `${limit} bytes` : 'see the API docs'})`,
      );
    case 'entity.parse.failed':
      return sendError(res, 'malformed-json', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendError(res, 'unsupported-media-type', 'send the body as UTF-8 JSON (Content-Type: application/json)');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
    case 'parameters.too.many':
      return sendError(res, 'malformed-json', 'the request body could not be read');
  }
  // The router could not decode a path parameter (a malformed %-escape): the client's URL, not a fault.
  if (error instanceof URIError) {
    return sendError(res, 'invalid-input', 'path: a path parameter is not valid percent-encoded UTF-8', [
      { path: 'path', message: 'is not valid percent-encoded UTF-8' },
    ]);
  }
  // Whatever else body-parser refuses with a status of its own (a gzip body that does not inflate) is the client's too.
  if (isClientError(error)) return sendError(res, 'malformed-json', 'the request body could not be read');
  const state = requestState(res);
  state.error = error;
  sendError(res, 'internal', `unexpected error; it was logged with id ${state.requestId}`);
};
