/**
 * Key maintenance: sealing the documents stored before documents were sealed, and rotating
 * keys. A rotation seals every sealed value again under the current field key (orgs' payer
 * TINs, therapists' W-9 TINs, Stripe secrets, visits' patients, issued documents) and
 * recomputes each visit's duplicate key with the current index key. Both keys stay loaded
 * while it runs (the old field keys open what is not yet sealed again; the previous index
 * key finds duplicates not yet recomputed), so a crash part way leaves everything readable.
 * Each value is written on its own and skipped when already under the current keys, and
 * each finished step is recorded, so a rerun continues where the last run stopped.
 */
import { visitKey, type Patient } from '../../../shared/index.ts';
import { documentKeyId, openDocument, sealDocument } from '../crypto/document-seal.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type {
  DocumentStore,
  KeyMaintenanceRecord,
  KeyMaintenanceStore,
  SealedTin,
  Store,
  StoredVisit,
  VisitResealing,
} from '../store/port.ts';
import type { PayoutStore } from '../store/payouts-port.ts';
import type { UseCaseContext } from './context.ts';
import { crashPoint } from '../faults/crash-points.ts';

export type KeyMaintenanceDeps = {
  store: Store & DocumentStore & PayoutStore & KeyMaintenanceStore;
  cipher: FieldCipher;
  now: () => Date;
};

/** Visits read and sealed again at a time. */
const VISITS_PER_PAGE = 1000;

/** Seals a document's bytes again under the current key when `due` says so of the key that sealed them (null: none); true when written. */
async function resealDocumentIf(
  deps: KeyMaintenanceDeps,
  orgId: string,
  id: string,
  due: (keyId: string | null) => boolean,
): Promise<boolean> {
  const doc = await deps.store.getDocument(orgId, id);
  if (!doc || !due(documentKeyId(deps.cipher, doc.bytes))) return false;
  const plaintext = openDocument(deps.cipher, orgId, id, doc.bytes);
  await deps.store.resealDocument(orgId, id, sealDocument(deps.cipher, orgId, id, plaintext));
  crashPoint('keys.document-resealed');
  return true;
}

/**
 * Seals the documents stored before documents were sealed, once per store (start-up of the
 * server and the CLI runs it; a store that has done it reads one record). Safe to run twice
 * at once: each document is read, and sealed only while it is plaintext.
 */
export async function sealLegacyDocuments(deps: KeyMaintenanceDeps): Promise<number> {
  const record = await deps.store.getKeyMaintenance();
  if (record?.legacyDocumentsSealedAt) return 0;
  let sealed = 0;
  for (const orgId of await deps.store.listOrgIds()) {
    for (const id of await deps.store.listDocumentIds(orgId))
      if (await resealDocumentIf(deps, orgId, id, (keyId) => keyId === null)) sealed += 1;
  }
  const latest = await deps.store.getKeyMaintenance();
  await deps.store.putKeyMaintenance({ ...latest, legacyDocumentsSealedAt: deps.now().toISOString() });
  return sealed;
}

export const ROTATION_STEPS = ['org', 'therapists', 'stripe', 'visits', 'documents'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];
export type RotationProgress = { orgId: string; step: RotationStep; resealed: number; skipped: boolean };

function resealTin(cipher: FieldCipher, tin: SealedTin): SealedTin {
  return cipher.keyIdOf(tin.sealed) === cipher.currentKeyId ? tin : { ...tin, sealed: cipher.seal(cipher.open(tin.sealed)) };
}

const resealed = (cipher: FieldCipher, sealed: string) =>
  cipher.keyIdOf(sealed) === cipher.currentKeyId ? sealed : cipher.seal(cipher.open(sealed));

