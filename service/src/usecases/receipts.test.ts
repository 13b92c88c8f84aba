/** Getting paid, on a real SQLite store: receipts, credit, refunds, write-offs, reversals and the aged report. */
import { describe, expect, it } from 'vitest';
import { expectOk } from '../../../shared/test-support/results.ts';
import { anInvoiceToIssue } from '../test-support/store-records.ts';
import { aUseCaseContext } from '../test-support/use-case-context.ts';
import { upsertAgencies } from './directory.ts';
import { issueCreditNote, voidInvoice } from './invoices.ts';
import { createOrg } from './orgs.ts';
import { applyCredit, listReceipts, recordReceipt, refundCredit, reverseReceivable, writeOffInvoice } from './receipts.ts';
import { receivablesReport } from './receivables.ts';

/** Acme with two agencies; Oakridge owes INV-0001 ($100, due Mar 3) and INV-0002 ($250, due Apr 2), Summit INV-0003 ($80). */
async function anOrgWithInvoices() {
  const ctx = aUseCaseContext({ now: '2026-04-10T15:00:00.000Z' });
  expectOk(await createOrg(ctx, { id: 'acme', settings: { name: 'Acme Staffing' } }));
  const [oak, summit] = expectOk(await upsertAgencies(ctx, 'acme', [{ name: 'Oakridge Home Health' }, { name: 'Summit Visiting Health' }]));
  const closed = await ctx.store.commitClose('acme', {
    cycle: { id: 'c1', scope: { kind: 'agency', agencyId: oak!.id }, period: { start: '2026-01-01', end: '2026-01-31' } },
    invoices: [
      anInvoiceToIssue('i1', 'c1', [], { agencyId: oak!.id, totalCents: 10_000, dueDate: '2026-03-03' }),
      anInvoiceToIssue('i2', 'c1', [], { agencyId: oak!.id, totalCents: 25_000, issueDate: '2026-03-03', dueDate: '2026-04-02' }),
      anInvoiceToIssue('i3', 'c1', [], { agencyId: summit!.id, totalCents: 8_000, dueDate: '2026-03-03' }),
    ],
    closedAt: '2026-02-01T12:00:00.000Z',
  });
  if (closed.status !== 'closed') throw new Error('not closed');
  return { ctx, oak: oak!.id, summit: summit!.id };
}

