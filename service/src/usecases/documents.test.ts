/**
 * Issued documents on a real SQLite file with the demo org: rendered once, served
 * byte-identical with their checksum, audited; corrections; the 1099-NEC year end with its
 * IRS file, recipient copies and summary; the accountant's files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, parseCsv } from '../../../shared/index.ts';
import { IRIS_1099_NEC_HEADER } from '../../../shared/iris.ts';
import { expectOk } from '../../../shared/test-support/results.ts';
import { inThreadRenderer } from '../documents/render.ts';
import type { DocumentStore, StoredDocument } from '../store/port.ts';
import { openDocument } from '../crypto/document-seal.ts';
import { pdfText } from '../test-support/pdf-text.ts';
import { aUseCaseContext, type TestContext } from '../test-support/use-case-context.ts';
import { exportAccounting } from './accounting-export.ts';
import { closeMonth } from './cycles.ts';
import { upsertAgencies } from './directory.ts';
import { seedDemo } from './demo.ts';
import {
  creditNotePdf,
  invoicePdf,
  issueClosedDocuments,
  payStatementPdf,
  sha256Hex,
  voidNoticePdf,
  type DocumentContext,
} from './documents.ts';
import { issueCreditNote, voidInvoice } from './invoices.ts';
import { setPayerTin } from './orgs.ts';
import { recordManualPayment, taxYearSummary } from './payments.ts';
import { recordReceipt } from './receipts.ts';
import { exportYearEnd } from './year-end-export.ts';

const ORG = 'demo';
const DEMO_PATIENTS = [
  'Alvarez',
  'Nguyen',
  'Okafor',
  'Kowalski',
  'Haddad, Leila',
  'Brooks',
  'Tanaka',
  'Schmidt',
  'Petrov',
  'Oduya',
  'García',
  'Murphy',
  'Chen',
  'Dubois',
  'Singh',
  'Ortiz',
];
const FULL_TINS = ['123456781', '123-45-6781', '123456782', '12-3456782', '123456783', '123-45-6783'];

let ctx: TestContext;
let docs: DocumentContext;

beforeAll(async () => {
  ctx = aUseCaseContext({ now: '2026-10-05T15:00:00.000Z' });
  docs = { ...ctx, renderer: inThreadRenderer };
  expectOk(await seedDemo(ctx, '2026-09'));
}, 60_000);

describe('invoice PDFs', () => {
  it('renders an invoice once and serves the same bytes, checked and audited, afterwards', async () => {
    const [invoice] = await ctx.store.listInvoices(ORG, {});
    const first = expectOk(await invoicePdf(docs, ORG, invoice!.id));
    ctx.setNow('2026-10-06T09:00:00.000Z');
    const second = expectOk(await invoicePdf(docs, ORG, invoice!.id));
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(second.sha256).toBe(sha256Hex(first.bytes));
    expect(second.createdAt).toBe(first.createdAt);
    expect(first.fileName).toBe(`${invoice!.number}.pdf`);
    const audit = await ctx.store.listAudit(ORG, { recordId: invoice!.id });
    expect(audit.filter((a) => a.action === 'create' && /PDF issued/.test(a.detail ?? ''))).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'download')).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(DEMO_PATIENTS.join('|')));

    const text = await pdfText(first.bytes);
    expect(text).toContain(`INVOICE NO. ${invoice!.number}`);
    expect(text).toContain(`Total due ${formatMoney(invoice!.totalCents)}`);
  });

  it('names patients as each agency chose: full names, initials and MRN, or the MRN only', async () => {
    const invoices = await ctx.store.listInvoices(ORG, {});
    for (const invoice of invoices) {
      const text = await pdfText(expectOk(await invoicePdf(docs, ORG, invoice.id)).bytes);
      const named = DEMO_PATIENTS.some((p) => text.includes(p));
      expect([invoice.patientIdentifier, named]).toEqual([invoice.patientIdentifier, invoice.patientIdentifier === 'name']);
      if (invoice.patientIdentifier !== 'name') expect(text).toMatch(/MR\d{6}/);
    }
  });

  /** The document store, each read changed by `change` (what an attacker with the file could do). */
  const readingAs = (change: (d: StoredDocument) => StoredDocument): DocumentStore => ({
    putDocument: (orgId, d) => ctx.documents.putDocument(orgId, d),
    getDocument: async (orgId, id) => {
      const d = await ctx.documents.getDocument(orgId, id);
      return d && change(d);
    },
  });

  it('never serves a stored document whose sealed bytes were altered', async () => {
    const [invoice] = await ctx.store.listInvoices(ORG, {});
    const tampered = readingAs((d) => ({ ...d, bytes: Uint8Array.from(d.bytes, (b, i) => (i === 100 ? b ^ 1 : b)) }));
    await expect(invoicePdf({ ...docs, documents: tampered }, ORG, invoice!.id)).rejects.toThrow(/failed authentication/);
  });

  it('never serves a document whose sealed bytes open but whose hash is not theirs', async () => {
    const [invoice] = await ctx.store.listInvoices(ORG, {});
    const rehashed = readingAs((d) => ({ ...d, sha256: sha256Hex(new Uint8Array([1])) }));
    await expect(invoicePdf({ ...docs, documents: rehashed }, ORG, invoice!.id)).rejects.toThrow(/does not match its SHA-256/);
  });

  it('keeps the PDF sealed at rest: no PDF, no patient name in the stored bytes, and the download is what was rendered', async () => {
    const invoices = await ctx.store.listInvoices(ORG, {});
    const named = invoices.find((i) => i.patientIdentifier === 'name')!;
    const served = expectOk(await invoicePdf(docs, ORG, named.id));
    const stored = (await ctx.documents.getDocument(ORG, served.id))!;
    const raw = Buffer.from(stored.bytes).toString('latin1');
    expect(raw.startsWith('VLSEAL1\n')).toBe(true);
    expect(raw).not.toContain('%PDF');
    await expect(pdfText(stored.bytes)).rejects.toThrow();
    expect(stored.sha256).toBe(sha256Hex(served.bytes));
    expect(DEMO_PATIENTS.some((p) => raw.includes(p))).toBe(false);
    const text = await pdfText(served.bytes);
    expect(DEMO_PATIENTS.some((p) => text.includes(p))).toBe(true);
  });

  it('keeps a void invoice as issued and prints a void notice naming it; a credit note names its invoice', async () => {
    const [toVoid, toCredit] = await ctx.store.listInvoices(ORG, {});
    const before = expectOk(await invoicePdf(docs, ORG, toVoid!.id));
    expect((await voidNoticePdf(docs, ORG, toVoid!.id)).ok).toBe(false); // not void yet
    expectOk(await voidInvoice(ctx, ORG, toVoid!.id, { reason: 'Billed to the wrong agency' }));
    const after = expectOk(await invoicePdf(docs, ORG, toVoid!.id));
    expect(Buffer.from(after.bytes).equals(Buffer.from(before.bytes))).toBe(true);
    const notice = await pdfText(expectOk(await voidNoticePdf(docs, ORG, toVoid!.id)).bytes);
    expect(notice).toContain(`VOIDS INVOICE ${toVoid!.number}`);
    expect(notice).toContain('Billed to the wrong agency');

    const note = expectOk(
      await issueCreditNote(ctx, ORG, toCredit!.id, {
        reason: 'Rate correction',
        lines: [{ description: 'PT evaluations at the old rate', amountCents: 2500 }],
      }),
    );
    const credit = expectOk(await creditNotePdf(docs, ORG, note.id));
    expect(credit.fileName).toBe(`${toCredit!.number}-CN1.pdf`);
    const text = await pdfText(credit.bytes);
    expect(text).toContain(`CORRECTS INVOICE ${toCredit!.number}`);
    expect(text).toContain('Credited by this note -$25.00');
  });
});

