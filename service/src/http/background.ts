/**
 * Work a handler leaves running after it answers (a close's PDFs): each task's failure is
 * logged (the error only, never PHI), and `idle()` waits until none is left, so a shutdown
 * closes the store after them and a test reads the file once they are done, not on a guess.
 */
export type BackgroundWork = {
  run(what: string, task: () => Promise<unknown>): void;
  /** Resolves when no task runs (those started while waiting included). */
  idle(): Promise<void>;
};

export function backgroundWork(logFailure: (what: string, error: unknown) => void): BackgroundWork {
  const running = new Set<Promise<unknown>>();
  return {
    run(what, task) {
      const done = task()
        .catch((error: unknown) => logFailure(what, error))
        .finally(() => running.delete(done));
      running.add(done);
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