describe('receipts from agencies', () => {
  it('applies a receipt to the oldest due first, leaves the next partially paid and keeps the rest as credit', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    const first = expectOk(
      await recordReceipt(ctx, 'acme', {
        agencyId: oak,
        amountCents: 15_000,
        receivedOn: '2026-04-05',
        method: 'check',
        reference: '1042',
      }),
    );
    expect(first.invoices.map((i) => [i.number, i.paidCents, i.openCents, i.status])).toEqual([
      ['INV-0001', 10_000, 0, 'paid'],
      ['INV-0002', 5_000, 20_000, 'partially paid'],
    ]);
    expect(first.creditCents).toBe(0);
    const over = expectOk(
      await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 30_000, receivedOn: '2026-04-06', method: 'ach' }),
    );
    expect(over.creditCents).toBe(10_000);
    expect(over.invoices.map((i) => [i.number, i.status])).toEqual([['INV-0002', 'paid']]);
    const audit = (await ctx.store.listAudit('acme', {})).filter((e) => e.recordType === 'receipt');
    expect(audit.map((e) => e.detail)).toEqual([
      `15000 cents from agency ${oak} by check, received 2026-04-05, applied to 2 invoices`,
      `30000 cents from agency ${oak} by ach, received 2026-04-06, applied to 1 invoices`,
    ]);
  });

  it("applies to the invoices named, refuses a void one and another agency's, and holds credit until the owner applies it", async () => {
    const { ctx, oak, summit } = await anOrgWithInvoices();
    const named = expectOk(
      await recordReceipt(ctx, 'acme', {
        agencyId: oak,
        amountCents: 26_000,
        receivedOn: '2026-04-05',
        method: 'card',
        invoiceIds: ['i2'],
      }),
    );
    expect(named.invoices.map((i) => [i.number, i.status])).toEqual([['INV-0002', 'paid']]);
    expect(named.creditCents).toBe(1_000);
    expect(
      await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 100, receivedOn: '2026-04-05', method: 'check', invoiceIds: ['i3'] }),
    ).toMatchObject({ ok: false, error: { code: 'rule-broken', details: { code: 'other-agency' } } });
    expectOk(await voidInvoice(ctx, 'acme', 'i3', { reason: 'wrong agency' }));
    expect(
      await recordReceipt(ctx, 'acme', {
        agencyId: summit,
        amountCents: 100,
        receivedOn: '2026-04-05',
        method: 'check',
        invoiceIds: ['i3'],
      }),
    ).toMatchObject({ ok: false, error: { details: { code: 'invoice-void' } } });
    const appliedCredit = expectOk(await applyCredit(ctx, 'acme', oak, {}));
    expect(appliedCredit.invoices.map((i) => [i.number, i.paidCents, i.openCents])).toEqual([['INV-0001', 1_000, 9_000]]);
    expect(appliedCredit.creditCents).toBe(0);
    expect(await applyCredit(ctx, 'acme', oak, {})).toMatchObject({ ok: false, error: { details: { code: 'no-credit' } } });
  });

  it('refunds credit, writes off a short pay, and reverses a receipt by a new entry, both kept', async () => {
    const { ctx, oak, summit } = await anOrgWithInvoices();
    const receipt = expectOk(
      await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 40_000, receivedOn: '2026-04-05', method: 'check' }),
    );
    expect(receipt.creditCents).toBe(5_000);
    const refund = expectOk(
      await refundCredit(ctx, 'acme', oak, { amountCents: 2_000, on: '2026-04-07', method: 'check', reference: '2001' }),
    );
    expect(refund.creditCents).toBe(3_000);
    expect(await refundCredit(ctx, 'acme', oak, { amountCents: 3_001, on: '2026-04-07', method: 'check' })).toMatchObject({
      ok: false,
      error: { details: { code: 'exceeds-credit' } },
    });
    // Part of the receipt went back to the agency: the refund is reversed first.
    expect(await reverseReceivable(ctx, 'acme', receipt.entries[0]!.id, { reason: 'check bounced' })).toMatchObject({
      ok: false,
      error: { details: { code: 'credit-spent' } },
    });
    expectOk(await reverseReceivable(ctx, 'acme', refund.entries[0]!.id, { reason: 'refund check never sent' }));
    const undone = expectOk(await reverseReceivable(ctx, 'acme', receipt.entries[0]!.id, { reason: 'check bounced' }));
    expect(undone.creditCents).toBe(0);
    expect(undone.invoices.map((i) => [i.number, i.paidCents, i.status])).toEqual([
      ['INV-0001', 0, 'open'],
      ['INV-0002', 0, 'open'],
    ]);
    expect((await ctx.store.listReceivables('acme', oak)).map((e) => e.kind)).toEqual([
      'receipt',
      'application',
      'application',
      'refund',
      'reversal',
      'reversal',
    ]);
    expect(await reverseReceivable(ctx, 'acme', receipt.entries[0]!.id, { reason: 'again' })).toMatchObject({
      ok: false,
      error: { details: { code: 'already-reversed' } },
    });
    const receipts = expectOk(await listReceipts(ctx, 'acme', oak));
    expect(receipts.map((r) => [r.amountCents, r.reversed, r.applications.length])).toEqual([[40_000, true, 2]]);

    expectOk(await recordReceipt(ctx, 'acme', { agencyId: summit, amountCents: 7_500, receivedOn: '2026-04-05', method: 'ach' }));
    const writeOff = expectOk(await writeOffInvoice(ctx, 'acme', 'i3', { reason: 'disputed mileage, not worth chasing' }));
    expect(writeOff.invoices.map((i) => [i.paidCents, i.writtenOffCents, i.openCents, i.status])).toEqual([[7_500, 500, 0, 'closed']]);
    expect(await writeOffInvoice(ctx, 'acme', 'i3', { reason: 'again' })).toMatchObject({
      ok: false,
      error: { details: { code: 'nothing-open' } },
    });
  });

  it('gives back what a credit note takes off a paid invoice as credit', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    expectOk(
      await recordReceipt(ctx, 'acme', {
        agencyId: oak,
        amountCents: 10_000,
        receivedOn: '2026-04-05',
        method: 'check',
        invoiceIds: ['i1'],
      }),
    );
    expectOk(
      await issueCreditNote(ctx, 'acme', 'i1', {
        reason: 'visit disputed',
        lines: [{ description: 'disputed visit', amountCents: 2_500 }],
      }),
    );
    const report = expectOk(await receivablesReport(ctx, 'acme'));
    expect(report.agencies.find((a) => a.agency === 'Oakridge Home Health')).toMatchObject({ openCents: 25_000, creditCents: 2_500 });
  });
});