describe('pay statement PDFs', () => {
  it("prints the demo's September payment on its statement", async () => {
    const [september] = await ctx.store.listPayRuns(ORG);
    const statement = september!.statements[0]!;
    const text = await pdfText(expectOk(await payStatementPdf(docs, ORG, september!.id, statement.therapistId)).bytes);
    expect(text).toContain('PAYMENT DATE 09/20/2026');
    expect(text).toContain('09/20/2026, Bank transfer (ACH, Zelle)');
    expect(text).toContain(`Total for this pay run ${formatMoney(statement.totalCents)}`);
  });

  it('keeps the statement issued before payment and issues a paid one naming the payment', async () => {
    ctx.setNow('2026-11-02T15:00:00.000Z'); // October has ended
    const october = expectOk(await closeMonth(ctx, ORG, '2026-10')).payRuns[0]!.payRun;
    const statement = october.statements[0]!;
    const unpaid = expectOk(await payStatementPdf(docs, ORG, october.id, statement.therapistId));
    expect(unpaid.fileName).toBe(`${statement.therapistName}.pdf`);
    const unpaidText = await pdfText(unpaid.bytes);
    expect(unpaidText).toContain(`Total for this pay run ${formatMoney(statement.totalCents)}`);
    expect(unpaidText).toContain('PAYMENT DATE not paid yet');

    const wrongRun = await recordManualPayment(ctx, ORG, {
      therapistId: statement.therapistId,
      amountCents: 100,
      paidOn: '2026-10-22',
      method: 'check',
      payRunId: 'payroll:1999-01-01',
    });
    expect(!wrongRun.ok && wrongRun.error.code).toBe('not-found');
    expectOk(
      await recordManualPayment(ctx, ORG, {
        therapistId: statement.therapistId,
        amountCents: statement.totalCents,
        paidOn: '2026-10-22',
        method: 'check',
        payRunId: october.id,
        reference: '2044',
      }),
    );
    const paid = expectOk(await payStatementPdf(docs, ORG, october.id, statement.therapistId));
    expect(paid.id).not.toBe(unpaid.id);
    expect(await pdfText(paid.bytes)).toContain(`10/22/2026, Check (2044): ${formatMoney(statement.totalCents)}`);
    const kept = (await ctx.documents.getDocument(ORG, unpaid.id))!;
    expect(Buffer.from(openDocument(ctx.cipher, ORG, kept.id, kept.bytes)).equals(Buffer.from(unpaid.bytes))).toBe(true);
  });

  it("issues all of a close's statements reading their pay run once, not once per statement", async () => {
    const [september] = await ctx.store.listPayRuns(ORG);
    let payRunReads = 0;
    const store = { ...ctx.store, getPayRun: (orgId: string, id: string) => ((payRunReads += 1), ctx.store.getPayRun(orgId, id)) };
    const statements = september!.statements.map((s) => ({ payRunId: september!.id, therapistId: s.therapistId }));
    expect(statements.length).toBeGreaterThan(1);
    expect(await issueClosedDocuments({ ...docs, store }, ORG, { invoiceIds: [], statements })).toEqual({
      ok: true,
      value: statements.length,
    });
    expect(payRunReads).toBe(1);
    // They were stored: a download afterwards renders nothing.
    let renders = 0;
    const counting = {
      render: (request: Parameters<typeof inThreadRenderer.render>[0]) => ((renders += 1), inThreadRenderer.render(request)),
    };
    expectOk(await payStatementPdf({ ...docs, renderer: counting }, ORG, september!.id, statements.at(-1)!.therapistId));
    expect(renders).toBe(0);
  });

  it('answers not-found for a therapist the pay run does not pay', async () => {
    const [payRun] = await ctx.store.listPayRuns(ORG);
    const result = await payStatementPdf(docs, ORG, payRun!.id, 'nobody');
    expect(!result.ok && result.error.code).toBe('not-found');
  });
});

