/**
 * The add-on reads a list whole however the service pages it: the client follows nextCursor
 * until null. Here every list is served 4 rows a page (the client asks for 1,000), so Sync's
 * read of the stored rates takes several pages; a second Sync then sends nothing, which it
 * does only if it saw every stored rate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonEnv, type AddonEnv } from './support/addon-env.ts';
import { buildToTemp } from './support/build-once.ts';
import { addSampleTabs, SAMPLE_ANSWERS, SAMPLE_TABS } from './support/sample-sheet.ts';
import { startSyncService, type SyncService } from './support/sync-service.ts';

const OWNER = 'owner@pages.example';
let service: SyncService;
let env: AddonEnv;
const listUrls: string[] = [];

beforeAll(async () => {
  service = await startSyncService();
  const build = await buildToTemp(service.url);
  env = addonEnv({
    buildDir: build.outDir,
    token: () => service.idToken(OWNER),
    transport: (r) => {
      if (r.url.includes('limit=')) listUrls.push(r.url);
      return service.fetch({ ...r, url: r.url.replace('limit=1000', 'limit=4') });
    },
  });
  addSampleTabs(env.book);
  expect(env.run('connectService', { orgId: 'pages' })).toMatchObject({ ok: true });
  expect(service.call(OWNER, 'patch', '/v1/orgs/pages/settings', { payrollCycle: { kind: 'monthly' } }).status).toBe(200);
  env.run('applySetUp', { visitsTab: SAMPLE_TABS.visits, ratesTab: SAMPLE_TABS.rates, payTab: SAMPLE_TABS.pay, ...SAMPLE_ANSWERS });
}, 60_000);
afterAll(async () => service?.close());

describe('a list served a page at a time', () => {
  it('is read whole by the add-on: every page followed, each once', () => {
    expect(env.run('syncNow').lines[0]).toBe('3 agencies, 3 therapists, 21 bill rates and 8 pay rates sent (new or changed).');
    listUrls.length = 0;
    expect(env.run('syncNow').lines[0]).toBe('3 agencies, 3 therapists, 0 bill rates and 0 pay rates sent (new or changed).');
    const rateReads = listUrls.filter((u) => u.includes('/rates?'));
    // 29 rates, 4 a page: the first page, then 7 more by cursor, each cursor asked for once.
    expect(rateReads).toHaveLength(8);
    expect(rateReads[0]).toMatch(/\/rates\?limit=1000$/);
    const cursors = rateReads.slice(1).map((u) => new URL(u).searchParams.get('cursor'));
    expect(cursors.every((c) => c !== null && c !== '')).toBe(true);
    expect(new Set(cursors).size).toBe(7);
  });
});
