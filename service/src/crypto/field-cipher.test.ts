import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, newFieldKey } from './field-cipher.ts';

const indexKey = randomBytes(32);

describe('field cipher', () => {
  it('seals and opens, and the sealed text does not contain the value', () => {
    const cipher = createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey });
    const sealed = cipher.seal('Alvarez, Rosa');
    expect(sealed).not.toContain('Alvarez');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(cipher.open(sealed)).toBe('Alvarez, Rosa');
    expect(cipher.seal('Alvarez, Rosa')).not.toBe(sealed); // a fresh IV each time
    expect(cipher.openJson(cipher.sealJson({ name: 'Nguyễn Bảo', mrn: '7' }))).toEqual({ name: 'Nguyễn Bảo', mrn: '7' });
  });

  it('rotates keys: old values still open, new values use the new key', () => {
    const k1 = newFieldKey('k1');
    const k2 = newFieldKey('k2');
    const before = createFieldCipher({ keys: [k1], currentKeyId: 'k1', indexKey });
    const old = before.seal('123456789');
    const after = createFieldCipher({ keys: [k1, k2], currentKeyId: 'k2', indexKey });
    expect(after.open(old)).toBe('123456789');
    expect(after.keyIdOf(old)).toBe('k1');
    const resealed = after.seal(after.open(old));
    expect(after.keyIdOf(resealed)).toBe('k2');
    const retired = createFieldCipher({ keys: [k2], currentKeyId: 'k2', indexKey });
    expect(retired.open(resealed)).toBe('123456789');
    expect(() => retired.open(old)).toThrow(/no field key "k1"/);
  });

  it('refuses altered ciphertext without echoing anything of it', () => {
    const cipher = createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey });
    const sealed = cipher.seal('Okafor, Grace');
    const body = Buffer.from(sealed.split('.')[2]!, 'base64url');
    body[body.length - 1]! ^= 1;
    const altered = `v1.k1.${body.toString('base64url')}`;
    expect(() => cipher.open(altered)).toThrow(/failed authentication/);
    expect(() => cipher.open('Okafor, Grace')).toThrow(/^not a sealed value$/);
  });

  it('gives a stable blind index that depends on the key', () => {
    const a = createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey });
    const b = createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) });
    expect(a.blindIndex('x')).toBe(a.blindIndex('x'));
    expect(a.blindIndex('x')).not.toBe(a.blindIndex('y'));
    expect(a.blindIndex('x')).not.toBe(b.blindIndex('x'));
  });

  it('rejects bad keys at construction', () => {
    expect(() => createFieldCipher({ keys: [{ id: 'k1', key: randomBytes(16) }], currentKeyId: 'k1', indexKey })).toThrow(/32 bytes/);
    expect(() => createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k2', indexKey })).toThrow(/not among the keys/);
  });
});