describe('a retried receipt', () => {
  it('answers the first receipt for the same key and body, records nothing again, and refuses the key for another receipt', async () => {
    const { ctx, oak, summit } = await anOrgWithInvoices();
    const receipt = {
      agencyId: oak,
      amountCents: 15_000,
      receivedOn: '2026-04-05',
      method: 'check',
      reference: '1042',
      clientId: 'k-1042',
    };
    const first = expectOk(await recordReceipt(ctx, 'acme', receipt));
    expect(first).not.toHaveProperty('replayed');
    expect(first.entries[0]).toMatchObject({ kind: 'receipt', clientId: 'k-1042' });
    const again = expectOk(await recordReceipt(ctx, 'acme', receipt));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await ctx.store.listReceivables('acme')).toHaveLength(first.entries.length);
    expect((await ctx.store.listAudit('acme', {})).filter((e) => e.recordType === 'receipt')).toHaveLength(1);

    for (const other of [{ amountCents: 15_001 }, { agencyId: summit }, { reference: '1043' }, { invoiceIds: ['i2'] }]) {
      const refused = await recordReceipt(ctx, 'acme', { ...receipt, ...other });
      expect(refused).toEqual({
        ok: false,
        error: {
          code: 'conflict',
          message: `idempotency key "k-1042" was used for another receipt (${first.entries[0]!.id}); use a new key for a new receipt`,
          details: { code: 'key-reused', receiptId: first.entries[0]!.id },
        },
      });
    }
    // Without a key, the same money twice is two receipts: the second pays what the first left.
    const { clientId: _, ...unkeyed } = receipt;
    expectOk(await recordReceipt(ctx, 'acme', unkeyed));
    expectOk(await recordReceipt(ctx, 'acme', unkeyed));
    expect(expectOk(await listReceipts(ctx, 'acme', oak))).toHaveLength(3);
  });

  it('records one receipt when two copies with the same key race', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    const receipt = { agencyId: oak, amountCents: 10_000, receivedOn: '2026-04-05', method: 'ach', clientId: 'race' };
    const [a, b] = await Promise.all([recordReceipt(ctx, 'acme', receipt), recordReceipt(ctx, 'acme', receipt)]);
    expect(expectOk(a).entries[0]!.id).toBe(expectOk(b).entries[0]!.id);
    expect((await ctx.store.listReceivables('acme')).filter((e) => e.kind === 'receipt')).toHaveLength(1);
  });
});

describe('a receipt dated before an invoice was issued', () => {
  it('is refused for an invoice named, and by default pays only invoices issued by then, the rest credit', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    const refused = await recordReceipt(ctx, 'acme', {
      agencyId: oak,
      amountCents: 5_000,
      receivedOn: '2026-03-02',
      method: 'check',
      invoiceIds: ['i2'],
    });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'rule-broken',
        message: 'The receipt is dated 2026-03-02, before Invoice INV-0002 was issued (2026-03-03); check the date or the invoice',
        details: { code: 'before-issue' },
      },
    });
    const byDefault = expectOk(
      await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 15_000, receivedOn: '2026-03-02', method: 'check' }),
    );
    expect(byDefault.invoices.map((i) => [i.number, i.status])).toEqual([['INV-0001', 'paid']]);
    expect(byDefault.creditCents).toBe(5_000);
  });
});

