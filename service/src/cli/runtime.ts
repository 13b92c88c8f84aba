/**
 * The CLI's edge: reads the settings, opens the store and the field keys, and acts for an
 * org (the local org of the file unless --org names another). It is the only place in the
 * CLI that reads the clock or the environment.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readSettings, type Settings } from '../config/settings.ts';
import { openFieldCipher } from '../config/keys.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { openRenderPool, type RenderPool } from '../documents/render-pool.ts';
import type { DocumentStore, IdentityStore, KeyMaintenanceStore, PortalStore, Store } from '../store/port.ts';
import type { UseCaseContext } from '../usecases/context.ts';
import type { DocumentContext } from '../usecases/documents.ts';
import { ensureOrg } from '../usecases/orgs.ts';
import { sealLegacyDocuments, type KeyMaintenanceDeps } from '../usecases/keys.ts';
import { UsageError } from './output.ts';
import type { PayoutContext } from '../usecases/payouts/context.ts';
import type { PayoutStore } from '../store/payouts-port.ts';
import { stripeEndpoint } from '../payouts/stripe-client.ts';
import { stripeGatewayFactory, verifyStripeEvent } from '../payouts/stripe-gateway.ts';

export const LOCAL_ORG = 'local';

export type CliRuntime = {
  ctx: UseCaseContext;
  orgId: string;
  settings: Settings;
  documentStore: DocumentStore;
  portalStore: PortalStore;
  payoutStore: PayoutStore;
  /** The context with Stripe payouts (the gateway on STRIPE_API_BASE). */
  payouts(): PayoutContext;
  /** The context with the document store and a render pool (worker threads, started on first use). */
  documents(): DocumentContext;
  /** What sealing and rotating keys works with. */
  keyMaintenance(): KeyMaintenanceDeps;
  close(): Promise<void>;
};

export async function openRuntime(options: {
  db?: string;
  org?: string;
  keyFile?: string;
  /** Create the folder of `db` when it does not exist. */
  init?: boolean;
  env?: Record<string, string | undefined>;
}): Promise<CliRuntime> {
  const settings = readSettings({ ...(options.env ?? process.env), ...(options.keyFile ? { VISITLEDGER_KEY_FILE: options.keyFile } : {}) });
  const dbFile = options.db ?? settings.VISITLEDGER_DB;
  if (options.db !== undefined && settings.VISITLEDGER_STORE === 'sqlite') checkDbFolder(options.db, options.init ?? false);
  const store = await openStore(settings, dbFile);
  const ctx: UseCaseContext = {
    store,
    cipher: openFieldCipher(settings, dbFile),
    now: () => new Date(),
    newId: randomUUID,
    actor: 'cli',
    // Where the operator bills orgs (its billing key is set), the command line keeps to the plans like the API.
    plansEnforced: settings.VISITLEDGER_BILLING_STRIPE_KEY !== undefined,
  };
  await sealLegacyDocuments({ store, cipher: ctx.cipher, now: ctx.now });
  const orgId = options.org ?? LOCAL_ORG;
  if (!options.org) await checkLocalOrg(ctx, store);
  let pool: RenderPool | undefined;
  return {
    ctx,
    orgId,
    settings,
    documentStore: store,
    portalStore: store,
    payoutStore: store,
    payouts: () => ({
      ...ctx,
      payouts: store,
      gateways: stripeGatewayFactory(stripeEndpoint(settings.STRIPE_API_BASE)),
      verifyEvent: verifyStripeEvent,
      publicBaseUrl: settings.PORTAL_BASE_URL.replace(/\/+$/, ''),
    }),
    documents: () => ({ ...ctx, documents: store, renderer: (pool ??= openRenderPool()) }),
    keyMaintenance: () => ({ store, cipher: ctx.cipher, now: ctx.now }),
    close: async () => {
      await pool?.close();
      await store.close();
    },
  };
}

/** A mistyped --db would otherwise make a new, empty store (and its keys) in a new folder, and the owner's data would seem gone. */
function checkDbFolder(db: string, init: boolean): void {
  const folder = dirname(resolve(db));
  if (existsSync(folder)) return;
  if (!init) throw new UsageError(`--db ${db}: the folder ${folder} does not exist; run with --init to create it, or check the path`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
}

/**
 * The CLI acts unasked only on an org it made itself: an org with its id made over HTTP (in a
 * store from before the id was reserved) would otherwise take a CLI import meant for the owner.
 */
async function checkLocalOrg(ctx: UseCaseContext, store: IdentityStore): Promise<void> {
  const org = await ensureOrg(ctx, LOCAL_ORG, 'My staffing agency');
  // Made before orgs kept their maker: only the API gives an org members.
  const madeByCli = org.madeBy === 'cli' || (org.madeBy === undefined && (await store.listMembers(LOCAL_ORG)).length === 0);
  if (!madeByCli) {
    throw new UsageError(
      `the org "${LOCAL_ORG}" in this store was not made by the command line; to act on it anyway, name it: --org ${LOCAL_ORG}`,
    );
  }
}

async function openStore(
  settings: Settings,
  dbFile: string,
): Promise<Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore> {
  if (settings.VISITLEDGER_STORE === 'sqlite') return openSqliteStore(dbFile);
  const { openFirestoreFromSettings } = await import('../store/firestore/open.ts');
  return openFirestoreFromSettings(settings);
}
