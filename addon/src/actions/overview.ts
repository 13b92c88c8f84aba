/**
 * The sidebar's Overview panel: the month's figures from the service's overview (the same use
 * case as `visitledger overview`), passed to the sidebar whole for its table and chart, with a
 * summary in plain words and the next thing to do. Reads only: nothing in the sheet changes.
 */
import { monthBounds } from '../../../shared/dates.ts';
import { overviewSummary } from '../../../shared/overview-summary.ts';
import type { WireAnswer } from '../../../shared/wire/api.ts';
import { connection, readConfig } from '../config.ts';
import { callOne, explain } from '../service-client/client.ts';
import { failed, type ActionResult } from './result.ts';

export type OverviewResult = ActionResult & { overview?: WireAnswer<'overview'> };

/** `month`: YYYY-MM, or empty for the current month in the org's time zone. */
export function monthOverview(month: string | null): OverviewResult {
  const title = 'Overview';
  const conn = connection(readConfig());
  if (!conn) return failed(title, 'The sheet is not connected to the VisitLedger service.', 'Open Set up and enter the org id.');
  const asked = String(month ?? '').trim();
  if (asked !== '' && !monthBounds(asked).ok) return failed(title, `"${asked}" is not a month.`, 'Pick a month, such as 2026-03.');
  const answer = callOne(conn, { route: 'overview', ...(asked ? { query: { month: asked } } : {}) });
  if (!answer.ok) return failed(title, explain(answer, conn));
  const o = answer.body;
  return {
    ok: true,
    title,
    ...overviewSummary(o),
    overview: o,
  };
}
