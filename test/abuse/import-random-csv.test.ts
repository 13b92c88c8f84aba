/**
 * The importer on random CSV text, through the CLI's own path (`parseCsv` of the file's
 * text, then the import use case committing to a real SQLite file). shared/import.test.ts
 * already feeds the billing core random tables; this starts one step earlier, from bytes:
 * quoting, commas and line ends inside cells, CR, LF and CRLF, a byte order mark, blank
 * lines, title rows, unicode, NUL, formula text, huge cells and files cut short. Every row
 * after the header gets one outcome, what is committed is what the report calls visits,
 * and importing the same text again stores nothing new. One file also goes through the
 * real `visitledger import` process.
 *
 * IMPORT_SEED=<n> replays a run; IMPORT_RUNS=<n> (default 40).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../shared/index.ts';
import { expectOk } from '../../shared/test-support/results.ts';
import { openFieldCipher } from '../../service/src/config/keys.ts';
import { readSettings } from '../../service/src/config/settings.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { aUseCaseContext } from '../../service/src/test-support/use-case-context.ts';
import type { UseCaseContext } from '../../service/src/usecases/context.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from '../../service/src/usecases/directory.ts';
import { importLegacy } from '../../service/src/usecases/import.ts';
import { ensureOrg } from '../../service/src/usecases/orgs.ts';
import { json } from '../cli/run-cli.ts';

const RUNS = Number(process.env.IMPORT_RUNS ?? 40);
const SEED = process.env.IMPORT_SEED === undefined ? undefined : Number(process.env.IMPORT_SEED);

const AGENCIES = ['Oakridge Home Health', 'Lakeside Home Care'];
const THERAPISTS = ['Tom Becker', 'Ana Morales'];
const HEADERS = {
  therapist: ['Clinician', 'Therapist', 'Staff'],
  date: ['Visit Date', 'DOS', 'Date of Service'],
  agency: ['HHA', 'Agency'],
  patient: ['Patient', 'Patient Name'],
  discipline: ['Discipline', 'Disc'],
  visitType: ['Visit Type', 'Service'],
} as const;
type Field = keyof typeof HEADERS;
const FIELDS = Object.keys(HEADERS) as Field[];
const GOOD: Record<Field, string[]> = {
  therapist: [...THERAPISTS, 'tom becker', ' Ana  Morales '],
  date: ['1/5/2026', '2026-01-06', '01/07/26', '1/8/2026'],
  agency: [...AGENCIES, 'OAKRIDGE HOME HEALTH'],
  patient: ['Alvarez, Rosa', 'Nguyen, Bao', 'Kowalski, Jan', 'Østergård, Åse', 'عبد الله, نور'],
  discipline: ['PT', 'Physical Therapy', 'pt'],
  visitType: ['Eval', 'Visit', 'RV', 'D/C'],
};
/** What breaks CSV or a reader: delimiters, quotes and line ends inside cells, and worse. */
const NASTY = [
  '',
  ' ',
  '"',
  '""',
  'a,b',
  'say "hi"',
  'line\nbreak',
  'cr\ronly',
  'crlf\r\nin cell',
  '\uFEFFbom inside',
  '\u0000',
  'tab\there',
  '=HYPERLINK("x")',
  '+1',
  '-12.00',
  '@SUM(A1)',
  '\u202Eevil',
  '👩🏽‍⚕️',
  'e\u0301\u0301',
  '13/01/2026',
  '2026-02-30',
  '0000-01-01',
  '9999-12-31',
  'Total',
  'Subtotal Tom',
  'Grand total',
  'N/A',
  '#REF!',
  'Ω'.repeat(5_000),
];
const cell = (field: Field) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...GOOD[field]) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  );
const junkRow = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 10 })), { minLength: 1, maxLength: 9 });

/** How the table becomes text. All but `cut` keep every row, so parsing must give the table back. */
type Dialect = { quoteAll: boolean; lineEnd: '\r\n' | '\n' | '\r'; bom: boolean; finalLineEnd: boolean; cutAt: number | null };

