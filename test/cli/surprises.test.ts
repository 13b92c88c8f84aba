/**
 * No silent surprises: what an owner saw the command line do without a word, each run again
 * through the real `visitledger` process on a real SQLite file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, calendarDayIn, formatUsDate } from '../../shared/index.ts';
import { json, SAMPLE_IMPORT, visitledger, visitledgerWith } from './run-cli.ts';

const SAMPLE = new URL('../../shared/fixtures/sample-owner-sheet/', import.meta.url).pathname;
const mappings = ['--map-agency', 'Oakridge=Oakridge Home Health', '--map-agency', 'Lakeside Home Care=Lakeside Home Care LLC'];
/** Today for the CLI's own org (America/New_York), as the command reads the clock. */
const today = () => calendarDayIn(new Date(), 'America/New_York');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'visitledger-surprises-'));
}

/** The sample's rate sheet with one cell changed: Oakridge Home Health's PT Routine from $85.00. */
function ratesWithOakridgeRoutine(dir: string, dollars: string): string {
  const file = join(dir, 'rates.csv');
  const lines = readFileSync(`${SAMPLE}rates.csv`, 'utf8').split('\n');
  writeFileSync(file, lines.map((l) => (l.startsWith('Oakridge Home Health,') ? l.replace(',$85.00,', `,${dollars},`) : l)).join('\n'));
  return file;
}

async function importedSample(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'owner.db');
  const run = await visitledger(db, ...SAMPLE_IMPORT, ...mappings, '--commit');
  expect(run.code, run.stderr).toBe(0);
  return { dir, db };
}

describe('an agency typo', () => {
  it('in the visit log is proposed as the agency it is near, not created as a new agency', async () => {
    const { dir, db } = await importedSample();
    const visits = join(dir, 'typo-visits.csv');
    writeFileSync(
      visits,
      ['Clinician,Visit Date,HHA,Patient Name,Discipline,Visit', 'Tom Becker,3/20/2026,Oakrige Home Helth,"Alvarez, Rosa",PT,Routine'].join(
        '\n',
      ),
    );
    const preview = await json(db, 'import', '--visits', visits);
    expect(preview.newAgencies).toEqual([]);
    expect(preview.rows[0]).toMatchObject({
      outcome: 'needs-review',
      proposals: [{ field: 'agency', text: 'Oakrige Home Helth', suggestion: 'Oakridge Home Health' }],
    });
    const text = await visitledger(db, 'import', '--visits', visits);
    expect(text.stdout).toMatch(
      /did "Oakrige Home Helth" mean agency "Oakridge Home Health"\? \(differs by one letter in each of 2 words\) Confirm with --map-agency "Oakrige Home Helth=Oakridge Home Health"/,
    );
    const confirmed = await json(db, 'import', '--visits', visits, '--map-agency', 'Oakrige Home Helth=Oakridge Home Health', '--commit');
    expect(confirmed.committed).toMatchObject({ agencies: 0, visits: 1 });
    expect(confirmed.rows[0].visit).toMatchObject({ agency: 'Oakridge Home Health', billRateCents: 8500 });
  });

  it('in a rate sheet is proposed too, and its rates wait for the confirmation', async () => {
    const { dir, db } = await importedSample();
    const rates = join(dir, 'typo-rates.csv');
    writeFileSync(rates, ['Home Health Agency,PT Routine', 'Oakrige Home Helth,$99.00'].join('\n'));
    const visits = `${SAMPLE}visits.csv`;
    const preview = await json(db, 'import', '--visits', visits, '--rates', rates, ...mappings);
    expect(preview.newAgencies).toEqual([]);
    expect(preview.rateChanges).toEqual([]);
    expect(preview.sheetProblems).toEqual([
      expect.objectContaining({
        sheet: 'rates',
        proposal: { field: 'agency', text: 'Oakrige Home Helth', suggestion: 'Oakridge Home Health', reason: expect.any(String) },
        message: expect.stringMatching(/did you mean "Oakridge Home Health".*--map-agency "Oakrige Home Helth=Oakridge Home Health"/),
      }),
    ]);
    const confirmed = await json(
      db,
      'import',
      '--visits',
      visits,
      '--rates',
      rates,
      ...mappings,
      '--map-agency',
      'Oakrige Home Helth=Oakridge Home Health',
    );
    expect(confirmed.sheetProblems).toEqual([]);
    expect(confirmed.rateChanges).toEqual([
      `Bill rate, Oakridge Home Health, PT Routine visit: $85.00 → $99.00 from ${today()} (visits before keep $85.00).`,
    ]);
  });
});

