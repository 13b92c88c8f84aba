/**
 * Logs: pino, one JSON line per request with method, route pattern, status, duration, org
 * and actor. Never a raw URL (a query string could carry anything), a header value or a
 * body. The redaction list is a second guard, for anything logged by mistake.
 *
 * Lines are in Cloud Logging's structured format (what Cloud Run reads from stdout):
 * `severity` and `message`, and the request's trace as `logging.googleapis.com/trace`, so
 * the log viewer groups a request's lines under its trace.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { initRequestState, requestState, type RequestState } from './request-state.ts';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'body',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.headers["set-cookie"]',
  '*.body',
  '*.authorization',
  '*.cookie',
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

/** Cloud Logging's LogSeverity for each pino level. */
export const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const config = {
    level: options.level,
    base: { service: 'visitledger' },
    messageKey: 'message',
    formatters: { level: (label: string) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/**
 * The request's trace, as Cloud Logging names it: `projects/<project>/traces/<id>`, from
 * Google's front end's `X-Cloud-Trace-Context: <trace id>/<span id>;o=<flag>`, or else a W3C
 * `traceparent`. Nothing without a project to name, or a header of another shape.
 */
export function traceFields(
  project: string | undefined,
  cloudTrace: string | undefined,
  traceparent: string | undefined,
): Record<string, string> {
  if (!project) return {};
  const cloud = cloudTrace === undefined ? null : /^([0-9a-f]{32})(?:\/(\d+))?/i.exec(cloudTrace);
  if (cloud) {
    return {
      'logging.googleapis.com/trace': `projects/${project}/traces/${cloud[1]!.toLowerCase()}`,
      ...(cloud[2] ? { 'logging.googleapis.com/spanId': BigInt(cloud[2]).toString(16).padStart(16, '0') } : {}),
    };
  }
  const w3c = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(traceparent);
  return w3c ? { 'logging.googleapis.com/trace': `projects/${project}/traces/${w3c[1]}`, 'logging.googleapis.com/spanId': w3c[2]! } : {};
}

/**
 * Gives the request its id (also sent back as X-Request-Id) and writes its line when the
 * response ends; `traceProject` is the Google Cloud project its trace ids belong to.
 */
export function requestLogging(logger: Logger, traceProject?: string): RequestHandler {
  return (req, res, next) => {
    const state: RequestState = { requestId: randomUUID(), startedAt: process.hrtime.bigint() };
    initRequestState(res, state);
    res.setHeader('X-Request-Id', state.requestId);
    res.on('close', () => {
      const s = requestState(res);
      const line = {
        ...traceFields(traceProject, req.get('x-cloud-trace-context'), req.get('traceparent')),
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
