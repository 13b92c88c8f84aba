/**
 * What the service learns about a request as it goes (route pattern, org, actor, outcome),
 * kept on `res.locals` for the one log line written when the response ends.
 */
import type { Response } from 'express';

export type RequestState = {
  requestId: string;
  startedAt: bigint;
  /** The route pattern (`/v1/orgs/:orgId/invoices/:invoiceId`), never the raw URL. */
  route?: string;
  orgId?: string;
  /** As the audit log names it: a member's email or `api-key:<id>`. */
  actor?: string;
  authFailure?: string;
  /** An unexpected error, for the log line only. */
  error?: unknown;
};

export function requestState(res: Response): RequestState {
  return res.locals.visitledger as RequestState;
}

export function initRequestState(res: Response, state: RequestState): void {
  res.locals.visitledger = state;
}
