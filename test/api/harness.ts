/**
 * A real API for tests: a SQLite file in a temp folder, a real field cipher, the app on
 * 127.0.0.1 port 0, a local "Google" that serves a test key pair's public key as the
 * token-signing certificates (and, for the therapists' sign-in, a token endpoint), and every
 * log line captured. Tests call it with plain fetch.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { googleCodeFlow } from '../../service/src/auth/google-code-flow.ts';
import { googleIdTokenVerifier } from '../../service/src/auth/google-id-token.ts';
import { createFieldCipher, newFieldKey } from '../../service/src/crypto/field-cipher.ts';
import { createApp, type AppDeps, type AppLimits } from '../../service/src/http/app.ts';
import { createLogger } from '../../service/src/http/logger.ts';
import type { OpenApiDocument } from '../../service/src/http/openapi.ts';
import { inThreadRenderer } from '../../service/src/documents/render.ts';
import type { DocumentStore, IdentityStore, PortalStore, Store } from '../../service/src/store/port.ts';
import type { PayoutStore } from '../../service/src/store/payouts-port.ts';
import type { BillingGateway } from '../../service/src/payouts/billing-port.ts';
import { dailyDemoOrg } from '../../service/src/http/demo/daily-org.ts';
import { stripeCheckoutOrigin, stripeEndpoint } from '../../service/src/payouts/stripe-client.ts';
import { stripeGatewayFactory, verifyStripeEvent } from '../../service/src/payouts/stripe-gateway.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';

export const CLIENT_ID = 'visitledger-addon-test.apps.googleusercontent.com';
/** The web OAuth client the therapists sign in with. */
export const THERAPIST_CLIENT_ID = 'visitledger-therapists-test.apps.googleusercontent.com';
export const THERAPIST_CLIENT_SECRET = 'therapist-client-secret-for-tests';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Google's role in a test: a key pair, its public key served as the PEM certs, and tokens signed
 * with it. For the code flow there is no authorization page: a test takes the state, PKCE
 * challenge and nonce from the service's redirect and asks `issueCode` for the code Google would
 * have sent back; `/token` exchanges a code it issued (once, with the right client, secret,
 * redirect URI and verifier) for an ID token for the therapists' client, carrying the nonce the
 * code was issued with as Google does (none when none was given).
 */
