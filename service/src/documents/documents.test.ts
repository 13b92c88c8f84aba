/**
 * The documents read back with PDF.js: what each one says (totals, sections, page numbers,
 * what it corrects), and what it must never say (a full TIN).
 */
import { describe, expect, it } from 'vitest';
import { DISCIPLINES, formatMoney, subtotalsOf, sumCents, type InvoiceLine, type OrgSettings, type PayStatement, type TaxYearSummary } from '../../../shared/index.ts';
import { defaultOrgSettings } from '../usecases/orgs.ts';
import { pdfPages, pdfText } from '../test-support/pdf-text.ts';
import type { PrintableInvoice, PrintableLine } from './invoice-pdf.ts';
import { linesTable, money, pageSetup } from './layout.ts';
import { renderPdf } from './pdf-printer.ts';
import { renderDocument } from './render.ts';

const org: OrgSettings = {
  ...defaultOrgSettings('Bright Path Therapy Staffing LLC'),
  address: { line1: '400 Main St', line2: 'Suite 210', city: 'Columbus', state: 'OH', zip: '43215' },
  phone: '(614) 555-0100', email: 'billing@brightpath.example', remitTo: 'Bright Path Therapy Staffing LLC\nPO Box 1200\nColumbus, OH 43216',
};

const THERAPISTS = ['Tom Becker, PT, DPT', 'Nguyễn Thị Minh Khai', 'Ζωή Παπαδοπούλου', 'Alexandra Montgomery-Fitzgerald-Worthington'];
const PATIENTS = ['Doe, Jane', 'Иванова, Мария', 'García López, José'];
const LONG_NAME = `${'Wolfeschlegelsteinhausenbergerdorff'.repeat(3)}, Hubert Blaine`;

function lines(n: number, lateEvery = 0): PrintableLine[] {
  return Array.from({ length: n }, (_, i): PrintableLine => {
    const rate = 9500 + (i % 3) * 1000;
    return {
      visitId: `v${i}`, date: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`, therapistId: `t${i % 4}`, therapistName: THERAPISTS[i % 4]!,
      discipline: DISCIPLINES[i % 5]!, visitType: 'ROUTINE', visitTypeLabel: 'Routine visit', rateCents: rate, amountCents: rate,
      late: lateEvery > 0 && i % lateEvery === 0, patient: PATIENTS[i % 3]!,
    };
  });
}

function anInvoice(printable: PrintableLine[], overrides: Partial<PrintableInvoice> = {}): PrintableInvoice {
  const plain: InvoiceLine[] = printable.map(({ patient: _p, ...l }) => l);
  return {
    id: 'inv-7', number: 'INV-0007', sequence: 7, agencyId: 'a1', agencyName: 'Sunrise Home Health of Central Ohio', patientIdentifier: 'name',
    period: { start: '2026-03-01', end: '2026-03-31' }, issueDate: '2026-04-01', termsDays: 30, dueDate: '2026-05-01',
    lines: printable, subtotals: subtotalsOf(plain), totalCents: sumCents(plain.map((l) => l.amountCents)), status: 'issued', ...overrides,
  };
}

const agency = { name: 'Sunrise', address: { line1: '77 River Rd', city: 'Dublin', state: 'OH', zip: '43017' }, contactEmail: 'ap@sunrise.example' };

describe('the invoice PDF', () => {
  it('prints every line, the subtotals, the late section and the total, with "Page x of y" on every page', async () => {
    const invoice = anInvoice(lines(250, 10));
    const pages = await pdfPages(await renderDocument({ kind: 'invoice', input: { org, agency, invoice } }));
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${pages.length}`));
    pages.forEach((page) => expect(page).toContain('Invoice INV-0007 · Sunrise Home Health of Central Ohio'));
    const text = pages.join('\n');
    for (const fact of ['INVOICE NO. INV-0007', 'ISSUE DATE 04/01/2026', 'SERVICE PERIOD 03/01/2026 – 03/31/2026', 'TERMS Net 30', 'DUE DATE 05/01/2026', 'PO Box 1200', '77 River Rd']) {
      expect(text).toContain(fact);
    }
    expect(text).toMatch(new RegExp(`Total due ${escape(formatMoney(invoice.totalCents))}`));
    const late = invoice.lines.filter((l) => l.late);
    expect(text).toContain('Late visits from earlier periods');
    expect(text).toContain(`Subtotal late visits, ${late.length} visits ${formatMoney(sumCents(late.map((l) => l.amountCents)))}`);
    // The late section comes after every discipline's section.
    expect(text.indexOf('Late visits from earlier periods')).toBeGreaterThan(text.lastIndexOf('Subtotal COTA'));
    for (const d of DISCIPLINES) {
      const current = invoice.lines.filter((l) => l.discipline === d && !l.late);
      expect(text).toContain(`Subtotal ${d}, ${current.length} visits ${formatMoney(sumCents(current.map((l) => l.amountCents)))}`);
    }
    // Every line's date and amount is printed once: count the rows by their date column.
    const rows = text.split('\n').filter((l) => /^\d\d\/\d\d\/2026 /.test(l) && !l.startsWith('04/01/2026'));
    expect(rows).toHaveLength(250);
  });

  it('prints non-Latin and very long names whole, wrapping them in their column', async () => {
    const text = (await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(lines(8)) } }))).normalize('NFC');
    for (const name of ['Иванова, Мария', 'Nguyễn Thị Minh Khai', 'García López, José', 'Ζωή Παπαδοπούλου']) expect(text).toContain(name);

    const greek = 'Ζωή Παπαδοπούλου-Καραγιαννοπούλου Μαυρογιαννοπούλου';
    const one = lines(1).map((l) => ({ ...l, patient: LONG_NAME, therapistName: greek, rateCents: 9999, amountCents: 9999 }));
    const wrapped = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(one) } }));
    const row = wrapped.slice(wrapped.indexOf('03/01/2026 Wolfe'), wrapped.indexOf('Subtotal'));
    expect(row.split('\n').length).toBeGreaterThan(4); // wrapped, not run over the next columns
    // What is left of the row once the other columns are taken out is the patient's name, whole and in order.
    const patientOnly = ['03/01/2026', ...greek.split(/(?<=-)| /), 'Routine visit', '$99.99', '$99.99'].reduce((rest, part) => rest.replace(part, ''), row);
    expect(patientOnly.replace(/\s/g, '')).toBe(LONG_NAME.replace(/\s/g, ''));
    expect(wrapped).toContain('Total due $99.99');
  });

  it('names the patient column as the agency chose and says so when there are no visits', async () => {
    const text = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency: undefined, invoice: anInvoice([], { patientIdentifier: 'mrn' }) } }));
    expect(text).toContain('No visits on this invoice.');
    expect(text).toContain('Total due $0.00');
    const withLines = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(lines(3), { patientIdentifier: 'initials-mrn' }) } }));
    expect(withLines).toContain('Patient (initials, MRN)');
  });
});

