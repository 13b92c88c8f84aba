/** Visits: the batch upsert the sheet and the form push, the list, withdrawing visits entered by mistake, and settling an owner's history. */
import { ok } from '../../../../shared/index.ts';
import { settleVisitsThrough } from '../../usecases/history.ts';
import { listVisits, upsertVisits, withdrawVisits, type VisitRowAnswer } from '../../usecases/visits.ts';
import { paged, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { listVisitsSpec, settleVisitsOutsideSpec, upsertVisitsSpec, withdrawVisitsSpec } from './visits.schema.ts';

/** How many rows of each status, and how many have problems: what the sidebar shows first. */
function countRows(rows: readonly VisitRowAnswer[]) {
  const counts = { created: 0, updated: 0, unchanged: 0, locked: 0, withProblems: 0 };
  for (const r of rows) {
    counts[r.status] += 1;
    if (r.problems.length > 0) counts.withProblems += 1;
  }
  return counts;
}

export const visitRoutes = [
  route(upsertVisitsSpec, async ({ params, body, ctx }) => {
    const answered = await upsertVisits(ctx, params.orgId, body.visits);
    return answered.ok ? ok({ counts: countRows(answered.value), rows: answered.value }) : answered;
  }),
  route(listVisitsSpec, ({ params, query, ctx }) => {
    const { agencyId, therapistId, dateFrom, dateTo, billed } = query;
    return paged(
      'visits',
      listVisits(
        ctx,
        params.orgId,
        {
          ...(agencyId ? { agencyId } : {}),
          ...(therapistId ? { therapistId } : {}),
          ...(dateFrom ? { dateFrom } : {}),
          ...(dateTo ? { dateTo } : {}),
          ...(billed !== undefined ? { billed } : {}),
        },
        pageOf(query),
      ),
    );
  }),
  route(withdrawVisitsSpec, async ({ params, body, ctx }) => {
    const answered = await withdrawVisits(ctx, params.orgId, body);
    if (!answered.ok) return answered;
    const counts = { withdrawn: 0, locked: 0, unknown: 0 };
    for (const row of answered.value) counts[row.status] += 1;
    return ok({ counts, rows: answered.value });
  }),
  route(settleVisitsOutsideSpec, ({ params, body, ctx }) => settleVisitsThrough(ctx, params.orgId, body)),
];
