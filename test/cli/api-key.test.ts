/**
 * `visitledger api-key create`: a key for the CLI's own org, made by the real CLI on a real
 * SQLite file, then used over HTTP against `visitledger serve` on the same file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.ts';
import { json, visitledger } from './run-cli.ts';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;

describe('visitledger api-key create', () => {
  it('makes a key shown once that reaches the org over HTTP, and refuses a bad role or no label', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    const text = await visitledger(db, 'api-key', 'create', '--role', 'owner', '--label', "bookkeeper's script", '--init');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^API key [0-9a-f]{16} \(owner, "bookkeeper's script"\) for org local:\n {2}vl_local_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n {2}shown this once: keep it in a secret store\./,
    );
    const staff = await json(db, 'api-key', 'create', '--role', 'staff', '--label', 'nightly sync');
    expect(staff.apiKey).toMatchObject({ label: 'nightly sync', role: 'staff', createdBy: 'cli', orgId: 'local' });
    expect(staff.key).toMatch(new RegExp(`^vl_local_${staff.apiKey.id}_`));

    expect((await visitledger(db, 'api-key', 'create', '--role', 'admin', '--label', 'x')).stderr).toBe(
      'error: --role: "admin" is not one of owner, staff\n',
    );
    expect((await visitledger(db, 'api-key', 'create', '--role', 'staff')).stderr).toBe('error: api-key create needs --label\n');
    expect((await visitledger(db, 'api-key', 'make', '--role', 'staff', '--label', 'x')).stderr).toMatch(
      /^error: usage: visitledger api-key create/,
    );

    const server = await startServerProcess([CLI, 'serve', '--port', '0', '--db', db], { PATH: process.env.PATH ?? '' });
    try {
      const agencies = (key?: string) =>
        fetch(`${server.url}/v1/orgs/local/agencies`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      const answered = await agencies(staff.key);
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ agencies: [] });
      expect((await agencies()).status).toBe(401);
      expect((await agencies(`${staff.key.slice(0, -1)}x`)).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
