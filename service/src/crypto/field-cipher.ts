/**
 * Field-level encryption for PHI and TINs (AES-256-GCM), applied before anything reaches
 * a store. Each sealed value carries the id of the key that sealed it, so keys can rotate:
 * new values use the current key, old values open with the key they name.
 *
 * Format: `v1.<keyId>.<base64url(iv | tag | ciphertext)>`; bytes (document-seal.ts):
 * `0x01 | keyId length | keyId | iv | tag | ciphertext`, bound to associated data.
 *
 * The index key of the blind index rotates too: while `visitledger keys rotate` recomputes
 * the stored indexes, the key set also holds the previous index key, and lookups try both.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export type FieldKey = { id: string; key: Buffer };

export type FieldCipher = {
  readonly currentKeyId: string;
  seal(plaintext: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T>(sealed: string): T;
  /** The id of the key a value was sealed with. */
  keyIdOf(sealed: string): string;
  /**
   * A keyed hash for equality lookups on encrypted data (duplicate detection): the
   * same input always gives the same index, and the index reveals nothing without the key.
   */
  blindIndex(text: string): string;
  /** The text's index under the current index key, then under the previous one while a rotation runs. */
  blindIndexes(text: string): string[];
  /** A name for the current index key that reveals nothing of it: rotation progress records which key it computed with. */
  readonly indexKeyId: string;
  /** Binary sealing, bound to `associatedData` (a value sealed for one place cannot be moved to another). */
  sealBytes(plaintext: Uint8Array, associatedData: string): Buffer;
  openBytes(sealed: Uint8Array, associatedData: string): Buffer;
  keyIdOfBytes(sealed: Uint8Array): string;
};

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

const BYTES_VERSION = 1;

export function createFieldCipher(options: {
  keys: readonly FieldKey[];
  currentKeyId: string;
  indexKey: Buffer;
  previousIndexKey?: Buffer;
}): FieldCipher {
  const keys = new Map<string, KeyObject>();
  for (const k of options.keys) {
    if (!KEY_ID.test(k.id))
      throw new Error(`field key id "${k.id}" must be 1 to 32 letters, digits, _ or -`, { cause: { code: 'bad-key' } });
    if (k.key.length !== 32)
      throw new Error(`field key "${k.id}" must be 32 bytes (AES-256), got ${k.key.length}`, { cause: { code: 'bad-key' } });
    keys.set(k.id, createSecretKey(k.key));
  }
  const current = keys.get(options.currentKeyId);
  if (!current) throw new Error(`the current field key "${options.currentKeyId}" is not among the keys`, { cause: { code: 'bad-key' } });
  if (options.indexKey.length < 32) throw new Error('the index key must be at least 32 bytes', { cause: { code: 'bad-key' } });
  const indexKey = createSecretKey(options.indexKey);
  if (options.previousIndexKey && options.previousIndexKey.length < 32)
    throw new Error('the previous index key must be at least 32 bytes', { cause: { code: 'bad-key' } });
  const previousIndexKey =
    options.previousIndexKey && !options.previousIndexKey.equals(options.indexKey) ? createSecretKey(options.previousIndexKey) : undefined;
  const hmac = (key: KeyObject, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('base64url');
  const keyOf = (keyId: string) => {
    const key = keys.get(keyId);
    if (!key) throw new Error(`no field key "${keyId}" to open this value`, { cause: { code: 'unknown-key' } });
    return key;
  };

  function seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current!, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${options.currentKeyId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  function parse(sealed: string): { keyId: string; payload: Buffer } {
    const [version, keyId, data] = sealed.split('.');
    if (version !== 'v1' || !keyId || data === undefined) throw new Error('not a sealed value', { cause: { code: 'bad-ciphertext' } });
    return { keyId, payload: Buffer.from(data, 'base64url') };
  }

  function open(sealed: string): string {
    const { keyId, payload } = parse(sealed);
    const key = keyOf(keyId);
    if (payload.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is truncated', { cause: { code: 'bad-ciphertext' } });
    const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, IV_BYTES));
    decipher.setAuthTag(payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(payload.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // Never echo the value: it may be PHI if it was stored unsealed by mistake.
      throw new Error('sealed value failed authentication (altered, or sealed with another key)', { cause: { code: 'bad-ciphertext' } });
    }
  }

  function sealBytes(plaintext: Uint8Array, associatedData: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current!, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const keyId = Buffer.from(options.currentKeyId, 'ascii');
    return Buffer.concat([Buffer.of(BYTES_VERSION, keyId.length), keyId, iv, cipher.getAuthTag(), body]);
  }

  function parseBytes(sealed: Uint8Array): { keyId: string; iv: Uint8Array; tag: Uint8Array; body: Uint8Array } {
    const idLength = sealed[1] ?? 0;
    const start = 2 + idLength;
    if (sealed[0] !== BYTES_VERSION || sealed.length < start + IV_BYTES + TAG_BYTES)
      throw new Error('not sealed bytes', { cause: { code: 'bad-ciphertext' } });
    return {
      keyId: Buffer.from(sealed.subarray(2, start)).toString('ascii'),
      iv: sealed.subarray(start, start + IV_BYTES),
      tag: sealed.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES),
      body: sealed.subarray(start + IV_BYTES + TAG_BYTES),
    };
  }

  function openBytes(sealed: Uint8Array, associatedData: string): Buffer {
    const { keyId, iv, tag, body } = parseBytes(sealed);
    const decipher = createDecipheriv('aes-256-gcm', keyOf(keyId), iv);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new Error('sealed bytes failed authentication (altered, moved, or sealed with another key)', {
        cause: { code: 'bad-ciphertext' },
      });
    }
  }

  return {
    currentKeyId: options.currentKeyId,
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    keyIdOf: (sealed) => parse(sealed).keyId,
    blindIndex: (text) => hmac(indexKey, text),
    blindIndexes: (text) => (previousIndexKey ? [hmac(indexKey, text), hmac(previousIndexKey, text)] : [hmac(indexKey, text)]),
    indexKeyId: hmac(indexKey, 'visitledger index key id').slice(0, 12),
    sealBytes,
    openBytes,
    keyIdOfBytes: (sealed) => parseBytes(sealed).keyId,
  };
}

/** A new random key, for `visitledger keys new` and local development. */
export function newFieldKey(id: string): FieldKey {
  return { id, key: randomBytes(32) };
}