describe('a rate sheet that changes a stored rate', () => {
  it('says which rate changes and from when: from today unless --rates-from, never back to every unbilled visit', async () => {
    const { dir, db } = await importedSample();
    const rates = ratesWithOakridgeRoutine(dir, '$90.00');
    const args = ['import', '--visits', `${SAMPLE}visits.csv`, '--rates', rates, ...mappings];
    const change = `Bill rate, Oakridge Home Health, PT Routine visit: $85.00 → $90.00 from ${today()} (visits before keep $85.00).`;

    const text = await visitledger(db, ...args);
    expect(text.stdout).toContain(`rates that change (with --commit); visits before keep the rate they were done at:\n  ${change}\n`);
    const committed = await json(db, ...args, '--commit');
    expect(committed.rateChanges).toEqual([change]);
    expect(committed.committed).toMatchObject({ billRates: 1, payRates: 0 });
    // March's visits at Oakridge keep $85.00: the change is from today.
    const routine = committed.rows.find((r: { row: number }) => r.row === 3);
    expect(routine.visit).toMatchObject({ agency: 'Oakridge Home Health', visitType: 'ROUTINE', billRateCents: 8500 });
    // Stored now, the sheet changes nothing more.
    expect((await json(db, ...args)).rateChanges).toEqual([]);

    // Named with --rates-from (in any date form), the change applies from that day.
    const back = await json(
      db,
      'import',
      '--visits',
      `${SAMPLE}visits.csv`,
      '--rates',
      ratesWithOakridgeRoutine(dir, '$95.00'),
      ...mappings,
      '--rates-from',
      '3/1/2026',
    );
    expect(back.rateChanges).toEqual([
      'Bill rate, Oakridge Home Health, PT Routine visit: $85.00 → $95.00 from 2026-03-01 (visits before keep $85.00).',
    ]);
    expect(back.rows.find((r: { row: number }) => r.row === 3).visit.billRateCents).toBe(9500);
  });
});

