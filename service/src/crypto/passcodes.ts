/**
 * Passcodes people choose (a portal link's second factor): unlike a random token, a short
 * chosen secret needs a slow, salted hash, so it is stored as `scrypt$<salt hex>$<hash hex>`.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { constantTimeEqual } from './tokens.ts';

export function hashPasscode(passcode: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(passcode, salt, 32).toString('hex')}`;
}

export function passcodeMatches(passcode: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  return constantTimeEqual(scryptSync(passcode, Buffer.from(salt, 'hex'), expected.length), expected);
}
