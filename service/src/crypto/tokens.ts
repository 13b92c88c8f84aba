/**
 * The bearer secrets the service hands out (API key secrets, portal link tokens, therapist
 * onboarding tokens): 256 random bits, base64url, shown once; the store keeps only their
 * SHA-256. A 256-bit random secret needs no slow hash: nothing can be guessed from its hash.
 * Changing `tokenHash` would lock out every key and link already stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: 43 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => randomBytes(32).toString('base64url');

/** What the store keeps of a token: its SHA-256, as 64 lowercase hex digits. */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Equal or not, in a time that depends only on the lengths: a timing gives away no matching prefix. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a presented token is the one whose hash was stored. */
export const tokenMatches = (token: string, storedHash: string): boolean =>
  constantTimeEqual(Buffer.from(tokenHash(token), 'hex'), Buffer.from(storedHash, 'hex'));
