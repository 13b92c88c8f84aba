/**
 * Passcodes people choose (a portal link's second factor): unlike a random token, a short
 * chosen secret needs a slow, salted hash, so it is stored as `scrypt$<salt hex>$<hash hex>`
 * (N=16384, r=8, p=1). The hash runs on libuv's thread pool, never on the event loop: a
 * guess must not stall every other request for the time of one scrypt.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { constantTimeEqual } from './tokens.ts';

const derive = (passcode: string, salt: Buffer, length: number) =>
  new Promise<Buffer>((resolve, reject) => scrypt(passcode, salt, length, (error, key) => (error ? reject(error) : resolve(key))));

export async function hashPasscode(passcode: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${(await derive(passcode, salt, 32)).toString('hex')}`;
}

export async function passcodeMatches(passcode: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  return constantTimeEqual(await derive(passcode, Buffer.from(salt, 'hex'), expected.length), expected);
}

export const MIN_PASSCODE_LENGTH = 8;

/** Passcodes of 8 characters or more that guessers try first (lower-case; all-digit ones are refused anyway). */
const COMMON_PASSCODES = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'passcode',
  'passcode1',
  'qwertyui',
  'qwertyuiop',
  'qwerty12',
  'qwerty123',
  'asdfghjk',
  'asdfghjkl',
  'zxcvbnm1',
  '1q2w3e4r',
  '1qaz2wsx',
  'q1w2e3r4',
  'zaq12wsx',
  'abc12345',
  'abcd1234',
  'abcdefgh',
  'a1b2c3d4',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'starwars',
  'whatever',
  'computer',
  'internet',
  'trustno1',
  'letmein1',
  'welcome1',
  'welcome123',
  'changeme',
  'admin123',
  'monkey123',
  'invoice1',
  'invoices',
  'billing1',
  'portal123',
  'homehealth',
]);

/** Why a passcode is too easy to guess, or null when it will do. */
export function passcodeWeakness(passcode: string): string | null {
  if (passcode.length < MIN_PASSCODE_LENGTH) return `must be at least ${MIN_PASSCODE_LENGTH} characters`;
  if (/^\d+$/.test(passcode)) return 'must not be only digits: mix in letters or words';
  if (/^(.)\1+$/su.test(passcode)) return 'must not be one character repeated';
  if (COMMON_PASSCODES.has(passcode.toLowerCase())) return 'is one of the most common passcodes: choose another';
  return null;
}
