/**
 * The HTTP service's start-up. `npm start` runs `GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node
 * --max-semi-space-size=2 service/src/server.ts --demo`: the SQLite store at VISITLEDGER_DB (./data/visitledger.db),
 * the demo org seeded on first start with an owner API key kept in ./data/demo-api-key (mode
 * 0600) so later starts print it again. Without --demo it only serves, on the store the
 * settings name (SQLite or Firestore), and seeds nothing; in production (settings.ts:
 * isProduction) it refuses to start without its store, keys, OAuth client and public URL,
 * and refuses --demo. SIGTERM and SIGINT close the server, then the store, inside Cloud
 * Run's 10 s between SIGTERM and SIGKILL.
 *
 * The flag caps V8's young generation at 2 MB per semi-space. A close or a batch upsert keeps
 * its objects alive to the end; a large young generation copies them from space to space
 * before promoting them, so the work runs through far more fresh memory, where a small one
 * promotes them early and reuses the same pages.
 *
 * The tunable lets glibc's malloc ask for transparent huge pages (where the kernel offers them
 * on request, as Debian's does): SQLite's page cache and node:sqlite's buffers then grow 2 MB
 * at a time instead of 4 KB, so a close takes far fewer first touches of new pages, which are
 * dear on a virtual machine. Glibc before 2.35, or another libc, ignores it.
 * Figures: bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { verifyApiKey } from './auth/api-keys.ts';
import { createApiKey } from './usecases/api-keys.ts';
import { googleIdTokenVerifier } from './auth/google-id-token.ts';
import { googleCodeFlow } from './auth/google-code-flow.ts';
import { defaultDemoMonth } from './cli/demo-command.ts';
import { openFieldCipher } from './config/keys.ts';
import { isProduction, readSettings, SettingsError, type Settings } from './config/settings.ts';
import type { FieldCipher } from './crypto/field-cipher.ts';
import { createApp, type AppDeps } from './http/app.ts';
import { createLogger, type Logger } from './http/logger.ts';
import { lazyRenderPool } from './documents/render-pool.ts';
import type { DocumentStore, IdentityStore, KeyMaintenanceStore, PortalStore, Store } from './store/port.ts';
import type { PayoutStore } from './store/payouts-port.ts';
import { stripeCheckoutOrigin, stripeEndpoint } from './payouts/stripe-client.ts';
import { stripeGatewayFactory, verifyStripeEvent } from './payouts/stripe-gateway.ts';
import { stripeBillingGateway } from './payouts/stripe-billing.ts';
import { dailyDemoOrg } from './http/demo/daily-org.ts';
import { openSqliteStore } from './store/sqlite/sqlite-store.ts';
import { audit } from './usecases/context.ts';
import { DEMO_ORG, seedDemo } from './usecases/demo.ts';
import { sealLegacyDocuments } from './usecases/keys.ts';

/**
 * How long in-flight requests get to finish on shutdown before their connections are cut.
 * Cloud Run kills the process 10 s after SIGTERM: the rest is for the close's PDFs, the
 * render workers and the store.
 */
export const SHUTDOWN_GRACE_MS = 7_000;
/** When the process exits on shutdown even if the store has not closed: before Cloud Run's SIGKILL, with a log line that says so. */
export const SHUTDOWN_DEADLINE_MS = 9_500;

