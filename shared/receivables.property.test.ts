/**
 * Properties of the receivables ledger over random sequences of receipts, credit applications,
 * refunds, write-offs, reversals, credit notes and voids: no cent lost or created, open is
 * what is left of each invoice, and the status follows from the amounts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './dates.ts';
import {
  agedOpen,
  ledgerTotals,
  planCreditApplication,
  planReceipt,
  planRefund,
  planReversal,
  planWriteOff,
  receivablesLedger,
  type EntryStamp,
  type LedgerCreditNote,
  type LedgerInputs,
  type LedgerInvoice,
  type Receivables,
  type ReceivableEntry,
} from './receivables.ts';
import { sumCents } from './money.ts';

const AGENCIES = ['a1', 'a2'];
const ON = '2026-03-01';

const invoicesArb = fc
  .array(
    fc.record({ agency: fc.constantFrom(...AGENCIES), total: fc.integer({ min: 0, max: 50_000 }), due: fc.integer({ min: 0, max: 120 }) }),
    { minLength: 1, maxLength: 6 },
  )
  .map((rows) =>
    rows.map(
      (r, i): LedgerInvoice => ({
        id: `inv-${i + 1}`,
        number: `INV-${i + 1}`,
        sequence: i + 1,
        agencyId: r.agency,
        issueDate: '2026-01-01',
        dueDate: addDays('2026-01-01', r.due),
        totalCents: r.total,
        status: 'issued',
      }),
    ),
  );

type Op =
  | { op: 'receipt'; agency: number; amount: number; named: number[] }
  | { op: 'apply-credit'; agency: number; amount: number | null }
  | { op: 'refund'; agency: number; amount: number }
  | { op: 'write-off'; invoice: number; amount: number | null }
  | { op: 'reverse'; entry: number }
  | { op: 'credit-note'; invoice: number; amount: number }
  | { op: 'void'; invoice: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('receipt' as const),
    agency: fc.nat(1),
    amount: fc.integer({ min: 1, max: 80_000 }),
    named: fc.array(fc.nat(5), { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('apply-credit' as const), agency: fc.nat(1), amount: fc.option(fc.integer({ min: 1, max: 30_000 })) }),
  fc.record({ op: fc.constant('refund' as const), agency: fc.nat(1), amount: fc.integer({ min: 1, max: 30_000 }) }),
  fc.record({ op: fc.constant('write-off' as const), invoice: fc.nat(5), amount: fc.option(fc.integer({ min: 1, max: 20_000 })) }),
  fc.record({ op: fc.constant('reverse' as const), entry: fc.nat(40) }),
  fc.record({ op: fc.constant('credit-note' as const), invoice: fc.nat(5), amount: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ op: fc.constant('void' as const), invoice: fc.nat(5) }),
);

function stampFor(inputs: LedgerInputs, agencyId: string, counter: { n: number }): EntryStamp {
  const next = inputs.entries.filter((e) => e.agencyId === agencyId).length + 1;
  return { newId: () => `e${++counter.n}`, nextSeq: next, recordedAt: '2026-03-01T00:00:00.000Z' };
}

/** The invariants of one ledger, checked from its inputs. */
function expectConsistent(inputs: LedgerInputs, ledger: Receivables): void {
  const appliedRaw = new Map<string, number>();
  for (const e of inputs.entries)
    if (e.kind === 'application' && !ledger.cancelled.has(e.id))
      appliedRaw.set(e.invoiceId, (appliedRaw.get(e.invoiceId) ?? 0) + e.amountCents);
  for (const b of ledger.invoices.values()) {
    for (const v of [b.paidCents, b.creditedCents, b.writtenOffCents, b.openCents]) expect(v).toBeGreaterThanOrEqual(0);
    expect(b.paidCents).toBeLessThanOrEqual(appliedRaw.get(b.invoice.id) ?? 0);
    if (b.invoice.status === 'void') {
      expect([b.status, b.openCents, b.paidCents]).toEqual(['void', 0, 0]);
      continue;
    }
    expect(b.openCents).toBe(b.invoice.totalCents - b.paidCents - b.creditedCents - b.writtenOffCents);
    const expected =
      b.openCents > 0 ? (b.paidCents > 0 ? 'partially paid' : 'open') : b.paidCents > 0 && b.writtenOffCents === 0 ? 'paid' : 'closed';
    expect(b.status).toBe(expected);
  }
  for (const a of ledger.agencies.values()) expect(a.creditCents).toBeGreaterThanOrEqual(0);
  // Every cent received is on an invoice, on account, or refunded.
  const live = inputs.entries.filter((e) => !ledger.cancelled.has(e.id));
  const received = sumCents(live.filter((e) => e.kind === 'receipt').map((e) => e.amountCents));
  const refunded = sumCents(live.filter((e) => e.kind === 'refund').map((e) => e.amountCents));
  const paid = sumCents([...ledger.invoices.values()].map((b) => b.paidCents));
  const credit = sumCents([...ledger.agencies.values()].map((a) => a.creditCents));
  expect(received).toBe(paid + credit + refunded);
  expect(ledgerTotals(ledger)).toEqual({ receivedCents: received, paidCents: paid, refundedCents: refunded, creditCents: credit });
}

