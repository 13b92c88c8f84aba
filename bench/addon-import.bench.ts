/**
 * Set up / Import of a 50,000-row legacy visit tab, through the built add-on in node:vm
 * with the Apps Script doubles: the preview (header detection, name matching, every row's
 * outcome) and the write of the structured tabs with every row's Status. The budget is
 * 5 s for the whole; Apps Script allows 6 minutes per execution, and a real sheet adds
 * the time Google takes for each getValues/setValues (a handful per tab, not per row).
 *
 *   npm run bench:addon-import
 */
import { cpus, loadavg } from 'node:os';
import { buildToTemp, NO_SERVICE_URL } from '../test/addon/support/build-once.ts';
import { addonEnv } from '../test/addon/support/addon-env.ts';
import { addSyntheticTabs } from '../test/addon/support/synthetic-sheet.ts';
import { startSyncService } from '../test/addon/support/sync-service.ts';

const ROWS = 50_000;
const BUDGET_MS = 5_000;

const build = await buildToTemp(NO_SERVICE_URL);
// Set up never calls the service: a transport that refuses proves it.
const env = addonEnv({ buildDir: build.outDir, transport: () => ({ error: 'the benchmark has no service' }), token: () => 'no-token' });
addSyntheticTabs(env.book, ROWS);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const preview = env.run('previewSetUp', null);
const t1 = performance.now();
const result = env.run('applySetUp', { ...preview.choice, agencies: {}, therapists: {} });
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);

const visits = env.book.tab('Visits')!.lastRow() - 1;
if (visits !== ROWS || preview.summary.visits !== ROWS)
  throw new Error(`expected ${ROWS} visits, got ${visits} (preview ${preview.summary.visits})`);
const total = t2 - t0;
console.log(
  `addon import of ${ROWS.toLocaleString('en-US')} legacy rows (Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}):`,
);
console.log(`  preview (read, map, match, check every row): ${(t1 - t0).toFixed(0)} ms`);
console.log(`  write the structured tabs with every Status:  ${(t2 - t1).toFixed(0)} ms`);
console.log(
  `  total: ${total.toFixed(0)} ms (budget ${BUDGET_MS} ms); CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (wall time above it is time waiting for a shared CPU)`,
);
console.log(`  Apps Script calls: ${env.log.total()}, rows to review: ${result.rowsToReview}`);
if (total > BUDGET_MS) {
  console.error(`over budget: ${total.toFixed(0)} ms > ${BUDGET_MS} ms`);
  process.exitCode = 1;
}

// The first Sync of a 10,000-row tab after Set up, against the service running locally (test/addon/call-counts.test.ts counts its Apps Script calls).
const SYNC_ROWS = 10_000;
const service = await startSyncService();
try {
  const owner = 'owner@bench.example';
  const syncBuild = await buildToTemp(service.url);
  const syncEnv = addonEnv({ buildDir: syncBuild.outDir, transport: (r) => service.fetch(r), token: () => service.idToken(owner) });
  addSyntheticTabs(syncEnv.book, SYNC_ROWS);
  if (!syncEnv.run('connectService', { orgId: 'bench-sync' }).ok) throw new Error('connectService failed');
  syncEnv.run('applySetUp', { visitsTab: 'Visit Log', ratesTab: 'Rate Sheet', payTab: 'Pay Sheet', agencies: {}, therapists: {} });
  const s0 = performance.now();
  const synced = syncEnv.run('syncNow');
  const syncMs = performance.now() - s0;
  if (!synced.ok) throw new Error(`sync failed: ${synced.lines.join(' ')}`);
  console.log(
    `  first Sync of ${SYNC_ROWS.toLocaleString('en-US')} visits against the local service: ${syncMs.toFixed(0)} ms (${synced.lines[1]})`,
  );
} finally {
  await service.close();
}
