/**
 * Benchmark: closing a month of 100,000 visits (50 agencies, 500 therapists) on the SQLite
 * store, computation and persistence: every agency's invoice and the month's pay runs.
 * Target: at most 1 s, peak memory at most 300 MB (figures: bench/README.md).
 *
 *   npm run bench:close [-- VISITS [RUNS [KEEP_FILE]]]
 *
 * The timed processes run node with the flags and environment of this one (`npm run
 * bench:close` gives the service's `--max-semi-space-size=2` and `GLIBC_TUNABLES`, as `npm
 * start` and `npm run cli` do).
 *
 * The setup (org, rates, visits) runs first and is not timed. Then a fresh process opens
 * the file, as a server would long after the visits came in (RUNS times, each on its own
 * copy of the seeded file), and the close is timed from the call to its return; peak
 * memory is that process's maximum resident set. The CPU time of the close (all threads)
 * is printed next to the wall time, with the load average: the machine is shared, and a
 * busy one inflates the wall time much more than the CPU time. So are the close's page
 * faults, first touches of new memory, which are dear on a virtual machine.
 *
 * Each run is timed twice, on two copies: "cold", the first close of a fresh process (as
 * the CLI, or a server instance just started), which is the figure held to the target; and
 * "warm", after the same process closed a small org's month first (2,000 visits, seeded
 * beside), as a server that has been running: V8 has then compiled the billing code.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { createFieldCipher, newFieldKey } from '../service/src/crypto/field-cipher.ts';
import { openSqliteStore } from '../service/src/store/sqlite/sqlite-store.ts';
import type { UseCaseContext } from '../service/src/usecases/context.ts';
import { closeMonth } from '../service/src/usecases/cycles.ts';
import { MAX_VISITS_PER_BATCH, upsertVisits } from '../service/src/usecases/visits.ts';
import { must, seedOrg } from './seed-org.ts';

const AGENCIES = 50;
const THERAPISTS = 500;

function contextOn(file: string): UseCaseContext {
  return {
    store: openSqliteStore(file),
    // A close never opens PHI, so the timed process needs no key of the setup's.
    cipher: createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) }),
    now: () => new Date('2026-02-01T15:00:00.000Z'),
    // Ids as the service and the CLI make them: a 36-character id costs more than a short one
    // in every read, sort and stored line list, so short ids would flatter the figure.
    newId: randomUUID,
    actor: 'bench',
  };
}

/** An org with `agencies` agencies, `therapists` therapists, their rates, and `visits` January visits spread over them. */
async function seedMonth(
  ctx: UseCaseContext,
  orgId: string,
  size: { agencies: number; therapists: number; visits: number },
): Promise<void> {
  const rows = await seedOrg(ctx, orgId, size);
  for (let i = 0; i < rows.length; i += MAX_VISITS_PER_BATCH) must(await upsertVisits(ctx, orgId, rows.slice(i, i + MAX_VISITS_PER_BATCH)));
}

async function setUp(file: string, visits: number): Promise<void> {
  const ctx = contextOn(file);
  await seedMonth(ctx, 'bench', { agencies: AGENCIES, therapists: THERAPISTS, visits });
  await seedMonth(ctx, 'warmup', { agencies: 10, therapists: 50, visits: 2_000 });
  await ctx.store.close();
}

async function timeClose(file: string, visits: number, warm: boolean): Promise<void> {
  const ctx = contextOn(file);
  if (warm) must(await closeMonth(ctx, 'warmup', '2026-01'));
  const rssBefore = process.memoryUsage().rss;
  const faultsBefore = resourceUsage().minorPageFault;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const closed = must(await closeMonth(ctx, 'bench', '2026-01'));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const usage = resourceUsage();
  const peakRss = usage.maxRSS * 1024;
  const invoiced = closed.cycles.reduce((s, c) => s + (c.invoice?.lines.length ?? 0), 0);
  const paid = closed.payRuns.reduce((s, r) => s + r.payRun.statements.reduce((t, st) => t + st.lines.length, 0), 0);
  if (invoiced !== visits || paid !== visits) throw new Error(`expected ${visits} visits billed and paid, got ${invoiced} and ${paid}`);
  console.log(
    JSON.stringify({
      run: warm ? 'warm' : 'cold',
      visits,
      agencies: AGENCIES,
      therapists: THERAPISTS,
      invoices: closed.cycles.filter((c) => c.invoice).length,
      closeMs: Math.round(elapsed),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      peakRssMB: Math.round(peakRss / 2 ** 20),
      rssBeforeCloseMB: Math.round(rssBefore / 2 ** 20),
      pageFaults: usage.minorPageFault - faultsBefore,
      targetMs: 1000,
      targetMB: 300,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    }),
  );
  await ctx.store.close();
}

if (process.argv[2] === '--close-only') {
  await timeClose(process.argv[3]!, Number(process.argv[4]), process.argv[5] === 'warm');
} else {
  const visits = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'visitledger-bench-'));
  try {
    const seeded = join(dir, 'seeded.db');
    await setUp(seeded, visits);
    if (process.argv[4]) copyFileSync(seeded, process.argv[4]); // a seeded file to profile a close on (--close-only FILE VISITS, on a copy)
    // Each run closes its own copy of the seeded file, in a fresh process.
    for (let run = 0; run < runs; run++) {
      for (const mode of ['cold', 'warm']) {
        const file = join(dir, `run-${run}-${mode}.db`);
        copyFileSync(seeded, file);
        process.stdout.write(
          execFileSync(
            process.execPath,
            [...process.execArgv, fileURLToPath(import.meta.url), '--close-only', file, String(visits), mode],
            { encoding: 'utf8' },
          ),
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
