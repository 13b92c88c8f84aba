import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { draftCreditNote } from './credit-notes.ts';
import { voidInvoice } from './invoice-void.ts';
import {
  billedVisitIds,
  draftInvoice,
  dueDate,
  invoiceNumber,
  issueInvoices,
  patientInitials,
  patientLabel,
  type DraftInvoiceInput,
  type InvoiceDraft,
} from './invoicing.ts';
import { sortByNumber } from './ordering.ts';
import { buildRateBook } from './rates.ts';
import type { BillRate, CreditNote, Invoice, Visit } from './schemas.ts';
import { aBillRate, anAgency, aVisit, billable, expectInvoiceTotals, resetIds } from './test-support/builders.ts';
import { buildVocabulary } from './vocabulary.ts';
import { expectOk } from './test-support/results.ts';

const vocabulary = buildVocabulary();
const JANUARY = { start: '2026-01-01', end: '2026-01-31' };
const therapists: Record<string, string> = { 'therapist-1': 'Dana Lee', 'therapist-2': 'Ana Brooks' };

beforeEach(() => resetIds());

function draft(visits: Visit[], overrides: Partial<DraftInvoiceInput> & { billRates?: BillRate[] } = {}) {
  const { billRates, ...rest } = overrides;
  return draftInvoice({
    agency: anAgency({ id: 'agency-1' }),
    period: JANUARY,
    visits: visits.map(billable),
    rates: buildRateBook(
      billRates ?? [aBillRate(), aBillRate({ visitType: 'EVAL', cents: 16_000 }), aBillRate({ discipline: 'OT', cents: 13_000 })],
      [],
    ),
    therapistName: (id) => therapists[id] ?? id,
    vocabulary,
    issueDate: '2026-02-02',
    ...rest,
  });
}

function issued(d: InvoiceDraft, sequence = 1): Invoice {
  return issueInvoices([d], { prefix: 'INV', nextSequence: sequence, newId: () => `invoice-${sequence}` })[0]!;
}