const openOf = (ledger: Receivables, agencyId?: string) =>
  sumCents([...ledger.invoices.values()].filter((b) => agencyId === undefined || b.invoice.agencyId === agencyId).map((b) => b.openCents));
const paidOf = (ledger: Receivables) => sumCents([...ledger.invoices.values()].map((b) => b.paidCents));
const creditOf = (ledger: Receivables, agencyId: string) => ledger.agencies.get(agencyId)?.creditCents ?? 0;

describe('the receivables ledger', () => {
  it('loses and creates no cent over any sequence of receipts, credits, refunds, write-offs, reversals, credit notes and voids', () => {
    fc.assert(
      fc.property(invoicesArb, fc.array(opArb, { maxLength: 25 }), (invoices, ops) => {
        let inputs: LedgerInputs = { invoices, creditNotes: [], entries: [] };
        const counter = { n: 0 };
        for (const op of ops) {
          const before = receivablesLedger(inputs);
          let added: ReceivableEntry[] = [];
          if (op.op === 'receipt') {
            const agencyId = AGENCIES[op.agency]!;
            const named = op.named.map((i) => invoices[i % invoices.length]!.id);
            const r = planReceipt(
              inputs,
              { agencyId, on: ON, amountCents: op.amount, method: 'check', ...(named.length ? { invoiceIds: named } : {}) },
              stampFor(inputs, agencyId, counter),
            );
            if (!r.ok) continue;
            added = r.value;
            const after = receivablesLedger({ ...inputs, entries: [...inputs.entries, ...added] });
            // The receipt pays what it can of what is open; the rest is credit.
            const paidNow = paidOf(after) - paidOf(before);
            expect(paidNow + creditOf(after, agencyId) - creditOf(before, agencyId)).toBe(op.amount);
            expect(openOf(before) - openOf(after)).toBe(paidNow);
            if (!named.length) expect(paidNow).toBe(Math.min(op.amount, openOf(before, agencyId)));
            // Reversing it at once puts every balance back.
            const reversal = planReversal(
              { ...inputs, entries: [...inputs.entries, ...added] },
              { entryId: added[0]!.id, on: ON, reason: 'entered twice' },
              { newId: () => 'rev', nextSeq: 999, recordedAt: 'x' },
            );
            expect(reversal.ok).toBe(true);
            if (reversal.ok) {
              const undone = receivablesLedger({ ...inputs, entries: [...inputs.entries, ...added, ...reversal.value] });
              expect([...undone.invoices.values()]).toEqual([...before.invoices.values()]);
              expect(creditOf(undone, agencyId)).toBe(creditOf(before, agencyId));
            }
          } else if (op.op === 'apply-credit') {
            const agencyId = AGENCIES[op.agency]!;
            const r = planCreditApplication(
              inputs,
              { agencyId, on: ON, ...(op.amount !== null ? { amountCents: op.amount } : {}) },
              stampFor(inputs, agencyId, counter),
            );
            if (!r.ok) continue;
            added = r.value;
            const after = receivablesLedger({ ...inputs, entries: [...inputs.entries, ...added] });
            expect(paidOf(after) - paidOf(before)).toBe(creditOf(before, agencyId) - creditOf(after, agencyId));
          } else if (op.op === 'refund') {
            const agencyId = AGENCIES[op.agency]!;
            const r = planRefund(inputs, { agencyId, on: ON, amountCents: op.amount, method: 'ach' }, stampFor(inputs, agencyId, counter));
            expect(r.ok).toBe(op.amount <= creditOf(before, agencyId));
            if (!r.ok) continue;
            added = r.value;
          } else if (op.op === 'write-off') {
            const invoice = invoices[op.invoice % invoices.length]!;
            const r = planWriteOff(
              inputs,
              { invoiceId: invoice.id, on: ON, reason: 'short paid', ...(op.amount !== null ? { amountCents: op.amount } : {}) },
              stampFor(inputs, invoice.agencyId, counter),
            );
            if (!r.ok) continue;
            added = r.value;
            const after = receivablesLedger({ ...inputs, entries: [...inputs.entries, ...added] });
            expect(openOf(before) - openOf(after)).toBe(added[0]!.kind === 'write-off' ? added[0]!.amountCents : NaN);
            expect(paidOf(after)).toBe(paidOf(before));
          } else if (op.op === 'reverse') {
            const target = inputs.entries[op.entry % Math.max(1, inputs.entries.length)];
            if (!target) continue;
            const r = planReversal(inputs, { entryId: target.id, on: ON, reason: 'mistake' }, stampFor(inputs, target.agencyId, counter));
            if (!r.ok) continue;
            added = r.value;
          } else if (op.op === 'credit-note') {
            const invoice = invoices[op.invoice % invoices.length]!;
            const noted = sumCents(inputs.creditNotes.filter((n) => n.invoiceId === invoice.id).map((n) => n.totalCents));
            if (invoice.status === 'void' || noted + op.amount > invoice.totalCents) continue; // as draftCreditNote refuses
            const note: LedgerCreditNote = { invoiceId: invoice.id, totalCents: op.amount, issueDate: ON };
            inputs = { ...inputs, creditNotes: [...inputs.creditNotes, note] };
          } else {
            const i = op.invoice % invoices.length;
            invoices[i] = { ...invoices[i]!, status: 'void', voidedOn: ON };
            inputs = { ...inputs, invoices: [...invoices] };
          }
          inputs = { ...inputs, entries: [...inputs.entries, ...added] };
          const after = receivablesLedger(inputs);
          expectConsistent(inputs, after);
          // Only receipts, refunds and their reversals move money in or out; the rest moves it between invoices and credit.
          const moved = (l: Receivables) => ledgerTotals(l).receivedCents - ledgerTotals(l).refundedCents;
          const inOut = added.some((e) => e.kind === 'receipt' || e.kind === 'refund' || e.kind === 'reversal');
          if (!inOut) expect(moved(after)).toBe(moved(before));
          // Each agency's seqs run from 1 without a gap.
          for (const agencyId of AGENCIES)
            expect(inputs.entries.filter((e) => e.agencyId === agencyId).map((e) => e.seq)).toEqual(
              inputs.entries.filter((e) => e.agencyId === agencyId).map((_, k) => k + 1),
            );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ages only what is open, by days past the due date', () => {
    const inv = (id: string, dueDate: string, totalCents: number): LedgerInvoice => ({
      id,
      number: id,
      sequence: Number(id.slice(1)),
      agencyId: 'a1',
      issueDate: '2026-01-01',
      dueDate,
      totalCents,
      status: 'issued',
    });
    const inputs: LedgerInputs = {
      invoices: [inv('i1', '2026-06-01', 100), inv('i2', '2026-05-31', 200), inv('i3', '2026-04-01', 300), inv('i4', '2026-01-01', 400)],
      creditNotes: [],
      entries: [],
    };
    const paid = planReceipt(
      inputs,
      { agencyId: 'a1', on: '2026-06-01', amountCents: 450, method: 'ach', invoiceIds: ['i4', 'i3'] },
      { newId: () => `x${Math.random()}`, nextSeq: 1, recordedAt: 't' },
    );
    if (!paid.ok) throw new Error(paid.error.message);
    const ledger = receivablesLedger({ ...inputs, entries: paid.value });
    expect(agedOpen([...ledger.invoices.values()], '2026-06-01')).toEqual({
      currentCents: 100,
      days1to30Cents: 200,
      days31to60Cents: 0,
      days61to90Cents: 250,
      over90Cents: 0,
    });
    expect([...ledger.invoices.values()].map((b) => b.status)).toEqual(['open', 'open', 'partially paid', 'paid']);
  });

  it("refuses payments to a void invoice, another agency's, and reversing a receipt whose credit was refunded", () => {
    const base: LedgerInvoice = {
      id: 'v',
      number: 'INV-1',
      sequence: 1,
      agencyId: 'a1',
      issueDate: '2026-01-01',
      dueDate: '2026-02-01',
      totalCents: 1000,
      status: 'void',
    };
    const inputs: LedgerInputs = {
      invoices: [base, { ...base, id: 'o', number: 'INV-2', sequence: 2, agencyId: 'a2', status: 'issued' }],
      creditNotes: [],
      entries: [],
    };
    let n = 0;
    const stamp = (nextSeq: number): EntryStamp => ({ newId: () => `id${++n}`, nextSeq, recordedAt: 't' });
    const receipt = (invoiceIds: string[]) =>
      planReceipt(inputs, { agencyId: 'a1', on: ON, amountCents: 500, method: 'check', invoiceIds }, stamp(1));
    expect(receipt(['v'])).toMatchObject({ ok: false, error: { code: 'invoice-void' } });
    expect(receipt(['o'])).toMatchObject({ ok: false, error: { code: 'other-agency' } });
    const onAccount = planReceipt(inputs, { agencyId: 'a1', on: ON, amountCents: 500, method: 'check' }, stamp(1));
    if (!onAccount.ok) throw new Error('refused');
    const refunded = planRefund(
      { ...inputs, entries: onAccount.value },
      { agencyId: 'a1', on: ON, amountCents: 200, method: 'check' },
      stamp(2),
    );
    if (!refunded.ok) throw new Error('refused');
    const entries = [...onAccount.value, ...refunded.value];
    expect(planReversal({ ...inputs, entries }, { entryId: onAccount.value[0]!.id, on: ON, reason: 'bounced' }, stamp(3))).toMatchObject({
      ok: false,
      error: { code: 'credit-spent' },
    });
  });
});
