/**
 * The CLI's edge: reads the settings, opens the store and the field keys, and acts for an
 * org (the local org of the file unless --org names another). It is the only place in the
 * CLI that reads the clock or the environment.
 */
import { randomUUID } from 'node:crypto';
import { readSettings, type Settings } from '../config/settings.ts';
import { openFieldCipher } from '../config/keys.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/port.ts';
import type { UseCaseContext } from '../usecases/context.ts';
import { ensureOrg } from '../usecases/orgs.ts';

export const LOCAL_ORG = 'local';

export type CliRuntime = { ctx: UseCaseContext; orgId: string; settings: Settings; close(): Promise<void> };

export async function openRuntime(options: { db?: string; org?: string; env?: Record<string, string | undefined> }): Promise<CliRuntime> {
  const settings = readSettings(options.env ?? process.env);
  const dbFile = options.db ?? settings.VISITLEDGER_DB;
  const store: Store = await openStore(settings, dbFile);
  const ctx: UseCaseContext = { store, cipher: openFieldCipher(settings, dbFile), now: () => new Date(), newId: randomUUID, actor: 'cli' };
  const orgId = options.org ?? LOCAL_ORG;
  if (!options.org) await ensureOrg(ctx, LOCAL_ORG, 'My staffing agency');
  return { ctx, orgId, settings, close: () => store.close() };
}

async function openStore(settings: Settings, dbFile: string): Promise<Store> {
  if (settings.VISITLEDGER_STORE === 'sqlite') return openSqliteStore(dbFile);
  const { openFirestoreFromSettings } = await import('../store/firestore/open.ts');
  return openFirestoreFromSettings(settings);
}
