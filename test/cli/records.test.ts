/**
 * Every issued record from the command line: `invoices`, `void`, `credit-note` and `pay-runs`
 * as real processes on a real SQLite file, their text and JSON checked, and their refusals.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, SAMPLE_IMPORT_CONFIRMED, visitledger } from './run-cli.ts';

const importArgs = [...SAMPLE_IMPORT_CONFIRMED, '--init'];

type InvoiceRow = { number: string; agency: string; totalCents: number; creditedCents: number; openCents: number; status: string };

describe('visitledger invoices, void, credit-note and pay-runs', () => {
  let db: string;
  let closed: { invoices: { number: string; agency: string; totalCents: number; lines: { visitId: string; amountCents: number }[] }[] };
  const invoiceOf = (agency: string) => closed.invoices.find((i) => i.agency === agency)!;

  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    await json(db, ...importArgs);
    closed = await json(db, 'close', '--period', '2026-03');
  });

  it('lists the invoices with what is open, filtered by month, agency and status', async () => {
    const all = (await json(db, 'invoices')).invoices as InvoiceRow[];
    expect(all.map((i) => [i.number, i.agency, i.totalCents, i.openCents, i.status])).toEqual(
      closed.invoices.map((i) => [i.number, i.agency, i.totalCents, i.totalCents, 'open']),
    );
    expect(all[0]).toMatchObject({ period: { start: '2026-03-01', end: '2026-03-31' }, paidCents: 0, creditNotes: [] });
    expect((await json(db, 'invoices', '--period', '2026-04')).invoices).toEqual([]);
    const oakridge = await json(db, 'invoices', '--agency', 'oakridge home health', '--period', '2026-03');
    expect(oakridge.invoices.map((i: InvoiceRow) => i.number)).toEqual([invoiceOf('Oakridge Home Health').number]);

    const text = await visitledger(db, 'invoices', '--period', '2026-03');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Number\s+Agency\s+Period\s+Issued\s+Due\s+Total\s+Paid\s+Credited\s+Open\s+Status$/m);
    expect(text.stdout).toContain(`${invoiceOf('Summit Visiting Health').number}  Summit Visiting Health`);
    expect(text.stdout).toContain('3 invoices: $934.00 open');

    const typo = await visitledger(db, 'invoices', '--agency', 'Oakridge Home Helth');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('error: no agency called "Oakridge Home Helth". Did you mean "Oakridge Home Health"?\n');
    const badStatus = await visitledger(db, 'invoices', '--status', 'unpaid');
    expect(badStatus.stderr).toBe('error: --status: "unpaid" is not one of open, partially paid, paid, closed, void\n');
    const badMonth = await visitledger(db, 'invoices', '--period', 'March');
    expect(badMonth.stderr).toBe('error: --period: "March" is not a month as YYYY-MM\n');
  });

  it('credits what is left of a visit, or an amount typed to the cent, and refuses more', async () => {
    const oakridge = invoiceOf('Oakridge Home Health');
    const [first] = oakridge.lines;
    const byAmount = await json(db, 'credit-note', '--invoice', oakridge.number, '--amount', '10.50', '--reason', 'late note');
    expect(byAmount).toMatchObject({ number: `${oakridge.number}-CN1`, totalCents: 1050, reason: 'late note' });
    expect(byAmount.lines).toEqual([{ description: `Credit on ${oakridge.number}: late note`, amountCents: 1050 }]);

    const byVisit = await visitledger(
      db,
      'credit-note',
      '--invoice',
      oakridge.number,
      '--visit',
      first!.visitId,
      '--reason',
      'visit missed',
    );
    expect(byVisit.code).toBe(0);
    expect(byVisit.stdout).toContain(`issued credit note ${oakridge.number}-CN2 on ${oakridge.number} (Oakridge Home Health): $125.00`);
    expect(byVisit.stdout).toMatch(/\$125\.00 {2}Credit: 2026-03-02 PT .* by Tom Becker/);

    const again = await visitledger(db, 'credit-note', '--invoice', oakridge.number, '--visit', first!.visitId, '--reason', 'twice');
    expect(again.stderr).toBe(`error: --visit: visit "${first!.visitId}" on ${oakridge.number} is credited in full already\n`);
    const thirdDecimal = await visitledger(db, 'credit-note', '--invoice', oakridge.number, '--amount', '1.005', '--reason', 'x');
    expect(thirdDecimal.stderr).toBe('error: --amount: "1.005" has more than two decimals; type the amount to the cent\n');
    const both = await visitledger(db, 'credit-note', '--invoice', oakridge.number, '--amount', '1', '--visit', 'v', '--reason', 'x');
    expect(both.stderr).toMatch(/^error: credit-note needs either --visit ID .* or --amount X, not both\n$/);
    const tooMuch = await visitledger(db, 'credit-note', '--invoice', oakridge.number, '--amount', '1,000.00', '--reason', 'x');
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toContain(`error: Invoice ${oakridge.number} totals $465.00 and $135.50 is already credited`);
    const unknown = await visitledger(db, 'credit-note', '--invoice', 'INV-9999', '--amount', '1', '--reason', 'x');
    expect(unknown.stderr).toBe('error: --invoice: no invoice numbered "INV-9999" (visitledger invoices lists them)\n');

    const listed = (await json(db, 'invoices', '--agency', 'Oakridge Home Health')).invoices[0];
    expect(listed).toMatchObject({
      creditedCents: 13_550,
      openCents: 46_500 - 13_550,
      creditNotes: [`${oakridge.number}-CN1`, `${oakridge.number}-CN2`],
    });
    // An invoice with credit notes is corrected by another one, not voided.
    const refused = await visitledger(db, 'void', '--invoice', oakridge.number, '--reason', 'wrong');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has credit notes');
  });

  it('voids an invoice, whose visits the next close bills again as late visits', async () => {
    const summit = invoiceOf('Summit Visiting Health');
    expect((await visitledger(db, 'void', '--invoice', summit.number)).stderr).toBe('error: void needs --reason\n');
    const voided = await visitledger(db, 'void', '--invoice', summit.number.toLowerCase(), '--reason', 'billed to the wrong agency');
    expect(voided.code).toBe(0);
    expect(voided.stdout).toMatch(
      new RegExp(
        `^voided ${summit.number} \\(Summit Visiting Health, \\$58\\.00\\) on \\d{4}-\\d\\d-\\d\\d: billed to the wrong agency\\n {2}its 1 visit is billed again on the next close, as late visits\\n$`,
      ),
    );
    const twice = await json(db, 'invoices', '--status', 'void');
    expect(twice.invoices).toEqual([
      expect.objectContaining({ number: summit.number, status: 'void', openCents: 0, voidReason: 'billed to the wrong agency' }),
    ]);
    const again = await visitledger(db, 'void', '--invoice', summit.number, '--reason', 'again');
    expect(again.code).toBe(1);
    const april = await json(db, 'close', '--period', '2026-04');
    expect(april.invoices).toEqual([
      expect.objectContaining({ agency: 'Summit Visiting Health', totalCents: 5800, lines: [expect.objectContaining({ late: true })] }),
    ]);
  });

  it('lists the pay runs with each therapist, what is held and what is paid', async () => {
    const { payRuns } = await json(db, 'pay-runs', '--period', '2026-03');
    expect(payRuns.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['payroll:2026-03-02', 'open'],
      ['payroll:2026-03-16', 'open'],
    ]);
    expect(payRuns[0].totalCents).toBe(47_200);
    expect(payRuns[0].therapists).toContainEqual({
      therapist: 'Tom Becker',
      totalCents: 34_000,
      withheldCents: 0,
      netCents: 34_000,
      held: true,
      visits: 5,
      paidCents: 0,
    });
    const text = await visitledger(db, 'pay-runs');
    expect(text.stdout).toContain('2026-03-02..2026-03-15  open  $472.00  paid $0.00  (payroll:2026-03-02)');
    expect(text.stdout).toMatch(/ {2}Tom Becker\s+\$340\.00\s+5 visits\s+held: no W-9 on file\s+paid \$0\.00/);
    expect((await json(db, 'pay-runs', '--period', '2025-01')).payRuns).toEqual([]);
    expect((await visitledger(db, 'pay-runs', '--period', '2025-01')).stdout).toBe('no pay run for a payroll period ending in 2025-01\n');
  });
});
