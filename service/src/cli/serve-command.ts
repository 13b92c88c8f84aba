/** `visitledger serve [--port N] [--db FILE]`: the HTTP API on the chosen store, until SIGTERM or SIGINT. */
import { createLogger } from '../http/logger.ts';
import { appDeps, hasIdentityStore, onShutdownSignal, startServerOrSay } from '../server.ts';
import type { CliRuntime } from './runtime.ts';
import { say, UsageError, type CliValues } from './output.ts';

export const serveOptions = { port: { type: 'string' }, host: { type: 'string' } } as const;

export async function runServe(rt: CliRuntime, values: CliValues<typeof serveOptions>): Promise<number> {
  const port = values.port === undefined ? rt.settings.PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a number from 0 to 65535 (0: any free port)');
  const { store, cipher } = rt.ctx;
  if (!hasIdentityStore(store)) throw new UsageError('this store has no members or API keys (IdentityStore) yet: serve the sqlite store');
  const logger = createLogger({ level: rt.settings.LOG_LEVEL });
  // Without PORTAL_BASE_URL the links it makes name this machine on the port it serves on.
  const settings =
    values.port !== undefined && port !== 0 && rt.settings.PORTAL_BASE_URL === `http://localhost:${rt.settings.PORT}`
      ? { ...rt.settings, PORT: port, PORTAL_BASE_URL: `http://localhost:${port}` }
      : rt.settings;
  const deps = appDeps(settings, {
    store,
    identity: store,
    documents: rt.documentStore,
    portal: rt.portalStore,
    payouts: rt.payoutStore,
    cipher,
    logger,
  });
  const running = await startServerOrSay(deps, { port, host: values.host ?? rt.settings.HOST });
  if (!running) return 1;
  // The handler goes in before the banner: whoever reads "serving on" may signal at once.
  const stopped = new Promise<void>((resolve) =>
    onShutdownSignal(async (signal) => {
      logger.info({ signal }, 'shutting down');
      await running.close();
      resolve();
    }),
  );
  say(`VisitLedger is serving on ${running.url}`);
  await stopped;
  return 0; // the CLI closes the store after this
}
