/**
 * The `visitledger` command line as an owner runs it: a real process on a real SQLite file,
 * the sample owner sheet as input, and the JSON it prints checked field by field.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, visitledger } from './run-cli.ts';

const SAMPLE = new URL('../../shared/fixtures/sample-owner-sheet/', import.meta.url).pathname;

const importArgs = ['import', '--visits', `${SAMPLE}visits.csv`, '--rates', `${SAMPLE}rates.csv`, '--pay-rates', `${SAMPLE}pay-rates.csv`];
const mappings = ['--map-agency', 'Oakridge=Oakridge Home Health', '--map-agency', 'Lakeside Home Care=Lakeside Home Care LLC'];

describe('visitledger CLI', () => {
  it('imports the sample sheet, closes March, records a payment and reports the tax year', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');

    const preview = await json(db, ...importArgs, '--show-phi');
    expect(preview.rows).toHaveLength(17);
    expect(preview.rows[0]).toEqual({
      row: 2,
      outcome: 'visit',
      reason: null,
      visit: {
        date: '2026-03-02',
        therapist: 'Tom Becker',
        agency: 'Oakridge Home Health',
        patient: 'Alvarez, Rosa',
        discipline: 'PT',
        visitType: 'EVAL',
        billRateCents: 12500,
        payRateCents: 8000,
      },
    });
    expect(preview.rows.find((r: { row: number }) => r.row === 9)).toEqual({ row: 9, outcome: 'skipped', reason: 'subtotal row' });
    expect(existsSync(db)).toBe(true); // the file and its key file exist; nothing was stored
    expect(statSync(`${db}.keys.json`).mode & 0o777).toBe(0o600);

    const committed = await json(db, ...importArgs, ...mappings, '--commit');
    expect(committed.summary).toMatchObject({ visits: 10, duplicates: 1, needsReview: 3, skipped: 3, dataRows: 17 });
    expect(committed.rows.find((r: { row: number }) => r.row === 7)).toMatchObject({
      outcome: 'duplicate',
      reason: expect.stringMatching(/row 6/),
    });

    const closed = await json(db, 'close', '--period', '2026-03');
    const totals = Object.fromEntries(closed.invoices.map((i: { agency: string; totalCents: number }) => [i.agency, i.totalCents]));
    // Independent arithmetic from the sample's rate sheet: Oakridge 125+85+85+110+60, Lakeside 135+100+88+88, Summit 58.
    expect(totals).toEqual({ 'Oakridge Home Health': 46500, 'Lakeside Home Care LLC': 41100, 'Summit Visiting Health': 5800 });
    expect(closed.invoices.map((i: { number: string }) => i.number).sort()).toEqual(['INV-0001', 'INV-0002', 'INV-0003']);
    expect([...new Set(closed.payStatements.map((s: { therapist: string }) => s.therapist))].sort()).toEqual([
      'Lena Fischer',
      'Omar Haddad',
      'Tom Becker',
    ]);
    const payTotal = closed.payStatements.reduce((sum: number, s: { totalCents: number }) => sum + s.totalCents, 0);
    // Tom 80+55+55+70+80+60, Lena 52+52, Omar 40+40 (the biweekly pay periods ending in March).
    expect(payTotal).toBe(40000 + 10400 + 8000);

    const again = await json(db, 'close', '--period', '2026-03');
    expect(again.invoices).toEqual(closed.invoices);
    expect(again.payStatements).toEqual(closed.payStatements);

    // A March visit that arrives after March closed goes on April's invoice, marked late.
    const late = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'late.csv');
    writeFileSync(
      late,
      'Clinician,Visit Date,HHA,Patient Name,Discipline,Visit\nTom Becker,3/30/2026,Oakridge Home Health,"Brooks, Walter",PT,Routine\n',
    );
    await json(db, 'import', '--visits', late, '--commit');
    const april = await json(db, 'close', '--period', '2026-04');
    expect(april.invoices).toHaveLength(1);
    expect(april.invoices[0]).toMatchObject({ agency: 'Oakridge Home Health', number: 'INV-0004', totalCents: 8500 });
    expect(april.invoices[0].lines).toMatchObject([{ date: '2026-03-30', late: true, rateCents: 8500 }]);

    const paid = await visitledger(
      db,
      'payment',
      '--therapist',
      'Tom Becker',
      '--amount',
      '1,234.56',
      '--date',
      '2026-04-02',
      '--method',
      'check',
    );
    expect(paid.code).toBe(0);
    expect(paid.stdout).toMatch(/recorded \$1,234\.56 to Tom Becker on 2026-04-02/);
    await visitledger(db, 'payment', '--therapist', 'Tom Becker', '--amount', '800', '--date', '2026-04-03', '--method', 'card');
    await visitledger(db, 'payment', '--therapist', 'Lena Fischer', '--amount', '$2,000', '--date', '2026-11-30', '--method', 'ach');
    // Paid by hand with backup withholding: --amount is the gross, 24% of it kept.
    const withheld = await visitledger(
      db,
      'payment',
      '--therapist',
      'Omar Haddad',
      '--amount',
      '100.05',
      '--date',
      '2026-04-05',
      '--method',
      'check',
      '--backup-withholding',
    );
    expect(withheld.code).toBe(0);
    expect(withheld.stdout).toMatch(/recorded \$100\.05 to Omar Haddad on 2026-04-05/);
    expect(withheld.stdout).toMatch(/24% backup withholding kept: \$24\.01 of \$100\.05; \$76\.04 paid to the therapist/);

    const year = await json(db, 'tax-year', '--year', '2026');
    expect(year).toMatchObject({ year: 2026, thresholdCents: 200000, dueDate: '2027-02-01', form945TotalCents: 2401 });
    expect(year.therapists).toEqual([
      {
        therapist: 'Lena Fischer',
        totalCents: 200000,
        excludedCents: 0,
        withheldCents: 0,
        reportable: true,
        w9: 'missing',
        tin: null,
        blockers: [expect.stringMatching(/W-9/)],
      },
      // Below the threshold, but any withholding is reported (Box 4).
      {
        therapist: 'Omar Haddad',
        totalCents: 10005,
        excludedCents: 0,
        withheldCents: 2401,
        reportable: true,
        w9: 'missing',
        tin: null,
        blockers: [expect.stringMatching(/W-9/)],
      },
      {
        therapist: 'Tom Becker',
        totalCents: 123456,
        excludedCents: 80000,
        withheldCents: 0,
        reportable: false,
        w9: 'missing',
        tin: null,
        blockers: [],
      },
    ]);
    const text = await visitledger(db, 'tax-year', '--year', '2026');
    expect(text.stdout).toMatch(/backup withholding kept in 2026: \$24\.01, to report on Form 945/);
  });

  it("imports an owner's history as settled outside VisitLedger: the next close bills only what came after", async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'history.db');
    const imported = await visitledger(db, ...importArgs, ...mappings, '--settled-through', '2026-03-09', '--commit');
    expect(imported.code).toBe(0);
    // Of the sample's 10 stored visits, those dated through 2026-03-09: Tom's 3/2, 3/4, 3/6 and 3/9 (the serial date 46090), Omar's 3/5 and 3/9.
    expect(imported.stdout).toMatch(/settled outside VisitLedger \(billed and paid before it, never billed or paid here\): 6 visits/);
    const closed = await json(db, 'close', '--period', '2026-03');
    const lines = closed.invoices.flatMap((i: { lines: { date: string }[] }) => i.lines.map((l) => l.date));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((d: string) => d > '2026-03-09')).toBe(true);
    const refused = await visitledger(db, ...importArgs, ...mappings, '--settled-through', '2999-01-01', '--commit');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/settled-through 2999-01-01 is not a past day/);
  });

  it('says what is wrong, on stderr, with exit code 2 for usage and 1 for a refused request', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    const noCommand = await visitledger(db);
    expect(noCommand.code).toBe(2);
    const badFlag = await visitledger(db, 'close', '--month', '2026-01');
    expect(badFlag).toMatchObject({ code: 2, stderr: expect.stringMatching(/--month/) });
    const badPeriod = await visitledger(db, 'close', '--period', '2026-13');
    expect(badPeriod).toMatchObject({ code: 1, stderr: expect.stringMatching(/"2026-13" is not a month/) });
    const badAmount = await visitledger(
      db,
      'payment',
      '--therapist',
      'X',
      '--amount',
      '12,34',
      '--date',
      '2026-01-01',
      '--method',
      'check',
    );
    expect(badAmount).toMatchObject({ code: 2, stderr: expect.stringMatching(/"12,34" is not an amount/) });
    const missingFile = await visitledger(db, 'import', '--visits', '/nonexistent/visits.csv');
    expect(missingFile).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read the visits file/) });
    for (const r of [noCommand, badFlag, badPeriod, badAmount, missingFile]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('takes --db and --org before the command as well as after it', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    const before = await visitledger(db, '--org', 'nobody', 'tax-year', '--year', '2026');
    expect(before).toMatchObject({ code: 1, stderr: 'error: no org "nobody"\n' });
    const local = await visitledger(db, `--db=${db}`, 'tax-year', '--year', '2026');
    expect(local).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1099-NEC, tax year 2026: threshold \$2,000\.00/) });
    // Both forms mixed, in either order: the command is still the first other word.
    for (const options of [
      [`--db=${db}`, '--org', 'nobody'],
      ['--org', 'nobody', `--db=${db}`],
      ['--org=nobody', '--db', db],
    ]) {
      const mixed = await visitledger(db, ...options, 'tax-year', '--year', '2026');
      expect(mixed).toMatchObject({ code: 1, stderr: 'error: no org "nobody"\n' });
    }
  });

  it('seeds the demo org and closes its second month', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'demo.db');
    const demo = await json(db, 'demo', '--month', '2026-09');
    expect(demo).toMatchObject({ orgId: 'demo', months: ['2026-09', '2026-10'], agencies: 4, therapists: 6 });
    expect(demo.invoices.length).toBeGreaterThanOrEqual(4);
    const october = await json(db, 'close', '--org', 'demo', '--period', '2026-10');
    expect(october.invoices.map((i: { number: string }) => i.number)[0]).toBe(`INV-${String(demo.invoices.length + 1).padStart(4, '0')}`);
    const again = await visitledger(db, 'demo', '--month', '2026-09');
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
  });
});