describe('a day after today', () => {
  // The clock is 2026-04-10 11:00 in New York: the 11th is tomorrow there.
  const tomorrow = 'after today (2026-04-10 in America/New_York)';

  it('is refused for a receipt, a refund, a write-off, a reversal and a credit application, and nothing is recorded', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    expect(await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 1_000, receivedOn: '2026-04-11', method: 'check' })).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: `receivedOn is 2026-04-11, ${tomorrow}: record a receipt once the money has arrived`,
        details: [{ path: 'receivedOn', message: `is 2026-04-11, ${tomorrow}: record a receipt once the money has arrived` }],
      },
    });
    const receipt = expectOk(
      await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 40_000, receivedOn: '2026-04-10', method: 'check' }),
    );
    expect(receipt.creditCents).toBe(5_000);
    const refused = (field: string, advice: string) => ({
      ok: false,
      error: { code: 'invalid-input', message: `${field} is 2026-04-11, ${tomorrow}: ${advice}` },
    });
    expect(await refundCredit(ctx, 'acme', oak, { amountCents: 1_000, on: '2026-04-11', method: 'check' })).toMatchObject(
      refused('on', 'record a refund once it is paid'),
    );
    expect(await applyCredit(ctx, 'acme', oak, { on: '2026-04-11' })).toMatchObject(
      refused('on', 'apply credit on or before today (or leave out the day: today)'),
    );
    expect(await writeOffInvoice(ctx, 'acme', 'i3', { reason: 'short pay', on: '2026-04-11' })).toMatchObject(
      refused('on', 'write it off on or before today (or leave out the day: today)'),
    );
    expect(await reverseReceivable(ctx, 'acme', receipt.entries[0]!.id, { reason: 'check bounced', on: '2026-04-11' })).toMatchObject(
      refused('on', 'reverse it on or before today (or leave out the day: today)'),
    );
    expect((await ctx.store.listReceivables('acme', oak)).map((e) => [e.kind, e.on])).toEqual([
      ['receipt', '2026-04-10'],
      ['application', '2026-04-10'],
      ['application', '2026-04-10'],
    ]);
    // Today itself is taken, given or left out.
    expectOk(await refundCredit(ctx, 'acme', oak, { amountCents: 1_000, on: '2026-04-10', method: 'check' }));
    expectOk(await writeOffInvoice(ctx, 'acme', 'i3', { reason: 'short pay', on: '2026-04-10' }));
  });

  it('is taken from a Stripe event, whose clock may run ahead of ours', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    const stripeReceipt = { agencyId: oak, amountCents: 1_000, receivedOn: '2026-04-11', method: 'stripe', clientId: 'stripe:pi_1' };
    const receipt = expectOk(await recordReceipt(ctx, 'acme', stripeReceipt, 'stripe-event'));
    expect(receipt.entries[0]).toMatchObject({ kind: 'receipt', on: '2026-04-11' });
    const reversed = expectOk(
      await reverseReceivable(ctx, 'acme', receipt.entries[0]!.id, { reason: 'disputed in Stripe', on: '2026-04-11' }, 'stripe-event'),
    );
    expect(reversed.entries[0]).toMatchObject({ kind: 'reversal', on: '2026-04-11' });
  });
});

describe('the receivables report', () => {
  it('ages what is open by days past the due date, as of a day, agency by agency', async () => {
    const { ctx, oak } = await anOrgWithInvoices();
    expectOk(await recordReceipt(ctx, 'acme', { agencyId: oak, amountCents: 4_000, receivedOn: '2026-04-05', method: 'check' }));
    const now = expectOk(await receivablesReport(ctx, 'acme'));
    expect(now).toEqual({
      asOf: '2026-04-10',
      agencies: [
        {
          agency: 'Oakridge Home Health',
          openCents: 31_000,
          creditCents: 0,
          buckets: { currentCents: 0, days1to30Cents: 25_000, days31to60Cents: 6_000, days61to90Cents: 0, over90Cents: 0 },
          invoices: [
            {
              number: 'INV-0001',
              issueDate: '2026-02-01',
              dueDate: '2026-03-03',
              totalCents: 10_000,
              paidCents: 4_000,
              openCents: 6_000,
              status: 'partially paid',
            },
            {
              number: 'INV-0002',
              issueDate: '2026-03-03',
              dueDate: '2026-04-02',
              totalCents: 25_000,
              paidCents: 0,
              openCents: 25_000,
              status: 'open',
            },
          ],
        },
        {
          agency: 'Summit Visiting Health',
          openCents: 8_000,
          creditCents: 0,
          buckets: { currentCents: 0, days1to30Cents: 0, days31to60Cents: 8_000, days61to90Cents: 0, over90Cents: 0 },
          invoices: [
            {
              number: 'INV-0003',
              issueDate: '2026-02-01',
              dueDate: '2026-03-03',
              totalCents: 8_000,
              paidCents: 0,
              openCents: 8_000,
              status: 'open',
            },
          ],
        },
      ],
    });
    // Before the receipt and before INV-0002 was issued.
    const earlier = expectOk(await receivablesReport(ctx, 'acme', '2026-03-01'));
    expect(earlier.agencies.map((a) => [a.agency, a.openCents, a.buckets.currentCents])).toEqual([
      ['Oakridge Home Health', 10_000, 10_000],
      ['Summit Visiting Health', 8_000, 8_000],
    ]);
  });
});
