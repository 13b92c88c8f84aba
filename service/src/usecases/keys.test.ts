/**
 * Key rotation and the sealing of documents stored before sealing, on both stores (SQLite
 * in a temp folder, Firestore on Google's emulator): every sealed value under the new key,
 * the duplicate keys recomputed (and found under either index key while that runs), the old
 * field key no longer needed for anything but old backups, and a rerun continuing a run
 * that stopped part way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { visitKey } from '../../../shared/index.ts';
import { documentKeyId, isSealedDocument, openDocument, sealDocument } from '../crypto/document-seal.ts';
import { createFieldCipher, newFieldKey, type FieldCipher } from '../crypto/field-cipher.ts';
import type { DocumentStore, KeyMaintenanceStore, Store } from '../store/port.ts';
import type { PayoutStore } from '../store/payouts-port.ts';
import { openFirestoreStore } from '../store/firestore/firestore-store.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { describeWithFirestoreEmulator } from '../test-support/firestore-emulator.ts';
import { anOrg, aStoredVisit } from '../test-support/store-records.ts';
import { findVisitsByDupText, rotateKeys, sealLegacyDocuments, type KeyMaintenanceDeps, type RotationProgress } from './keys.ts';

type AnyStore = KeyMaintenanceDeps['store'];
const now = () => new Date('2026-03-01T12:00:00.000Z');
const k1 = newFieldKey('k1');
const k2 = newFieldKey('k2');
const index1 = randomBytes(32);
const index2 = randomBytes(32);
const before = createFieldCipher({ keys: [k1], currentKeyId: 'k1', indexKey: index1 });
const during = createFieldCipher({ keys: [k1, k2], currentKeyId: 'k2', indexKey: index2, previousIndexKey: index1 });
const after = createFieldCipher({ keys: [k2], currentKeyId: 'k2', indexKey: index2 });
const pdf = Buffer.concat([Buffer.from('%PDF-1.7 Patient Haddad, Leila '), randomBytes(3000)]);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ORGS = ['o1', 'o2/x'];
const keyTextOf = (patientName: string) =>
  visitKey({ therapistId: 'th1', agencyId: 'ag1', patientName, date: '2026-01-10', visitType: 'ROUTINE' });

/** An org with one of every sealed value, sealed with `before` (the legacy document in plaintext). */
async function seed(store: Store & DocumentStore & PayoutStore, orgId: string): Promise<void> {
  await store.insertOrg({ ...anOrg(orgId), payerTin: { sealed: before.seal('123456789'), last4: '6789', type: 'EIN' } });
  await store.putTherapists(orgId, [
    {
      id: 'th1',
      name: 'T One',
      aliases: [],
      email: 't@example.com',
      active: true,
      w9: {
        legalName: 'T One',
        classification: 'individual',
        tin: { sealed: before.seal('123456781'), last4: '6781', type: 'SSN' },
        address: { line1: '1 Main', city: 'Town', state: 'NY', zip: '10001' },
        signedOn: '2026-01-01',
      },
    } as never,
  ]);
  await store.putStripeConnection(orgId, {
    key: before.seal('rk_test_1'),
    keyLast4: 'st_1',
    livemode: false,
    webhookSecret: before.seal('whsec_1'),
    connectedAt: '2026-01-01T00:00:00.000Z',
  });
  await store.upsertVisits(
    orgId,
    ['v1', 'v2', 'v3'].map((id) =>
      aStoredVisit(id, { patient: before.sealJson({ name: `Patient ${id}` }), dupKey: before.blindIndex(keyTextOf(`Patient ${id}`)) }),
    ),
  );
  await store.putDocument(orgId, {
    id: 'invoice:1',
    kind: 'invoice',
    recordId: '1',
    sha256: sha(pdf),
    bytes: sealDocument(before, orgId, 'invoice:1', pdf, 1024),
    createdAt: '2026-02-01T00:00:00.000Z',
  });
  await store.putDocument(orgId, {
    id: 'invoice:legacy',
    kind: 'invoice',
    recordId: 'legacy',
    sha256: sha(pdf),
    bytes: pdf,
    createdAt: '2026-02-01T00:00:00.000Z',
  });
}

/** Everything of the org opens with `cipher`, under its current key, and the duplicate keys are its own. */
async function expectAllUnder(store: AnyStore, orgId: string, cipher: FieldCipher): Promise<void> {
  const org = (await store.getOrg(orgId))!;
  expect([cipher.keyIdOf(org.payerTin!.sealed), cipher.open(org.payerTin!.sealed)]).toEqual([cipher.currentKeyId, '123456789']);
  const [therapist] = await store.listTherapists(orgId);
  expect(cipher.open(therapist!.w9!.tin.sealed)).toBe('123456781');
  const connection = (await store.getStripeConnection(orgId))!;
  expect([cipher.open(connection.key), cipher.open(connection.webhookSecret)]).toEqual(['rk_test_1', 'whsec_1']);
  for (const v of await store.listVisits(orgId, {})) {
    const patient = cipher.openJson<{ name: string }>(v.patient);
    expect(v.dupKey).toBe(cipher.blindIndex(keyTextOf(patient.name)));
    expect(cipher.keyIdOf(v.patient)).toBe(cipher.currentKeyId);
  }
  for (const id of await store.listDocumentIds(orgId)) {
    const doc = (await store.getDocument(orgId, id))!;
    expect([id, documentKeyId(cipher, doc.bytes)]).toEqual([id, cipher.currentKeyId]);
    expect(sha(openDocument(cipher, orgId, id, doc.bytes))).toBe(doc.sha256);
  }
}