describe('dates and amounts', () => {
  it('a visit dated after today needs review with that reason', async () => {
    const dir = tempDir();
    const db = join(dir, 'owner.db');
    const later = addDays(today(), 2);
    const visits = join(dir, 'visits.csv');
    writeFileSync(
      visits,
      [
        'Clinician,Visit Date,HHA,Patient Name,Discipline,Visit',
        `Tom Becker,${formatUsDate(later)},Oakridge Home Health,"Alvarez, Rosa",PT,Routine`,
      ].join('\n'),
    );
    const preview = await json(db, 'import', '--visits', visits);
    expect(preview.rows[0]).toMatchObject({
      outcome: 'needs-review',
      reason: `The visit date ${later} is after today (${today()} in the org's time zone); a visit is recorded once it is done`,
    });
  });

  it('payment reads dates as import does, refuses a future day and a third decimal, and names the options as typed', async () => {
    const { db } = await importedSample();
    const pay = (amount: string, date: string, method = 'check') =>
      visitledger(db, 'payment', '--therapist', 'Tom Becker', '--amount', amount, '--date', date, '--method', method);
    const us = await pay('100', '4/2/2026');
    expect(us).toMatchObject({ code: 0, stdout: expect.stringMatching(/recorded \$100\.00 to Tom Becker on 2026-04-02 by Check/) });

    const later = addDays(today(), 1);
    const future = await pay('100', later);
    expect(future.code).toBe(1);
    expect(future.stderr).toBe(
      `error: --date is ${later}, after today (${today()} in America/New_York): record a payment once it is made\n  --date: is ${later}, after today (${today()} in America/New_York): record a payment once it is made\n`,
    );
    const decimals = await pay('100.005', '4/2/2026');
    expect(decimals).toMatchObject({ code: 2, stderr: expect.stringMatching(/--amount: "100\.005" has more than two decimals/) });
    const badDate = await pay('100', '13/2/2026');
    expect(badDate).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: --date: "13\/2\/2026" reads as day\/month/) });
    const zero = await pay('0', '4/2/2026');
    expect(zero).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: --amount must be more than zero cents/) });
    const method = await pay('10', '4/2/2026', 'wire');
    expect(method).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: --method /) });
    for (const r of [future, zero, method]) expect(r.stderr).not.toMatch(/amountCents|paidOn/);
    // receipt reads the same forms: a date typed either way is the same receipt (a retry records nothing again).
    const receipt = (date: string) =>
      visitledger(db, 'receipt', '--agency', 'Oakridge Home Health', '--amount', '10.00', '--date', date, '--method', 'check', '--json');
    expect((await receipt('4/3/2026')).code).toBe(0);
    expect(JSON.parse((await receipt('2026-04-03')).stdout)).toMatchObject({ replayed: true, receipt: { on: '2026-04-03' } });
    expect(
      await visitledger(db, 'receipt', '--agency', 'Oakridge Home Health', '--amount', '10.001', '--date', '4/3/2026', '--method', 'check'),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--amount: "10\.001" has more than two decimals/),
    });
  });
});

describe('--db', () => {
  it('naming a file in a folder that does not exist is refused; --init creates the folder', async () => {
    const dir = tempDir();
    const db = join(dir, 'no', 'such', 'folder', 'owner.db');
    const refused = await visitledger(db, 'tax-year', '--year', '2026');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `error: --db ${db}: the folder ${join(dir, 'no', 'such', 'folder')} does not exist; run with --init to create it, or check the path\n`,
    );
    expect(existsSync(join(dir, 'no'))).toBe(false);
    const made = await visitledger(db, 'tax-year', '--year', '2026', '--init');
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(db)).toBe(true);
  });
});

describe('export-accounting', () => {
  it('says it chooses invoices by invoice date, picks by service period with --by service, and says why an export is empty', async () => {
    const dir = tempDir();
    const db = join(dir, 'demo.db');
    await json(db, 'demo', '--month', '2026-09'); // September closed today: its invoices are issued today
    const issued = today();
    const exportFor = (...args: string[]) => visitledger(db, 'export-accounting', '--org', 'demo', ...args);
    const september = await exportFor('--month', '2026-09', '--out', join(dir, 'a'));
    expect(september.code, september.stderr).toBe(0);
    expect(september.stdout).toMatch(
      /^invoices chosen by invoice date: issued from 2026-09-01 to 2026-09-30 \(--by service chooses by the service period they bill\)\n0 invoices, /,
    );
    expect(september.stdout).toMatch(
      /no invoices: no invoice was issued from 2026-09-01 to 2026-09-30; \d+ invoices bill service in it, issued later: add --by service/,
    );
    expect(
      readFileSync(join(dir, 'a', 'qbo-invoices-2026-09-01-to-2026-09-30.csv'), 'utf8')
        .trim()
        .split('\r\n'),
    ).toHaveLength(1);

    const byService = await exportFor('--month', '2026-09', '--by', 'service', '--out', join(dir, 'b'));
    expect(byService.stdout).toMatch(/^invoices chosen by service period: those billing service that ends from 2026-09-01 to 2026-09-30/);
    const rows = readFileSync(join(dir, 'b', 'qbo-invoices-2026-09-01-to-2026-09-30.csv'), 'utf8')
      .trim()
      .split('\r\n')
      .slice(1);
    expect(rows.length).toBeGreaterThan(0);
    const [year, month, day] = issued.split('-');
    expect(rows.every((r) => r.split(',').includes(`${month}/${day}/${year}`))).toBe(true);

    const empty = await exportFor('--from', '1/1/2025', '--to', '1/31/2025', '--out', join(dir, 'c'));
    expect(empty.stdout).toContain(
      `the export is empty: no payment, receipt, refund or write-off is dated in the range, and no invoice was issued from 2025-01-01 to 2025-01-31; this org's invoices were issued from ${issued} to ${issued}\n`,
    );
    const badBy = await exportFor('--month', '2026-09', '--by', 'period', '--out', join(dir, 'd'));
    expect(badBy).toMatchObject({ code: 2, stderr: 'error: --by takes invoice-date or service, got "period"\n' });
  });
});

