/** The contract of the IdentityStore part, for every adapter that has one. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { IdentityStore } from './port.ts';

export function describeIdentityContract(name: string, make: () => Promise<IdentityStore>): void {
  describe(`IdentityStore contract: ${name}`, () => {
    let store: IdentityStore;
    beforeEach(async () => {
      store = await make();
    });

    it('keeps members per org, by lower-case email', async () => {
      await store.putMember('a', { email: 'Owner@Example.com', role: 'owner', addedAt: '2026-01-01T00:00:00.000Z' });
      await store.putMember('a', { email: 'staff@example.com', role: 'staff', addedAt: '2026-01-01T00:00:00.000Z' });
      expect(await store.getMember('a', 'OWNER@example.com')).toEqual({
        email: 'owner@example.com',
        role: 'owner',
        addedAt: '2026-01-01T00:00:00.000Z',
      });
      expect(await store.getMember('b', 'owner@example.com')).toBeNull();
      expect((await store.listMembers('a')).map((m) => m.email)).toEqual(['owner@example.com', 'staff@example.com']);
      await store.putMember('a', { email: 'staff@example.com', role: 'owner', addedAt: '2026-01-02T00:00:00.000Z' });
      expect((await store.getMember('a', 'staff@example.com'))?.role).toBe('owner');
      expect(await store.removeMember('a', 'staff@example.com')).toBe(true);
      expect(await store.removeMember('a', 'staff@example.com')).toBe(false);
      expect(await store.listMembers('b')).toEqual([]);
    });

    it('keeps API keys per org and revokes them once', async () => {
      const key = { id: 'k1', label: 'sheet sync', role: 'staff' as const, secretHash: 'hash', createdAt: '2026-01-01T00:00:00.000Z' };
      await store.insertApiKey('a', key);
      expect(await store.getApiKey('a', 'k1')).toEqual(key);
      expect(await store.getApiKey('b', 'k1')).toBeNull();
      expect(await store.revokeApiKey('b', 'k1', '2026-02-01T00:00:00.000Z')).toBe(false);
      expect(await store.revokeApiKey('a', 'k1', '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await store.revokeApiKey('a', 'k1', '2026-02-02T00:00:00.000Z')).toBe(false);
      expect((await store.getApiKey('a', 'k1'))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
      expect((await store.listApiKeys('a')).map((k) => k.id)).toEqual(['k1']);
    });
  });
}
