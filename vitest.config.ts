import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'service/**/*.test.ts', 'addon/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Guards against a hang, not speed checks: a test on a busy 2-core machine may take several times its usual time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