function rotationSuite(make: () => Promise<AnyStore>): void {
  let store: AnyStore;
  beforeEach(async () => {
    store = await make();
    for (const orgId of ORGS) await seed(store, orgId);
  });

  it('seals the documents stored before sealing once, leaving their content and hash', async () => {
    expect(await sealLegacyDocuments({ store, cipher: before, now })).toBe(ORGS.length);
    for (const orgId of ORGS) {
      const doc = (await store.getDocument(orgId, 'invoice:legacy'))!;
      expect(isSealedDocument(doc.bytes)).toBe(true);
      expect(Buffer.from(doc.bytes).includes('Haddad')).toBe(false);
      expect(Buffer.from(openDocument(before, orgId, doc.id, doc.bytes)).equals(pdf)).toBe(true);
      expect(doc.sha256).toBe(sha(pdf));
    }
    expect((await store.getKeyMaintenance())?.legacyDocumentsSealedAt).toBe(now().toISOString());
    expect(await sealLegacyDocuments({ store, cipher: before, now })).toBe(0);
  });

  it('rotates every sealed value and duplicate key of every org; the old keys are then needed by nothing', async () => {
    // While it has not run, a duplicate check still finds the visits indexed under the previous key.
    const found = await findVisitsByDupText({ store, cipher: during, now, newId: () => 'x', actor: 't' }, 'o1', [keyTextOf('Patient v2')]);
    expect(found).toEqual([{ id: 'v2', dupKey: during.blindIndex(keyTextOf('Patient v2')) }]);

    const progress: RotationProgress[] = [];
    const rotation = await rotateKeys({ store, cipher: during, now }, (p) => progress.push(p));
    expect(rotation.finishedAt).toBeDefined();
    expect(progress.filter((p) => p.orgId === 'o1').map((p) => [p.step, p.resealed])).toEqual([
      ['org', 1],
      ['therapists', 1],
      ['stripe', 1],
      ['visits', 3],
      ['documents', 2],
    ]);
    expect(await store.listOrgIds()).toEqual([...ORGS].sort());
    for (const orgId of ORGS) await expectAllUnder(store, orgId, after);
    const dup = await findVisitsByDupText({ store, cipher: after, now, newId: () => 'x', actor: 't' }, 'o2/x', [keyTextOf('Patient v3')]);
    expect(dup.map((v) => v.id)).toEqual(['v3']);

    // Again with the same keys: nothing left to do.
    const again: RotationProgress[] = [];
    await rotateKeys({ store, cipher: during, now }, (p) => again.push(p));
    expect(again).toEqual([]);
  });

  it('continues a rotation that stopped part way: the recorded steps are skipped, every value readable meanwhile', async () => {
    let steps = 0;
    const failing: AnyStore = {
      ...store,
      putKeyMaintenance: async (r) => {
        if (r.rotation && r.rotation.done.length === 4 && steps++ === 0) throw new Error('crash');
        await store.putKeyMaintenance(r);
      },
    };
    await expect(rotateKeys({ store: failing, cipher: during, now })).rejects.toThrow('crash');
    // Half way: o1's visits are under k2, its documents not yet; with both keys everything opens.
    const o1 = await store.listVisits('o1', {});
    expect(o1.map((v) => during.keyIdOf(v.patient))).toEqual(['k2', 'k2', 'k2']);
    expect(documentKeyId(during, (await store.getDocument('o1', 'invoice:1'))!.bytes)).toBe('k1');

    const progress: RotationProgress[] = [];
    await rotateKeys({ store, cipher: during, now }, (p) => progress.push(p));
    expect(progress.filter((p) => p.skipped).map((p) => `${p.orgId}:${p.step}`)).toEqual(['o1:org', 'o1:therapists', 'o1:stripe']);
    expect(progress.find((p) => p.orgId === 'o1' && p.step === 'visits')).toEqual({
      orgId: 'o1',
      step: 'visits',
      resealed: 0,
      skipped: false,
    });
    for (const orgId of ORGS) await expectAllUnder(store, orgId, after);
  });
}

describe('key rotation on SQLite', () => {
  rotationSuite(async () => openSqliteStore(join(mkdtempSync(join(tmpdir(), 'visitledger-keys-')), 'keys.db')));
});

describeWithFirestoreEmulator('key rotation on Firestore', 'visitledger-keys-test', (emulator) => {
  rotationSuite(async () => {
    await emulator().reset();
    return openFirestoreStore(emulator().client()) as Store & DocumentStore & PayoutStore & KeyMaintenanceStore;
  });
});
