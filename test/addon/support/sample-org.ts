/**
 * The built add-on on the sample owner sheet, connected to a running service and set up
 * with the sample's near names confirmed: the starting point of tests about what an owner
 * does after Set up.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { addonEnv, type AddonEnv } from './addon-env.ts';
import { buildToTemp } from './build-once.ts';
import { addSampleTabs, SAMPLE_ANSWERS, SAMPLE_TABS } from './sample-sheet.ts';
import { startSyncService, type SyncService } from './sync-service.ts';

export type SampleOrg = {
  service: SyncService;
  env: AddonEnv;
  /** The built add-on (for the service), for another user's environment on the same service. */
  buildDir: string;
  /** A call to the service as the owner, from the test (not through the add-on). */
  api(method: string, path: string, body?: unknown): { status: number; body: any };
};

/** `serviceTime` starts the service's clock; `now` is the script's (both real without them). `billing`: the service bills orgs (a free trial, plans to choose). */
export type SampleOrgClocks = { serviceTime?: Date; now?: () => Date; billing?: true };

/** Connects as `owner` to a new org `orgId` (payroll monthly) and runs Set up. */
async function setUpSampleOrg(orgId: string, owner: string, clocks: SampleOrgClocks = {}): Promise<SampleOrg> {
  const service = await startSyncService({
    ...(clocks.serviceTime ? { serviceTime: clocks.serviceTime } : {}),
    ...(clocks.billing ? { billing: clocks.billing } : {}),
  });
  const build = await buildToTemp(service.url);
  const env = addonEnv({
    buildDir: build.outDir,
    transport: (r) => service.fetch(r),
    token: () => service.idToken(owner),
    ...(clocks.now ? { now: clocks.now } : {}),
  });
  addSampleTabs(env.book);
  const api = (method: string, path: string, body?: unknown) => service.call(owner, method, path, body);
  expect(env.run('connectService', { orgId })).toMatchObject({ ok: true });
  expect(api('patch', `/v1/orgs/${orgId}/settings`, { payrollCycle: { kind: 'monthly' } }).status).toBe(200);
  env.run('applySetUp', { visitsTab: SAMPLE_TABS.visits, ratesTab: SAMPLE_TABS.rates, payTab: SAMPLE_TABS.pay, ...SAMPLE_ANSWERS });
  return { service, env, api, buildDir: build.outDir };
}

/** A suite's sample org: set up before its tests (`ready` receives it), its service closed after them. */
export function useSampleOrg(orgId: string, owner: string, ready: (org: SampleOrg) => void, clocks: SampleOrgClocks = {}): void {
  let org: SampleOrg | undefined;
  beforeAll(async () => {
    org = await setUpSampleOrg(orgId, owner, clocks);
    ready(org);
  }, 60_000);
  afterAll(async () => {
    await org?.service.close();
  });
}
