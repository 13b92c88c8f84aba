/**
 * Where the field keys come from: the environment in production (a secret manager fills
 * it), or, for a local SQLite file, a key file created on first use with owner-only
 * permissions: VISITLEDGER_KEY_FILE (or the CLI's --key-file) names it; by default it sits
 * beside the database, FILE.keys.json, where a copy of the folder takes both (keep it
 * elsewhere on a real deployment). Losing the keys makes the PHI in that database unreadable.
 *
 * A key set: field keys by id, the current one sealing new values; the index key of the
 * duplicate checks; and, while `visitledger keys rotate` runs, the previous index key.
 * `visitledger keys new` makes one, or adds a new current key to an existing one.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { createFieldCipher, type FieldCipher } from '../crypto/field-cipher.ts';
import type { Settings } from './settings.ts';

const keyFileSchema = z.object({
  current: z.string(),
  keys: z.array(z.object({ id: z.string(), key: z.string() })).min(1),
  index: z.string(),
  previousIndex: z.string().optional(),
});

/** Keys as base64 text, as the key file and the environment hold them. */
export type KeySet = z.infer<typeof keyFileSchema>;

export function keyFilePath(dbFile: string): string {
  return `${dbFile}.keys.json`;
}

const newKey = () => randomBytes(32).toString('base64');

export function freshKeySet(): KeySet {
  return { current: 'k1', keys: [{ id: 'k1', key: newKey() }], index: newKey() };
}

/**
 * The key set with a new current field key (the next free `k<n>`) and a new index key, the
 * old index key kept as the previous one until a rotation has recomputed the duplicate keys.
 * The old field keys stay: values and backups sealed with them must still open.
 */
export function withNewKeys(set: KeySet): KeySet {
  let n = set.keys.length + 1;
  while (set.keys.some((k) => k.id === `k${n}`)) n += 1;
  return { current: `k${n}`, keys: [...set.keys, { id: `k${n}`, key: newKey() }], index: newKey(), previousIndex: set.index };
}

export function cipherOf(set: KeySet): FieldCipher {
  return createFieldCipher({
    keys: set.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    currentKeyId: set.current,
    indexKey: Buffer.from(set.index, 'base64'),
    ...(set.previousIndex ? { previousIndexKey: Buffer.from(set.previousIndex, 'base64') } : {}),
  });
}

export function readKeyFile(file: string): KeySet {
  chmodSync(file, 0o600);
  const parsed = keyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`the key file ${file} is not valid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Writes the key file whole (a new file renamed over the old one), owner-only. */
export function writeKeyFile(file: string, set: KeySet): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const next = `${file}.new`;
  writeFileSync(next, `${JSON.stringify(set, null, 2)}\n`, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
}

/** The key set in the environment, when it holds one. */
export function keySetFromSettings(settings: Settings): KeySet | null {
  if (!settings.VISITLEDGER_FIELD_KEYS || !settings.VISITLEDGER_FIELD_KEY_CURRENT || !settings.VISITLEDGER_INDEX_KEY) return null;
  return {
    keys: settings.VISITLEDGER_FIELD_KEYS.split(',').map((pair) => {
      const [id, key] = pair.split(':') as [string, string];
      return { id, key };
    }),
    current: settings.VISITLEDGER_FIELD_KEY_CURRENT,
    index: settings.VISITLEDGER_INDEX_KEY,
    ...(settings.VISITLEDGER_INDEX_KEY_PREVIOUS ? { previousIndex: settings.VISITLEDGER_INDEX_KEY_PREVIOUS } : {}),
  };
}

/** The key set as the environment lines a secret manager holds. */
export function keySetEnvLines(set: KeySet): string[] {
  return [
    `VISITLEDGER_FIELD_KEYS=${set.keys.map((k) => `${k.id}:${k.key}`).join(',')}`,
    `VISITLEDGER_FIELD_KEY_CURRENT=${set.current}`,
    `VISITLEDGER_INDEX_KEY=${set.index}`,
    ...(set.previousIndex ? [`VISITLEDGER_INDEX_KEY_PREVIOUS=${set.previousIndex}`] : []),
  ];
}

/** The key file a SQLite store's keys are kept in when the environment holds none. */
export function keyFileOf(settings: Settings, dbFile: string): string {
  return settings.VISITLEDGER_KEY_FILE ?? keyFilePath(dbFile);
}

export function openFieldCipher(settings: Settings, dbFile: string): FieldCipher {
  const fromEnv = keySetFromSettings(settings);
  if (fromEnv) return cipherOf(fromEnv);
  const file = keyFileOf(settings, dbFile);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(freshKeySet(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  return cipherOf(readKeyFile(file));
}
