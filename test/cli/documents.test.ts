/**
 * The documents as the owner gets them from the command line: a real process on a real
 * SQLite file writes the month's invoice and pay statement PDFs, the 1099-NEC year end and
 * the accountant's files; the PDFs are read back and compared with the JSON the CLI prints.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/index.ts';
import { pdfPages, pdfText } from '../../service/src/test-support/pdf-text.ts';
import { json, payDemoByCheck, visitledger } from './run-cli.ts';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `visitledger-docs-${name}-`));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

type InvoiceJson = { agency: string; number: string; totalCents: number; lines: { late: boolean }[] };
type StatementJson = { therapist: string; period: { start: string; end: string }; totalCents: number };

let db: string;
beforeAll(async () => {
  db = join(tmp('db'), 'demo.db');
  await json(db, 'demo', '--month', '2026-09');
}, 60_000);

describe('visitledger close --out', () => {
  it('writes each invoice as <number>.pdf and each pay statement by therapist, saying what the JSON says, the same bytes on a second close', async () => {
    const out = tmp('close');
    const closed = await json(db, 'close', '--org', 'demo', '--period', '2026-10', '--out', out);
    const invoices: InvoiceJson[] = closed.invoices;
    const statements: StatementJson[] = closed.payStatements;
    expect(filesUnder(out)).toEqual(
      [
        ...invoices.map((i) => `invoices/${i.number}.pdf`).sort(),
        ...statements.map((s) => `pay-statements/${s.therapist} (${s.period.start} to ${s.period.end}).pdf`).sort(),
      ].sort(),
    );
    expect(statSync(join(out, 'invoices', `${invoices[0]!.number}.pdf`)).mode & 0o777).toBe(0o600);

    for (const invoice of invoices) {
      const pages = await pdfPages(readFileSync(join(out, 'invoices', `${invoice.number}.pdf`)));
      const text = pages.join('\n');
      expect(text).toContain(`INVOICE NO. ${invoice.number}`);
      expect(text).toContain(`Total due ${formatMoney(invoice.totalCents)}`);
      expect(text).toContain(`Page ${pages.length} of ${pages.length}`);
      expect(text.includes('Late visits from earlier periods')).toBe(invoice.lines.some((l) => l.late));
    }
    for (const s of statements) {
      const text = await pdfText(readFileSync(join(out, 'pay-statements', `${s.therapist} (${s.period.start} to ${s.period.end}).pdf`)));
      expect(text).toContain(`Total for this pay run ${formatMoney(s.totalCents)}`);
      // The demo's Omar has no W-9 and the default is to hold his pay.
      expect(text.includes('Held: no W-9 on file')).toBe(s.therapist === 'Omar Haddad');
    }

    const again = tmp('again');
    const second = await visitledger(db, 'close', '--org', 'demo', '--period', '2026-10', '--out', again);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`wrote ${invoices.length + statements.length} PDFs`));
    expect(filesUnder(again)).toEqual(filesUnder(out));
    for (const file of filesUnder(out)) expect(sha(join(again, file))).toBe(sha(join(out, file)));
  });
});

describe('visitledger export-1099', () => {
  it('writes the summary with the same figures as tax-year, and says why there is no IRS file', async () => {
    for (const [therapist, amount] of [
      ['Tom Becker', '2,500.00'],
      ['Omar Haddad', '2,100.00'],
    ]) {
      expect(await payDemoByCheck(db, therapist!, amount!, '2026-11-10')).toBe(0);
    }
    const year = await json(db, 'tax-year', '--org', 'demo', '--year', '2026');
    const out = tmp('1099');
    const exported = await json(db, 'export-1099', '--org', 'demo', '--year', '2026', '--out', out);
    // The demo org has no payer TIN: no IRS file and no copy can be right without it.
    expect(exported.files).toEqual(['1099-NEC-2026-summary.pdf']);
    expect(exported.payerProblems).toEqual([expect.stringMatching(/payer TIN is not set \(visitledger payer-tin --tin/)]);
    expect(filesUnder(out)).toEqual(['1099-NEC-2026-summary.pdf']);
    const summary = await pdfText(readFileSync(join(out, '1099-NEC-2026-summary.pdf')));
    for (const t of year.therapists as { therapist: string; totalCents: number; excludedCents: number; reportable: boolean }[]) {
      expect(summary).toContain(
        `${t.therapist} ${formatMoney(t.totalCents)} $0.00 ${formatMoney(t.excludedCents)} ${t.reportable ? 'Yes' : 'No'}:`,
      );
    }
    expect(summary).toContain('No IRS file was written');
    expect(summary).toContain('DUE DATE 02/01/2027');

    // With the payer's TIN: the IRS file holds the full TINs, the copies and the output only masked ones.
    const tin = await visitledger(db, 'payer-tin', '--org', 'demo', '--tin', '98-7654321', '--type', 'EIN');
    expect(tin).toMatchObject({ code: 0, stdout: 'payer TIN set: **-***4321\n' });
    const filed = tmp('1099-filed');
    const done = await visitledger(db, 'export-1099', '--org', 'demo', '--year', '2026', '--out', filed);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('left out of the IRS file: Omar Haddad: No W-9 on file');
    expect(filesUnder(filed)).toEqual(['1099-NEC-2026-copy-B-Tom Becker.pdf', '1099-NEC-2026-summary.pdf', 'iris-1099-nec-2026-1.csv']);
    const iris = readFileSync(join(filed, 'iris-1099-nec-2026-1.csv'), 'utf8');
    expect(iris).toContain(',987654321,B,');
    expect(iris).toContain(',123456781,I,');
    const tom = year.therapists.find((t: { therapist: string }) => t.therapist === 'Tom Becker');
    expect(iris).toContain(`,N,${(tom.totalCents / 100).toFixed(2)},N,0.00,N,`);
    expect(iris.split('\r\n')[0]).not.toContain('Recipient Phone');
    const copy = await pdfText(readFileSync(join(filed, '1099-NEC-2026-copy-B-Tom Becker.pdf')));
    expect(copy).toContain(formatMoney(tom.totalCents));
    expect(copy).toContain('98-7654321 ***-**-6781'); // the payer's own TIN in full, the recipient's truncated
    for (const full of ['123456781', '123-45-6781', '987654321', '98-7654321']) {
      if (full !== '98-7654321') expect(copy).not.toContain(full);
      expect(done.stdout + tin.stdout).not.toContain(full);
    }
    expect(statSync(join(filed, 'iris-1099-nec-2026-1.csv')).mode & 0o777).toBe(0o600);
  });

  it('writes a summary that says so for a year with no payments, and refuses a call without --out', async () => {
    const out = tmp('empty');
    const text = await visitledger(db, 'export-1099', '--org', 'demo', '--year', '2024', '--out', out);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no payments were recorded as paid in 2024: nothing to file');
    expect(filesUnder(out)).toEqual(['1099-NEC-2024-summary.pdf']);
    expect(await visitledger(db, 'export-1099', '--org', 'demo', '--year', '2026')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--out DIR/),
    });
  });
});

describe('visitledger export-accounting', () => {
  it("writes the month's QuickBooks files and the payments ledger", async () => {
    const out = tmp('accounting');
    const result = await visitledger(db, 'export-accounting', '--org', 'demo', '--month', '2026-10', '--out', out);
    expect(result.code).toBe(0);
    expect(filesUnder(out)).toEqual([
      'credit-notes-2026-10-01-to-2026-10-31.csv',
      'payments-ledger-2026-10-01-to-2026-10-31.csv',
      'qbo-invoices-2026-10-01-to-2026-10-31.csv',
      'qbo-payments-2026-10-01-to-2026-10-31.csv',
      'qbo-receive-payments-2026-10-01-to-2026-10-31.csv',
      'receivable-credits-2026-10-01-to-2026-10-31.csv',
    ]);
    expect(readFileSync(join(out, 'qbo-receive-payments-2026-10-01-to-2026-10-31.csv'), 'utf8').split('\r\n')[0]).toBe(
      'Customer,PaymentDate,Amount,PaymentMethod,ReferenceNo,AppliedToInvoices,Unapplied,ReversedOn',
    );
    expect(readFileSync(join(out, 'receivable-credits-2026-10-01-to-2026-10-31.csv'), 'utf8').split('\r\n')[0]).toBe(
      'Type,Customer,Date,Amount,Invoice,Method,Reference,Reason,ReversedOn',
    );
    const invoices = readFileSync(join(out, 'qbo-invoices-2026-10-01-to-2026-10-31.csv'), 'utf8');
    expect(invoices.split('\r\n')[0]).toBe(
      'InvoiceNo,Customer,InvoiceDate,DueDate,Terms,Memo,Item(Product/Service),ItemDescription,ItemQuantity,ItemRate,ItemAmount',
    );
    expect(invoices).not.toMatch(/Alvarez|Nguyen|MR\d{6}/);
    expect(await visitledger(db, 'export-accounting', '--org', 'demo', '--out', out)).toMatchObject({ code: 2 });
  });
});
