/**
 * Benchmark: closing a month of 100,000 visits (50 agencies, 500 therapists) on the SQLite
 * store, computation and persistence: every agency's invoice and the payroll period.
 * Target (issue 3): at most 1 s, peak memory at most 300 MB.
 *
 *   npm run bench:close            (node bench/close-cycle.bench.ts [visits])
 *
 * Setup (org, rates, visits) runs first and is not timed; then a fresh process opens the
 * file (as a server would, long after the visits came in), and the close is timed from the
 * call to its return. Peak memory is that process's maximum resident set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { createFieldCipher, newFieldKey } from '../service/src/crypto/field-cipher.ts';
import { openSqliteStore } from '../service/src/store/sqlite/sqlite-store.ts';
import type { UseCaseContext } from '../service/src/usecases/context.ts';
import { closeMonth } from '../service/src/usecases/cycles.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from '../service/src/usecases/directory.ts';
import { createOrg } from '../service/src/usecases/orgs.ts';
import { MAX_VISITS_PER_BATCH, upsertVisits } from '../service/src/usecases/visits.ts';

const CLOSE_ONLY = process.argv[2] === '--close-only';
const VISITS = Number(CLOSE_ONLY ? process.argv[4] : (process.argv[2] ?? 100_000));
const AGENCIES = 50;
const THERAPISTS = 500;
const DISCIPLINES = ['PT', 'OT', 'ST', 'PTA', 'COTA'] as const;
const TYPES = ['EVAL', 'REEVAL', 'ROUTINE', 'DC'] as const;

const dir = CLOSE_ONLY ? process.argv[3]! : mkdtempSync(join(tmpdir(), 'visitledger-bench-'));
let n = CLOSE_ONLY ? 10_000_000 : 0;
const ctx: UseCaseContext = {
  store: openSqliteStore(join(dir, 'bench.db')),
  // The close never opens PHI, so the close-only process needs no key of the setup's.
  cipher: createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) }),
  now: () => new Date('2026-02-01T15:00:00.000Z'),
  newId: () => `id${++n}`,
  actor: 'bench',
};
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

if (!CLOSE_ONLY) {
must(await createOrg(ctx, { id: 'bench', settings: { name: 'Bench org', payrollCycle: { kind: 'monthly' } } }));
const agencies = must(await upsertAgencies(ctx, 'bench', Array.from({ length: AGENCIES }, (_, i) => ({ name: `Agency ${i}` }))));
const therapists = must(await upsertTherapists(ctx, 'bench', Array.from({ length: THERAPISTS }, (_, i) => ({ name: `Therapist ${i}`, disciplines: [DISCIPLINES[i % 5]!] }))));
must(await putBillRates(ctx, 'bench', agencies.flatMap((a, i) => DISCIPLINES.flatMap((d) => TYPES.map((t) => ({ agencyId: a.id, discipline: d, visitType: t, cents: 8000 + i * 10, effectiveFrom: '2026-01-01' }))))));
must(await putPayRates(ctx, 'bench', therapists.flatMap((th) => TYPES.map((t) => ({ therapistId: th.id, discipline: th.disciplines[0]!, visitType: t, cents: 5000, effectiveFrom: '2026-01-01' })))));
const rows = Array.from({ length: VISITS }, (_, i) => {
  const therapist = therapists[i % THERAPISTS]!;
  return {
    clientId: `c${i}`, agencyId: agencies[(i * 7) % AGENCIES]!.id, therapistId: therapist.id,
    patient: { name: `Patient ${i % 5000}`, mrn: `M${i % 5000}` }, date: `2026-01-${String(1 + (i % 31)).padStart(2, '0')}`,
    discipline: therapist.disciplines[0]!, visitType: TYPES[i % 4]!, noteDone: true,
  };
});
for (let i = 0; i < rows.length; i += MAX_VISITS_PER_BATCH) must(await upsertVisits(ctx, 'bench', rows.slice(i, i + MAX_VISITS_PER_BATCH)));
await ctx.store.close();
const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--close-only', dir, String(VISITS)], { encoding: 'utf8' });
process.stdout.write(out);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
}

const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const closed = must(await closeMonth(ctx, 'bench', '2026-01'));
const elapsed = performance.now() - started;
const peakRss = resourceUsage().maxRSS * 1024;

const invoiced = closed.cycles.reduce((s, c) => s + (c.invoice?.lines.length ?? 0), 0);
const paid = closed.payRuns.reduce((s, r) => s + r.payRun.statements.reduce((t, st) => t + st.lines.length, 0), 0);
if (invoiced !== VISITS || paid !== VISITS) throw new Error(`expected ${VISITS} visits billed and paid, got ${invoiced} and ${paid}`);
console.log(JSON.stringify({
  visits: VISITS, agencies: AGENCIES, therapists: THERAPISTS, invoices: closed.cycles.filter((c) => c.invoice).length,
  closeMs: Math.round(elapsed), peakRssMB: Math.round(peakRss / 2 ** 20), rssBeforeCloseMB: Math.round(rssBefore / 2 ** 20),
}));
await ctx.store.close();