describe('corrections', () => {
  const invoice = anInvoice(lines(5));
  it('prints a credit note as a credit note naming the invoice it corrects', async () => {
    const note = {
      id: 'cn1', number: 'INV-0007-CN1', invoiceId: invoice.id, invoiceNumber: invoice.number, agencyId: 'a1', issueDate: '2026-04-10', reason: 'Visit on 03/05 billed twice',
      lines: [{ visitId: 'v1', description: 'Credit: 2026-03-05 OT Routine visit by Nguyễn Thị Minh Khai', amountCents: 10500 }], totalCents: 10500,
    };
    const text = await pdfText(await renderDocument({ kind: 'credit-note', input: { org, agency, note, invoice } }));
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain('CREDIT NOTE NO. INV-0007-CN1');
    expect(text).toContain('CORRECTS INVOICE INV-0007');
    expect(text).toContain('Credited by this note -$105.00');
    expect(text).toContain('Visit on 03/05 billed twice');
    expect(text).toContain('Page 1 of 1');
  });

  it('prints a void notice naming the void invoice, with nothing due on it', async () => {
    const voided = { ...invoice, lines: invoice.lines.map(({ patient: _p, ...l }) => l), status: 'void' as const, voidedOn: '2026-04-03', voidReason: 'Billed to the wrong agency' };
    const text = await pdfText(await renderDocument({ kind: 'void-notice', input: { org, agency, invoice: voided } }));
    expect(text).toContain('VOID NOTICE');
    expect(text).toContain('VOIDS INVOICE INV-0007');
    expect(text).toContain('Invoice INV-0007 is void in full. Do not pay it');
    expect(text).toContain('Billed to the wrong agency');
    expect(text).toContain(`Invoice INV-0007 as issued ${formatMoney(invoice.totalCents)}`);
    expect(text).toContain('Amount due on it now $0.00');
  });
});

