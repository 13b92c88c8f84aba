import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../shared/index.ts';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { importLegacy } from './import.ts';
import { ensureOrg } from './orgs.ts';

const fixture = (name: string) => parseCsv(readFileSync(new URL(`../../../shared/fixtures/sample-owner-sheet/${name}`, import.meta.url), 'utf8'));
const sample = { visits: fixture('visits.csv'), rates: fixture('rates.csv'), payRates: fixture('pay-rates.csv') };
const mappings = { agencies: { Oakridge: 'Oakridge Home Health', 'Lakeside Home Care': 'Lakeside Home Care LLC' } };

async function setUp() {
  const ctx = aUseCaseContext();
  await ensureOrg(ctx, 'local', 'Test org');
  return ctx;
}

describe('importing the sample owner sheet', () => {
  it('accounts for every row without storing anything until committed', async () => {
    const ctx = await setUp();
    const result = await importLegacy(ctx, 'local', { ...sample, commit: false });
    if (!result.ok) throw new Error(result.error.message);
    const { rows, summary } = result.value;
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 17 }, (_, i) => i + 2));
    expect(summary).toMatchObject({ dataRows: 17, total: 17, visits: 7, needsReview: 7, skipped: 3, duplicates: 0 });
    expect(rows.find((r) => r.row === 4)).toMatchObject({ outcome: 'needs-review', proposals: [{ field: 'agency', text: 'Oakridge', suggestion: 'Oakridge Home Health' }] });
    expect(rows.find((r) => r.row === 5)?.visit).toMatchObject({ date: '2026-03-09', visitType: 'REEVAL', billRateCents: 11000, payRateCents: 7000 });
    expect(rows.find((r) => r.row === 16)?.reason).toMatch(/No bill rate for Summit Visiting Health, PTA Evaluation/);
    expect(result.value.committed).toBeNull();
    expect(await ctx.store.listVisits('local', {})).toEqual([]);
    expect(await ctx.store.listAgencies('local')).toEqual([]);
  });

  it('commits with the confirmed mappings, and a second import of the same file only finds duplicates', async () => {
    const ctx = await setUp();
    const first = await importLegacy(ctx, 'local', { ...sample, mappings, commit: true });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.summary).toMatchObject({ visits: 10, duplicates: 1, needsReview: 3, skipped: 3 });
    expect(first.value.committed).toEqual({ agencies: 3, therapists: 3, billRates: 21, payRates: 8, visits: 10 });

    const agencies = await ctx.store.listAgencies('local');
    expect(agencies.map((a) => [a.name, a.billingCycle.kind, a.termsDays]).sort()).toEqual([
      ['Lakeside Home Care LLC', 'monthly', 30], ['Oakridge Home Health', 'monthly', 30], ['Summit Visiting Health', 'monthly', 30],
    ]);
    // The confirmed spellings became aliases: next time they match exactly.
    expect(agencies.find((a) => a.name === 'Oakridge Home Health')?.aliases).toEqual(['Oakridge']);
    const visits = await ctx.store.listVisits('local', {});
    expect(visits).toHaveLength(10);
    // PHI is sealed before it reaches the store.
    expect(JSON.stringify(visits)).not.toMatch(/Alvarez|Nguyen|Okafor|Kowalski/);
    expect(readFileSync(ctx.dbFile).toString('latin1')).not.toMatch(/Alvarez|Nguyen|Okafor|Kowalski/);

    const again = await importLegacy(ctx, 'local', { visits: sample.visits, commit: true });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.summary).toMatchObject({ visits: 0, duplicates: 11, needsReview: 3, skipped: 3 });
    expect(again.value.rows.find((r) => r.row === 2)?.reason).toMatch(/already stored/);
    expect(await ctx.store.listVisits('local', {})).toHaveLength(10);
  });

  it('names the missing columns when the visit sheet has no header it can read', async () => {
    const ctx = await setUp();
    const result = await importLegacy(ctx, 'local', { visits: [['a', 'b'], ['1', '2']], commit: true });
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
