/**
 * An owner's history. Visits billed and paid before VisitLedger (in the owner's spreadsheet)
 * are stored like any other, so without a word from the owner the first close would bill and
 * pay them again. The owner names the last day that was settled outside VisitLedger; visits
 * dated on or before it are marked so (Store.markSettledOutside): no close bills or pays
 * them, and they no longer change. A visit already billed or paid here is left as it is.
 * The CLI's `import --settled-through` does this for the rows it imports; this use case does
 * it for every visit already stored (what the add-on's Sync sent).
 */
import { isIsoDate, ok, type Err, type IsoDate, type Result } from '../../../shared/index.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

/** Only a day that has passed: visits still to come cannot have been billed and paid elsewhere. */
export function checkSettledThrough(ctx: UseCaseContext, timeZone: string, through: unknown, path: string): Err<Failure> | null {
  if (typeof through !== 'string' || !isIsoDate(through)) {
    return fail('invalid-input', `settled-through "${String(through)}" is not a date (YYYY-MM-DD)`, [{ path, message: 'not a date' }]);
  }
  const day = today(ctx, timeZone);
  if (through < day) return null;
  const message = `settled-through ${through} is not a past day (today is ${day}): only visits already billed and paid can be settled outside VisitLedger`;
  return fail('invalid-input', message, [{ path, message }]);
}

export type SettledHistory = {
  through: IsoDate;
  /** True when nothing was written: what settling would do. */
  preview: boolean;
  /** The visits settled (or, in a preview, that would be): neither billed nor paid here, dated on or before `through`. */
  visits: number;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
};

export async function settleVisitsThrough(
  ctx: UseCaseContext,
  orgId: string,
  input: { through: unknown; preview?: boolean },
): Promise<Result<SettledHistory, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const refused = checkSettledThrough(ctx, org.value.settings.timeZone, input.through, 'through');
  if (refused) return refused;
  const through = input.through as IsoDate;
  const open = await ctx.store.listBillingVisits(orgId, { billed: false, paid: false, dateTo: through });
  let firstDate: IsoDate | null = null;
  let lastDate: IsoDate | null = null;
  for (const v of open) {
    if (firstDate === null || v.date < firstDate) firstDate = v.date;
    if (lastDate === null || v.date > lastDate) lastDate = v.date;
  }
  const answer = { through, preview: input.preview === true, visits: open.length, firstDate, lastDate };
  if (answer.preview || open.length === 0) return ok(answer);
  // The store skips any visit a close billed or paid since this read.
  await ctx.store.markSettledOutside(
    orgId,
    open.map((v) => v.id),
  );
  await audit(ctx, orgId, [
    {
      action: 'update',
      recordType: 'org',
      recordId: orgId,
      detail: `visits through ${through} (${open.length}) settled outside VisitLedger`,
    },
  ]);
  return ok(answer);
}
