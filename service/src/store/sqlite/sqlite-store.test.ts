import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { describeDocumentContract } from '../document.contract.ts';
import { describeIdentityContract } from '../identity.contract.ts';
import { describePortalContract } from '../portal.contract.ts';
import { describePayoutContract } from '../payouts.contract.ts';
import { describeStoreContract, anOrg } from '../store.contract.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { MIGRATIONS } from './migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'visitledger-sqlite-'));
let n = 0;

describeStoreContract('sqlite', {
  make: async () => openSqliteStore(join(dir, `store-${++n}.db`)),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('sqlite store file', () => {
  it('is a real file that keeps its data across reopening, with migrations applied once', async () => {
    const file = join(dir, 'reopen.db');
    const first = openSqliteStore(file);
    await first.insertOrg(anOrg('o1'));
    await first.close();
    const second = openSqliteStore(file);
    expect((await second.getOrg('o1'))?.id).toBe('o1');
    await second.close();
    const raw = new DatabaseSync(file);
    expect(raw.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    raw.close();
  });

  it('keeps the audit log append-only even for SQL run by hand', async () => {
    const file = join(dir, 'audit.db');
    const store = openSqliteStore(file);
    await store.appendAudit('o1', [{ id: 'a1', at: '2026-01-01T00:00:00.000Z', actor: 'cli', action: 'read', recordType: 'visit', recordId: 'v1' }]);
    await store.close();
    const raw = new DatabaseSync(file);
    expect(() => raw.exec("UPDATE audit SET actor = 'someone else'")).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM audit')).toThrow(/append-only/);
    raw.close();
  });
});

describeIdentityContract('sqlite', async () => openSqliteStore(join(dir, `identity-${++n}.db`)));
describeDocumentContract('sqlite', async () => openSqliteStore(join(dir, `documents-${++n}.db`)));
describePortalContract('sqlite', async () => openSqliteStore(join(dir, `portal-${++n}.db`)));
describePayoutContract('sqlite', async () => openSqliteStore(join(dir, `payouts-${++n}.db`)));