describe('the 1099-NEC year end', () => {
  it('writes the IRS file with full TINs, copies with masked ones, and a summary with the tax-year figures', async () => {
    const therapists = await ctx.store.listTherapists(ORG);
    const id = (name: string) => therapists.find((t) => t.name === name)!.id;
    for (const [name, cents] of [
      ['Tom Becker', 250_000],
      ['Ana Morales', 300_000],
      ['Omar Haddad', 210_000],
    ] as const) {
      expectOk(await recordManualPayment(ctx, ORG, { therapistId: id(name), amountCents: cents, paidOn: '2026-10-01', method: 'check' }));
    }
    // Without the payer's TIN the IRS file cannot be written, and no copy either: the summary says why.
    const blocked = expectOk(await exportYearEnd(docs, ORG, 2026));
    expect(blocked.files.map((f) => f.name)).toEqual(['1099-NEC-2026-summary.pdf']);
    expect(blocked.payerProblems).toEqual([expect.stringMatching(/payer TIN is not set/)]);

    expectOk(await setPayerTin(ctx, ORG, { tin: '98-7654321', type: 'EIN' }));
    const exported = expectOk(await exportYearEnd(docs, ORG, 2026));
    expect(exported.files.map((f) => f.name)).toEqual([
      'iris-1099-nec-2026-1.csv',
      '1099-NEC-2026-copy-B-Ana Morales.pdf',
      '1099-NEC-2026-copy-B-Tom Becker.pdf',
      '1099-NEC-2026-summary.pdf',
    ]);
    const [header, ...records] = parseCsv(new TextDecoder().decode(exported.files[0]!.bytes).trimEnd());
    expect(header).toEqual(IRIS_1099_NEC_HEADER);
    const col = (name: string) => records.map((r) => r[IRIS_1099_NEC_HEADER.indexOf(name)]);
    expect(col('Recipient Taxpayer ID Number')).toEqual(['123456782', '123456781']);
    expect(col('Payer Taxpayer ID Number')).toEqual(['987654321', '987654321']);
    expect(col('Recipient Name Type')).toEqual(['B', 'I']);
    expect(exported.skipped).toEqual([
      { therapistId: id('Omar Haddad'), name: 'Omar Haddad', reasons: [expect.stringMatching(/^No W-9 on file/)] },
    ]);

    const summary = expectOk(await taxYearSummary(ctx, ORG, 2026));
    expect(col('Box 1 - Nonemployee Compensation')).toEqual(
      ['Ana Morales', 'Tom Becker'].map((n) => {
        const cents = summary.therapists.find((t) => t.name === n)!.totalCents;
        return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      }),
    );
    for (const copy of exported.files.filter((f) => f.name.endsWith('.pdf'))) {
      const text = await pdfText(copy.bytes);
      for (const tin of [...FULL_TINS, '987654321']) expect(text).not.toContain(tin);
    }
    const tom = await pdfText(exported.files[2]!.bytes);
    expect(tom).toContain(formatMoney(summary.therapists.find((t) => t.name === 'Tom Becker')!.totalCents));
    // Only the recipient's TIN is truncated: the payer's own is printed in full.
    expect(tom).toContain('98-7654321 ***-**-6781');

    const summaryText = await pdfText(exported.files[3]!.bytes);
    for (const t of summary.therapists) {
      expect(summaryText).toContain(
        `${t.name} ${formatMoney(t.totalCents)} ${formatMoney(t.withheldCents)} ${formatMoney(t.excludedCents)} ${t.reportable ? 'Yes' : 'No'}:`,
      );
    }
    expect(summaryText).toContain('Left out of the IRS file');
    expect(summaryText).toContain('Omar Haddad: No W-9 on file');
    expect(summaryText).toContain('DUE DATE 02/01/2027');
    const audit = await ctx.store.listAudit(ORG, { recordId: '2026' });
    expect(audit.some((a) => a.action === 'export' && /2 recipient copies, 1 left out/.test(a.detail ?? ''))).toBe(true);
  });

  it('gives only a summary that says so for a year with no payments', async () => {
    const exported = expectOk(await exportYearEnd(docs, ORG, 2025));
    expect(exported.files.map((f) => f.name)).toEqual(['1099-NEC-2025-summary.pdf']);
    const text = await pdfText(exported.files[0]!.bytes);
    expect(text).toContain('No payments were recorded as paid in 2025: there is no 1099-NEC to file for this year.');
    expect(text).toContain('THRESHOLD $600.00');
  });
});

