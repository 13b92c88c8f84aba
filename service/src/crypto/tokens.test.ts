import { describe, expect, it } from 'vitest';
import { constantTimeEqual, newToken, TOKEN_PATTERN, tokenHash, tokenMatches } from './tokens.ts';

// A token and the hash stored for it (`printf %s TOKEN | sha256sum`): every API key, portal
// link and onboarding link in a database today was stored this way and must keep opening.
const TOKEN = 'Zq3mT8xV1bN4kL7pR0sW2yE5uI9oA6dF_hJ-cGtKeXw';
const STORED_HASH = '7c6796ea221ca60b1de1da6c2f1afc44d901cc1797f75602c4139aa0e923093e';

describe('tokens', () => {
  it('are 256 random bits as 43 base64url characters, never the same twice', () => {
    const a = newToken();
    expect(a).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(a);
  });

  it('are stored as the SHA-256 hex they were always stored as', () => {
    expect(TOKEN).toMatch(TOKEN_PATTERN);
    expect(tokenHash(TOKEN)).toBe(STORED_HASH);
  });

  it('match their stored hash and nothing else', () => {
    expect(tokenMatches(TOKEN, STORED_HASH)).toBe(true);
    expect(tokenMatches(`${TOKEN.slice(0, -1)}x`, STORED_HASH)).toBe(false);
    expect(tokenMatches(TOKEN, STORED_HASH.slice(0, -2))).toBe(false);
    expect(tokenMatches(TOKEN, '')).toBe(false);
  });

  it('compare bytes of different lengths as unequal instead of throwing', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
  });
});
