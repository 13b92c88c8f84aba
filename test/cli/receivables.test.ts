/**
 * Getting paid from the command line: `visitledger receipt` and `visitledger receivables`
 * as real processes on a real SQLite file, their JSON checked field by field.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/index.ts';
import { json, SAMPLE_IMPORT, visitledger } from './run-cli.ts';

const importArgs = [
  ...SAMPLE_IMPORT,
  '--map-agency',
  'Oakridge=Oakridge Home Health',
  '--map-agency',
  'Lakeside Home Care=Lakeside Home Care LLC',
  '--commit',
];

describe('visitledger receipt and receivables', () => {
  it('records a short payment and an overpayment, and ages what is left open', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    await json(db, ...importArgs);
    const closed = await json(db, 'close', '--period', '2026-03');
    const numberOf = (agency: string) => closed.invoices.find((i: { agency: string }) => i.agency === agency).number as string;
    const oakridge = numberOf('Oakridge Home Health'); // $465.00
    const summit = numberOf('Summit Visiting Health'); // $58.00
    // Invoices are issued on the day they are closed (today): the money arrives the same day (a later day is refused).
    const before = await json(db, 'receivables');
    const issued = before.agencies[0].invoices[0].issueDate as string;
    const paidOn = issued;

    const shortArgs = [
      'receipt',
      '--agency',
      'Oakridge Home Health',
      '--amount',
      '400.00',
      '--date',
      paidOn,
      '--method',
      'check',
      '--reference',
      '1042',
      '--invoice',
      oakridge,
    ];
    const short = await json(db, ...shortArgs);
    expect(short.receipt).toMatchObject({ kind: 'receipt', amountCents: 40_000, on: paidOn, method: 'check', reference: '1042' });
    expect(short.applications).toHaveLength(1);
    // The same command again (a retry) records nothing: it shows the receipt already recorded.
    const retried = await json(db, ...shortArgs);
    expect(retried.replayed).toBe(true);
    expect(retried.receipt.id).toBe(short.receipt.id);
    expect(retried.invoices).toEqual(short.invoices);
    const retriedText = await visitledger(db, ...shortArgs);
    expect(retriedText.code).toBe(0);
    expect(retriedText.stdout).toContain(`already recorded: $400.00 from Oakridge Home Health on ${paidOn} (${short.receipt.id})`);
    expect(short.invoices).toEqual([
      expect.objectContaining({ number: oakridge, totalCents: 46_500, paidCents: 40_000, openCents: 6_500, status: 'partially paid' }),
    ]);

    const over = await json(
      db,
      'receipt',
      '--agency',
      'Summit Visiting Health',
      '--amount',
      '1,058.00',
      '--date',
      paidOn,
      '--method',
      'ach',
    );
    expect(over.invoices).toEqual([expect.objectContaining({ number: summit, paidCents: 5_800, openCents: 0, status: 'paid' })]);
    expect(over.creditCents).toBe(100_000);

    const refused = await visitledger(
      db,
      'receipt',
      '--agency',
      'Oakridge Home Health',
      '--amount',
      '1',
      '--date',
      '2026-04-20',
      '--method',
      'wire',
      '--json',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/method/);

    // Money that has not arrived yet is refused, naming --date: `invoices` would count it paid while the report (to today) would not.
    const inAMonth = addDays(issued, 30);
    const early = await visitledger(
      db,
      'receipt',
      '--agency',
      'Oakridge Home Health',
      '--amount',
      '65.00',
      '--date',
      inAMonth,
      '--method',
      'check',
    );
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(
      new RegExp(
        `--date is ${inAMonth}, after today \\(\\d{4}-\\d{2}-\\d{2} in America/New_York\\): record a receipt once the money has arrived`,
      ),
    );

    const due = short.invoices[0].dueDate as string;
    const asOf = addDays(due, 45);
    const report = await json(db, 'receivables', '--as-of', asOf);
    expect(Object.keys(report)).toEqual(['asOf', 'agencies']);
    expect(report.asOf).toBe(asOf);
    const byName = Object.fromEntries(report.agencies.map((a: { agency: string }) => [a.agency, a]));
    expect(byName['Oakridge Home Health']).toEqual({
      agency: 'Oakridge Home Health',
      openCents: 6_500,
      creditCents: 0,
      buckets: { currentCents: 0, days1to30Cents: 0, days31to60Cents: 6_500, days61to90Cents: 0, over90Cents: 0 },
      invoices: [
        {
          number: oakridge,
          issueDate: short.invoices[0].issueDate,
          dueDate: due,
          totalCents: 46_500,
          paidCents: 40_000,
          openCents: 6_500,
          status: 'partially paid',
        },
      ],
    });
    expect(byName['Summit Visiting Health']).toEqual({
      agency: 'Summit Visiting Health',
      openCents: 0,
      creditCents: 100_000,
      buckets: { currentCents: 0, days1to30Cents: 0, days31to60Cents: 0, days61to90Cents: 0, over90Cents: 0 },
      invoices: [],
    });
    expect(byName['Lakeside Home Care LLC']).toMatchObject({ openCents: 41_100, buckets: { days31to60Cents: 41_100 } });

    const text = await visitledger(db, 'receivables', '--as-of', asOf);
    expect(text.stdout).toContain(`receivables as of ${asOf}: $476.00 open`);

    // A second, identical payment is recorded when --allow-repeat says so: $65.00 pays what was open, the rest is credit.
    const second = await json(db, ...shortArgs, '--allow-repeat');
    expect(second.receipt.id).not.toBe(short.receipt.id);
    expect(second.replayed).toBeUndefined();
    expect(second.invoices).toEqual([expect.objectContaining({ number: oakridge, paidCents: 46_500, openCents: 0, status: 'paid' })]);
    expect(second.creditCents).toBe(33_500);
    const receipts = (await json(db, 'receivables', '--as-of', asOf)).agencies.find(
      (a: { agency: string }) => a.agency === 'Oakridge Home Health',
    );
    expect(receipts).toMatchObject({ openCents: 0, creditCents: 33_500 });
  });
});
