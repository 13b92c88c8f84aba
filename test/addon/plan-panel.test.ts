/**
 * The add-on's Plan panel functions (the built script in node:vm, the service in a worker
 * billing orgs on the stand-in's Stripe): the free trial's days left, Checkout for a plan,
 * the plan once Stripe's webhook has it, and the billing portal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonEnv, type AddonEnv } from './support/addon-env.ts';
import { buildToTemp } from './support/build-once.ts';
import { addSampleTabs } from './support/sample-sheet.ts';
import { startSyncService, type SyncService } from './support/sync-service.ts';

let service: SyncService;
let env: AddonEnv;

beforeAll(async () => {
  service = await startSyncService({ billing: true });
  const build = await buildToTemp(service.url);
  env = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken('owner@plan.example') });
  addSampleTabs(env.book);
  expect(env.run('connectService', { orgId: 'plan-sheet' })).toMatchObject({ ok: true });
}, 60_000);
afterAll(async () => {
  await service?.close();
});

describe('the Plan panel', () => {
  it('shows the free trial, opens Checkout, then shows the plan chosen, and opens the billing portal', () => {
    const trial = env.run('planStatus');
    expect(trial).toMatchObject({
      ok: true,
      plan: { plan: 'trial', headline: 'Free trial: 30 days left', choices: ['starter', 'unlimited'] },
    });
    expect(env.run('upgradePlan', 'gold')).toMatchObject({ ok: false, lines: ['"gold" is not a plan: choose starter or unlimited.'] });
    const checkout = env.run('upgradePlan', 'starter');
    expect(checkout.url).toMatch(/\/_standin\/billing\/checkout\/cs_test_/);

    service.standin('billing.completeCheckout', checkout.url.split('/').at(-1));
    service.standin('flushWebhooks');
    const chosen = env.run('planStatus');
    expect(chosen).toMatchObject({
      ok: true,
      plan: { plan: 'starter', status: 'trialing', headline: 'Starter (in the free trial)', choices: [] },
    });
    expect(chosen.plan.trialDaysLeft).toBe(30);
    expect(env.run('manageBilling').url).toMatch(/\/_standin\/billing\/portal\/bps_/);
  });
});