/** One step of one org; answers how many records it wrote. */
async function rotateStep(deps: KeyMaintenanceDeps, orgId: string, step: RotationStep): Promise<number> {
  const { store, cipher } = deps;
  switch (step) {
    case 'org': {
      const org = await store.getOrg(orgId);
      if (!org?.payerTin || cipher.keyIdOf(org.payerTin.sealed) === cipher.currentKeyId) return 0;
      await store.updateOrg({ ...org, payerTin: resealTin(cipher, org.payerTin) });
      return 1;
    }
    case 'therapists': {
      const due = (await store.listTherapists(orgId)).filter((t) => t.w9 && cipher.keyIdOf(t.w9.tin.sealed) !== cipher.currentKeyId);
      if (due.length > 0)
        await store.putTherapists(
          orgId,
          due.map((t) => ({ ...t, w9: { ...t.w9!, tin: resealTin(cipher, t.w9!.tin) } })),
        );
      return due.length;
    }
    case 'stripe': {
      const connection = await store.getStripeConnection(orgId);
      if (!connection) return 0;
      const next = {
        ...connection,
        key: resealed(cipher, connection.key),
        webhookSecret: resealed(cipher, connection.webhookSecret),
        ...(connection.accountWebhookSecret ? { accountWebhookSecret: resealed(cipher, connection.accountWebhookSecret) } : {}),
      };
      if (JSON.stringify(next) === JSON.stringify(connection)) return 0;
      await store.putStripeConnection(orgId, next);
      return 1;
    }
    case 'visits': {
      let written = 0;
      let after: readonly [string, string] | undefined;
      for (;;) {
        const page: StoredVisit[] = await store.listVisits(orgId, {}, { limit: VISITS_PER_PAGE, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        const changes: VisitResealing[] = [];
        for (const v of page) {
          const patient = cipher.openJson<Patient>(v.patient);
          const dupKey = cipher.blindIndex(
            visitKey({ therapistId: v.therapistId, agencyId: v.agencyId, patientName: patient.name, date: v.date, visitType: v.visitType }),
          );
          const sealedPatient = resealed(cipher, v.patient);
          if (sealedPatient !== v.patient || dupKey !== v.dupKey) changes.push({ id: v.id, patient: sealedPatient, dupKey });
        }
        if (changes.length > 0) await store.resealVisits(orgId, changes);
        crashPoint('keys.visits-page');
        written += changes.length;
        const last = page[page.length - 1]!;
        after = [last.date, last.id];
        if (page.length < VISITS_PER_PAGE) break;
      }
      return written;
    }
    case 'documents': {
      let written = 0;
      for (const id of await store.listDocumentIds(orgId))
        if (await resealDocumentIf(deps, orgId, id, (keyId) => keyId !== cipher.currentKeyId)) written += 1;
      return written;
    }
  }
}

/**
 * Rotates every org's sealed values to the current field key and duplicate keys to the
 * current index key, reporting each step. A rotation to the same keys as a finished one
 * does nothing; one to the same keys as an unfinished one skips the steps it recorded.
 */
export async function rotateKeys(
  deps: KeyMaintenanceDeps,
  report: (progress: RotationProgress) => void = () => {},
): Promise<KeyMaintenanceRecord['rotation'] & {}> {
  const { store, cipher } = deps;
  const before = await store.getKeyMaintenance();
  const same = before?.rotation?.fieldKeyId === cipher.currentKeyId && before.rotation.indexKeyId === cipher.indexKeyId;
  let rotation = same
    ? before!.rotation!
    : { fieldKeyId: cipher.currentKeyId, indexKeyId: cipher.indexKeyId, startedAt: deps.now().toISOString(), done: [] };
  const save = async () => store.putKeyMaintenance({ ...(await store.getKeyMaintenance()), rotation });
  if (rotation.finishedAt) return rotation;
  await save();
  for (const orgId of await store.listOrgIds()) {
    for (const step of ROTATION_STEPS) {
      const name = `${orgId}:${step}`;
      if (rotation.done.includes(name)) {
        report({ orgId, step, resealed: 0, skipped: true });
        continue;
      }
      const written = await rotateStep(deps, orgId, step);
      rotation = { ...rotation, done: [...rotation.done, name] };
      await save();
      crashPoint('keys.step-recorded');
      report({ orgId, step, resealed: written, skipped: false });
    }
  }
  rotation = { ...rotation, finishedAt: deps.now().toISOString() };
  await save();
  return rotation;
}

/**
 * The stored visits whose duplicate key is one of these texts' indexes, each answered with
 * the index under the current key: during a rotation of the index key, a visit not yet
 * recomputed still carries its index under the previous key.
 */
export async function findVisitsByDupText(
  ctx: UseCaseContext,
  orgId: string,
  texts: readonly string[],
): Promise<{ id: string; dupKey: string }[]> {
  const currentOf = new Map<string, string>();
  for (const text of new Set(texts)) {
    const [current, ...previous] = ctx.cipher.blindIndexes(text);
    for (const index of [current!, ...previous]) currentOf.set(index, current!);
  }
  const found = await ctx.store.findVisitsByDupKey(orgId, [...currentOf.keys()]);
  return found.map((v) => ({ id: v.id, dupKey: currentOf.get(v.dupKey) ?? v.dupKey }));
}
