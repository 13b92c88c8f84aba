import { describe, expect, it } from 'vitest';
import { hashPasscode, passcodeMatches, passcodeWeakness } from './passcodes.ts';

// Made outside Node (Python's hashlib.scrypt, n=16384 r=8 p=1, 32 bytes): a passcode stored
// today must keep opening its portal link.
const STORED = 'scrypt$00112233445566778899aabbccddeeff$f9cb8421a6f5815bfa294705091e130dd39f9e53addc835ebf401731601c6634';

describe('passcodes', () => {
  it('match what is stored for them, and nothing else', async () => {
    expect(await passcodeMatches('open sesame 42', STORED)).toBe(true);
    expect(await passcodeMatches('open sesame 43', STORED)).toBe(false);
    expect(await passcodeMatches('open sesame 42', STORED.replace('scrypt$', 'bcrypt$'))).toBe(false);
    expect(await passcodeMatches('open sesame 42', 'scrypt$$')).toBe(false);
  });

  it('are hashed with a fresh salt each time', async () => {
    const a = await hashPasscode('open sesame 42');
    const b = await hashPasscode('open sesame 42');
    expect(a).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect((await passcodeMatches('open sesame 42', a)) && (await passcodeMatches('open sesame 42', b))).toBe(true);
  });

  it('are checked off the event loop: a timer set after the check starts fires before it ends', async () => {
    const order: string[] = [];
    // Run on the event loop, the check would be done (and its callback queued ahead of any timer) before setTimeout ran.
    const checking = passcodeMatches('open sesame 42', STORED).then(() => order.push('checked'));
    setTimeout(() => order.push('timer'), 0);
    await checking;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['timer', 'checked']);
  });

  it('refuse to be made easy to guess: short, all digits, one character repeated, or among the common ones', () => {
    expect(passcodeWeakness('123456')).toMatch(/at least 8 characters/);
    expect(passcodeWeakness('river7')).toMatch(/at least 8 characters/);
    expect(passcodeWeakness('12345678')).toMatch(/only digits/);
    expect(passcodeWeakness('20260214')).toMatch(/only digits/);
    expect(passcodeWeakness('zzzzzzzz')).toMatch(/repeated/);
    expect(passcodeWeakness('Password1')).toMatch(/most common/);
    expect(passcodeWeakness('qwerty123')).toMatch(/most common/);
    expect(passcodeWeakness('river-stone-42')).toBeNull();
    expect(passcodeWeakness('harbor light')).toBeNull();
  });
});
