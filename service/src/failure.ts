/**
 * Expected failures of the use cases, as data. Each code maps to one HTTP status, so the
 * API only translates; the CLI prints the message. Messages never contain PHI or a TIN.
 */
import * as z from 'zod';
import { err, type Err } from '../../shared/index.ts';

// Readable messages ("expected string, received undefined") wherever a schema gives none of
// its own; the service's schemas and the core's zod/mini ones share this configuration.
z.config(z.locales.en());

export const FAILURE_STATUS = {
  /** The input does not parse: a field, or a row of a batch, is named in `details`. */
  'invalid-input': 400,
  'not-found': 404,
  /** Something else changed first (a concurrent close, a number taken): try again. */
  conflict: 409,
  /** The input is well formed but breaks a business rule (void twice, credit more than billed). */
  'rule-broken': 422,
  /** The org's plan does not cover this (the trial ended, the subscription lapsed, the therapist limit): `details` names the reason and where to subscribe. */
  'plan-required': 402,
  /** Stripe refused the org's key or could not be reached: nothing was done; fix the key or try again. */
  'payment-provider': 502,
} as const;

export type FailureCode = keyof typeof FAILURE_STATUS;

export type Failure = { code: FailureCode; message: string; details?: unknown };

export const fail = (code: FailureCode, message: string, details?: unknown): Err<Failure> =>
  err(details === undefined ? { code, message } : { code, message, details });

/** zod issues as `{ path, message }`, with the batch row in the path ("rows.3.date"). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
