import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../shared/index.ts';
import { expectOk } from '../../../shared/test-support/results.ts';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { SETTLED_OUTSIDE } from '../store/port.ts';
import { closeMonth } from './cycles.ts';
import { importLegacy } from './import.ts';
import { ensureOrg } from './orgs.ts';

const fixture = (name: string) =>
  parseCsv(readFileSync(new URL(`../../../shared/fixtures/sample-owner-sheet/${name}`, import.meta.url), 'utf8'));
const sample = { visits: fixture('visits.csv'), rates: fixture('rates.csv'), payRates: fixture('pay-rates.csv') };
const mappings = { agencies: { Oakridge: 'Oakridge Home Health', 'Lakeside Home Care': 'Lakeside Home Care LLC' } };

/** Today is after the sample's visits (March 2026) unless a test says otherwise: a visit dated after today needs review. */
async function setUp(now = '2026-04-02T15:00:00.000Z') {
  const ctx = aUseCaseContext({ now });
  await ensureOrg(ctx, 'local', 'Test org');
  return ctx;
}

describe('importing the sample owner sheet', () => {
  it('accounts for every row without storing anything until committed', async () => {
    const ctx = await setUp();
    const result = expectOk(await importLegacy(ctx, 'local', { ...sample, commit: false }));
    const { rows, summary } = result;
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 17 }, (_, i) => i + 2));
    expect(summary).toMatchObject({ dataRows: 17, total: 17, visits: 7, needsReview: 7, skipped: 3, duplicates: 0 });
    expect(rows.find((r) => r.row === 4)).toMatchObject({
      outcome: 'needs-review',
      proposals: [{ field: 'agency', text: 'Oakridge', suggestion: 'Oakridge Home Health' }],
    });
    expect(rows.find((r) => r.row === 5)?.visit).toMatchObject({
      date: '2026-03-09',
      visitType: 'REEVAL',
      billRateCents: 11000,
      payRateCents: 7000,
    });
    expect(rows.find((r) => r.row === 16)?.reason).toMatch(/No bill rate for Summit Visiting Health, PTA Evaluation/);
    expect(result.committed).toBeNull();
    expect(await ctx.store.listVisits('local', {})).toEqual([]);
    expect(await ctx.store.listAgencies('local')).toEqual([]);
  });

  it('commits with the confirmed mappings, and a second import of the same file only finds duplicates', async () => {
    const ctx = await setUp();
    const first = expectOk(await importLegacy(ctx, 'local', { ...sample, mappings, commit: true }));
    expect(first.summary).toMatchObject({ visits: 10, duplicates: 1, needsReview: 3, skipped: 3 });
    expect(first.committed).toEqual({ agencies: 3, therapists: 3, billRates: 21, payRates: 8, visits: 10, settledOutside: 0 });

    const agencies = await ctx.store.listAgencies('local');
    expect(agencies.map((a) => [a.name, a.billingCycle.kind, a.termsDays]).sort()).toEqual([
      ['Lakeside Home Care LLC', 'monthly', 30],
      ['Oakridge Home Health', 'monthly', 30],
      ['Summit Visiting Health', 'monthly', 30],
    ]);
    // The confirmed spellings became aliases: next time they match exactly.
    expect(agencies.find((a) => a.name === 'Oakridge Home Health')?.aliases).toEqual(['Oakridge']);
    const visits = await ctx.store.listVisits('local', {});
    expect(visits).toHaveLength(10);
    // PHI is sealed before it reaches the store.
    expect(JSON.stringify(visits)).not.toMatch(/Alvarez|Nguyen|Okafor|Kowalski/);
    expect(readFileSync(ctx.dbFile).toString('latin1')).not.toMatch(/Alvarez|Nguyen|Okafor|Kowalski/);

    const again = expectOk(await importLegacy(ctx, 'local', { visits: sample.visits, commit: true }));
    expect(again.summary).toMatchObject({ visits: 0, duplicates: 11, needsReview: 3, skipped: 3 });
    expect(again.rows.find((r) => r.row === 2)?.reason).toMatch(/already stored/);
    expect(await ctx.store.listVisits('local', {})).toHaveLength(10);
  });

  it('stores the visits through --settled-through as settled outside VisitLedger: the first close bills and pays only the rest', async () => {
    const ctx = await setUp();
    ctx.setNow('2026-04-02T15:00:00.000Z');
    const imported = expectOk(await importLegacy(ctx, 'local', { ...sample, mappings, settledThrough: '2026-03-05', commit: true }));
    const stored = await ctx.store.listVisits('local', {});
    const history = stored.filter((v) => v.date <= '2026-03-05');
    const open = stored.filter((v) => v.date > '2026-03-05');
    expect(history.length).toBeGreaterThan(0);
    expect(open.length).toBeGreaterThan(0);
    expect(imported.committed?.settledOutside).toBe(history.length);
    expect(history.every((v) => v.invoiceId === SETTLED_OUTSIDE && v.payRunId === SETTLED_OUTSIDE)).toBe(true);

    const closed = expectOk(await closeMonth(ctx, 'local', '2026-03'));
    const billed = closed.cycles.flatMap((c) => c.invoice?.lines.map((l) => l.visitId) ?? []);
    const paid = closed.payRuns.flatMap((r) => r.payRun.statements.flatMap((st) => st.lines.map((l) => l.visitId)));
    for (const v of history) {
      expect(billed).not.toContain(v.id);
      expect(paid).not.toContain(v.id);
    }
    expect(billed.length).toBeGreaterThan(0);
    expect(new Set([...billed, ...paid]).size).toBeLessThanOrEqual(open.length);

    // Imported again with the same day: nothing changes, and the visits billed and paid by the close keep their marks.
    const marks = async () => (await ctx.store.listVisits('local', {})).map((v) => [v.id, v.invoiceId, v.payRunId]);
    const afterClose = await marks();
    expect(afterClose.filter(([, invoiceId]) => invoiceId !== null && invoiceId !== SETTLED_OUTSIDE)).toHaveLength(billed.length);
    const again = await importLegacy(ctx, 'local', { ...sample, mappings, settledThrough: '2026-03-31', commit: true });
    expect(again.ok && again.value.committed?.visits).toBe(0);
    expect(await marks()).toEqual(afterClose);
  });

  it('refuses a settled-through day that is not a date or not in the past, storing nothing', async () => {
    const ctx = await setUp('2026-02-02T15:00:00.000Z');
    expect(await importLegacy(ctx, 'local', { ...sample, mappings, settledThrough: '03/05/2026', commit: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', details: [{ path: 'settledThrough' }] },
    });
    expect(await importLegacy(ctx, 'local', { ...sample, mappings, settledThrough: '2026-02-02', commit: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/not a past day \(today is 2026-02-02\)/) },
    });
    expect(await ctx.store.listVisits('local', {})).toEqual([]);
  });

  it('names the missing columns when the visit sheet has no header it can read', async () => {
    const ctx = await setUp();
    const result = await importLegacy(ctx, 'local', {
      visits: [
        ['a', 'b'],
        ['1', '2'],
      ],
      commit: true,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.message).toMatch(/therapist/);
    }
  });

  it('refuses a mapping to a name it does not know', async () => {
    const ctx = await setUp();
    const result = await importLegacy(ctx, 'local', { ...sample, mappings: { agencies: { Oakridge: 'Oak Tree HH' } }, commit: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await ctx.store.listAgencies('local')).toEqual([]);
  });
});
