import { connection, readConfig, type Config, type Connection } from '../config.ts';
import { explain, type ServiceFailure } from '../service-client/client.ts';
import { activeBook, tabsOf } from '../sheets/io.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

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

export const isResult = (v: unknown): v is ActionResult => typeof v === 'object' && v !== null && 'title' in v && 'lines' in v;

export const refused = (title: string, answer: ServiceFailure, conn: Connection) => failed(title, explain(answer, conn));

/** The sheet's connection, its tabs and its document properties; a result saying what to do when it is not connected. */
export function connected(title: string): { conn: Connection; sheets: Map<string, Sheet>; config: Config } | ActionResult {
  const config = readConfig();
  const conn = connection(config);
  if (!conn) return failed(title, 'The sheet is not connected to the VisitLedger service.', 'Open Set up and enter the org id.');
  return { conn, sheets: tabsOf(activeBook()), config };
}