describe('serve and portal-link', () => {
  it('a port in use is one plain line, not a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const db = join(tempDir(), 'owner.db');
      const serve = await visitledger(db, 'serve', '--port', String(port));
      expect(serve).toMatchObject({
        code: 1,
        stderr: `error: cannot serve: port ${port} on 127.0.0.1 is already in use (another VisitLedger, or another program): stop it, or choose another port (--port N, or PORT)\n`,
      });
    } finally {
      taken.close();
    }
  });

  it("portal-link prints the URL on the server's public base: PORTAL_BASE_URL, or this machine on PORT", async () => {
    const db = join(tempDir(), 'demo.db');
    await json(db, 'demo', '--month', '2026-09');
    const link = (env: Record<string, string>) =>
      visitledgerWith(env, db, 'portal-link', '--org', 'demo', '--agency', 'Oakridge Home Health (demo)');
    const onPort = await link({ PORT: '9191' });
    expect(onPort.code, onPort.stderr).toBe(0);
    expect(onPort.stdout.split('\n')[0]).toMatch(/^http:\/\/localhost:9191\/portal\/[A-Za-z0-9_-]{43}$/);
    const public_ = await link({ PORT: '9191', PORTAL_BASE_URL: 'https://bills.example.com/' });
    expect(public_.stdout.split('\n')[0]).toMatch(/^https:\/\/bills\.example\.com\/portal\/[A-Za-z0-9_-]{43}$/);
  });
});

describe('close', () => {
  it("says a month before the org's first visit has nothing to close, and makes no $0.00 pay run for a period with nothing payable", async () => {
    const { dir, db } = await importedSample(); // visits from 2026-03-02; the local org pays biweekly
    const early = await visitledger(db, 'close', '--period', '2025-12');
    expect(early).toMatchObject({
      code: 1,
      stderr: "error: 2025-12 is before the org's first visit (2026-03-02): nothing to close; close the month of 2026-03 or later\n",
    });
    const empty = await visitledger(join(dir, 'empty.db'), 'close', '--period', '2026-03');
    expect(empty).toMatchObject({
      code: 1,
      stderr: 'error: this org has no visits yet: nothing to close in 2026-03 (import or sync the visits first)\n',
    });

    const march = await json(db, 'close', '--period', '2026-03');
    expect(march.payStatements.length).toBeGreaterThan(0);
    // May has no visits: its cycles close without an invoice and its pay periods make no pay run.
    const may = await json(db, 'close', '--period', '2026-05');
    expect(may.invoices).toEqual([]);
    expect(may.payStatements).toEqual([]);
    expect(may.nothingToPay.length).toBeGreaterThan(0);
    const text = await visitledger(db, 'close', '--period', '2026-05');
    expect(text.stdout).not.toMatch(/\$0\.00/);
    expect(text.stdout).toMatch(/payroll 2026-\d\d-\d\d\.\.2026-05-\d\d: nothing to pay, so no pay run/);
  });
});
