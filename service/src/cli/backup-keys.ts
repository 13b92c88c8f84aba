/**
 * Which field keys a SQLite file's sealed values need, for `backup` and `restore`: the keys of
 * the environment when it holds them, else the key file (config/keys.ts: --key-file,
 * VISITLEDGER_KEY_FILE, or FILE.keys.json beside the database). Read only: unlike opening the
 * store, nothing here creates a key file. Only key ids and paths are ever printed.
 */
import { existsSync } from 'node:fs';
import { cipherOf, keyFileOf, keySetFromSettings, readKeyFile, type KeySet } from '../config/keys.ts';
import type { Settings } from '../config/settings.ts';
import type { SqliteFileFacts } from '../store/sqlite/backup.ts';

export type StoreKeys = {
  /** Where the keys are, as a person looks for them. */
  where: string;
  /** As the --json answers give it. */
  json: { source: 'environment' } | { source: 'key-file'; file: string; exists: boolean };
  set: KeySet | null;
};

export function keysOfStore(settings: Settings, dbFile: string): StoreKeys {
  const fromEnv = keySetFromSettings(settings);
  if (fromEnv) return { where: 'the environment (VISITLEDGER_FIELD_KEYS)', json: { source: 'environment' }, set: fromEnv };
  const file = keyFileOf(settings, dbFile);
  const exists = existsSync(file);
  return { where: `the key file ${file}`, json: { source: 'key-file', file, exists }, set: exists ? readKeyFile(file) : null };
}

/** The key ids of `facts.sealedWith` whose sample these keys do not open (missing, or another key under the same id). */
export function keyIdsNotOpened(set: KeySet | null, facts: SqliteFileFacts): string[] {
  if (!set) return facts.sealedWith.map((s) => s.keyId);
  const cipher = cipherOf(set);
  return facts.sealedWith.flatMap(({ keyId, sample }) => {
    try {
      cipher.open(sample);
      return [];
    } catch {
      return [keyId];
    }
  });
}