describe("the accountant's files", () => {
  it('exports a month of invoices without patients, the payments ledger, and the receipts from agencies', async () => {
    const paid = (await ctx.store.listInvoices(ORG, {})).find((i) => i.status === 'issued' && i.issueDate >= '2026-09-01')!;
    expectOk(
      await recordReceipt(ctx, ORG, {
        agencyId: paid.agencyId,
        amountCents: 1_000,
        receivedOn: paid.issueDate,
        method: 'check',
        reference: '7001',
        invoiceIds: [paid.id],
      }),
    );
    const files = expectOk(await exportAccounting(ctx, ORG, { from: '2026-09-01', to: '2026-12-31' }));
    expect(files.map((f) => f.name)).toEqual([
      'qbo-invoices-2026-09-01-to-2026-12-31.csv',
      'credit-notes-2026-09-01-to-2026-12-31.csv',
      'qbo-payments-2026-09-01-to-2026-12-31.csv',
      'payments-ledger-2026-09-01-to-2026-12-31.csv',
      'qbo-receive-payments-2026-09-01-to-2026-12-31.csv',
      'receivable-credits-2026-09-01-to-2026-12-31.csv',
    ]);
    const [invoices, credits, bank, ledger, receipts, receivableCredits] = files.map((f) =>
      parseCsv(new TextDecoder().decode(f.bytes).trimEnd()),
    );
    const [month, day, year] = [paid.issueDate.slice(5, 7), paid.issueDate.slice(8), paid.issueDate.slice(0, 4)];
    expect(receipts!.slice(1)).toEqual([
      [paid.agencyName, `${month}/${day}/${year}`, '10.00', 'Check', '7001', `${paid.number} 10.00`, '0.00', ''],
    ]);
    expect(receivableCredits).toHaveLength(1);
    const text = files.map((f) => new TextDecoder().decode(f.bytes)).join('\n');
    expect(text).not.toMatch(new RegExp(DEMO_PATIENTS.join('|')));
    expect(text).not.toMatch(/MR\d{6}/);
    const issued = (await ctx.store.listInvoices(ORG, {})).filter((i) => i.status === 'issued');
    const notes = await ctx.store.listCreditNotes(ORG);
    const cents = (rows: string[][]) => rows.slice(1).reduce((s, r) => s + Math.round(Number(r[10]) * 100), 0);
    expect(cents(invoices!)).toBe(issued.reduce((s, i) => s + i.totalCents, 0));
    expect(credits!.slice(1).reduce((s, r) => s + Math.round(Number(r[6]) * 100), 0)).toBe(notes.reduce((s, n) => s + n.totalCents, 0));
    const payments = await ctx.store.listPayments(ORG, { paidFrom: '2026-09-01', paidTo: '2026-12-31' });
    expect(ledger!.length - 1).toBe(payments.length);
    expect(bank!.slice(1).every((r) => r[2]!.startsWith('-'))).toBe(true);
    const bad = await exportAccounting(ctx, ORG, { from: '2026-12-31', to: '2026-01-01' });
    expect(!bad.ok && bad.error.code).toBe('invalid-input');
  });

  it('closes a month for an agency with no visits without an invoice for it', async () => {
    const [quiet] = expectOk(
      await upsertAgencies(ctx, ORG, [
        { name: 'Quiet Valley Home Health', billingCycle: { kind: 'monthly' }, termsDays: 30, patientIdentifier: 'name' },
      ]),
    );
    ctx.setNow('2026-11-02T15:00:00.000Z'); // October has ended
    const closed = expectOk(await closeMonth(ctx, ORG, '2026-10'));
    const cycle = closed.cycles.find((c) => c.agencyId === quiet!.id);
    expect(cycle).toMatchObject({ status: 'closed', invoice: null, held: [] });
    expect(await ctx.store.listInvoices(ORG, { agencyId: quiet!.id })).toEqual([]);
  });
});
