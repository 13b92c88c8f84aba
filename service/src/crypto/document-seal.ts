/**
 * Issued documents (PDFs) sealed at rest with the field cipher, before either store sees
 * them: the bytes in chunks of 1 MiB, each chunk sealed with its own nonce and tag and bound
 * to the document's id, its index and whether it is the last, so chunks cannot be swapped,
 * reordered, dropped or moved to another document. The SHA-256 kept with a document is over
 * the plaintext: a download is byte-identical to what was rendered, and checkable.
 *
 * Format: the magic `VLSEAL1\n`, then per chunk a 4-byte big-endian length and the sealed
 * chunk (field-cipher.ts `sealBytes`). Bytes without the magic are a document stored before
 * sealing (a PDF starts `%PDF`): read as they are until `sealLegacyDocuments` seals them.
 */
import type { FieldCipher } from './field-cipher.ts';

export const DOCUMENT_SEAL_MAGIC = Buffer.from('VLSEAL1\n', 'ascii');
export const DOCUMENT_SEAL_CHUNK_BYTES = 1024 * 1024;

const chunkData = (orgId: string, documentId: string, index: number, last: boolean) =>
  ['visitledger-document', orgId, documentId, index, last ? 'last' : 'more'].join('\n');

export function isSealedDocument(bytes: Uint8Array): boolean {
  return bytes.length >= DOCUMENT_SEAL_MAGIC.length && DOCUMENT_SEAL_MAGIC.equals(bytes.subarray(0, DOCUMENT_SEAL_MAGIC.length));
}

export function sealDocument(
  cipher: FieldCipher,
  orgId: string,
  documentId: string,
  plaintext: Uint8Array,
  chunkBytes = DOCUMENT_SEAL_CHUNK_BYTES,
): Uint8Array {
  const parts: Buffer[] = [DOCUMENT_SEAL_MAGIC];
  const count = Math.max(1, Math.ceil(plaintext.length / chunkBytes));
  for (let i = 0; i < count; i++) {
    const sealed = cipher.sealBytes(
      plaintext.subarray(i * chunkBytes, (i + 1) * chunkBytes),
      chunkData(orgId, documentId, i, i === count - 1),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(sealed.length);
    parts.push(length, sealed);
  }
  return new Uint8Array(Buffer.concat(parts));
}

function chunksOf(stored: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  let at = DOCUMENT_SEAL_MAGIC.length;
  while (at < view.length) {
    if (at + 4 > view.length) throw new Error('sealed document is truncated', { cause: { code: 'bad-ciphertext' } });
    const length = view.readUInt32BE(at);
    if (at + 4 + length > view.length) throw new Error('sealed document is truncated', { cause: { code: 'bad-ciphertext' } });
    chunks.push(view.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (chunks.length === 0) throw new Error('sealed document has no chunks', { cause: { code: 'bad-ciphertext' } });
  return chunks;
}

/** The plaintext of stored bytes: opened when sealed, as they are when stored before sealing. */
export function openDocument(cipher: FieldCipher, orgId: string, documentId: string, stored: Uint8Array): Uint8Array {
  if (!isSealedDocument(stored)) return stored;
  const chunks = chunksOf(stored);
  return new Uint8Array(Buffer.concat(chunks.map((c, i) => cipher.openBytes(c, chunkData(orgId, documentId, i, i === chunks.length - 1)))));
}

/** The id of the key that sealed stored bytes; null for a document stored before sealing. */
export function documentKeyId(cipher: FieldCipher, stored: Uint8Array): string | null {
  return isSealedDocument(stored) ? cipher.keyIdOfBytes(chunksOf(stored)[0]!) : null;
}