describe('sortByNumber', () => {
  // The order a plain comparator sort gives (stable): by key, then by tie text.
  const expected = <T>(items: T[], key: (x: T) => number, tie: (x: T) => string) =>
    items
      .map((x, i) => ({ x, i }))
      .sort((a, b) => key(a.x) - key(b.x) || (tie(a.x) < tie(b.x) ? -1 : tie(a.x) > tie(b.x) ? 1 : 0) || a.i - b.i)
      .map((e) => e.x);

  it('orders by key, then by tie text, keeping equal items in their order, for whole keys and for any other keys', () => {
    const item = fc.record({
      key: fc.oneof(fc.nat(40), fc.constantFrom(0.5, -3, 2 ** 52)),
      tie: fc.constantFrom('a', 'b', 'B', 'ab', ''),
      n: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 300 }), (items) => {
        const sorted = items.slice();
        sortByNumber(
          sorted,
          (x) => x.key,
          (x) => x.tie,
        );
        expect(sorted).toEqual(
          expected(
            items,
            (x) => x.key,
            (x) => x.tie,
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same order when the items come already in tie order, as the service reads visits', () => {
    const item = fc.record({ key: fc.nat(1), tie: fc.constantFrom('a', 'b', 'B', 'ab', ''), n: fc.nat() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 200 }), fc.nat(199), (items, swapAt) => {
        const inTieOrder = items.slice().sort((a, b) => (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0));
        // One neighbouring pair swapped: a run that is almost, but not quite, in order.
        const almost = inTieOrder.slice();
        if (swapAt + 1 < almost.length) [almost[swapAt], almost[swapAt + 1]] = [almost[swapAt + 1]!, almost[swapAt]!];
        for (const input of [inTieOrder, almost]) {
          const sorted = input.slice();
          sortByNumber(
            sorted,
            (x) => x.key,
            (x) => x.tie,
          );
          expect(sorted).toEqual(
            expected(
              input,
              (x) => x.key,
              (x) => x.tie,
            ),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sorts 100,000 whole keys with many ties the same way', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ key: (i * 7919) % 997, tie: `v${(i * 104729) % 100_003}`, i }));
    const sorted = items.slice();
    sortByNumber(
      sorted,
      (x) => x.key,
      (x) => x.tie,
    );
    expect(sorted).toEqual(
      expected(
        items,
        (x) => x.key,
        (x) => x.tie,
      ),
    );
  });
});

describe('patientLabel', () => {
  it.each([
    ['Alvarez, Rosa', 'R.A.'],
    ['Rosa Alvarez', 'R.A.'],
    ['  alvarez ,  rosa maría ', 'R.M.A.'],
    ['Núñez, Ángel', 'Á.N.'],
    ['A\u0301ngel Nu\u0301n\u0303ez', 'Á.N.'], // decomposed accents
    ['Smith Jr., John', 'J.S.'],
    ["O'Brien, Siobhán", 'S.O.'],
    ['Ефимова, Ольга', 'О.Е.'],
    ['王小明', '王.'],
    ['Mary-Kate Olsen', 'M.O.'],
  ])('initials of %j are %s', (name, initials) => {
    expect(patientInitials(name)).toBe(initials);
  });

  it('prints the patient the way the agency chose', () => {
    const patient = { name: 'Alvarez, Rosa', mrn: '123' };
    expect(patientLabel(patient, 'name')).toEqual({ ok: true, value: 'Alvarez, Rosa' });
    expect(patientLabel(patient, 'initials-mrn')).toEqual({ ok: true, value: 'R.A. (MRN 123)' });
    expect(patientLabel(patient, 'mrn')).toEqual({ ok: true, value: 'MRN 123' });
    expect(patientLabel({ name: 'Rosa Alvarez' }, 'name')).toEqual({ ok: true, value: 'Rosa Alvarez' });
  });

  it.each(['initials-mrn', 'mrn'] as const)('a missing MRN under %s is an error that names no patient', (how) => {
    for (const mrn of [undefined, '', '   ']) {
      const result = patientLabel({ name: 'Alvarez, Rosa', ...(mrn !== undefined ? { mrn } : {}) }, how);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('missing-mrn');
        expect(result.error.message).toMatch(/MRN/);
        expect(result.error.message).not.toMatch(/Alvarez|Rosa/);
      }
    }
  });
});

describe('dueDate', () => {
  it('adds the payment terms', () => {
    expect(dueDate('2026-02-02', 30)).toBe('2026-03-04');
    expect(dueDate('2026-02-15', 15)).toBe('2026-03-02');
    expect(dueDate('2026-02-15', 0)).toBe('2026-02-15');
    expect(() => dueDate('2026-02-15', -1)).toThrow(/terms/);
  });
});

describe('draftInvoice', () => {
  it('bills each visit at the rate in force on its date, and keeps that rate', () => {
    const rates = [aBillRate({ cents: 12_500 }), aBillRate({ cents: 13_000, effectiveFrom: '2026-01-15' })];
    const { draft: d, held } = draft([aVisit({ date: '2026-01-14' }), aVisit({ date: '2026-01-15' })], { billRates: rates });
    expect(held).toEqual([]);
    expect(d?.lines.map((l) => [l.date, l.rateCents, l.amountCents])).toEqual([
      ['2026-01-14', 12_500, 12_500],
      ['2026-01-15', 13_000, 13_000],
    ]);
    expectInvoiceTotals(d!, 25_500);
    expect(d).toMatchObject({
      agencyId: 'agency-1',
      agencyName: 'Oakridge Home Health',
      period: JANUARY,
      issueDate: '2026-02-02',
      termsDays: 30,
      dueDate: '2026-03-04',
    });
  });

  it('fills each line for the document', () => {
    const { draft: d } = draft([aVisit({ id: 'v1', therapistId: 'therapist-2', visitType: 'EVAL', date: '2026-01-07' })]);
    expect(d?.lines).toEqual([
      {
        visitId: 'v1',
        date: '2026-01-07',
        therapistId: 'therapist-2',
        therapistName: 'Ana Brooks',
        discipline: 'PT',
        visitType: 'EVAL',
        visitTypeLabel: 'Evaluation',
        rateCents: 16_000,
        amountCents: 16_000,
        late: false,
      },
    ]);
  });

  it('orders the period lines by discipline, date and therapist, late lines after them', () => {
    const visits = [
      aVisit({ id: 'ot', discipline: 'OT', date: '2026-01-02' }),
      aVisit({ id: 'pt-dana', therapistId: 'therapist-1', date: '2026-01-09' }),
      aVisit({ id: 'pt-ana', therapistId: 'therapist-2', date: '2026-01-09' }),
      aVisit({ id: 'late-ot', discipline: 'OT', date: '2025-12-20' }),
      aVisit({ id: 'pt-early', date: '2026-01-03' }),
      aVisit({ id: 'late-pt', date: '2025-11-30' }),
    ];
    const { draft: d } = draft(visits);
    expect(d?.lines.map((l) => [l.visitId, l.late])).toEqual([
      ['pt-early', false],
      ['pt-ana', false],
      ['pt-dana', false],
      ['ot', false],
      ['late-pt', true],
      ['late-ot', true],
    ]);
    expect(d?.subtotals).toEqual([
      { discipline: 'PT', amountCents: 4 * 12_500, visits: 4 },
      { discipline: 'OT', amountCents: 2 * 13_000, visits: 2 },
    ]);
    expectInvoiceTotals(d!, 76_000);
  });

  it('a visit before the period is a late line, billed at the rate of its own date', () => {
    const rates = [aBillRate({ cents: 12_000 }), aBillRate({ cents: 12_500, effectiveFrom: '2026-01-01' })];
    const { draft: d } = draft([aVisit({ id: 'late', date: '2025-12-31' })], { billRates: rates });
    expect(d?.lines[0]).toMatchObject({ visitId: 'late', late: true, rateCents: 12_000 });
  });

  it('holds a visit without a bill rate, with the reason, and never bills it at zero', () => {
    const { draft: d, held } = draft([
      aVisit({ id: 'ok' }),
      aVisit({ id: 'pta-eval', discipline: 'PTA', visitType: 'EVAL', date: '2026-01-16' }),
    ]);
    expect(d?.lines.map((l) => l.visitId)).toEqual(['ok']);
    expect(held).toEqual([
      {
        visitId: 'pta-eval',
        problems: [{ code: 'missing-bill-rate', message: 'No bill rate for Oakridge Home Health, PTA Evaluation, in force on 2026-01-16' }],
      },
    ]);
  });

  it('holds a visit dated before its first rate, saying when the rate starts', () => {
    const { held } = draft([aVisit({ id: 'v', date: '2026-01-03' })], { billRates: [aBillRate({ effectiveFrom: '2026-01-10' })] });
    expect(held[0]?.problems[0]?.message).toBe(
      'No bill rate for Oakridge Home Health, PT Routine visit, in force on 2026-01-03 (the first rate starts 2026-01-10)',
    );
  });

  it('holds a visit whose patient cannot be labelled as the agency asks, with every problem', () => {
    const agency = anAgency({ id: 'agency-1', patientIdentifier: 'mrn' });
    const { draft: d, held } = draft(
      [
        aVisit({ id: 'no-mrn', patient: { name: 'Rosa Alvarez' } }),
        aVisit({ id: 'both', discipline: 'ST', patient: { name: 'Rosa Alvarez' } }),
      ],
      { agency },
    );
    expect(d).toBeNull();
    expect(held.map((h) => [h.visitId, h.problems.map((p) => p.code)])).toEqual([
      ['no-mrn', ['missing-mrn']],
      ['both', ['missing-bill-rate', 'missing-mrn']],
    ]);
    expect(JSON.stringify(held)).not.toMatch(/Alvarez/);
  });

  it('drafts nothing for an agency without visits', () => {
    expect(draft([])).toEqual({ draft: null, held: [] });
  });

  it('throws on a visit of another agency or after the period: the caller chose the wrong visits', () => {
    expect(() => draft([aVisit({ id: 'x', agencyId: 'agency-9' })])).toThrow(/visit x belongs to agency agency-9, not agency-1/);
    expect(() => draft([aVisit({ id: 'y', date: '2026-02-01' })])).toThrow(
      /visit y is dated 2026-02-01, after the period ending 2026-01-31/,
    );
    expect(() => draft([aVisit({ id: 'z' }), aVisit({ id: 'z' })])).toThrow(/visit z was passed twice/);
  });

  it('asks for each therapist name once', () => {
    const asked: string[] = [];
    draft([aVisit(), aVisit(), aVisit({ therapistId: 'therapist-2' })], { therapistName: (id) => (asked.push(id), id) });
    expect(asked).toEqual(['therapist-1', 'therapist-2']);
  });
});

describe('invoice numbers', () => {
  it('pads to four digits and grows past 9999', () => {
    expect(invoiceNumber('INV', 1)).toBe('INV-0001');
    expect(invoiceNumber('INV', 42)).toBe('INV-0042');
    expect(invoiceNumber('OHH-26', 9999)).toBe('OHH-26-9999');
    expect(invoiceNumber('INV', 10_000)).toBe('INV-10000');
    expect(() => invoiceNumber('INV', 0)).toThrow(/sequence/);
    expect(() => invoiceNumber('INV', 1.5)).toThrow(/sequence/);
  });

  it('issues drafts in agency-name then period order, numbered without gaps', () => {
    const make = (agencyId: string, agencyName: string, start: string): InvoiceDraft => {
      const d = draft([aVisit({ agencyId, date: start })], {
        agency: anAgency({ id: agencyId, name: agencyName }),
        period: { start, end: '2026-01-31' },
        billRates: [aBillRate({ agencyId })],
      }).draft;
      if (!d) throw new Error('expected a draft');
      return d;
    };
    const drafts = [
      make('b', 'summit Visiting Health', '2026-01-16'),
      make('a', 'Oakridge Home Health', '2026-01-16'),
      make('b', 'summit Visiting Health', '2026-01-01'),
      make('c', 'Álamo Care', '2026-01-01'),
    ];
    const ids: number[] = [];
    const invoices = issueInvoices(drafts, { prefix: 'INV', nextSequence: 41, newId: (i) => (ids.push(i), `inv-${i}`) });
    expect(invoices.map((i) => [i.agencyId, i.period.start, i.number, i.sequence, i.id, i.status])).toEqual([
      ['c', '2026-01-01', 'INV-0041', 41, 'inv-0', 'issued'],
      ['a', '2026-01-16', 'INV-0042', 42, 'inv-1', 'issued'],
      ['b', '2026-01-01', 'INV-0043', 43, 'inv-2', 'issued'],
      ['b', '2026-01-16', 'INV-0044', 44, 'inv-3', 'issued'],
    ]);
    expect(ids).toEqual([0, 1, 2, 3]);
    // The same drafts in another order number the same way.
    expect(issueInvoices([...drafts].reverse(), { prefix: 'INV', nextSequence: 41, newId: (i) => `inv-${i}` })).toEqual(invoices);
  });

  it('refuses two invoices for one agency and cycle', () => {
    const d = draft([aVisit()]).draft!;
    expect(() => issueInvoices([d, d], { prefix: 'INV', nextSequence: 1, newId: (i) => `i${i}` })).toThrow(
      /two drafts for agency agency-1/,
    );
  });

  it('issues nothing from no drafts', () => {
    expect(issueInvoices([], { prefix: 'INV', nextSequence: 7, newId: (i) => `i${i}` })).toEqual([]);
  });
});

describe('voidInvoice', () => {
  it('returns a void copy and leaves the issued invoice as it was', () => {
    const invoice = issued(draft([aVisit()]).draft!);
    const before = structuredClone(invoice);
    const result = voidInvoice(invoice, { on: '2026-02-10', reason: ' Wrong agency ' });
    expect(result).toEqual({ ok: true, value: { ...before, status: 'void', voidedOn: '2026-02-10', voidReason: 'Wrong agency' } });
    expect(invoice).toEqual(before);
    expect(result.ok && result.value).not.toBe(invoice);
  });

  it('refuses to void twice, without a reason, or before the issue date', () => {
    const invoice = issued(draft([aVisit()]).draft!);
    const voided = expectOk(voidInvoice(invoice, { on: '2026-02-10', reason: 'Wrong agency' }), 'void');
    expect(voidInvoice(voided, { on: '2026-02-11', reason: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'already-void', message: 'Invoice INV-0001 was already voided on 2026-02-10' },
    });
    expect(voidInvoice(invoice, { on: '2026-02-10', reason: '  ' })).toMatchObject({ ok: false, error: { code: 'reason-required' } });
    expect(voidInvoice(invoice, { on: '2026-02-10', reason: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      error: { code: 'reason-too-long' },
    });
    expect(voidInvoice(invoice, { on: '2026-02-01', reason: 'Wrong agency' })).toMatchObject({
      ok: false,
      error: { code: 'before-issue-date' },
    });
  });

  it("puts a void invoice's visits back among the unbilled", () => {
    const a = issued(draft([aVisit({ id: 'v1' }), aVisit({ id: 'v2' })]).draft!, 1);
    const b = issued(draft([aVisit({ id: 'v3' })]).draft!, 2);
    expect([...billedVisitIds([a, b])].sort()).toEqual(['v1', 'v2', 'v3']);
    const voided = expectOk(voidInvoice(a, { on: '2026-02-03', reason: 'Rates were wrong' }), 'void');
    expect([...billedVisitIds([voided, b])]).toEqual(['v3']);
  });
});

describe('draftCreditNote', () => {
  const invoice = () => issued(draft([aVisit({ id: 'v1' }), aVisit({ id: 'v2', visitType: 'EVAL' })]).draft!, 42); // 12,500 + 16,000
  const note = (
    inv: Invoice,
    lines: Array<{ visitId?: string; description: string; amountCents: number }> | undefined,
    priorNotes: CreditNote[] = [],
  ) =>
    draftCreditNote(inv, {
      issueDate: '2026-02-20',
      reason: 'Visit disputed',
      ...(lines ? { lines } : {}),
      priorNotes,
      id: `cn-${priorNotes.length + 1}`,
    });

  it('credits the whole invoice when no lines are given', () => {
    const inv = invoice();
    const result = note(inv, undefined);
    expect(result).toEqual({
      ok: true,
      value: {
        id: 'cn-1',
        number: 'INV-0042-CN1',
        invoiceId: 'invoice-42',
        invoiceNumber: 'INV-0042',
        agencyId: 'agency-1',
        issueDate: '2026-02-20',
        reason: 'Visit disputed',
        lines: [
          { visitId: 'v1', description: 'Credit: 2026-01-05 PT Routine visit by Dana Lee', amountCents: 12_500 },
          { visitId: 'v2', description: 'Credit: 2026-01-05 PT Evaluation by Dana Lee', amountCents: 16_000 },
        ],
        totalCents: 28_500,
      },
    });
    if (result.ok) expect(JSON.stringify(result.value)).not.toMatch(/Alvarez|R\.A\./);
  });

  it('numbers notes after the earlier ones and stops at the invoice total', () => {
    const inv = invoice();
    const first = expectOk(note(inv, [{ visitId: 'v1', description: 'Duplicate visit', amountCents: 12_500 }]), 'first note');
    const second = expectOk(note(inv, [{ description: 'Goodwill discount', amountCents: 10_000 }], [first]), 'second note');
    expect(second.number).toBe('INV-0042-CN2');
    expect(note(inv, [{ description: 'More', amountCents: 6_001 }], [first, second])).toEqual({
      ok: false,
      error: {
        code: 'exceeds-invoice',
        message: 'Invoice INV-0042 totals $285.00 and $225.00 is already credited; at most $60.00 more can be, not $60.01',
      },
    });
    const last = note(inv, [{ description: 'Rest', amountCents: 6_000 }], [first, second]);
    expect(last.ok && last.value.number).toBe('INV-0042-CN3');
    expect(note(inv, undefined, [first])).toMatchObject({ ok: false, error: { code: 'exceeds-line' } });
  });

  it('never credits more for a visit than its line', () => {
    const inv = invoice();
    expect(note(inv, [{ visitId: 'v1', description: 'x', amountCents: 12_501 }])).toMatchObject({
      ok: false,
      error: { code: 'exceeds-line' },
    });
    const half = expectOk(note(inv, [{ visitId: 'v1', description: 'half', amountCents: 6_250 }]));
    expect(note(inv, [{ visitId: 'v1', description: 'rest', amountCents: 6_250 }], [half]).ok).toBe(true);
    expect(note(inv, [{ visitId: 'v1', description: 'too much', amountCents: 6_251 }], [half])).toMatchObject({
      ok: false,
      error: { code: 'exceeds-line' },
    });
    expect(
      note(inv, [
        { visitId: 'v1', description: 'a', amountCents: 7_000 },
        { visitId: 'v1', description: 'b', amountCents: 7_000 },
      ]),
    ).toMatchObject({ ok: false, error: { code: 'exceeds-line' } });
  });

  it.each([0, -100, 1.5])('refuses an amount of %d cents', (amountCents) => {
    expect(note(invoice(), [{ description: 'x', amountCents }])).toMatchObject({ ok: false, error: { code: 'bad-amount' } });
  });

  it('refuses a visit that is not on the invoice, a void invoice, no lines and no reason', () => {
    const inv = invoice();
    expect(note(inv, [{ visitId: 'v9', description: 'x', amountCents: 100 }])).toEqual({
      ok: false,
      error: { code: 'unknown-visit', message: 'Visit v9 is not on invoice INV-0042' },
    });
    expect(note(inv, [])).toMatchObject({ ok: false, error: { code: 'no-lines' } });
    const voided = expectOk(voidInvoice(inv, { on: '2026-02-10', reason: 'Wrong agency' }), 'void');
    expect(note(voided, undefined)).toMatchObject({ ok: false, error: { code: 'invoice-void' } });
    expect(draftCreditNote(inv, { issueDate: '2026-02-20', reason: ' ', priorNotes: [], id: 'cn' })).toMatchObject({
      ok: false,
      error: { code: 'reason-required' },
    });
    expect(draftCreditNote(inv, { issueDate: '2026-01-20', reason: 'x', priorNotes: [], id: 'cn' })).toMatchObject({
      ok: false,
      error: { code: 'before-issue-date' },
    });
  });

  it("throws when given another invoice's notes", () => {
    const inv = invoice();
    const other = issued(draft([aVisit({ id: 'v7' })]).draft!, 43);
    const foreign = expectOk(note(other, undefined));
    expect(() => note(inv, undefined, [foreign])).toThrow(/prior note INV-0043-CN1 is for invoice INV-0043, not INV-0042/);
  });
});
