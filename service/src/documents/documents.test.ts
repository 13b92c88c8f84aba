/**
 * The documents read back with PDF.js: what each one says (totals, sections, page numbers,
 * what it corrects), and what it must never say (a full TIN).
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import {
  DISCIPLINES,
  formatMoney,
  subtotalsOf,
  sumCents,
  type InvoiceLine,
  type OrgSettings,
  type PayStatement,
  type TaxYearSummary,
} from '../../../shared/index.ts';
import { defaultOrgSettings } from '../usecases/orgs.ts';
import { pdfPages, pdfText } from '../test-support/pdf-text.ts';
import type { PrintableInvoice, PrintableLine } from './invoice-pdf.ts';
import type { NecCopyBInput } from './nec-copy-b-pdf.ts';
import { linesTable, money, pageSetup } from './layout.ts';
import { regularTextWidth, renderPdf } from './pdf-printer.ts';
import { openRenderPool } from './render-pool.ts';
import { renderDocument } from './render.ts';
import type { RenderRequest } from './renderer-port.ts';

const org: OrgSettings = {
  ...defaultOrgSettings('Bright Path Therapy Staffing LLC'),
  address: { line1: '400 Main St', line2: 'Suite 210', city: 'Columbus', state: 'OH', zip: '43215' },
  phone: '(614) 555-0100',
  email: 'billing@brightpath.example',
  remitTo: 'Bright Path Therapy Staffing LLC\nPO Box 1200\nColumbus, OH 43216',
};

const THERAPISTS = ['Tom Becker, PT, DPT', 'Nguyễn Thị Minh Khai', 'Ζωή Παπαδοπούλου', 'Alexandra Montgomery-Fitzgerald-Worthington'];
const PATIENTS = ['Doe, Jane', 'Иванова, Мария', 'García López, José'];
const LONG_NAME = `${'Wolfeschlegelsteinhausenbergerdorff'.repeat(3)}, Hubert Blaine`;

function lines(n: number, lateEvery = 0): PrintableLine[] {
  return Array.from({ length: n }, (_, i): PrintableLine => {
    const rate = 9500 + (i % 3) * 1000;
    return {
      visitId: `v${i}`,
      date: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      therapistId: `t${i % 4}`,
      therapistName: THERAPISTS[i % 4]!,
      discipline: DISCIPLINES[i % 5]!,
      visitType: 'ROUTINE',
      visitTypeLabel: 'Routine visit',
      rateCents: rate,
      amountCents: rate,
      late: lateEvery > 0 && i % lateEvery === 0,
      patient: PATIENTS[i % 3]!,
    };
  });
}

function anInvoice(printable: PrintableLine[], overrides: Partial<PrintableInvoice> = {}): PrintableInvoice {
  const plain: InvoiceLine[] = printable.map(({ patient: _p, ...l }) => l);
  return {
    id: 'inv-7',
    number: 'INV-0007',
    sequence: 7,
    agencyId: 'a1',
    agencyName: 'Sunrise Home Health of Central Ohio',
    patientIdentifier: 'name',
    period: { start: '2026-03-01', end: '2026-03-31' },
    issueDate: '2026-04-01',
    termsDays: 30,
    dueDate: '2026-05-01',
    lines: printable,
    subtotals: subtotalsOf(plain),
    totalCents: sumCents(plain.map((l) => l.amountCents)),
    status: 'issued',
    ...overrides,
  };
}

const agency = {
  name: 'Sunrise',
  address: { line1: '77 River Rd', city: 'Dublin', state: 'OH', zip: '43017' },
  contactEmail: 'ap@sunrise.example',
};

describe('the invoice PDF', () => {
  it('never leaves the totals alone on the last page: the last visits go with them, under the repeated header', async () => {
    // From 62 to 72 one-discipline lines the totals and the subtotal row would have started a page of their own.
    for (let n = 60; n <= 74; n++) {
      const invoice = anInvoice(lines(n).map((l) => ({ ...l, discipline: 'PT' })));
      const pages = await pdfPages(await renderDocument({ kind: 'invoice', input: { org, agency, invoice } }));
      const last = pages.at(-1)!;
      expect(last, `${n} lines`).toContain(`Total due ${formatMoney(invoice.totalCents)}`);
      expect((last.match(/^\d\d\/\d\d\/2026 /gm) ?? []).length, `${n} lines`).toBeGreaterThanOrEqual(2);
      if (pages.length > 1) expect(last, `${n} lines`).toMatch(/^Date Patient Therapist Visit type Rate Amount$/m);
    }
  });

  it("says how to pay from the org's settings: the check payee and address, and ACH when set; a void invoice does not", async () => {
    const withAch = {
      ...org,
      checkPayableTo: 'Bright Path Staffing',
      ach: { bankName: 'First Ohio Bank', routingNumber: '021000021', accountNumber: '000123456789', accountName: 'BPTS Operating' },
    };
    const text = await pdfText(await renderDocument({ kind: 'invoice', input: { org: withAch, agency, invoice: anInvoice(lines(3)) } }));
    expect(text).toContain(
      'By check: payable to Bright Path Staffing, mailed to Bright Path Therapy Staffing LLC, PO Box 1200, Columbus, OH 43216.',
    );
    expect(text).toContain(
      'By ACH (bank transfer): First Ohio Bank, routing number 021000021, account number 000123456789, account name BPTS Operating.',
    );
    const plain = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(lines(3)) } }));
    expect(plain).toContain('By check: payable to Bright Path Therapy Staffing LLC, mailed to');
    // Without a remit-to the check goes to the org's address, its suite included; a blank payee is the org's name.
    const { remitTo: _r, ...withoutRemitTo } = org;
    const noRemitTo = { ...withoutRemitTo, checkPayableTo: '' };
    const toAddress = await pdfText(
      await renderDocument({ kind: 'invoice', input: { org: noRemitTo, agency, invoice: anInvoice(lines(3)) } }),
    );
    expect(toAddress.replace(/\s+/g, ' ')).toContain(
      'By check: payable to Bright Path Therapy Staffing LLC, mailed to Bright Path Therapy Staffing LLC, 400 Main St, Suite 210, Columbus, OH 43215.',
    );
    expect(plain).not.toContain('By ACH');
    const voided = anInvoice(lines(3), { status: 'void', voidedOn: '2026-04-03', voidReason: 'wrong agency' });
    const voidText = await pdfText(await renderDocument({ kind: 'invoice', input: { org: withAch, agency, invoice: voided } }));
    expect(voidText).not.toContain('HOW TO PAY');
  });

  it('prints every line, the subtotals, the late section and the total, with "Page x of y" on every page', async () => {
    const invoice = anInvoice(lines(250, 10));
    const pages = await pdfPages(await renderDocument({ kind: 'invoice', input: { org, agency, invoice } }));
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    pages.forEach((page) => {
      expect(page).toContain('Invoice INV-0007 · Sunrise Home Health of Central Ohio');
    });
    const text = pages.join('\n');
    for (const fact of [
      'INVOICE NO. INV-0007',
      'ISSUE DATE 04/01/2026',
      'SERVICE PERIOD 03/01/2026 – 03/31/2026',
      'TERMS Net 30',
      'DUE DATE 05/01/2026',
      'PO Box 1200',
      '77 River Rd',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text).toMatch(new RegExp(`Total due ${escapeRegExp(formatMoney(invoice.totalCents))}`));
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
    const text = (await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(lines(8)) } }))).normalize(
      'NFC',
    );
    for (const name of ['Иванова, Мария', 'Nguyễn Thị Minh Khai', 'García López, José', 'Ζωή Παπαδοπούλου']) expect(text).toContain(name);

    const greek = 'Ζωή Παπαδοπούλου-Καραγιαννοπούλου Μαυρογιαννοπούλου';
    const one = lines(1).map((l) => ({ ...l, patient: LONG_NAME, therapistName: greek, rateCents: 9999, amountCents: 9999 }));
    const wrapped = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(one) } }));
    const row = wrapped.slice(wrapped.indexOf('03/01/2026 Wolfe'), wrapped.indexOf('Subtotal'));
    expect(row.split('\n').length).toBeGreaterThan(4); // wrapped, not run over the next columns
    // What is left of the row once the other columns are taken out is the patient's name, whole and in order.
    const patientOnly = ['03/01/2026', ...greek.split(/(?<=-)| /), 'Routine visit', '$99.99', '$99.99'].reduce(
      (rest, part) => rest.replace(part, ''),
      row,
    );
    expect(patientOnly.replace(/\s/g, '')).toBe(LONG_NAME.replace(/\s/g, ''));
    expect(wrapped).toContain('Total due $99.99');
  });

  it('names the patient column as the agency chose and says so when there are no visits', async () => {
    const text = await pdfText(
      await renderDocument({ kind: 'invoice', input: { org, agency: undefined, invoice: anInvoice([], { patientIdentifier: 'mrn' }) } }),
    );
    expect(text).toContain('No visits on this invoice.');
    expect(text).toContain('Total due $0.00');
    const withLines = await pdfText(
      await renderDocument({
        kind: 'invoice',
        input: { org, agency, invoice: anInvoice(lines(3), { patientIdentifier: 'initials-mrn' }) },
      }),
    );
    expect(withLines).toContain('Patient (initials, MRN)');
  });
});

describe('corrections', () => {
  const invoice = anInvoice(lines(5));
  it('prints a credit note as a credit note naming the invoice it corrects', async () => {
    const note = {
      id: 'cn1',
      number: 'INV-0007-CN1',
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      agencyId: 'a1',
      issueDate: '2026-04-10',
      reason: 'Visit on 03/05 billed twice',
      lines: [{ visitId: 'v1', description: 'Credit: 2026-03-05 OT Routine visit by Nguyễn Thị Minh Khai', amountCents: 10500 }],
      totalCents: 10500,
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
    const voided = {
      ...invoice,
      lines: invoice.lines.map(({ patient: _p, ...l }) => l),
      status: 'void' as const,
      voidedOn: '2026-04-03',
      voidReason: 'Billed to the wrong agency',
    };
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
    therapistId: 't1',
    therapistName: 'Nguyễn Thị Minh Khai',
    period: { start: '2026-03-01', end: '2026-03-15' },
    w9Status: 'missing',
    totalCents: 18_700,
    withheldCents: 0,
    netCents: 18_700,
    held: true,
    lines: [
      {
        visitId: 'v1',
        date: '2026-03-02',
        agencyId: 'a1',
        agencyName: 'Sunrise Home Health',
        discipline: 'OT',
        visitType: 'EVAL',
        visitTypeLabel: 'Evaluation',
        rateCents: 8000,
        amountCents: 8000,
        late: false,
      },
      {
        visitId: 'v2',
        date: '2026-02-26',
        agencyId: 'a1',
        agencyName: 'Sunrise Home Health',
        discipline: 'OT',
        visitType: 'ROUTINE',
        visitTypeLabel: 'Routine visit',
        rateCents: 5350,
        amountCents: 5350,
        late: true,
      },
      {
        visitId: 'v3',
        date: '2026-03-09',
        agencyId: 'a2',
        agencyName: 'Lakeside',
        discipline: 'OT',
        visitType: 'ROUTINE',
        visitTypeLabel: 'Routine visit',
        rateCents: 5350,
        amountCents: 5350,
        late: false,
      },
    ],
  };

  it('prints the visits, the total, and that it is held for want of a W-9', async () => {
    const text = await pdfText(
      await renderDocument({ kind: 'pay-statement', input: { org, payRunId: 'payroll:2026-03-01', statement, payments: [] } }),
    );
    expect(text).toContain('PAY STATEMENT');
    expect(text).toContain('Nguyễn Thị Minh Khai');
    expect(text).toContain('Total for this pay run $187.00');
    expect(text).toContain('Routine visit (earlier period)');
    expect(text).toContain('Held: no W-9 on file. Please send a signed W-9');
    expect(text).toContain('AMOUNT HELD $187.00');
    expect(text).toContain('PAYMENT DATE not paid yet');
    expect(text).not.toContain('withholding kept');
  });

  it('prints the payment date and method once paid', async () => {
    const text = await pdfText(
      await renderDocument({
        kind: 'pay-statement',
        input: {
          org,
          payRunId: 'payroll:2026-03-01',
          statement: { ...statement, w9Status: 'on-file', held: false },
          payments: [{ paidOn: '2026-03-20', method: 'check', amountCents: 18_700, status: 'paid', reference: '1042' }],
        },
      }),
    );
    expect(text).toContain('PAYMENT DATE 03/20/2026');
    expect(text).toContain('03/20/2026, Check (1042): $187.00');
    expect(text).not.toContain('W-9');
    expect(text).not.toContain('Net pay');
  });

  it('shows gross, backup withholding and net when 24% is kept', async () => {
    const withheld = { ...statement, held: false, withheldCents: 4488, netCents: 14_212 };
    const text = await pdfText(
      await renderDocument({
        kind: 'pay-statement',
        input: {
          org,
          payRunId: 'payroll:2026-03-01',
          statement: withheld,
          payments: [
            { paidOn: '2026-03-20', method: 'stripe', amountCents: 18_700, withheldCents: 4488, status: 'paid', reference: 'tr_1' },
          ],
        },
      }),
    );
    expect(text).toContain('24% backup withholding kept: $44.88 of $187.00');
    expect(text).toContain('Gross pay for this pay run $187.00');
    expect(text).toContain('Backup withholding (24%, paid to the IRS) -$44.88');
    expect(text).toContain('Net pay $142.12');
    expect(text).toContain('AMOUNT PAID $142.12');
    // The payment's line wraps in its column: the net, then the gross less what was kept.
    expect(text).toContain('Stripe Connect transfer (tr_1): $142.12 ($187.00 less');
    expect(text).toContain('$44.88 backup withholding)');
  });
});

describe('year-end documents', () => {
  const copyB = (over: Partial<NecCopyBInput> = {}): NecCopyBInput => ({
    year: 2026,
    furnishedOn: '2027-01-15',
    box1Cents: 1_234_567,
    box4Cents: 0,
    payer: { name: org.name, address: org.address, phone: org.phone, tin: '12-3456789' },
    recipient: {
      legalName: 'Nguyễn Thị Minh Khai',
      businessName: undefined,
      address: { line1: '9 Elm St', city: 'Dayton', state: 'OH', zip: '45402' },
      tinMasked: '***-**-6781',
      accountNumber: 'T1',
    },
    ...over,
  });

  it('prints Copy B with the payer TIN in full, the recipient TIN masked, Box 1 and Box 4, the revision and the instructions', async () => {
    const text = (await pdfText(await renderDocument({ kind: 'nec-copy-b', input: copyB({ box4Cents: 48_000 }) }))).normalize('NFC');
    expect(text).toContain('Form 1099-NEC');
    expect(text).toContain('For calendar year 2026');
    expect(text).toContain('Copy B For Recipient');
    expect(text).toContain('1a Nonemployee compensation');
    expect(text).toContain('1c Treasury tipped occupation code');
    expect(text).toContain('$12,345.67');
    expect(text).toMatch(/4 Federal income tax withheld\n?.*\$480\.00/);
    expect(text).toContain("PAYER'S TIN RECIPIENT'S TIN");
    expect(text).toContain('12-3456789 ***-**-6781');
    expect(text).toContain('Form 1099-NEC (Rev. December 2026) (keep for');
    expect(text).toContain('CORRECTED (if checked)');
    // Box 2 is a checkbox, not a word.
    expect(text).toMatch(/2 Payer made direct sales totaling \$5,000 or more of\n[\s\S]*?consumer products to recipient for resale\n/);
    expect(text).not.toMatch(/resale No\b|^No$/m);
    const instructions = text.slice(text.indexOf('Instructions for Recipient')).replace(/\s+/g, ' ');
    for (const phrase of [
      "Recipient's taxpayer identification number (TIN). For your protection, this form may show only the last four digits of your TIN",
      'However, the payer has reported your complete TIN to the IRS.',
      'Account number. May show an account or other unique number the payer assigned to distinguish your account.',
      'Box 1a. Shows nonemployee compensation.',
      'Box 2. If checked, consumer products totaling $5,000 or more were sold to you for resale',
      'Box 3. Shows your total compensation of excess golden parachute payments',
      'Box 4. Shows backup withholding.',
      'Boxes 5–7. State income tax withheld reporting boxes.',
    ])
      expect(instructions).toContain(phrase);
  });

  it('prints the revision and box numbers of the year filed, and CORRECTED when a filed return changed', async () => {
    const text = await pdfText(await renderDocument({ kind: 'nec-copy-b', input: copyB({ year: 2025, corrected: true }) }));
    expect(text).toContain('Form 1099-NEC (Rev. April 2025)');
    expect(text).toContain('1 Nonemployee compensation');
    expect(text).not.toContain('1a Nonemployee');
    expect(text).toContain("recipient's copy (CORRECTED)");
    expect(text).toContain('Box 1. Shows nonemployee compensation.');
  });

  const emptyYear: TaxYearSummary = {
    year: 2026,
    thresholdCents: 200_000,
    dueDate: '2027-02-01',
    therapists: [],
    reportableCount: 0,
    notes: [],
    eFileRequired: false,
    form945TotalCents: 0,
  };

  it('says plainly that a year with no payments has nothing to file', async () => {
    const text = await pdfText(
      await renderDocument({
        kind: 'year-end-summary',
        input: { org, summary: emptyYear, files: [], skipped: [], payerProblems: [], preparedOn: '2027-01-05' },
      }),
    );
    expect(text).toContain('1099-NEC SUMMARY');
    expect(text).toContain('No payments were recorded as paid in 2026: there is no 1099-NEC to file for this year.');
    expect(text).toContain('DUE DATE 02/01/2027');
    expect(text).toContain('THRESHOLD $2,000.00');
  });
});

describe('tables of lines', () => {
  it("sets a cell on one line only when its text surely fits the column, and leaves the caller's widths as they were", async () => {
    const widths: Array<number | '*'> = [50, '*', 48];
    const table = linesTable(
      ['Date', 'Name', 'Amount'],
      widths,
      [
        ['03/01/2026', 'Doe, Jane', money(9500)],
        ['03/02/2026', LONG_NAME, money(9500)],
      ],
      new Set([2]),
    ) as { table: { body: Array<Array<string | { text: string; noWrap?: boolean }>> } };
    const [short, long] = table.table.body.slice(1);
    expect(short!.map((cell) => typeof cell !== 'string' && cell.noWrap === true)).toEqual([true, true, true]);
    expect(long![1]).toBe(LONG_NAME); // 481 points of text in a column of 410: pdfmake wraps it
    await renderPdf(
      pageSetup({ title: 't', author: 'a', subject: 's', date: '2026-03-01', footerLeft: 'f', confidential: false, content: [table] }),
    );
    expect(widths).toEqual([50, '*', 48]);
  });
});

describe('Chinese, Japanese and Korean names', () => {
  const SIMPLIFIED = '刘晓东';
  const TRADITIONAL = '陳美玲';
  const JAPANESE = '佐藤さくら';
  const KATAKANA = 'タナカ・ケンジ';
  const KOREAN = '김민준';
  const MIXED = 'Wang, 王小明 (Xiaoming)';
  const CJK_PATIENTS = [SIMPLIFIED, TRADITIONAL, JAPANESE, KOREAN, MIXED];
  const CJK_THERAPISTS = ['黃國強', KATAKANA, '이서연', 'Tom Becker, PT, DPT'];
  const cjkInvoice = (): RenderRequest => ({
    kind: 'invoice',
    input: {
      org,
      agency: { ...agency, name: '東京ホームヘルス' },
      invoice: anInvoice(
        lines(10).map((l, i) => ({ ...l, patient: CJK_PATIENTS[i % 5]!, therapistName: CJK_THERAPISTS[i % 4]! })),
        { agencyName: '東京ホームヘルス' },
      ),
    },
  });

  // First in this block: the CJK fonts are opened by pdfkit for the first render and shared after it, and a worker thread opens its own.
  it('renders the same bytes every time, in this thread and on a worker', async () => {
    const first = await renderDocument(cjkInvoice());
    const second = await renderDocument(cjkInvoice());
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const pool = openRenderPool(1);
    try {
      expect(Buffer.from(await pool.render(cjkInvoice())).equals(Buffer.from(first))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('prints them on an invoice as written, in Noto Sans CJK, the Latin around them in Roboto', async () => {
    const bytes = await renderDocument(cjkInvoice());
    const text = (await pdfText(bytes)).normalize('NFC');
    for (const name of [...CJK_PATIENTS, ...CJK_THERAPISTS]) expect(text).toContain(name);
    expect(text).toContain('BILL TO REMIT TO\n東京ホームヘルス Bright Path Therapy Staffing LLC');
    expect(text).toContain('Invoice INV-0007 · 東京ホームヘルス');
    const items = await textItems(bytes, 2); // the last rows go with the totals and how to pay, perhaps onto page 2
    expect(fontsOf(items, '刘晓东陳美玲佐藤さくらタナカ・ケンジ黃國強王小明')).toEqual(['NotoSansHans-Regular']);
    expect(fontsOf(items, '김민준이서연')).toEqual(['NotoSansKR-Regular']);
    expect([...new Set(items.filter((i) => i.s.includes('Xiaoming') || i.s.includes('Wang')).map((i) => i.font))]).toEqual([
      'Roboto-Regular',
    ]);
    // "Bill to" prints the agency in bold: the CJK fallback's bold (Medium, as Roboto's is).
    expect(
      fontsOf(
        items.filter((i) => i.page === 1 && i.y > 600),
        'ホームヘルス',
      ),
    ).toEqual(['NotoSansHans-Medium']);
    // Mixed in one cell, on one baseline, the pieces side by side.
    const wang = items.find((j) => j.s.includes('王'))!;
    const row = items.filter((i) => i.page === wang.page && i.y === wang.y && i.x < 225).sort((a, b) => a.x - b.x);
    expect(
      row
        .map((i) => i.s)
        .join('')
        .replace(/\s/g, ''),
    ).toContain('Wang,王小明(Xiaoming)');
  });

  it('prints them on a pay statement, in bold where the statement is bold', async () => {
    const statement: PayStatement = {
      therapistId: 't1',
      therapistName: '이서연',
      period: { start: '2026-03-01', end: '2026-03-15' },
      w9Status: 'on-file',
      totalCents: 13_350,
      withheldCents: 0,
      netCents: 13_350,
      held: false,
      lines: [
        {
          visitId: 'v1',
          date: '2026-03-02',
          agencyId: 'a1',
          agencyName: '東京ホームヘルス',
          discipline: 'OT',
          visitType: 'EVAL',
          visitTypeLabel: 'Evaluation',
          rateCents: 8000,
          amountCents: 8000,
          late: false,
        },
        {
          visitId: 'v2',
          date: '2026-03-09',
          agencyId: 'a2',
          agencyName: '台北長照中心',
          discipline: 'OT',
          visitType: 'ROUTINE',
          visitTypeLabel: 'Routine visit',
          rateCents: 5350,
          amountCents: 5350,
          late: false,
        },
      ],
    };
    const bytes = await renderDocument({ kind: 'pay-statement', input: { org, payRunId: 'payroll:2026-03-01', statement, payments: [] } });
    const text = (await pdfText(bytes)).normalize('NFC');
    expect(text).toContain('PAID TO PAYMENT\n이서연');
    expect(text).toContain('03/02/2026 東京ホームヘルス OT Evaluation $80.00 $80.00');
    expect(text).toContain('03/09/2026 台北長照中心 OT Routine visit $53.50 $53.50');
    expect(text).toContain('Pay statement · 이서연 · 03/01/2026 – 03/15/2026');
    expect(
      fontsOf(
        (await textItems(bytes)).filter((i) => i.y > 600),
        '이서연',
      ),
    ).toEqual(['NotoSansKR-Medium']);
  });

  it('prints them on a 1099-NEC copy', async () => {
    const text = (
      await pdfText(
        await renderDocument({
          kind: 'nec-copy-b',
          input: {
            year: 2026,
            furnishedOn: '2027-01-15',
            box1Cents: 1_234_567,
            box4Cents: 0,
            payer: { name: org.name, address: org.address, phone: org.phone, tin: '12-3456789' },
            recipient: {
              legalName: '山田花子',
              businessName: '株式会社さくら訪問リハビリ',
              address: { line1: '9 Elm St', city: 'Dayton', state: 'OH', zip: '45402' },
              tinMasked: '***-**-6781',
            },
          },
        }),
      )
    ).normalize('NFC');
    expect(text).toMatch(/RECIPIENT'S name\n[\s\S]*?山田花子\n[\s\S]*?株式会社さくら訪問リハビリ\n/); // lines of the boxes beside it come between
    expect(text).toContain('Form 1099-NEC 2026 · Copy B (substitute) · 山田花子');
    expect(text).toContain('$12,345.67');
  });

  it('prints them in the year-end summary, bold inside a line where the line says so, and on a credit note', async () => {
    const therapist = (name: string, blockers: string[]) => ({
      therapistId: name,
      name,
      totalCents: 250_000,
      excludedCents: 0,
      withheldCents: 0,
      byMethod: [],
      reportable: true,
      w9Status: 'missing' as const,
      tinMasked: null,
      blockers,
    });
    const summary: TaxYearSummary = {
      year: 2026,
      thresholdCents: 200_000,
      dueDate: '2027-02-01',
      therapists: [therapist('山田花子', ['No W-9 on file.']), therapist('김민준', [])],
      reportableCount: 2,
      notes: [],
      eFileRequired: false,
      form945TotalCents: 0,
    };
    const bytes = await renderDocument({
      kind: 'year-end-summary',
      input: {
        org,
        summary,
        files: ['1099-NEC-2026-copy-B-김민준.pdf'],
        skipped: [{ therapistId: 'x', name: '山田花子', reasons: ['No W-9 on file.'] }],
        payerProblems: [],
        preparedOn: '2027-01-05',
      },
    });
    const text = (await pdfText(bytes)).normalize('NFC');
    expect(text).toContain('山田花子 $2,500.00 $0.00 $0.00 Yes: at or above Missing No W-9 on file.');
    expect(text).toContain('김민준 $2,500.00 $0.00 $0.00 Yes: at or above Missing Ready to file');
    expect(text).toContain('山田花子: No W-9 on file.');
    expect(text).toContain('1099-NEC-2026-copy-B-김민준.pdf');
    const items = await textItems(bytes);
    // Top to bottom: the table's cell (regular), then the bold name that starts the "Left out" list item.
    expect(
      items
        .filter((i) => i.s.includes('山'))
        .sort((a, b) => b.y - a.y)
        .map((i) => i.font),
    ).toEqual(['NotoSansHans-Regular', 'NotoSansHans-Medium']);

    const invoice = anInvoice(lines(2));
    const note = {
      id: 'cn1',
      number: 'INV-0007-CN1',
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      agencyId: 'a1',
      issueDate: '2026-04-10',
      reason: '重复计费 (billed twice)',
      lines: [{ visitId: 'v1', description: 'Credit: 2026-03-05 OT Routine visit by 이서연', amountCents: 10500 }],
      totalCents: 10500,
    };
    const credit = (await pdfText(await renderDocument({ kind: 'credit-note', input: { org, agency, note, invoice } }))).normalize('NFC');
    expect(credit).toContain('重复计费 (billed twice)');
    expect(credit).toContain('Credit: 2026-03-05 OT Routine visit by 이서연');
  });

  it("wraps a long name within its column, measured with the fallback font's widths", async () => {
    const long = '長孫無忌欧陽修司馬光諸葛孔明'.repeat(3);
    const one = lines(1).map((l) => ({ ...l, patient: long, therapistName: 'Tom Becker' }));
    const items = await textItems(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(one) } }));
    const therapist = items.find((i) => i.s.startsWith('Tom'))!;
    const name = items.filter((i) => /\p{Script=Han}/u.test(i.s));
    expect(
      name
        .map((i) => i.s)
        .join('')
        .replace(/\s/g, ''),
    ).toBe(long); // breakable() gave the long word zero-width spaces, which PDF.js reads as spaces
    expect(new Set(name.map((i) => i.y)).size).toBeGreaterThanOrEqual(3);
    for (const piece of name) expect(piece.x + piece.w).toBeLessThanOrEqual(therapist.x - 2 * 4 + 0.01);
    // Measured as Noto prints it (1 em a character), not as Roboto's missing-glyph box: so a cell is set on one line only when it fits.
    expect(regularTextWidth('王小明', 10)).toBeCloseTo(30, 5);
    const table = linesTable(['Name'], [60], [['王小明王小明王'], ['王小明王小']], new Set()) as { table: { body: unknown[][] } };
    expect(table.table.body[1]![0]).toBe('王小明王小明王');
    expect(table.table.body[2]![0]).toEqual({ text: '王小明王小', noWrap: true });
  });

  it('prints names typed decomposed (NFD) as their composed characters', async () => {
    const decomposed = ['Nguyễn Thị Minh Khai', 'がくと', '김민준'].map((name) => name.normalize('NFD'));
    expect(decomposed[0]).toContain('\u0302'); // a combining circumflex: Roboto has none
    const one = lines(3).map((l, i) => ({ ...l, patient: decomposed[i]!, therapistName: 'Tom Becker' }));
    const text = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(one) } }));
    expect(text).not.toContain('\uFFFD');
    for (const name of ['Nguyễn Thị Minh Khai', 'がくと', '김민준']) expect(text.normalize('NFC')).toContain(`${name} Tom Becker`);
    expect(regularTextWidth(decomposed[2]!, 10)).toBeCloseTo(regularTextWidth('김민준', 10), 5);
  });

  it('prints a character no bundled font has as U+FFFD, one for each letter with its marks, never as a blank', async () => {
    const one = lines(2).map((l, i) => ({ ...l, patient: ['محمد علي', 'כהן, שרה'][i]!, therapistName: ['देव शर्मा', 'สมชาย'][i]! }));
    const text = await pdfText(await renderDocument({ kind: 'invoice', input: { org, agency, invoice: anInvoice(one) } }));
    expect(text).toContain('03/01/2026 \uFFFD\uFFFD\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD \uFFFD\uFFFD \uFFFD\uFFFD\uFFFD Routine visit');
    expect(text).toContain('03/02/2026 \uFFFD\uFFFD\uFFFD, \uFFFD\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD Routine visit');
    expect(regularTextWidth('محمد', 10)).toBeCloseTo(4 * regularTextWidth('\uFFFD', 10), 5);
  });
});

type TextItem = { s: string; x: number; y: number; w: number; font: string; page: number };

/** Page 1's pieces of text with their place and the font they are set in (its PostScript name, without the subset tag). */
/** The text pieces of the first `pages` pages (1 unless asked), each with its page number. */
async function textItems(bytes: Uint8Array, pages = 1): Promise<TextItem[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const items: TextItem[] = [];
    for (let n = 1; n <= Math.min(pages, pdf.numPages); n++) {
      const page = await pdf.getPage(n);
      await page.getOperatorList(); // loads the page's fonts into commonObjs
      const content = await page.getTextContent();
      for (const i of content.items as Array<{ str?: string; transform: number[]; width: number; fontName: string }>) {
        if (typeof i.str !== 'string' || i.str.trim() === '') continue;
        const font = String((page.commonObjs.get(i.fontName) as { name: string }).name).replace(/^[A-Z]{6}\+/, '');
        items.push({ s: i.str, x: i.transform[4]!, y: i.transform[5]!, w: i.width, font, page: n });
      }
    }
    return items;
  } finally {
    await pdf.destroy();
  }
}

/** The fonts of the pieces that hold any of `chars`. */
function fontsOf(items: readonly TextItem[], chars: string): string[] {
  return [...new Set(items.filter((i) => [...i.s].some((c) => chars.includes(c))).map((i) => i.font))].sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[$.*+?^(){}|[\]\\]/g, '\\$&');
}
