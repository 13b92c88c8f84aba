import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { newApiKey, parseApiKey, verifyApiKey } from './api-keys.ts';

// A key and the hash stored for its secret (`printf %s SECRET | sha256sum`), as every key made so far was stored.
const SECRET = 'Zq3mT8xV1bN4kL7pR0sW2yE5uI9oA6dF_hJ-cGtKeXw';
const STORED_HASH = '7c6796ea221ca60b1de1da6c2f1afc44d901cc1797f75602c4139aa0e923093e';
const KEY = `vl_acme_0123456789abcdef_${SECRET}`;

const aStore = () => openSqliteStore(join(mkdtempSync(join(tmpdir(), 'visitledger-keys-')), 'k.db'));

describe('API keys', () => {
  it('are vl_<org>_<id>_<secret>, with org ids that have dashes and secrets that have underscores', () => {
    expect(parseApiKey(`vl_home-care-2_0123456789abcdef_${'a_b-'.repeat(10)}xyz`)).toEqual({
      orgId: 'home-care-2',
      keyId: '0123456789abcdef',
      secret: `${'a_b-'.repeat(10)}xyz`,
    });
    for (const bad of [
      'vl_acme_0123456789abcdef_short',
      `xx_acme_0123456789abcdef_${'A'.repeat(43)}`,
      `vl_Acme_0123456789abcdef_${'A'.repeat(43)}`,
      `vl_acme_0123456789ABCDEF_${'A'.repeat(43)}`,
      '',
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('are made in the format they are parsed in, with a 256-bit secret', () => {
    const made = newApiKey('home-care-2');
    expect(parseApiKey(made.key)).toEqual({ orgId: 'home-care-2', keyId: made.keyId, secret: made.secret });
    expect(Buffer.from(made.secret, 'base64url')).toHaveLength(32);
    expect(newApiKey('home-care-2').key).not.toBe(made.key);
  });

  it('verify against a hash stored the way keys always were, for their own org only, until revoked', async () => {
    const store = aStore();
    await store.insertApiKey('acme', {
      id: '0123456789abcdef',
      label: 'sync',
      role: 'owner',
      secretHash: STORED_HASH,
      createdAt: '2026-03-01T12:00:00.000Z',
    });
    expect(await verifyApiKey(store, KEY)).toEqual({ orgId: 'acme', keyId: '0123456789abcdef', role: 'owner' });
    expect(await verifyApiKey(store, KEY.replace('vl_acme_', 'vl_other_'))).toBeNull();
    expect(await verifyApiKey(store, `${KEY.slice(0, -1)}x`)).toBeNull();
    expect(await verifyApiKey(store, KEY.replace('0123456789abcdef', 'fedcba9876543210'))).toBeNull();
    await store.revokeApiKey('acme', '0123456789abcdef', '2026-03-02T12:00:00.000Z');
    expect(await verifyApiKey(store, KEY)).toBeNull();
  });
});
