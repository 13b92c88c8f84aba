/**
 * `visitledger keys new` and `keys rotate` in real processes: a key set printed for a secret
 * manager, a key file kept away from the database (--key-file), a new current key added to
 * it, and the rotation moving the demo's sealed values and PDFs to it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { documentKeyId } from '../../service/src/crypto/document-seal.ts';
import { cipherOf, readKeyFile } from '../../service/src/config/keys.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { json, visitledger } from './run-cli.ts';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `visitledger-keys-${name}-`));

async function withEnv(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

const envOf = (stdout: string) =>
  Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('visitledger keys new', () => {
  it('prints a key set for a secret manager, and with the keys of the environment adds a new current key keeping the old', async () => {
    const first = await withEnv({}, 'keys', 'new');
    expect(first.code).toBe(0);
    const env = envOf(first.stdout);
    expect(Object.keys(env)).toEqual(['VISITLEDGER_FIELD_KEYS', 'VISITLEDGER_FIELD_KEY_CURRENT', 'VISITLEDGER_INDEX_KEY']);
    expect(env.VISITLEDGER_FIELD_KEY_CURRENT).toBe('k1');
    const next = envOf((await withEnv(env, 'keys', 'new')).stdout);
    expect(next.VISITLEDGER_FIELD_KEY_CURRENT).toBe('k2');
    expect(next.VISITLEDGER_FIELD_KEYS!.startsWith(`${env.VISITLEDGER_FIELD_KEYS},k2:`)).toBe(true);
    expect(next.VISITLEDGER_INDEX_KEY_PREVIOUS).toBe(env.VISITLEDGER_INDEX_KEY);
    expect(next.VISITLEDGER_INDEX_KEY).not.toBe(env.VISITLEDGER_INDEX_KEY);
  });
});

describe('keys kept apart from the database, and rotated', () => {
  it('keeps the keys in --key-file (none beside the database), adds a key, rotates every value to it, then drops the previous index key', async () => {
    const db = join(tmp('db'), 'demo.db');
    const keyFile = join(tmp('secrets'), 'keys.json');
    await json(db, 'demo', '--month', '2026-09', '--key-file', keyFile);
    expect(
      await visitledger(db, 'close', '--org', 'demo', '--period', '2026-10', '--out', tmp('out'), '--key-file', keyFile),
    ).toMatchObject({ code: 0 });
    expect(existsSync(`${db}.keys.json`)).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const added = await visitledger(db, 'keys', 'new', '--key-file', keyFile);
    expect(added.stdout).toContain('current key k2');
    expect(readKeyFile(keyFile).previousIndex).toBeDefined();

    const rotated = await visitledger(db, 'keys', 'rotate', '--key-file', keyFile);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/demo visits: \d+ sealed again/);
    expect(rotated.stdout).toMatch(/demo documents: [1-9]\d* sealed again/);
    const keys = readKeyFile(keyFile);
    expect(keys.previousIndex).toBeUndefined();

    const cipher = cipherOf(keys);
    const store = openSqliteStore(db);
    try {
      for (const v of await store.listVisits('demo', {})) expect(cipher.keyIdOf(v.patient)).toBe('k2');
      const ids = await store.listDocumentIds('demo');
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(documentKeyId(cipher, (await store.getDocument('demo', id))!.bytes)).toBe('k2');
    } finally {
      await store.close();
    }
    // The org still works under the new keys: a re-close serves the same PDFs.
    expect(
      (await visitledger(db, 'close', '--org', 'demo', '--period', '2026-10', '--out', tmp('again'), '--key-file', keyFile)).code,
    ).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toContain('"current": "k2"');
  }, 120_000);
});
