/** The contract of the DocumentStore part, for every adapter that has one. */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore, StoredDocument } from './port.ts';

function aDocument(id: string, bytes: Uint8Array, overrides: Partial<StoredDocument> = {}): StoredDocument {
  return {
    id,
    kind: 'invoice',
    recordId: 'inv-1',
    bytes,
    createdAt: '2026-02-01T12:00:00.000Z',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...overrides,
  };
}

/** Bytes that are not text and not all alike, so a lossy encoding would show. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function describeDocumentContract(name: string, make: () => Promise<DocumentStore>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    beforeEach(async () => {
      store = await make();
    });

    it('keeps a document byte for byte, per org', async () => {
      const doc = aDocument('invoice:inv-1', pseudoRandomBytes(5000, 1));
      expect(await store.putDocument('a', doc)).toEqual(doc);
      const read = await store.getDocument('a', 'invoice:inv-1');
      expect(read).toEqual(doc);
      expect(Buffer.from(read!.bytes).equals(Buffer.from(doc.bytes))).toBe(true);
      expect(await store.getDocument('b', 'invoice:inv-1')).toBeNull();
      expect(await store.getDocument('a', 'invoice:other')).toBeNull();
    });

    it('stores a document once: a second put of the id changes nothing and answers the first', async () => {
      const first = aDocument('pay-statement:pr1:t1', pseudoRandomBytes(300, 2), { kind: 'pay-statement', recordId: 'pr1' });
      const second = aDocument('pay-statement:pr1:t1', pseudoRandomBytes(300, 3), {
        kind: 'pay-statement',
        recordId: 'pr1',
        createdAt: '2026-03-01T00:00:00.000Z',
      });
      await store.putDocument('a', first);
      expect(await store.putDocument('a', second)).toEqual(first);
      expect(await store.getDocument('a', first.id)).toEqual(first);
      expect(await store.putDocument('b', second)).toEqual(second); // another org's id space
    });

    it('gives one winner when two puts of an id race', async () => {
      const [x, y] = [aDocument('credit-note:cn1', pseudoRandomBytes(2000, 4)), aDocument('credit-note:cn1', pseudoRandomBytes(2000, 5))];
      const [rx, ry] = await Promise.all([store.putDocument('a', x), store.putDocument('a', y)]);
      expect(rx).toEqual(ry);
      expect(await store.getDocument('a', 'credit-note:cn1')).toEqual(rx);
    });

    it('keeps a document of 2.5 MB (larger than one Firestore document) whole', async () => {
      const doc = aDocument('invoice:big', pseudoRandomBytes(2_500_000, 6));
      await store.putDocument('a', doc);
      const read = await store.getDocument('a', 'invoice:big');
      expect(read?.bytes.byteLength).toBe(2_500_000);
      expect(createHash('sha256').update(read!.bytes).digest('hex')).toBe(doc.sha256);
    });
  });
}
