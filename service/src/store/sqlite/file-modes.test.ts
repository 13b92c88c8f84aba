/** The SQLite file, its WAL files and the folder made for them are owner-only, whatever the umask. */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.ts';
import { anOrg } from '../../test-support/store-records.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('SQLite file modes', () => {
  it('creates the data folder 0700 and the database, -wal and -shm 0600 under a permissive umask; an existing folder keeps its mode', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'visitledger-modes-'));
    const parentMode = modeOf(parent);
    const file = join(parent, 'data', 'nested', 'visitledger.db');
    const before = process.umask(0o002);
    try {
      const store = openSqliteStore(file);
      await store.insertOrg(anOrg('a'));
      expect(modeOf(join(parent, 'data'))).toBe(0o700);
      expect(modeOf(join(parent, 'data', 'nested'))).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) expect([path, modeOf(path)]).toEqual([path, 0o600]);
      expect(modeOf(parent)).toBe(parentMode);
      await store.close();
    } finally {
      process.umask(before);
    }
  });
});
