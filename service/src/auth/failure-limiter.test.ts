import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from './failure-limiter.ts';

describe('the authentication-failure limiter', () => {
  it('refuses a client after the limit until its window ends, and counts each client apart', () => {
    let now = 1_000_000;
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('1.2.3.4')).toBe(0);
      limiter.recordFailure('1.2.3.4');
    }
    expect(limiter.retryAfter('1.2.3.4')).toBe(60);
    expect(limiter.retryAfter('5.6.7.8')).toBe(0);
    now += 45_500;
    expect(limiter.retryAfter('1.2.3.4')).toBe(15);
    now += 14_500;
    expect(limiter.retryAfter('1.2.3.4')).toBe(0);
    limiter.recordFailure('1.2.3.4');
    expect(limiter.retryAfter('1.2.3.4')).toBe(0); // a new window, one failure in it
  });
});
