/**
 * A route is a spec (method, path, who may call it, zod schemas of its path, query and
 * body) and a short handler that calls a use case. The app mounts the specs, the OpenAPI
 * document is generated from them, and the tenancy tests walk them: a route exists only here.
 */
import type * as z from 'zod';
import { ok, type Result } from '../../../shared/index.ts';
import type { IdentityDeps } from '../usecases/api-keys.ts';
import type { Principal } from '../auth/principal.ts';
import type { PortalStore } from '../store/port.ts';
import type { UseCaseContext } from '../usecases/context.ts';
import type { DocumentContext } from '../usecases/documents.ts';
import type { Failure } from '../failure.ts';
import type { BackgroundWork } from './background.ts';
import type { PayoutContext } from '../usecases/payouts/context.ts';
import type { SubscriptionContext } from '../usecases/subscription.ts';
import { pageInMemory, type Page, type PageRequest, type SortKey } from '../usecases/paging.ts';

/**
 * `public`: no credentials. `signed-in`: a Google account, in no org yet (creating an org).
 * `member`: owner or staff of the org in the path. `owner`: its owner.
 * `stripe-signature`: Stripe's webhook, whose credential is its `Stripe-Signature` over the
 * raw body (checked by the handler with the org's secret). `link-token`: a link a person
 * opens (a therapist's onboarding), whose credential is the 256-bit `token` in its query.
 * Neither of the last two takes bearer credentials.
 */
export type Access = 'public' | 'signed-in' | 'member' | 'owner' | 'stripe-signature' | 'link-token';

export type RouteSpec = {
  /** The OpenAPI operationId. */
  id: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** An Express path; org routes start `/v1/orgs/:orgId`. */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Full zod or zod/mini (the add-on's routes take theirs from shared/wire): zod 4's two interoperate. */
  body?: z.core.$ZodType;
  /**
   * The success answer as JSON: the OpenAPI document shows it and the handler must return its
   * type. Every route has one but a file, a browser page and a 204.
   */
  answer?: z.core.$ZodType;
  /** `batch`: the large limit of the visit batch; otherwise the default limit. */
  bodyLimit?: 'batch';
  /** The success status: 200 unless said (201 created, 204 no content). */
  status?: 200 | 201 | 204;
  /** The success answer is a file of this type (the handler answers a `DownloadFile`), not JSON. */
  file?: 'application/pdf' | 'text/csv';
  /** The body is read as bytes, unparsed, up to this many bytes (a webhook verified on its raw body). */
  rawBodyLimit?: number;
  /** A page a browser opens: the handler answers a `BrowserAnswer` (a redirect, or a line of text). */
  browser?: true;
  /** Costly to answer (an export that reads a year of records): an org may call these routes a few times a minute (app.ts). */
  expensive?: true;
};

/** An answer repeating what an earlier request with the same idempotency key created: 200, not the spec's 201. */
export const isReplay = (answer: unknown): boolean =>
  typeof answer === 'object' && answer !== null && 'replayed' in answer && answer.replayed === true;

/** What a browser route's handler answers. */
export type BrowserAnswer = { redirect: string } | { text: string };

/** What a file route's handler answers: sent as an attachment named `fileName` (never PHI or a TIN). */
export type DownloadFile = { fileName: string; bytes: Uint8Array; sha256?: string };

export type HandlerInput<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  /** The use-case context, acting as the caller. */
  ctx: UseCaseContext;
  /** The same, with the issued-document store and the renderer. */
  documents: DocumentContext;
  /** Null on public routes only. */
  principal: Principal | null;
  /** Members and API keys, for the routes that manage them. */
  identity: IdentityDeps;
  /** Portal links, and the base of the URLs they print. */
  portal: { store: PortalStore; baseUrl: string };
  /** For work a handler leaves running after it answers. */
  background: BackgroundWork;
  /** The use-case context with Stripe payouts (the org's gateway, the webhook verifier). */
  payouts: PayoutContext;
  /** The use-case context with the operator's billing gateway (null where the service bills nobody). */
  subscriptions: SubscriptionContext;
  /** The unparsed body of a `rawBodyLimit` route. */
  rawBody: Buffer | undefined;
  /** A request header, for the routes whose credential is one (`stripe-signature`). */
  header(name: string): string | undefined;
};

export type Handler<P, Q, B, A> = (input: HandlerInput<P, Q, B>) => Promise<Result<A, Failure>>;

export type Route = { spec: RouteSpec; handle: Handler<unknown, unknown, unknown, unknown> };

/** A part of the request as the spec's schema parses it; undefined when the spec has none. */
type Parsed<S, K extends 'params' | 'query' | 'body'> = S extends Record<K, infer T extends z.core.$ZodType> ? z.output<T> : undefined;

/** What the handler of a route with spec `S` answers: a file, a browser page, a value of its answer schema, or nothing (204). */
export type AnswerOf<S> = S extends { file: string }
  ? DownloadFile
  : S extends { browser: true }
    ? BrowserAnswer
    : S extends { answer: infer A extends z.core.$ZodType }
      ? z.output<A>
      : null;

export function route<S extends RouteSpec>(
  spec: S,
  handle: Handler<Parsed<S, 'params'>, Parsed<S, 'query'>, Parsed<S, 'body'>, AnswerOf<S>>,
): Route {
  // The app parses params, query and body with the spec's schemas before calling, so the erased types hold.
  return { spec, handle: handle as Handler<unknown, unknown, unknown, unknown> };
}

/** A list answer wrapped in an object (`{ agencies: [...] }`), so fields can join it later. */
export async function listed<K extends string, T>(key: K, result: Promise<Result<T, Failure>>): Promise<Result<Record<K, T>, Failure>> {
  const r = await result;
  return r.ok ? ok({ [key]: r.value } as Record<K, T>) : r;
}

/** A page of a list as the route answers it: its rows under the route's key (`{ visits: [...] }`) and `nextCursor`. */
export type PagedAnswer<K extends string, T> = Record<K, T[]> & { nextCursor: string | null };

const answerPage = <K extends string, T>(key: K, page: Page<T>) =>
  ({ [key]: page.items, nextCursor: page.nextCursor }) as PagedAnswer<K, T>;

/** A page the use case read a page of (the long lists: visits, invoices, payments). */
export async function paged<K extends string, T>(
  key: K,
  result: Promise<Result<Page<T>, Failure>>,
): Promise<Result<PagedAnswer<K, T>, Failure>> {
  const r = await result;
  return r.ok ? ok(answerPage(key, r.value)) : r;
}

/** A short list the use case reads whole (agencies, members, ...), sorted by `keyOf` and answered a page at a time like the long ones. */
export async function pagedWhole<K extends string, T>(
  key: K,
  result: Promise<Result<T[], Failure>>,
  keyOf: (row: T) => SortKey,
  page: PageRequest,
): Promise<Result<PagedAnswer<K, T>, Failure>> {
  const r = await result;
  return r.ok ? ok(answerPage(key, pageInMemory(r.value, keyOf, page))) : r;
}