describe('the pay statement', () => {
  const statement: PayStatement = {
    therapistId: 't1', therapistName: 'Nguyễn Thị Minh Khai', period: { start: '2026-03-01', end: '2026-03-15' }, w9Status: 'missing', totalCents: 18_700,
    lines: [
      { visitId: 'v1', date: '2026-03-02', agencyId: 'a1', agencyName: 'Sunrise Home Health', discipline: 'OT', visitType: 'EVAL', visitTypeLabel: 'Evaluation', rateCents: 8000, amountCents: 8000, late: false },
      { visitId: 'v2', date: '2026-02-26', agencyId: 'a1', agencyName: 'Sunrise Home Health', discipline: 'OT', visitType: 'ROUTINE', visitTypeLabel: 'Routine visit', rateCents: 5350, amountCents: 5350, late: true },
      { visitId: 'v3', date: '2026-03-09', agencyId: 'a2', agencyName: 'Lakeside', discipline: 'OT', visitType: 'ROUTINE', visitTypeLabel: 'Routine visit', rateCents: 5350, amountCents: 5350, late: false },
    ],
  };

  it('prints the visits, the total, the missing W-9 and that it is not paid yet', async () => {
    const text = await pdfText(await renderDocument({ kind: 'pay-statement', input: { org, payRunId: 'payroll:2026-03-01', statement, payments: [] } }));
    expect(text).toContain('PAY STATEMENT');
    expect(text).toContain('Nguyễn Thị Minh Khai');
    expect(text).toContain('Total for this pay run $187.00');
    expect(text).toContain('Routine visit (earlier period)');
    expect(text).toContain('No W-9 on file');
    expect(text).toContain('PAYMENT DATE not paid yet');
  });

  it('prints the payment date and method once paid', async () => {
    const text = await pdfText(await renderDocument({
      kind: 'pay-statement',
      input: { org, payRunId: 'payroll:2026-03-01', statement: { ...statement, w9Status: 'on-file' }, payments: [{ paidOn: '2026-03-20', method: 'check', amountCents: 18_700, status: 'paid', reference: '1042' }] },
    }));
    expect(text).toContain('PAYMENT DATE 03/20/2026');
    expect(text).toContain('03/20/2026, Check (1042): $187.00');
    expect(text).not.toContain('No W-9 on file');
  });
});

describe('year-end documents', () => {
  it('prints Copy B with both TINs masked and Box 1', async () => {
    const bytes = await renderDocument({
      kind: 'nec-copy-b',
      input: {
        year: 2026, furnishedOn: '2027-01-15', box1Cents: 1_234_567,
        payer: { name: org.name, address: org.address, phone: org.phone, tinMasked: '**-***6789' },
        recipient: { legalName: 'Nguyễn Thị Minh Khai', businessName: undefined, address: { line1: '9 Elm St', city: 'Dayton', state: 'OH', zip: '45402' }, tinMasked: '***-**-6781' },
      },
    });
    const text = await pdfText(bytes);
    expect(text).toContain('Form 1099-NEC');
    expect(text).toContain('For calendar year 2026');
    expect(text).toContain('Copy B');
    expect(text).toContain('1 Nonemployee compensation');
    expect(text).toContain('$12,345.67');
    expect(text).toContain("RECIPIENT'S TIN");
    expect(text).toContain('***-**-6781');
    expect(text).toContain('**-***6789');
    expect(text).not.toMatch(/\d{3}-?\d{2}-?\d{4}|\d{2}-\d{7}/);
  });

  const emptyYear: TaxYearSummary = { year: 2026, thresholdCents: 200_000, dueDate: '2027-02-01', therapists: [], reportableCount: 0, notes: [], eFileRequired: false };

  it('says plainly that a year with no payments has nothing to file', async () => {
    const text = await pdfText(await renderDocument({ kind: 'year-end-summary', input: { org, summary: emptyYear, files: [], skipped: [], payerProblems: [], preparedOn: '2027-01-05' } }));
    expect(text).toContain('1099-NEC SUMMARY');
    expect(text).toContain('No payments were recorded as paid in 2026: there is no 1099-NEC to file for this year.');
    expect(text).toContain('DUE DATE 02/01/2027');
    expect(text).toContain('THRESHOLD $2,000.00');
  });
});

describe('tables of lines', () => {
  it('sets a cell on one line only when its text surely fits the column, and leaves the caller\'s widths as they were', async () => {
    const widths: Array<number | '*'> = [50, '*', 48];
    const table = linesTable(['Date', 'Name', 'Amount'], widths, [
      ['03/01/2026', 'Doe, Jane', money(9500)],
      ['03/02/2026', LONG_NAME, money(9500)],
    ], new Set([2])) as { table: { body: Array<Array<string | { text: string; noWrap?: boolean }>> } };
    const [short, long] = table.table.body.slice(1);
    expect(short!.map((cell) => typeof cell !== 'string' && cell.noWrap === true)).toEqual([true, true, true]);
    expect(long![1]).toBe(LONG_NAME); // 481 points of text in a column of 410: pdfmake wraps it
    await renderPdf(pageSetup({ title: 't', author: 'a', subject: 's', date: '2026-03-01', footerLeft: 'f', confidential: false, content: [table] }));
    expect(widths).toEqual([50, '*', 48]);
  });
});

function escape(text: string): string {
  return text.replace(/[$.*+?^(){}|[\]\\]/g, '\\$&');
}