const scenario = fc.record({
  titleRows: fc.array(junkRow, { maxLength: 3 }),
  order: fc.shuffledSubarray(FIELDS, { minLength: FIELDS.length, maxLength: FIELDS.length }),
  headerPick: fc.nat({ max: 2 }),
  extraColumns: fc.nat({ max: 2 }),
  rows: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('visit' as const) },
      { weight: 1, arbitrary: fc.constant('junk' as const) },
      { weight: 1, arbitrary: fc.constant('blank' as const) },
    ),
    { maxLength: 30, size: 'max' },
  ),
  cells: fc.array(fc.tuple(...FIELDS.map(cell)), { minLength: 30, maxLength: 30 }),
  junk: fc.array(junkRow, { minLength: 30, maxLength: 30 }),
  dialect: fc.record({
    quoteAll: fc.boolean(),
    lineEnd: fc.constantFrom('\r\n' as const, '\n' as const, '\r' as const),
    bom: fc.boolean(),
    finalLineEnd: fc.boolean(),
    cutAt: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }),
  }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function tableOf(s: Scenario): string[][] {
  const header = [
    ...s.order.map((f) => HEADERS[f][s.headerPick % HEADERS[f].length]!),
    ...Array.from({ length: s.extraColumns }, (_, i) => `Extra ${i}`),
  ];
  const data = s.rows.map((kind, i) => {
    if (kind === 'blank') return [''];
    if (kind === 'junk') return s.junk[i]!;
    const byField = Object.fromEntries(FIELDS.map((f, k) => [f, s.cells[i]![k]!])) as Record<Field, string>;
    return [...s.order.map((f) => byField[f]), ...Array.from({ length: s.extraColumns }, () => 'x')];
  });
  return [...s.titleRows, header, ...data];
}