export type FakeGoogle = {
  url: string;
  certsUrl: string;
  issueCode(input: { email: string; codeChallenge: string; redirectUri: string; nonce?: string; claims?: Record<string, unknown> }): string;
  idToken(email: string, overrides?: Record<string, unknown>): string;
  /** A token signed by a key Google never published. */
  forgedIdToken(email: string): string;
  close(): Promise<void>;
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signJwt(privateKey: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const signed = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(payload)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-key-1';
  const codes = new Map<
    string,
    { email: string; codeChallenge: string; redirectUri: string; nonce?: string; claims: Record<string, unknown> }
  >();
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/token') return void tokenEndpoint(req, res);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    res.end(JSON.stringify({ [kid]: publicKey.export({ type: 'spki', format: 'pem' }) }));
  });
  async function tokenEndpoint(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const basic = req.headers.authorization?.startsWith('Basic ')
      ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':')
      : [];
    const issued = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const good =
      issued !== undefined &&
      form.get('grant_type') === 'authorization_code' &&
      (form.get('client_id') ?? decodeURIComponent(basic[0] ?? '')) === THERAPIST_CLIENT_ID &&
      (form.get('client_secret') ?? decodeURIComponent(basic[1] ?? '')) === THERAPIST_CLIENT_SECRET &&
      form.get('redirect_uri') === issued.redirectUri &&
      createHash('sha256').update(verifier).digest('base64url') === issued.codeChallenge;
    res.writeHead(good ? 200 : 400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        good
          ? {
              access_token: randomBytes(16).toString('hex'),
              token_type: 'Bearer',
              expires_in: 3600,
              scope: 'openid email',
              id_token: signJwt(privateKey, kid, {
                ...claims(issued.email),
                aud: THERAPIST_CLIENT_ID,
                ...(issued.nonce !== undefined ? { nonce: issued.nonce } : {}),
                ...issued.claims,
              }),
            }
          : { error: 'invalid_grant' },
      ),
    );
  }
  const url = await listen(server);
  const claims = (email: string) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: 'https://accounts.google.com',
      aud: CLIENT_ID,
      sub: `sub-${email}`,
      email,
      email_verified: true,
      iat: now,
      exp: now + 3600,
    };
  };
  return {
    url,
    certsUrl: `${url}/oauth2/v1/certs`,
    issueCode: ({ email, codeChallenge, redirectUri, nonce, claims: extra = {} }) => {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { email, codeChallenge, redirectUri, ...(nonce !== undefined ? { nonce } : {}), claims: extra });
      return code;
    },
    idToken: (email, overrides = {}) => signJwt(privateKey, kid, { ...claims(email), ...overrides }),
    forgedIdToken: (email) => signJwt(forger.privateKey, kid, claims(email)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type TestApi = {
  url: string;
  app: Express;
  openapi: OpenApiDocument;
  store: Store & IdentityStore & DocumentStore & PortalStore & PayoutStore;
  dbFile: string;
  google: FakeGoogle;
  /** Every log line so far, as written. */
  logText(): string;
  logLines(): Record<string, unknown>[];
  /** Resolves when the work requests left running behind their answers (a close's PDFs) is done. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export type TestApiOptions = {
  limits?: Partial<AppLimits>;
  /** Another store than the SQLite file (the Firestore emulator); closed by the test that made it. */
  openStore?: () => Store & IdentityStore & DocumentStore & PortalStore & PayoutStore;
  /** Wraps the store, to make it fail. */
  store?: (
    real: Store & IdentityStore & DocumentStore & PortalStore & PayoutStore,
  ) => Store & IdentityStore & DocumentStore & PortalStore & PayoutStore;
  certsUrl?: string;
  /** The service's clock (the real one unless a test moves time). */
  now?: () => Date;
  /** Where the Stripe gateway goes (a Stripe stand-in); unset, nothing answers there. */
  stripeApiBase?: string;
  /** The operator's billing gateway (plans enforced); unset, the service bills nobody. */
  billing?: BillingGateway;
  /** Serves /demo as VISITLEDGER_PUBLIC_DEMO=1 does: a demo org seeded each day, on this API's store and cipher. */
  publicDemo?: boolean;
};

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'visitledger-api-'));
  const dbFile = join(dir, 'api.db');
  const real = options.openStore ? options.openStore() : openSqliteStore(dbFile);
  const store = options.store ? options.store(real) : real;
  const google = await startFakeGoogle();
  const chunks: string[] = [];
  const deps: AppDeps = {
    store,
    identity: store,
    documents: store,
    portal: store,
    payouts: store,
    payoutGateways: stripeGatewayFactory(stripeEndpoint(options.stripeApiBase ?? 'http://127.0.0.1:9')),
    verifyStripeEvent,
    ...(options.stripeApiBase ? { stripeCheckoutOrigin: stripeCheckoutOrigin(options.stripeApiBase) } : {}),
    ...(options.billing ? { billing: options.billing } : {}),
    portalBaseUrl: 'http://portal.test',
    renderer: inThreadRenderer,
    cipher: createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) }),
    now: options.now ?? (() => new Date()),
    newId: randomUUID,
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void chunks.push(line) } }),
    verifyIdToken: googleIdTokenVerifier({ clientId: CLIENT_ID, certsUrl: options.certsUrl ?? google.certsUrl }),
    therapistSignIn: googleCodeFlow({
      clientId: THERAPIST_CLIENT_ID,
      clientSecret: THERAPIST_CLIENT_SECRET,
      authorizationUrl: `${google.url}/authorize`,
      tokenUrl: `${google.url}/token`,
      certsUrl: options.certsUrl ?? google.certsUrl,
    }),
    limits: {
      bodyBytes: 100 * 1024,
      batchBodyBytes: 12 * 1024 * 1024,
      authFailuresPerMinute: 10_000,
      trustProxyHops: 0,
      portalRequestsPerMinute: 10_000,
      ...options.limits,
    },
  };
  if (options.publicDemo)
    deps.publicDemo = { orgId: dailyDemoOrg({ store, cipher: deps.cipher, now: deps.now, newId: deps.newId, actor: 'system' }) };
  const { app, openapi, background } = createApp(deps);
  const server = createServer(app);
  const url = await listen(server);
  return {
    url,
    app,
    openapi,
    store,
    dbFile,
    google,
    logText: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    idle: () => background.idle(),
    async close() {
      server.closeAllConnections();
      await background.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await google.close();
      if (!options.openStore) await real.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Call = { status: number; body: any; text: string; headers: Headers };

/** One request: `token` goes in `Authorization: Bearer`; a `body` that is not a string is sent as JSON. */
export async function call(
  api: { url: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${api.url}${path}`, { method: method.toUpperCase(), headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** The routes Express actually serves, as `METHOD /openapi/{path}`: what the OpenAPI document must list. */
export function servedRoutes(app: Express): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      : [],
  );
}

export function documentedRoutes(openapi: OpenApiDocument): { method: string; path: string; operation: Record<string, any> }[] {
  return Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation: operation as Record<string, any> })),
  );
}
