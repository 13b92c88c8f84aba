/**
 * The service over UrlFetchApp: the signed-in user's Google ID token as the bearer, every
 * request of a step sent together with fetchAll (one Apps Script call however many
 * batches), and retries with backoff on 429, 5xx and network errors. An answer is data:
 * the caller turns a failure into a plain message, and nothing typed in the sheet is lost.
 */
import type { Connection } from '../config.ts';

export type ServiceRequest = { method: 'get' | 'post' | 'patch' | 'put'; path: string; body?: unknown };

export type ServiceAnswer =
  | { ok: true; status: number; body: any }
  /** `unreachable`: no answer after every retry. `rejected`: the service answered no (4xx, or 5xx after retries). */
  | { ok: false; kind: 'unreachable' | 'rejected'; status: number | null; code: string; message: string };

const MAX_ATTEMPTS = 4;
/** Waits before attempts 2, 3 and 4 (ms): about 7 s in all, well inside the 6-minute limit. */
const BACKOFF_MS = [1000, 2000, 4000] as const;

const retryable = (status: number) => status === 429 || status >= 500;

export function callService(conn: Connection, requests: readonly ServiceRequest[]): ServiceAnswer[] {
  const token = ScriptApp.getIdentityToken();
  const base = conn.serviceUrl.replace(/\/+$/, '');
  const toFetch = (r: ServiceRequest): GoogleAppsScript.URL_Fetch.URLFetchRequest => ({
    url: base + r.path,
    method: r.method,
    headers: { Authorization: `Bearer ${token}` },
    muteHttpExceptions: true,
    followRedirects: false,
    ...(r.body === undefined ? {} : { contentType: 'application/json', payload: JSON.stringify(r.body) }),
  });
  const answers: (ServiceAnswer | undefined)[] = requests.map(() => undefined);
  let pending = requests.map((_, i) => i);
  let lastNetworkError = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) Utilities.sleep(BACKOFF_MS[attempt - 2]!);
    let responses: GoogleAppsScript.URL_Fetch.HTTPResponse[];
    try {
      responses = UrlFetchApp.fetchAll(pending.map((i) => toFetch(requests[i]!)));
    } catch (e) {
      // fetchAll throws for the whole set when a host cannot be reached: retry them all.
      lastNetworkError = e instanceof Error ? e.message : String(e);
      continue;
    }
    const retry: number[] = [];
    responses.forEach((res, k) => {
      const i = pending[k]!;
      const status = res.getResponseCode();
      if (retryable(status) && attempt < MAX_ATTEMPTS) retry.push(i);
      else answers[i] = answerOf(status, res.getContentText());
    });
    pending = retry;
  }
  const unreachable: ServiceAnswer = {
    ok: false, kind: 'unreachable', status: null, code: 'unreachable',
    message: `The VisitLedger service at ${base} could not be reached after ${MAX_ATTEMPTS} tries${lastNetworkError ? ` (${lastNetworkError})` : ''}.`,
  };
  return answers.map((a) => a ?? unreachable);
}

export function callOne(conn: Connection, request: ServiceRequest): ServiceAnswer {
  return callService(conn, [request])[0]!;
}

function answerOf(status: number, text: string): ServiceAnswer {
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) return { ok: true, status, body };
  const error = body?.error as { code?: string; message?: string } | undefined;
  return { ok: false, kind: 'rejected', status, code: error?.code ?? `http-${status}`, message: error?.message ?? `The service answered HTTP ${status}.` };
}

/** A failed answer in plain words, with what to do next. */
export function explain(answer: Extract<ServiceAnswer, { ok: false }>, conn: Connection): string {
  if (answer.kind === 'unreachable') return `${answer.message} Nothing in the sheet was lost; check your connection and run Sync again.`;
  switch (answer.status) {
    case 401: return 'The service did not accept your Google sign-in. Reload the sheet and try again.';
    case 403: return `Your Google account is not a member of the org "${conn.orgId}" (or its role cannot do this). Ask the org's owner to add you.`;
    case 404: return answer.code === 'route-not-found' ? 'The service does not offer this action yet: it may need an update.' : `${answer.message} Check the org id in Set up.`;
    case 413: return 'The batch was too large for the service. Run the action again; it sends smaller batches.';
    default: return `The service refused: ${answer.message}`;
  }
}