export function appDeps(
  settings: Settings,
  parts: {
    store: Store;
    identity: IdentityStore;
    documents: DocumentStore;
    portal: PortalStore;
    payouts: PayoutStore;
    cipher: FieldCipher;
    logger: Logger;
  },
): AppDeps {
  return {
    ...parts,
    payoutGateways: stripeGatewayFactory(stripeEndpoint(settings.STRIPE_API_BASE)),
    verifyStripeEvent,
    stripeCheckoutOrigin: stripeCheckoutOrigin(settings.STRIPE_API_BASE),
    ...(settings.VISITLEDGER_BILLING_STRIPE_KEY && settings.VISITLEDGER_BILLING_WEBHOOK_SECRET
      ? {
          billing: stripeBillingGateway({
            secretKey: settings.VISITLEDGER_BILLING_STRIPE_KEY,
            webhookSecret: settings.VISITLEDGER_BILLING_WEBHOOK_SECRET,
            endpoint: stripeEndpoint(settings.STRIPE_API_BASE),
          }),
        }
      : {}),
    ...(settings.VISITLEDGER_PUBLIC_DEMO === '1'
      ? {
          publicDemo: {
            orgId: dailyDemoOrg({ store: parts.store, cipher: parts.cipher, now: () => new Date(), newId: randomUUID, actor: 'system' }),
          },
        }
      : {}),
    portalBaseUrl: settings.PORTAL_BASE_URL,
    traceProject: settings.GOOGLE_CLOUD_PROJECT,
    operatorContact: settings.VISITLEDGER_CONTACT,
    // Worker threads, started on the first PDF: a long invoice rendered here would hold the event loop.
    renderer: lazyRenderPool(),
    now: () => new Date(),
    newId: randomUUID,
    verifyIdToken: googleIdTokenVerifier({ clientId: settings.GOOGLE_OAUTH_CLIENT_ID, certsUrl: settings.GOOGLE_CERTS_URL }),
    therapistSignIn: googleCodeFlow({
      clientId: settings.THERAPIST_OAUTH_CLIENT_ID,
      clientSecret: settings.THERAPIST_OAUTH_CLIENT_SECRET,
      authorizationUrl: settings.GOOGLE_AUTHORIZATION_URL,
      tokenUrl: settings.GOOGLE_TOKEN_URL,
      certsUrl: settings.GOOGLE_CERTS_URL,
    }),
    limits: {
      bodyBytes: settings.HTTP_BODY_LIMIT_BYTES,
      batchBodyBytes: settings.HTTP_BATCH_BODY_LIMIT_BYTES,
      authFailuresPerMinute: settings.AUTH_FAILURES_PER_MINUTE,
      trustProxyHops: settings.TRUST_PROXY_HOPS,
      portalRequestsPerMinute: settings.PORTAL_REQUESTS_PER_MINUTE,
    },
  };
}

export type RunningServer = { url: string; port: number; server: Server; close(): Promise<void> };

export async function startServer(deps: AppDeps, listen: { port: number; host: string }): Promise<RunningServer> {
  const { app, background } = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(listen.port, listen.host, (error?: Error) => (error ? reject(listenError(error, listen)) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(listen.host) ? 'localhost' : listen.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        server.close(() => {
          clearTimeout(force);
          // The close's PDFs still being issued finish first: the store closes after them.
          void background
            .idle()
            .then(() => deps.renderer.close?.())
            .then(() => resolve());
        });
        server.closeIdleConnections();
      }),
  };
}

/** A port taken or not ours to take is said in one plain line (`error.message`), with `cause.code` 'cannot-listen'. */
function listenError(error: Error, listen: { port: number; host: string }): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `port ${listen.port} on ${listen.host}`;
  const reason =
    code === 'EADDRINUSE'
      ? `${where} is already in use (another VisitLedger, or another program): stop it, or choose another port (--port N, or PORT)`
      : code === 'EACCES'
        ? `${where} needs privileges this user does not have: choose a port above 1023 (--port N, or PORT)`
        : code === 'EADDRNOTAVAIL'
          ? `${listen.host} is not an address of this machine: choose another --host (or HOST)`
          : undefined;
  return reason ? new Error(`cannot serve: ${reason}`, { cause: { code: 'cannot-listen' } }) : error;
}

const isListenError = (error: unknown): error is Error =>
  error instanceof Error && (error.cause as { code?: string } | undefined)?.code === 'cannot-listen';

/** startServer, or null once it has said on stderr, in one line, why it cannot listen (a port in use). */
export async function startServerOrSay(deps: AppDeps, listen: { port: number; host: string }): Promise<RunningServer | null> {
  try {
    return await startServer(deps, listen);
  } catch (error) {
    if (!isListenError(error)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    await deps.renderer.close?.();
    return null;
  }
}

/** Runs `shutdown` once on the first SIGTERM or SIGINT. */
export function onShutdownSignal(shutdown: (signal: string) => Promise<void>): void {
  let started = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (started) return;
      started = true;
      void shutdown(signal);
    });
  }
}

export function hasIdentityStore(store: Store): store is Store & IdentityStore {
  return typeof (store as Partial<IdentityStore>).getApiKey === 'function';
}

