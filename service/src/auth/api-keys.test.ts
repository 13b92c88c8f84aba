import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { createApiKey, hashSecret, parseApiKey, revokeApiKey, verifyApiKey, type IdentityDeps } from './api-keys.ts';

function deps() {
  const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'visitledger-keys-')), 'k.db'));
  const at = '2026-03-01T12:00:00.000Z';
  let n = 0;
  return {
    identity: store,
    now: () => new Date(at),
    audit: (orgId: string, entry: Parameters<IdentityDeps['audit']>[1]) => store.appendAudit(orgId, [{ ...entry, id: `a${++n}`, at, actor: 'owner@example.com' }]),
  };
}

describe('API keys', () => {
  it('are vl_<org>_<id>_<secret>, with org ids that have dashes and secrets that have underscores', () => {
    expect(parseApiKey(`vl_home-care-2_0123456789abcdef_${'a_b-'.repeat(10)}xyz`)).toEqual({ orgId: 'home-care-2', keyId: '0123456789abcdef', secret: `${'a_b-'.repeat(10)}xyz` });
    for (const bad of ['vl_acme_0123456789abcdef_short', 'xx_acme_0123456789abcdef_' + 'A'.repeat(43), 'vl_Acme_0123456789abcdef_' + 'A'.repeat(43), 'vl_acme_0123456789ABCDEF_' + 'A'.repeat(43), '']) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('verify by the hash of the secret, for their own org only, until revoked', async () => {
    const d = deps();
    const made = await createApiKey(d, 'acme', { label: 'sync', role: 'owner' });
    if (!made.ok) throw new Error(made.error.message);
    const { key, apiKey } = made.value;
    const secret = parseApiKey(key)!.secret;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect((await d.identity.getApiKey('acme', apiKey.id))?.secretHash).toBe(hashSecret(secret));
    expect(await verifyApiKey(d.identity, key)).toEqual({ orgId: 'acme', keyId: apiKey.id, role: 'owner' });
    expect(await verifyApiKey(d.identity, key.replace('vl_acme_', 'vl_other_'))).toBeNull();
    expect(await verifyApiKey(d.identity, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect((await revokeApiKey(d, 'acme', apiKey.id)).ok).toBe(true);
    expect(await verifyApiKey(d.identity, key)).toBeNull();
    expect((await revokeApiKey(d, 'acme', apiKey.id)).ok).toBe(true); // revoking again changes nothing
    // Who changed access to the org is on the audit trail, never the secret.
    const trail = await d.identity.listAudit('acme', { recordId: apiKey.id });
    expect(trail.map((e) => [e.action, e.recordType, e.detail])).toEqual([['create', 'api-key', 'role owner'], ['update', 'api-key', 'revoked']]);
    expect(JSON.stringify(trail)).not.toContain(secret);
  });

  it('refuse a label that is missing and a role that does not exist', async () => {
    const made = await createApiKey(deps(), 'acme', { label: ' ', role: 'admin' });
    expect(made).toMatchObject({ ok: false, error: { code: 'invalid-input', details: [{ path: 'label' }, { path: 'role' }] } });
  });
});
