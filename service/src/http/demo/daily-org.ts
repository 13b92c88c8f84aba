/**
 * The public demo's org (VISITLEDGER_PUBLIC_DEMO=1): a fresh one each day, `demo-YYYY-MM-DD`,
 * seeded from generated data on the day's first visit with its documents issued, so the
 * tour's dates stay current and whatever yesterday's showed is gone from it. The ids are
 * reserved (no one can make such an org over HTTP). Yesterday's orgs stay in the store, made
 * of generated data only.
 */
import { calendarDayIn } from '../../../../shared/index.ts';
import { defaultDemoMonth } from '../../cli/demo-command.ts';
import type { UseCaseContext } from '../../usecases/context.ts';
import { seedDemo } from '../../usecases/demo.ts';

export const DAILY_DEMO_PREFIX = 'demo-';

export function dailyDemoOrg(ctx: UseCaseContext): () => Promise<string> {
  const days = new Map<string, Promise<string>>();
  return () => {
    const day = calendarDayIn(ctx.now(), 'UTC');
    let org = days.get(day);
    if (!org) {
      const orgId = `${DAILY_DEMO_PREFIX}${day}`;
      org = (async () => {
        if (!(await ctx.store.getOrg(orgId))) {
          const seeded = await seedDemo(ctx, defaultDemoMonth(ctx.now()), orgId);
          if (!seeded.ok && seeded.error.code !== 'conflict') throw new Error(`the demo org could not be seeded: ${seeded.error.message}`);
        }
        return orgId;
      })();
      days.clear();
      days.set(day, org);
      org.catch(() => days.delete(day));
    }
    return org;
  };
}