/** The demo org and an owner API key for it: seeded on first start, the key file rewritten when its key no longer works. */
async function ensureDemo(deps: AppDeps, keyFile: string): Promise<{ apiKey: string; seeded: boolean; keyMadeNow: boolean }> {
  const ctx = { store: deps.store, cipher: deps.cipher, now: deps.now, newId: deps.newId, actor: 'system' };
  let seeded = false;
  if (!(await deps.store.getOrg(DEMO_ORG))) {
    const demo = await seedDemo(ctx, defaultDemoMonth(deps.now()));
    if (!demo.ok) throw new Error(`the demo org could not be seeded: ${demo.error.message}`);
    seeded = true;
  }
  const saved = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '';
  if (saved && (await verifyApiKey(deps.identity, saved))?.orgId === DEMO_ORG) return { apiKey: saved, seeded, keyMadeNow: false };
  const made = await createApiKey(
    { identity: deps.identity, now: deps.now, audit: (orgId, entry) => audit(ctx, orgId, [entry]) },
    DEMO_ORG,
    { label: 'demo (npm start)', role: 'owner' },
  );
  if (!made.ok) throw new Error(made.error.message);
  writeFileSync(keyFile, `${made.value.key}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return { apiKey: made.value.key, seeded, keyMadeNow: true };
}

/** The month after `YYYY-MM`. */
function monthAfter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The key itself is printed once, when it is made: later starts name its file (a terminal's scrollback is no place for it). */
function demoBanner(o: { url: string; apiKey: string; keyFile: string; seeded: boolean; keyMadeNow: boolean; firstMonth: string }): string {
  const { url, keyFile } = o;
  const auth = `-H "Authorization: Bearer $(cat ${keyFile})"`;
  return [
    '',
    `VisitLedger is serving on ${url}`,
    `  demo org:  ${DEMO_ORG}${o.seeded ? ' (seeded just now: 4 agencies, 6 therapists, two months of visits, the first closed)' : ''}`,
    ...(o.keyMadeNow
      ? [`  API key:   ${o.apiKey}`, `             (owner role; kept in ${keyFile}, mode 0600; shown only now)`]
      : [`  API key:   in ${keyFile} (owner role, mode 0600)`]),
    `  API docs:  ${url}/openapi.json`,
    `  live demo: ${url}/demo  (a read-only tour, no sign-in)`,
    '',
    'Try:',
    `  curl -s ${url}/healthz`,
    `  curl -s ${auth} ${url}/v1/orgs/${DEMO_ORG}/invoices`,
    `  curl -s ${auth} ${url}/v1/orgs/${DEMO_ORG}/tax-years/${o.firstMonth.slice(0, 4)}`,
    `  curl -s ${auth} -X POST -H 'Content-Type: application/json' -d '{"month":"${monthAfter(o.firstMonth)}"}' ${url}/v1/orgs/${DEMO_ORG}/cycles/close-month`,
    '',
  ].join('\n');
}

async function openStore(
  settings: Settings,
): Promise<Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore> {
  if (settings.VISITLEDGER_STORE === 'sqlite') return openSqliteStore(settings.VISITLEDGER_DB);
  const { openFirestoreFromSettings } = await import('./store/firestore/open.ts');
  return openFirestoreFromSettings(settings);
}

async function main(argv: readonly string[]): Promise<number> {
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const wantsDemo = argv.includes('--demo');
  if (wantsDemo && isProduction(settings)) {
    process.stderr.write('error: --demo is not for production; start without it (npm run start:prod)\n');
    return 1;
  }
  if (wantsDemo && settings.VISITLEDGER_STORE !== 'sqlite') {
    process.stderr.write('error: --demo seeds a local SQLite file only; unset VISITLEDGER_STORE or drop --demo\n');
    return 1;
  }
  const dbFile = settings.VISITLEDGER_DB;
  const store = await openStore(settings);
  const deps = appDeps(settings, {
    store,
    identity: store,
    documents: store,
    portal: store,
    payouts: store,
    cipher: openFieldCipher(settings, dbFile),
    logger: createLogger({ level: settings.LOG_LEVEL }),
  });
  await sealLegacyDocuments({ store, cipher: deps.cipher, now: deps.now });
  const keyFile = join(dirname(dbFile), 'demo-api-key');
  const demo = wantsDemo ? await ensureDemo(deps, keyFile) : null;
  // npm start: the tour shows the demo org it seeded (VISITLEDGER_PUBLIC_DEMO=1 shows a fresh one each day instead).
  if (demo && !deps.publicDemo) deps.publicDemo = { orgId: async () => DEMO_ORG };
  const running = await startServerOrSay(deps, { port: settings.PORT, host: settings.HOST });
  if (!running) {
    await store.close();
    return 1;
  }
  // The handler goes in before the banner: whoever reads "serving on" may signal at once.
  onShutdownSignal(async (signal) => {
    deps.logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      deps.logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await running.close();
    await store.close();
  });
  if (demo) process.stdout.write(demoBanner({ url: running.url, keyFile, firstMonth: defaultDemoMonth(deps.now()), ...demo }));
  else process.stdout.write(`VisitLedger is serving on ${running.url}\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
