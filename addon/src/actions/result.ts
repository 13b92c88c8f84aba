/** What every sidebar action answers: JSON-safe, in plain words, with what to do next. */
export type ActionResult = { ok: boolean; title: string; lines: string[]; next?: string };

export const failed = (title: string, message: string, next?: string): ActionResult => ({
  ok: false,
  title,
  lines: [message],
  ...(next ? { next } : {}),
});

/** Runs `fn` under the document lock, so a form submission and a sidebar action never write the same rows at once. */
export function withDocumentLock<T>(title: string, fn: () => T): T | ActionResult {
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(30_000))
    return failed(
      title,
      'Another VisitLedger action or a form submission is still running on this sheet.',
      'Wait a minute, then try again.',
    );
  try {
    return fn();
  } finally {
    lock.releaseLock();
  }
}
