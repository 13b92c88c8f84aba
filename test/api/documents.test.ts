/**
 * Downloads over HTTP: an invoice's PDF served byte-identical with its SHA-256 as ETag and
 * a file name that is its number; the 1099-NEC summary for members, the IRS file (full
 * TINs) for the owner only.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/index.ts';
import { pdfText } from '../../service/src/test-support/pdf-text.ts';
import { startTestApi, type TestApi } from './harness.ts';
import { buildOrg, ok, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let org: BuiltOrg;
let invoices: { id: string; number: string; totalCents: number }[];

async function download(path: string, token: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array; text: string }> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
}

beforeAll(async () => {
  api = await startTestApi();
  org = await buildOrg(api, 'docs', 'Docs');
  const month = await ok(api, 'post', '/v1/orgs/docs/cycles/close-month', { token: org.ownerToken, body: { month: '2026-01' } });
  invoices = month.cycles.map((c: { invoice: { id: string; number: string; totalCents: number } }) => c.invoice);
});
afterAll(async () => {
  await api.close();
});

describe('document downloads', () => {
  it("issues a close's invoice and pay statement PDFs behind its answer, and serves those bytes", async () => {
    const stored = async (id: string) => api.store.getDocument('docs', id);
    // The close issued its PDFs behind its answer: wait for that work itself, not for a time.
    await api.idle();
    const issued = await stored(`invoice:${invoices[1]!.id}`);
    expect(issued).not.toBeNull();
    const served = await download(`/v1/orgs/docs/invoices/${invoices[1]!.id}/pdf`, org.ownerToken);
    // Stored sealed (docs/keys.md); served as rendered, which the stored hash is of.
    expect(Buffer.from(issued!.bytes).subarray(0, 8).toString('latin1')).toBe('VLSEAL1\n');
    expect(createHash('sha256').update(served.bytes).digest('hex')).toBe(issued!.sha256);
    const audit = await api.store.listAudit('docs', { recordId: invoices[1]!.id });
    expect(audit.filter((a) => a.action === 'create' && /PDF issued/.test(a.detail ?? ''))).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'download')).toHaveLength(1);
    const [payRun] = await api.store.listPayRuns('docs');
    expect(await stored(`pay-statement:${payRun!.id}:${payRun!.statements[0]!.therapistId}`)).not.toBeNull();
  });

  it('serves the invoice PDF named by its number, the same bytes every time, with its SHA-256 as ETag', async () => {
    const [invoice] = invoices;
    const first = await download(`/v1/orgs/docs/invoices/${invoice!.id}/pdf`, org.ownerToken);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('content-disposition')).toBe(
      `attachment; filename="${invoice!.number}.pdf"; filename*=UTF-8''${invoice!.number}.pdf`,
    );
    expect(first.headers.get('etag')).toBe(`"${createHash('sha256').update(first.bytes).digest('hex')}"`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await download(`/v1/orgs/docs/invoices/${invoice!.id}/pdf`, org.ownerToken);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(await pdfText(first.bytes)).toContain(`Total due ${formatMoney(invoice!.totalCents)}`);
    // The patients are in the PDF, never in the log.
    expect(api.logText()).not.toMatch(/Quixwright|Abernathy|Szczepa/);
  });

  it('answers JSON errors for what does not exist', async () => {
    const missing = await download('/v1/orgs/docs/invoices/nope/pdf', org.ownerToken);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.code).toBe('not-found');
    const notVoid = await download(`/v1/orgs/docs/invoices/${invoices[0]!.id}/void-notice/pdf`, org.ownerToken);
    expect(JSON.parse(notVoid.text).error.code).toBe('rule-broken');
  });

  it('gives the year-end summary to members and the IRS file, with full TINs, to the owner only', async () => {
    const t = org.ownerToken;
    await ok(api, 'patch', '/v1/orgs/docs/settings', {
      token: t,
      body: { address: { line1: '5 Main St', city: 'Columbus', state: 'OH', zip: '43215' } },
    });
    await ok(api, 'put', '/v1/orgs/docs/payer-tin', { token: t, body: { tin: '31-4159265', type: 'EIN' } });
    await ok(api, 'post', '/v1/orgs/docs/payments', {
      token: t,
      body: { therapistId: org.therapistIds[0], amountCents: 250_000, paidOn: '2026-03-02', method: 'check' },
    });
    await ok(api, 'put', '/v1/orgs/docs/members/staff@docs.example', { token: t, body: { role: 'staff' } });
    const staff = api.google.idToken('staff@docs.example');

    const summary = await download('/v1/orgs/docs/tax-years/2026/summary.pdf', staff);
    expect(summary.status).toBe(200);
    const text = await pdfText(summary.bytes);
    expect(text).toContain('Docs Tom Becker $2,500.00 $0.00 $0.00 Yes: at or above On file ***-**-3219 Ready to file'); // paid, withheld (Box 4), not counted
    for (const tin of org.tins) expect(text).not.toContain(tin.replace(/-/g, ''));

    expect((await download('/v1/orgs/docs/tax-years/2026/iris/1', staff)).status).toBe(403);
    const iris = await download('/v1/orgs/docs/tax-years/2026/iris/1', t);
    expect(iris.status).toBe(200);
    expect(iris.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(iris.headers.get('content-disposition')).toMatch(/filename="iris-1099-nec-2026-1\.csv"/);
    expect(iris.text).toContain(`${org.tins[0]!.replace(/-/g, '')},I,`);
    expect(iris.text).toContain(',314159265,B,');
    expect(api.logText()).not.toContain(org.tins[0]!.replace(/-/g, ''));
    // The file handed out is audited as an export; one the year does not have is refused, and audited as nothing.
    const exports = async () => (await api.store.listAudit('docs', { recordId: '2026' })).filter((a) => a.action === 'export');
    const exportsAfterIris1 = (await exports()).length;
    expect(exportsAfterIris1).toBeGreaterThan(0);
    const auditBeforeIris2 = (await api.store.listAudit('docs', { recordId: '2026' })).length;
    expect((await download('/v1/orgs/docs/tax-years/2026/iris/2', t)).status).toBe(404);
    expect(await api.store.listAudit('docs', { recordId: '2026' })).toHaveLength(auditBeforeIris2);

    const copy = await download(`/v1/orgs/docs/tax-years/2026/copies/${org.therapistIds[0]}`, staff);
    expect(copy.status).toBe(200);
    expect(copy.headers.get('content-disposition')).toMatch(/filename="1099-NEC-2026-copy-B-Docs Tom Becker\.pdf"/);
    const copyText = await pdfText(copy.bytes);
    expect(copyText).toContain('$2,500.00');
    expect(copyText).toContain('***-**-3219');
    // The recipient's TIN truncated, the payer's own in full (a filer may not truncate its own TIN).
    for (const tin of [...org.tins, ...org.tins.map((x) => x.replace(/-/g, ''))]) expect(copyText).not.toContain(tin);
    expect(copyText).toContain('31-4159265');
    // Ana was paid nothing in 2026: no copy, and the answer says why.
    const none = await download(`/v1/orgs/docs/tax-years/2026/copies/${org.therapistIds[1]}`, staff);
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text).error.message).toMatch(/below the threshold/);
    expect(await exports()).toHaveLength(exportsAfterIris1 + 1); // Tom's copy, not Ana's refusal
  });

  it("gives the accountant's files for a date range, without patients", async () => {
    const csv = await download('/v1/orgs/docs/accounting/qbo-invoices?from=2026-01-01&to=2026-12-31', org.ownerToken);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/filename="qbo-invoices-2026-01-01-to-2026-12-31\.csv"/);
    const rows = csv.text.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'InvoiceNo,Customer,InvoiceDate,DueDate,Terms,Memo,Item(Product/Service),ItemDescription,ItemQuantity,ItemRate,ItemAmount',
    );
    const total = rows.slice(1).reduce((sum, r) => sum + Math.round(Number(r.split(',').at(-1)) * 100), 0);
    expect(total).toBe(invoices.reduce((sum, i) => sum + i.totalCents, 0));
    for (const p of org.patients) expect(csv.text).not.toContain(p.mrn);
    const ledger = await download('/v1/orgs/docs/accounting/payments-ledger?from=2026-01-01&to=2026-12-31', org.ownerToken);
    expect(ledger.text).toContain('2026-03-02,Docs Tom Becker,Check,Y,2500.00,paid');
    const received = await download('/v1/orgs/docs/accounting/qbo-receive-payments?from=2026-01-01&to=2026-12-31', org.ownerToken);
    expect(received.headers.get('content-disposition')).toMatch(/filename="qbo-receive-payments-2026-01-01-to-2026-12-31\.csv"/);
    expect(received.text.split('\r\n')[0]).toBe(
      'Customer,PaymentDate,Amount,PaymentMethod,ReferenceNo,AppliedToInvoices,Unapplied,ReversedOn',
    );
    expect((await download('/v1/orgs/docs/accounting/payments-ledger?from=2026-12-31&to=2026-01-01', org.ownerToken)).status).toBe(400);
    expect((await download('/v1/orgs/docs/accounting/everything?from=2026-01-01&to=2026-12-31', org.ownerToken)).status).toBe(400);
  });
});
