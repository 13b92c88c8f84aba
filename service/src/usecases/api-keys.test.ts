import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApiKey, verifyApiKey } from '../auth/api-keys.ts';
import { tokenHash } from '../crypto/tokens.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { createApiKey, revokeApiKey, type IdentityDeps } from './api-keys.ts';
import { expectOk } from '../../../shared/test-support/results.ts';

function deps() {
  const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'visitledger-keys-')), 'k.db'));
  const at = '2026-03-01T12:00:00.000Z';
  let n = 0;
  return {
    identity: store,
    now: () => new Date(at),
    audit: (orgId: string, entry: Parameters<IdentityDeps['audit']>[1]) =>
      store.appendAudit(orgId, [{ ...entry, id: `a${++n}`, at, actor: 'owner@example.com' }]),
  };
}

describe('managing API keys', () => {
  it('makes a key shown once and stores only the hash of its secret; the key works until revoked', async () => {
    const d = deps();
    const { key, apiKey } = expectOk(await createApiKey(d, 'acme', { label: 'sync', role: 'owner' }));
    const secret = parseApiKey(key)!.secret;
    expect(apiKey).not.toHaveProperty('secretHash');
    expect((await d.identity.getApiKey('acme', apiKey.id))?.secretHash).toBe(tokenHash(secret));
    expect(await verifyApiKey(d.identity, key)).toEqual({ orgId: 'acme', keyId: apiKey.id, role: 'owner' });
    expect((await revokeApiKey(d, 'acme', apiKey.id)).ok).toBe(true);
    expect(await verifyApiKey(d.identity, key)).toBeNull();
    expect((await revokeApiKey(d, 'acme', apiKey.id)).ok).toBe(true); // revoking again changes nothing
    // Who changed access to the org is on the audit trail, never the secret.
    const trail = await d.identity.listAudit('acme', { recordId: apiKey.id });
    expect(trail.map((e) => [e.action, e.recordType, e.detail])).toEqual([
      ['create', 'api-key', 'role owner'],
      ['update', 'api-key', 'revoked'],
    ]);
    expect(JSON.stringify(trail)).not.toContain(secret);
  });

  it('refuses a label that is missing and a role that does not exist', async () => {
    const made = await createApiKey(deps(), 'acme', { label: ' ', role: 'admin' });
    expect(made).toMatchObject({ ok: false, error: { code: 'invalid-input', details: [{ path: 'label' }, { path: 'role' }] } });
  });

  it('says so when the key to revoke does not exist', async () => {
    expect(await revokeApiKey(deps(), 'acme', '0123456789abcdef')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
