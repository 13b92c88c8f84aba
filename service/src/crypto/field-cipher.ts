/**
 * Field-level encryption for PHI and TINs (AES-256-GCM), applied before anything reaches
 * a store. Each sealed value carries the id of the key that sealed it, so keys can rotate:
 * new values use the current key, old values open with the key they name.
 *
 * Format: `v1.<keyId>.<base64url(iv | tag | ciphertext)>`.
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
};

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function createFieldCipher(options: { keys: readonly FieldKey[]; currentKeyId: string; indexKey: Buffer }): FieldCipher {
  const keys = new Map<string, KeyObject>();
  for (const k of options.keys) {
    if (!KEY_ID.test(k.id)) throw new Error(`field key id "${k.id}" must be 1 to 32 letters, digits, _ or -`, { cause: { code: 'bad-key' } });
    if (k.key.length !== 32) throw new Error(`field key "${k.id}" must be 32 bytes (AES-256), got ${k.key.length}`, { cause: { code: 'bad-key' } });
    keys.set(k.id, createSecretKey(k.key));
  }
  const current = keys.get(options.currentKeyId);
  if (!current) throw new Error(`the current field key "${options.currentKeyId}" is not among the keys`, { cause: { code: 'bad-key' } });
  if (options.indexKey.length < 32) throw new Error('the index key must be at least 32 bytes', { cause: { code: 'bad-key' } });
  const indexKey = createSecretKey(options.indexKey);

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
    const key = keys.get(keyId);
    if (!key) throw new Error(`no field key "${keyId}" to open this value`, { cause: { code: 'unknown-key' } });
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

  return {
    currentKeyId: options.currentKeyId,
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
    keyIdOf: (sealed) => parse(sealed).keyId,
    blindIndex: (text) => createHmac('sha256', indexKey).update(text, 'utf8').digest('base64url'),
  };
}

/** A new random key, for `visitledger keys new` and local development. */
export function newFieldKey(id: string): FieldKey {
  return { id, key: randomBytes(32) };
}
