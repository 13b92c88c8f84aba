/**
 * `visitledger keys new` and `visitledger keys rotate`: a new key set (printed as the
 * environment lines a secret manager holds, or written to a key file with --key-file),
 * adding a new current key to the keys given; and the rotation that seals every value
 * again under the current key and recomputes the duplicate keys (usecases/keys.ts).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readSettings } from '../config/settings.ts';
import { freshKeySet, keyFileOf, keySetEnvLines, keySetFromSettings, readKeyFile, withNewKeys, writeKeyFile } from '../config/keys.ts';
import { rotateKeys } from '../usecases/keys.ts';
import { say, UsageError } from './output.ts';
import { LOCAL_ORG, openRuntime } from './runtime.ts';

export const KEYS_USAGE = [
  'keys new [--key-file FILE]                 a new key set: printed as environment lines for a secret manager (with the keys of the environment',
  '         and a new current key when it has them), or written to FILE (adding a new current key to the keys FILE holds)',
  'keys rotate [--key-file FILE]              seal every sealed value again under the current key and recompute the duplicate keys; resumable',
].join('\n  ');

const keysOptions = {
  db: { type: 'string' },
  org: { type: 'string' },
  'key-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runKeys(args: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: keysOptions, strict: true, allowPositionals: true });
  if (values.help) {
    say(`usage: visitledger ${KEYS_USAGE}`);
    return 0;
  }
  const keyFile = values['key-file'];
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== 'new' && action !== 'rotate')) throw new UsageError('keys needs new or rotate');
  if (action === 'new') return keysNew(keyFile, env);
  return keysRotate({ ...(values.db ? { db: values.db } : {}), ...(keyFile ? { keyFile } : {}) }, env);
}

function keysNew(keyFile: string | undefined, env: Record<string, string | undefined>): number {
  if (keyFile) {
    const set = existsSync(keyFile) ? withNewKeys(readKeyFile(keyFile)) : freshKeySet();
    writeKeyFile(keyFile, set);
    say(`${keyFile}: current key ${set.current}${set.previousIndex ? `; now run visitledger keys rotate --key-file ${keyFile}` : ''}`);
    return 0;
  }
  const existing = keySetFromSettings(readSettings(env));
  const set = existing ? withNewKeys(existing) : freshKeySet();
  for (const line of keySetEnvLines(set)) say(line);
  process.stderr.write(
    existing
      ? `a new current key ${set.current} added to the environment's keys: store these lines in the secret manager, deploy, then run visitledger keys rotate\n`
      : 'a new key set: store these lines in the secret manager; they are shown once\n',
  );
  return 0;
}

async function keysRotate(options: { db?: string; keyFile?: string }, env: Record<string, string | undefined>): Promise<number> {
  // --org names the org the runtime acts for; a rotation covers every org, and must not make one.
  const rt = await openRuntime({ ...options, org: LOCAL_ORG, env });
  try {
    const deps = rt.keyMaintenance();
    say(`rotating to field key ${deps.cipher.currentKeyId}`);
    const rotation = await rotateKeys(deps, (p) =>
      say(p.skipped ? `${p.orgId} ${p.step}: done before` : `${p.orgId} ${p.step}: ${p.resealed} sealed again`),
    );
    say(`done: every value is sealed under ${rotation.fieldKeyId} and every duplicate key uses the current index key`);
    const fromEnv = keySetFromSettings(rt.settings);
    if (fromEnv?.previousIndex) say('VISITLEDGER_INDEX_KEY_PREVIOUS can now be removed from the environment');
    if (!fromEnv && rt.settings.VISITLEDGER_STORE === 'sqlite') {
      const file = keyFileOf(rt.settings, options.db ?? rt.settings.VISITLEDGER_DB);
      const { previousIndex: _previous, ...set } = readKeyFile(file);
      if (_previous) writeKeyFile(file, set);
    }
    return 0;
  } finally {
    await rt.close();
  }
}
