/**
 * The service over UrlFetchApp: the signed-in user's Google ID token as the bearer, every
 * request of a step sent together with fetchAll (one Apps Script call however many
 * batches), and retries with backoff on 429, 5xx and network errors. An answer is data:
 * the caller turns a failure into a plain message, and nothing typed in the sheet is lost.
 *
 * A call names its route (shared/wire/routes.ts) and takes its body and answer types from
 * the route's schemas (shared/wire/api.ts, imported as types only: no zod in the bundle), so
 * a route whose answer changes fails the add-on's type check.
 *
 * Every call goes to one origin, fixed when the add-on was built (addon/build.ts): no
 * document property, cell or sidebar field can send the user's ID token anywhere else.
 */
import type { WireAnswer, WireBody } from '../../../shared/wire/api.ts';
import { MAX_PAGE_SIZE } from '../../../shared/wire/page-size.ts';
import { WIRE_ROUTES, wirePath, type PathParams, type WireRouteName } from '../../../shared/wire/routes.ts';
import type { Connection } from '../config.ts';

/** Replaced by the origin's text when the add-on is built (esbuild `define`). */
declare const VISITLEDGER_SERVICE_ORIGIN: string;

/** The service the add-on was built for, such as https://visitledger-api-abc123-uc.a.run.app. */
export function serviceOrigin(): string {
  return VISITLEDGER_SERVICE_ORIGIN;
}

/** The path parameters of a call but the org's id, which the connection gives. */
type OtherParams<K extends WireRouteName> = Omit<PathParams<K>, 'orgId'>;

/** A call of one of the service's routes, for the connection's org; `query`: the route's query parameters, such as `asOf`. */
export type ServiceCall<K extends WireRouteName = WireRouteName> = K extends WireRouteName
  ? { route: K; query?: Record<string, string> } & (keyof OtherParams<K> extends never
      ? { params?: undefined }
      : { params: OtherParams<K> }) &
      (WireBody<K> extends undefined ? { body?: undefined } : { body: WireBody<K> })
  : never;

/** `unreachable`: no answer after every retry. `rejected`: the service answered no (4xx, or 5xx after retries). */
export type ServiceFailure = { ok: false; kind: 'unreachable' | 'rejected'; status: number | null; code: string; message: string };

/** The answer to a call of route K: its body typed by the route, or a failure. */
export type ServiceAnswer<K extends WireRouteName = WireRouteName> =
  | { ok: true; route: K; status: number; body: WireAnswer<K> }
  | ServiceFailure;

/** One answer type per route of a union, so that `route` tells the answers of a mixed batch apart. */
type AnswerTo<K extends WireRouteName> = K extends WireRouteName ? ServiceAnswer<K> : never;

type Request = { route: WireRouteName; method: 'get' | 'post'; path: string; body?: unknown };
type UntypedAnswer = { ok: true; route: WireRouteName; status: number; body: unknown } | ServiceFailure;

const MAX_ATTEMPTS = 4;
/** Waits before attempts 2, 3 and 4 (ms): about 7 s in all, well inside the 6-minute limit. */
const BACKOFF_MS = [1000, 2000, 4000] as const;

const retryable = (status: number) => status === 429 || status >= 500;

/** The routes whose answers come a page at a time (the type check keeps this list whole). */
type PagedRoute = { [K in WireRouteName]: WireAnswer<K> extends { nextCursor: string | null } ? K : never }[WireRouteName];
const PAGED: Record<PagedRoute, true> = {
  listRates: true,
  listInvoices: true,
  listPayRuns: true,
  listPayments: true,
  listPortalLinks: true,
  listTherapistLinks: true,
  receivables: true,
};

