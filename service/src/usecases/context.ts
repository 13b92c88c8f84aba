/**
 * What every use case receives: the store, the field cipher, the clock and an id source,
 * and who is acting (for the audit log). Only the edges (HTTP, CLI) build one; use cases
 * never read the clock or the environment themselves.
 */
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { AuditEntry, Store } from '../store/port.ts';
import { calendarDayIn, type Err, type IsoDate, type Period } from '../../../shared/index.ts';
import { fail, type Failure } from '../failure.ts';

export type UseCaseContext = {
  store: Store;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
  /** A member's email, `api-key:<id>`, `cli`, `portal:<link id>` or `system`. */
  actor: string;
  /** The service bills orgs for VisitLedger (its own Stripe account is set): plan limits apply (usecases/subscription.ts). */
  plansEnforced?: boolean;
};

export async function audit(
  ctx: UseCaseContext,
  orgId: string,
  entries: readonly Omit<AuditEntry, 'id' | 'at' | 'actor'>[],
): Promise<void> {
  if (entries.length === 0) return;
  const at = ctx.now().toISOString();
  await ctx.store.appendAudit(
    orgId,
    entries.map((e) => ({ ...e, id: ctx.newId(), at, actor: ctx.actor })),
  );
}

/** Today in the org's time zone: the issue date of what is closed now. */
export function today(ctx: UseCaseContext, timeZone: string): IsoDate {
  return calendarDayIn(ctx.now(), timeZone);
}

/**
 * A billing cycle, a month or a pay period is closed once it has ended (on its last day at
 * the earliest): closed sooner, its invoice or pay run would go out with the rest of its
 * visits still to come, and those would follow as late visits. A preview shows it any time.
 */
export function notEndedYet(ctx: UseCaseContext, timeZone: string, period: Period, what: string): Err<Failure> | null {
  const day = today(ctx, timeZone);
  if (period.end <= day) return null;
  return fail(
    'rule-broken',
    `${what} has not ended: it ends on ${period.end} and today is ${day}; close it from then on (a preview shows what it would bill so far)`,
  );
}
