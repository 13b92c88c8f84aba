/**
 * Apps Script calls do not grow with rows: Set up and Sync make exactly the same calls,
 * service by service, for a 100-row and a 10,000-row legacy visit tab (one getValues and
 * one setValues per tab, never per row), against the running service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddonBuild } from '../../addon/build.ts';
import { addonEnv } from './support/addon-env.ts';
import { buildToTemp } from './support/build-once.ts';
import { addSyntheticTabs } from './support/synthetic-sheet.ts';
import { startSyncService, type SyncService } from './support/sync-service.ts';

let build: AddonBuild;
let service: SyncService;
beforeAll(async () => {
  service = await startSyncService();
  build = await buildToTemp(service.url);
});
afterAll(async () => service?.close());

type Counts = {
  setUp: Record<string, number>;
  sync: Record<string, number>;
  resync: Record<string, number>;
  visitRows: number;
  sent: string;
};

function countsFor(rows: number, extraTherapists = 0): Counts {
  const email = `owner-${rows}-${extraTherapists}@calls.example`;
  const env = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken(email) });
  addSyntheticTabs(env.book, rows, extraTherapists);
  expect(env.run('connectService', { orgId: `calls-${rows}-${extraTherapists}` }).ok).toBe(true);
  env.log.reset();
  env.run('applySetUp', { visitsTab: 'Visit Log', ratesTab: 'Rate Sheet', payTab: 'Pay Sheet', agencies: {}, therapists: {} });
  const setUp = env.log.snapshot();
  env.log.reset();
  const synced = env.run('syncNow');
  expect(synced.ok, synced.lines.join(' ')).toBe(true);
  const sync = env.log.snapshot();
  env.log.reset();
  env.run('syncNow');
  return { setUp, sync, resync: env.log.snapshot(), visitRows: env.book.tab('Visits')!.lastRow() - 1, sent: synced.lines[1] };
}

describe('Apps Script calls per action', () => {
  it('are the same for 100 and 10,000 visit rows', () => {
    const small = countsFor(100);
    const large = countsFor(10_000);
    expect(small.visitRows).toBe(100);
    expect(large.visitRows).toBe(10_000);
    expect(large.sent).toBe('Visits: 10000 new, 0 changed, 0 unchanged, 0 locked as billed.');
    // One call more, once, where 10,000 rows outgrow a new tab's 1,000: Set up's Visits tab, and the
    // first Sync's hidden list of sent visits. Sheets refuses a range past a tab's rows.
    expect(large.setUp).toEqual({ ...small.setUp, 'Sheet.insertRowsAfter': 1 });
    expect(large.sync).toEqual({ ...small.sync, 'Sheet.insertRowsAfter': 1 });
    expect(large.resync).toEqual(small.resync);
    // The figures the docs quote.
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    console.log(
      `Apps Script calls: Set up ${total(small.setUp)}, Sync ${total(small.sync)}, Sync again ${total(small.resync)} (the same at 100 and 10,000 rows, but for one Sheet.insertRowsAfter where a new tab outgrows 1,000 rows); getValues ${small.sync['Range.getValues']}, setValues ${small.sync['Range.setValues'] ?? 0}, UrlFetchApp.fetchAll ${small.sync['UrlFetchApp.fetchAll']} per Sync (the first Sync's time: npm run bench:addon-import)`,
    );
    expect(small.sync['UrlFetchApp.fetchAll']).toBe(2);
  });

  it('are the same for 5 and 50 therapists (one prefilled form link per discipline)', () => {
    const few = countsFor(100);
    const many = countsFor(100, 45);
    expect(many.setUp).toEqual(few.setUp);
  });
});
