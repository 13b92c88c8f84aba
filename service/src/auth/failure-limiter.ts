/**
 * Counts failures per key (a client address, an API key id), in memory: after `maxFailures`
 * in a window the key is over its limit until the window ends. What "over" costs is the
 * caller's choice: the API refuses only guesses (a credential that verifies always passes),
 * the portal every request. One process only: behind several instances each keeps its own
 * count, which still bounds guessing.
 */
export type FailureLimiter = {
  /** Seconds until the key is under its limit again, or 0 when it is now. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
};

/** Past this many tracked clients, expired entries are swept, then the oldest dropped. */
const MAX_TRACKED = 50_000;

export function createFailureLimiter(options: { maxFailures: number; windowMs: number; now: () => number }): FailureLimiter {
  const windows = new Map<string, { failures: number; endsAt: number }>();

  function sweep(now: number): void {
    for (const [client, w] of windows) if (w.endsAt <= now) windows.delete(client);
    for (const client of windows.keys()) {
      if (windows.size < MAX_TRACKED) break;
      windows.delete(client);
    }
  }

  return {
    retryAfter(client) {
      const w = windows.get(client);
      const now = options.now();
      if (!w || w.endsAt <= now || w.failures < options.maxFailures) return 0;
      return Math.ceil((w.endsAt - now) / 1000);
    },
    recordFailure(client) {
      const now = options.now();
      const w = windows.get(client);
      if (w && w.endsAt > now) {
        w.failures += 1;
        return;
      }
      if (windows.size >= MAX_TRACKED) sweep(now);
      windows.set(client, { failures: 1, endsAt: now + options.windowMs });
    },
  };
}
