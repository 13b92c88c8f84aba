import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentKeyId, isSealedDocument, openDocument, sealDocument } from './document-seal.ts';
import { createFieldCipher, newFieldKey } from './field-cipher.ts';

const k1 = newFieldKey('k1');
const index = randomBytes(32);
const cipher = createFieldCipher({ keys: [k1], currentKeyId: 'k1', indexKey: index });
const pdf = Buffer.concat([Buffer.from('%PDF-1.7 Patient: Haddad, Leila '), randomBytes(5000)]);

/** The sealed chunks of a document sealed with `chunkBytes`, as [length + chunk] frames after the magic. */
function frames(sealed: Uint8Array): Buffer[] {
  const view = Buffer.from(sealed);
  const out: Buffer[] = [];
  for (let at = 8; at < view.length; ) {
    const length = view.readUInt32BE(at);
    out.push(view.subarray(at, at + 4 + length));
    at += 4 + length;
  }
  return out;
}
const reassemble = (parts: readonly Buffer[]) => new Uint8Array(Buffer.concat([Buffer.from('VLSEAL1\n'), ...parts]));

describe('sealed documents', () => {
  it('opens to the exact bytes sealed, in chunks, none of the plaintext showing', () => {
    const sealed = sealDocument(cipher, 'org', 'invoice:1', pdf, 1024);
    expect(frames(sealed)).toHaveLength(5);
    expect(Buffer.from(sealed).includes('Haddad')).toBe(false);
    expect(Buffer.from(sealed).includes('%PDF')).toBe(false);
    expect(Buffer.from(openDocument(cipher, 'org', 'invoice:1', sealed)).equals(pdf)).toBe(true);
    expect(documentKeyId(cipher, sealed)).toBe('k1');
    expect(Buffer.from(openDocument(cipher, 'org', 'x', sealDocument(cipher, 'org', 'x', new Uint8Array(0)))).length).toBe(0);
  });

  it('refuses chunks swapped, dropped, or moved to another document or org', () => {
    const sealed = sealDocument(cipher, 'org', 'invoice:1', pdf, 1024);
    const [a, b, ...rest] = frames(sealed);
    expect(() => openDocument(cipher, 'org', 'invoice:1', reassemble([b!, a!, ...rest]))).toThrow(/failed authentication/);
    expect(() => openDocument(cipher, 'org', 'invoice:1', reassemble([a!, b!, ...rest.slice(0, -1)]))).toThrow(/failed authentication/);
    expect(() => openDocument(cipher, 'org', 'invoice:2', sealed)).toThrow(/failed authentication/);
    expect(() => openDocument(cipher, 'other', 'invoice:1', sealed)).toThrow(/failed authentication/);
    const other = sealDocument(cipher, 'org', 'invoice:2', pdf, 1024);
    expect(() => openDocument(cipher, 'org', 'invoice:1', reassemble([a!, frames(other)[1]!, ...rest]))).toThrow(/failed authentication/);
    expect(() => openDocument(cipher, 'org', 'invoice:1', sealed.subarray(0, sealed.length - 3))).toThrow(/truncated/);
  });

  it('reads a document stored before sealing as it is, and says it has no key', () => {
    expect(isSealedDocument(pdf)).toBe(false);
    expect(openDocument(cipher, 'org', 'invoice:1', pdf)).toBe(pdf);
    expect(documentKeyId(cipher, pdf)).toBeNull();
  });

  it('opens with the key that sealed it after the current key changes', () => {
    const sealed = sealDocument(cipher, 'org', 'd', pdf);
    const next = createFieldCipher({
      keys: [k1, newFieldKey('k2')],
      currentKeyId: 'k2',
      indexKey: randomBytes(32),
      previousIndexKey: index,
    });
    expect(Buffer.from(openDocument(next, 'org', 'd', sealed)).equals(pdf)).toBe(true);
    expect(documentKeyId(next, sealDocument(next, 'org', 'd', pdf))).toBe('k2');
    const withoutK1 = createFieldCipher({ keys: [newFieldKey('k2')], currentKeyId: 'k2', indexKey: index });
    expect(() => openDocument(withoutK1, 'org', 'd', sealed)).toThrow(/no field key "k1"/);
  });
});

describe('index keys during a rotation', () => {
  it('gives the index under the current key, then under the previous one', () => {
    const next = createFieldCipher({ keys: [k1], currentKeyId: 'k1', indexKey: randomBytes(32), previousIndexKey: index });
    expect(next.blindIndexes('text')).toEqual([next.blindIndex('text'), cipher.blindIndex('text')]);
    expect(cipher.blindIndexes('text')).toEqual([cipher.blindIndex('text')]);
    expect(next.indexKeyId).not.toBe(cipher.indexKeyId);
  });
});
