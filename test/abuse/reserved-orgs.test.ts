/**
 * The command line's default org cannot be claimed: `local` and `demo` are refused over
 * HTTP, and the CLI acts unasked only on an org it made itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultOrgSettings } from '../../service/src/usecases/orgs.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { call, startTestApi } from '../api/harness.ts';
import { SAMPLE_IMPORT, visitledger } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'visitledger-reserved-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the reserved org ids', () => {
  it('are refused over HTTP, whoever asks; another id is made as before', async () => {
    const api = await startTestApi();
    try {
      const token = api.google.idToken('someone@elsewhere.example');
      for (const id of ['local', 'demo']) {
        const res = await call(api, 'post', '/v1/orgs', { token, body: { id } });
        expect(res.status, id).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/reserved/) });
        expect(await api.store.getOrg(id)).toBeNull();
      }
      expect((await call(api, 'post', '/v1/orgs', { token, body: { id: 'local-staffing' } })).status).toBe(201);
    } finally {
      await api.close();
    }
  });

  it('keep the CLI off an org named local that it did not make, unless --org names it', async () => {
    // A store from before the ids were reserved: someone made `local` over HTTP (it has a member; no maker kept).
    const db = join(dir, 'claimed.db');
    const store = openSqliteStore(db);
    await store.insertOrg({ id: 'local', settings: defaultOrgSettings('Not yours'), createdAt: '2026-11-01T00:00:00.000Z' });
    await store.putMember('local', { email: 'attacker@elsewhere.example', role: 'owner', addedAt: '2026-11-01T00:00:00.000Z' });
    await store.close();

    const importArgs = [...SAMPLE_IMPORT, '--commit'];
    const refused = await visitledger(db, ...importArgs);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the org "local" in this store was not made by the command line; .*--org local/);
    const reopened = openSqliteStore(db);
    expect(await reopened.listVisits('local', {})).toEqual([]);
    await reopened.close();

    // Named, it is the owner's own call.
    const named = await visitledger(db, ...importArgs, '--org', 'local');
    expect(named.code, named.stderr).toBe(0);
  });

  it('let the CLI keep working on the local org it made, in a new store and an old one', async () => {
    const fresh = join(dir, 'fresh.db');
    expect((await visitledger(fresh, 'tax-year', '--year', '2026')).code).toBe(0);
    const again = await visitledger(fresh, 'tax-year', '--year', '2026');
    expect(again.code, again.stderr).toBe(0);

    // Made by an older CLI: no maker kept, no members.
    const old = join(dir, 'old.db');
    const store = openSqliteStore(old);
    await store.insertOrg({ id: 'local', settings: defaultOrgSettings('My staffing agency'), createdAt: '2026-01-01T00:00:00.000Z' });
    await store.close();
    const onOld = await visitledger(old, 'tax-year', '--year', '2026');
    expect(onOld.code, onOld.stderr).toBe(0);
  });
});
