/**
 * Where the field keys come from: the environment in production (a secret manager fills
 * it), or, for a local SQLite file, a key file next to it created on first use with
 * owner-only permissions. Losing the key file makes the PHI in that database unreadable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { createFieldCipher, type FieldCipher } from '../crypto/field-cipher.ts';
import type { Settings } from './settings.ts';

const keyFileSchema = z.object({
  current: z.string(),
  keys: z.array(z.object({ id: z.string(), key: z.string() })).min(1),
  index: z.string(),
});
type KeyFile = z.infer<typeof keyFileSchema>;

export function keyFilePath(dbFile: string): string {
  return `${dbFile}.keys.json`;
}

function fromKeyFile(file: string): FieldCipher {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const fresh: KeyFile = { current: 'k1', keys: [{ id: 'k1', key: randomBytes(32).toString('base64') }], index: randomBytes(32).toString('base64') };
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const parsed = keyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`the key file ${file} is not valid: ${parsed.error.issues[0]?.message}`);
  return createFieldCipher({
    keys: parsed.data.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    currentKeyId: parsed.data.current,
    indexKey: Buffer.from(parsed.data.index, 'base64'),
  });
}

export function openFieldCipher(settings: Settings, dbFile: string): FieldCipher {
  if (settings.VISITLEDGER_FIELD_KEYS && settings.VISITLEDGER_FIELD_KEY_CURRENT && settings.VISITLEDGER_INDEX_KEY) {
    return createFieldCipher({
      keys: settings.VISITLEDGER_FIELD_KEYS.split(',').map((pair) => {
        const [id, key] = pair.split(':') as [string, string];
        return { id, key: Buffer.from(key, 'base64') };
      }),
      currentKeyId: settings.VISITLEDGER_FIELD_KEY_CURRENT,
      indexKey: Buffer.from(settings.VISITLEDGER_INDEX_KEY, 'base64'),
    });
  }
  return fromKeyFile(keyFilePath(dbFile));
}