function requestOf(conn: Connection, call: ServiceCall): Request {
  const params = { ...call.params, orgId: conn.orgId } as PathParams<WireRouteName>;
  const query = [
    ...(call.route in PAGED ? [`limit=${MAX_PAGE_SIZE}`] : []),
    ...Object.entries(call.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
  ];
  const path = wirePath(call.route, params) + (query.length > 0 ? `?${query.join('&')}` : '');
  return { route: call.route, method: WIRE_ROUTES[call.route].method, path, body: call.body };
}

/** The calls' answers, in the calls' order: the answer at each position is typed by the route called there. A list comes whole (allPages). */
export function callService<const Calls extends readonly ServiceCall[]>(
  conn: Connection,
  calls: Calls,
): { -readonly [I in keyof Calls]: AnswerTo<Calls[I]['route']> } {
  const requests = calls.map((c) => requestOf(conn, c));
  return allPages(requests, fetchAnswers(requests)) as { -readonly [I in keyof Calls]: AnswerTo<Calls[I]['route']> };
}

export function callOne<K extends WireRouteName>(conn: Connection, call: ServiceCall<K>): ServiceAnswer<K> {
  const request = requestOf(conn, call as ServiceCall);
  return allPages([request], fetchAnswers([request]))[0]! as ServiceAnswer<K>;
}

/**
 * Follows each list's nextCursor until it is null, the lists of a step together (one fetchAll
 * a round), joining each page's arrays onto the first page's. A page that fails fails its list.
 */
function allPages(requests: readonly Request[], answers: UntypedAnswer[]): UntypedAnswer[] {
  const cursorOf = (a: UntypedAnswer | undefined) => (a?.ok ? (a.body as { nextCursor?: unknown }).nextCursor : undefined);
  let open = requests.map((_, i) => i).filter((i) => typeof cursorOf(answers[i]) === 'string');
  while (open.length > 0) {
    const pages = fetchAnswers(
      open.map((i) => ({ ...requests[i]!, path: `${requests[i]!.path}&cursor=${encodeURIComponent(String(cursorOf(answers[i])))}` })),
    );
    open.forEach((i, k) => {
      const page = pages[k]!;
      const sofar = answers[i]!;
      if (!page.ok || !sofar.ok) {
        answers[i] = page;
        return;
      }
      const joined = { ...(sofar.body as Record<string, unknown>) };
      for (const [key, value] of Object.entries(page.body as Record<string, unknown>))
        joined[key] = Array.isArray(value) ? [...(joined[key] as unknown[]), ...value] : value;
      answers[i] = { ...sofar, body: joined };
    });
    open = open.filter((i) => typeof cursorOf(answers[i]) === 'string');
  }
  return answers;
}

function fetchAnswers(requests: readonly Request[]): UntypedAnswer[] {
  const token = ScriptApp.getIdentityToken();
  const base = serviceOrigin();
  const toFetch = (r: Request): GoogleAppsScript.URL_Fetch.URLFetchRequest => ({
    url: base + r.path,
    method: r.method,
    headers: { Authorization: `Bearer ${token}` },
    muteHttpExceptions: true,
    followRedirects: false,
    ...(r.body === undefined ? {} : { contentType: 'application/json', payload: JSON.stringify(r.body) }),
  });
  const answers: (UntypedAnswer | undefined)[] = requests.map(() => undefined);
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
      else answers[i] = answerOf(requests[i]!.route, status, res.getContentText());
    });
    pending = retry;
  }
  const unreachable: ServiceFailure = {
    ok: false,
    kind: 'unreachable',
    status: null,
    code: 'unreachable',
    message: `The VisitLedger service at ${base} could not be reached after ${MAX_ATTEMPTS} tries${lastNetworkError ? ` (${lastNetworkError})` : ''}.`,
  };
  return answers.map((a) => a ?? unreachable);
}

/** A success's body is what the route's schema says: the service's own type check holds its handlers to it. */
function answerOf(route: WireRouteName, status: number, text: string): UntypedAnswer {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) return { ok: true, route, status, body };
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return {
    ok: false,
    kind: 'rejected',
    status,
    code: error?.code ?? `http-${status}`,
    message: error?.message ?? `The service answered HTTP ${status}.`,
  };
}

/** A failed answer in plain words, with what to do next. */
export function explain(answer: ServiceFailure, conn: Connection): string {
  if (answer.kind === 'unreachable') return `${answer.message} Nothing in the sheet was lost; check your connection and run Sync again.`;
  switch (answer.status) {
    case 401:
      return 'The service did not accept your Google sign-in. Reload the sheet and try again.';
    case 403:
      return `Your Google account is not a member of the org "${conn.orgId}" (or its role cannot do this). Ask the org's owner to add you.`;
    case 404:
      return answer.code === 'route-not-found'
        ? 'The service does not offer this action yet: it may need an update.'
        : `${answer.message} Check the org id in Set up.`;
    case 413:
      return 'The batch was too large for the service. Run the action again; it sends smaller batches.';
    default:
      return `The service refused: ${answer.message}`;
  }
}