function textOf(table: string[][], d: Dialect): string {
  const quote = (f: string) => (d.quoteAll || /[",\r\n]|^\uFEFF/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  const lines = table.map((row) => row.map(quote).join(','));
  let text = (d.bom ? '\uFEFF' : '') + lines.join(d.lineEnd) + (d.finalLineEnd ? d.lineEnd : '');
  // The default writer once in a while, so the project's own toCsv is read back too.
  if (!d.quoteAll && d.lineEnd === '\r\n' && d.finalLineEnd && !d.bom) text = toCsv(table);
  return d.cutAt === null ? text : text.slice(0, Math.floor(text.length * d.cutAt));
}

/** An org with the agencies, therapists and PT rates the good rows name. */
async function seedOrg(ctx: UseCaseContext, orgId: string): Promise<void> {
  await ensureOrg(ctx, orgId, 'Import org');
  const agencies = expectOk(
    await upsertAgencies(
      ctx,
      orgId,
      AGENCIES.map((name) => ({ name })),
    ),
    'seed',
  );
  const therapists = expectOk(
    await upsertTherapists(
      ctx,
      orgId,
      THERAPISTS.map((name) => ({ name, disciplines: ['PT'] })),
    ),
    'seed',
  );
  const types = ['EVAL', 'ROUTINE', 'DC'] as const;
  await putBillRates(
    ctx,
    orgId,
    agencies.flatMap((a) =>
      types.map((visitType) => ({ agencyId: a.id, discipline: 'PT' as const, visitType, cents: 9_000, effectiveFrom: '2026-01-01' })),
    ),
  );
  await putPayRates(
    ctx,
    orgId,
    therapists.flatMap((t) =>
      types.map((visitType) => ({ therapistId: t.id, discipline: 'PT' as const, visitType, cents: 6_000, effectiveFrom: '2026-01-01' })),
    ),
  );
}

describe('the importer on random CSV text', () => {
  it('reads the text back as the table (when not cut), gives every row after the header one outcome, commits exactly the visits, and stores nothing new the second time', async () => {
    const ctx = aUseCaseContext();
    let n = 0;
    const tally = { files: 0, rows: 0, visits: 0, duplicates: 0, needsReview: 0, skipped: 0, noHeader: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const orgId = `imp-${++n}`;
        await seedOrg(ctx, orgId);
        const table = tableOf(s);
        const text = textOf(table, s.dialect);
        const rows = parseCsv(text);
        // A last line that is blank and has no line end is no line at all, in any CSV (unless quoted).
        const lostLast = !s.dialect.finalLineEnd && !s.dialect.quoteAll && table.at(-1)!.join('') === '' && table.at(-1)!.length === 1;
        if (s.dialect.cutAt === null) expect(rows).toEqual(lostLast ? table.slice(0, -1) : table);

        const first = await importLegacy(ctx, orgId, { visits: rows, commit: true });
        tally.files += 1;
        if (!first.ok) {
          // Only a file without a readable header is refused whole, and it says which columns it missed.
          expect(first.error.code).toBe('invalid-input');
          expect(first.error.message).toMatch(/therapist|date|agency|patient|discipline|visit/i);
          expect(await ctx.store.listVisits(orgId, {})).toEqual([]);
          tally.noHeader += 1;
          return;
        }
        const { rows: outcomes, summary, committed } = first.value;
        const headerRow = s.titleRows.length + 1; // 1-based, as the report numbers rows
        if (s.dialect.cutAt === null) {
          expect(outcomes.map((r) => r.row)).toEqual(Array.from({ length: rows.length - headerRow }, (_, i) => headerRow + 1 + i));
        }
        expect(new Set(outcomes.map((r) => r.row)).size).toBe(outcomes.length);
        expect(summary.visits + summary.duplicates + summary.needsReview + summary.skipped).toBe(outcomes.length);
        expect(committed!.visits).toBe(summary.visits);
        const stored = await ctx.store.listVisits(orgId, {});
        expect(stored).toHaveLength(summary.visits);
        for (const r of outcomes) if (r.outcome === 'needs-review') expect(r.reason).toMatch(/\w{4}/);
        Object.assign(tally, {
          rows: tally.rows + outcomes.length,
          visits: tally.visits + summary.visits,
          duplicates: tally.duplicates + summary.duplicates,
          needsReview: tally.needsReview + summary.needsReview,
          skipped: tally.skipped + summary.skipped,
        });

        const again = expectOk(await importLegacy(ctx, orgId, { visits: parseCsv(text), commit: true }));
        expect(again.summary.visits).toBe(0);
        expect(again.summary.duplicates).toBeGreaterThanOrEqual(summary.visits);
        expect(await ctx.store.listVisits(orgId, {})).toHaveLength(summary.visits);
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    console.info(`import of random CSV: ${JSON.stringify(tally)}`);
    expect(tally.visits).toBeGreaterThan(0);
  }, 60_000);

  it('gives the same answer through the real `visitledger import` process', async () => {
    const whole = scenario.map((x) => ({ ...x, dialect: { ...x.dialect, cutAt: null } }));
    const [s] = fc.sample(whole, { numRuns: 1, seed: SEED ?? 42 });
    const text = textOf(tableOf(s!), s!.dialect);
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-import-csv-'));
    const file = join(dir, 'visits.csv');
    writeFileSync(file, text);
    const db = join(dir, 'cli.db');
    // The CLI's org, seeded with the CLI's own key file, so its duplicate keys are its own.
    const cliCtx: UseCaseContext = {
      store: openSqliteStore(db),
      cipher: openFieldCipher(readSettings({}), db),
      now: () => new Date('2026-02-02T12:00:00Z'),
      newId: () => crypto.randomUUID(),
      actor: 'test',
    };
    await seedOrg(cliCtx, 'local');
    await cliCtx.store.close();
    const viaCli = await json(db, 'import', '--visits', file, '--commit');

    const ctx = aUseCaseContext();
    await seedOrg(ctx, 'local');
    const inProcess = expectOk(await importLegacy(ctx, 'local', { visits: parseCsv(text), commit: true }));
    expect(viaCli.summary).toEqual(inProcess.summary);
    expect(viaCli.rows.map((r: any) => [r.row, r.outcome])).toEqual(inProcess.rows.map((r) => [r.row, r.outcome]));
    expect(viaCli.committed.visits).toBe(inProcess.summary.visits);
  }, 60_000);
});
