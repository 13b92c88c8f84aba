/**
 * Logs: pino, one JSON line per request with method, route pattern, status, duration, org
 * and actor. Never a raw URL (a query string could carry anything), a header value or a
 * body. The redaction list is a second guard, for anything logged by mistake.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { initRequestState, requestState, type RequestState } from './request-state.ts';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'authorization', 'cookie', 'body',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
  'req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]',
  '*.body', '*.authorization', '*.cookie',
];

/** An error as logged: its kind, message, stack and cause code; not its other fields (library errors carry requests). */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a non-Error value was thrown' };
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return {
    type: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(typeof cause?.code === 'string' ? { causeCode: cause.code } : {}),
  };
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const config = {
    level: options.level,
    base: { service: 'visitledger' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Gives the request its id (also sent back as X-Request-Id) and writes its line when the response ends. */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const state: RequestState = { requestId: randomUUID(), startedAt: process.hrtime.bigint() };
    initRequestState(res, state);
    res.setHeader('X-Request-Id', state.requestId);
    res.on('close', () => {
      const s = requestState(res);
      const line = {
        reqId: s.requestId,
        method: req.method,
        route: s.route ?? '(unmatched)',
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - s.startedAt) / 1e4) / 100,
        ...(s.orgId ? { orgId: s.orgId } : {}),
        ...(s.actor ? { actor: s.actor } : {}),
        ...(s.authFailure ? { authFailure: s.authFailure } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (s.error !== undefined) logger.error({ ...line, err: s.error }, 'request failed');
      else if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
