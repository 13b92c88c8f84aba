/**
 * PortalStore.updatePortalLink on both adapters: the read-change-write that keeps a link's
 * passcode failures and lock (usecases/portal.ts) must be atomic, or concurrent wrong
 * passcodes, on one instance or several, would be lost and the lock never reached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithFirestoreEmulator } from '../test-support/firestore-emulator.ts';
import { openFirestoreStore } from './firestore/firestore-store.ts';
import type { PortalLinkRecord, PortalStore, Store } from './port.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

const aLink = (id: string): PortalLinkRecord => ({
  id,
  agencyId: 'ag1',
  tokenHash: `hash-of-${id}`,
  createdAt: '2026-02-01T00:00:00.000Z',
  expiresAt: '2026-05-02T00:00:00.000Z',
  passcodeHash: 'scrypt$aa$bb',
});

const oneMoreFailure = (l: PortalLinkRecord): PortalLinkRecord => ({
  ...l,
  passcodeFailures: { count: (l.passcodeFailures?.count ?? 0) + 1, since: '2026-02-02T00:00:00.000Z' },
});

function describeUpdates(name: string, make: () => Promise<PortalStore & Pick<Store, 'close'>>): void {
  describe(`updatePortalLink: ${name}`, () => {
    it('replaces the link with what the change gives, in its own org only, keeping its id, agency and token hash', async () => {
      const store = await make();
      try {
        await store.insertPortalLink('a', aLink('l1'));
        const written = await store.updatePortalLink('a', 'l1', (l) => ({
          ...l,
          id: 'other',
          agencyId: 'ag9',
          tokenHash: 'forged',
          passcodeLockedUntil: '2026-02-02T00:15:00.000Z',
        }));
        expect(written).toEqual({ ...aLink('l1'), passcodeLockedUntil: '2026-02-02T00:15:00.000Z' });
        expect(await store.getPortalLink('a', 'l1')).toEqual(written);
        expect((await store.findPortalLinkByTokenHash('hash-of-l1'))?.link).toEqual(written);
        expect(await store.updatePortalLink('b', 'l1', oneMoreFailure)).toBeNull();
        expect(await store.updatePortalLink('a', 'nope', oneMoreFailure)).toBeNull();
        expect(await store.updatePortalLink('a', 'l1', () => null)).toBeNull();
        expect(await store.getPortalLink('a', 'l1')).toEqual(written);
        // A field the change leaves out is gone.
        const cleared = await store.updatePortalLink('a', 'l1', ({ passcodeLockedUntil: _gone, ...l }) => l);
        expect(cleared).toEqual(aLink('l1'));
        expect(await store.getPortalLink('a', 'l1')).toEqual(aLink('l1'));
      } finally {
        await store.close();
      }
    });

    it('loses no change when many run at once', async () => {
      const store = await make();
      try {
        await store.insertPortalLink('a', aLink('l1'));
        await Promise.all(Array.from({ length: 10 }, () => store.updatePortalLink('a', 'l1', oneMoreFailure)));
        expect((await store.getPortalLink('a', 'l1'))?.passcodeFailures?.count).toBe(10);
      } finally {
        await store.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'visitledger-portal-updates-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
describeUpdates('sqlite', async () => openSqliteStore(join(dir, `portal-${++n}.db`)));

describeWithFirestoreEmulator('firestore portal link updates', 'visitledger-portal-updates-test', (emulator) => {
  describeUpdates('firestore', async () => {
    await emulator().reset();
    // Each its own client, as separate instances of the service would have.
    return openFirestoreStore(emulator().client());
  });
});
