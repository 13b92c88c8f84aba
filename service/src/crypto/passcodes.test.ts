import { describe, expect, it } from 'vitest';
import { hashPasscode, passcodeMatches } from './passcodes.ts';

// Made outside Node (Python's hashlib.scrypt, n=16384 r=8 p=1, 32 bytes): a passcode stored
// today must keep opening its portal link.
const STORED = 'scrypt$00112233445566778899aabbccddeeff$f9cb8421a6f5815bfa294705091e130dd39f9e53addc835ebf401731601c6634';

describe('passcodes', () => {
  it('match what is stored for them, and nothing else', () => {
    expect(passcodeMatches('open sesame 42', STORED)).toBe(true);
    expect(passcodeMatches('open sesame 43', STORED)).toBe(false);
    expect(passcodeMatches('open sesame 42', STORED.replace('scrypt$', 'bcrypt$'))).toBe(false);
    expect(passcodeMatches('open sesame 42', 'scrypt$$')).toBe(false);
  });

  it('are hashed with a fresh salt each time', () => {
    const a = hashPasscode('open sesame 42');
    const b = hashPasscode('open sesame 42');
    expect(a).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(passcodeMatches('open sesame 42', a) && passcodeMatches('open sesame 42', b)).toBe(true);
  });
});
