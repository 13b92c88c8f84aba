import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOfWeek } from './dates.ts';
import { sumCents } from './money.ts';
import {
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  payment as paymentSchema,
  therapist as therapistSchema,
  type Payment,
  type PaymentMethod,
  type Therapist,
  type W9,
} from './schemas.ts';
import {
  NEC_THRESHOLDS,
  PAYMENT_METHOD_RULES,
  countsTowardNec,
  filingBlockers,
  isReportable,
  necDueDate,
  necThreshold,
  summarizeTaxYear,
  w9Status,
  type TaxYearInput,
  type TaxYearSummary,
  type TherapistTaxYear,
} from './tax1099.ts';
import { expectOk } from './test-support/results.ts';

// ---- builders ------------------------------------------------------------------------

function aW9(overrides: Partial<W9> = {}): W9 {
  return {
    legalName: 'Dana Whitfield',
    taxClassification: 'individual',
    address: { line1: '12 Elm St', city: 'Dayton', state: 'OH', zip: '45402' },
    tinType: 'SSN',
    tin: '123456789',
    signedOn: '2025-01-06',
    ...overrides,
  };
}

function aTherapist(overrides: Partial<Therapist> = {}): Therapist {
  return therapistSchema.parse({
    id: 'th-dana',
    name: 'Dana Whitfield',
    aliases: [],
    disciplines: ['PT'],
    w9: aW9(),
    active: true,
    ...overrides,
  });
}

let paymentSeq = 0;
function aPayment(overrides: Partial<Payment> = {}): Payment {
  paymentSeq += 1;
  return paymentSchema.parse({
    id: `pay-${paymentSeq}`,
    therapistId: 'th-dana',
    amountCents: 10_000,
    paidOn: '2026-03-13',
    method: 'ach',
    status: 'paid',
    ...overrides,
  });
}

const COUNT_STRIPE = { stripeTransfersCountFor1099: true };
const SKIP_STRIPE = { stripeTransfersCountFor1099: false };

function summarize(input: Partial<TaxYearInput> & { payments: readonly Payment[] }): TaxYearSummary {
  return expectOk(summarizeTaxYear({ year: 2026, therapists: [aTherapist()], settings: COUNT_STRIPE, ...input }), 'tax year summary');
}

function rowOf(summary: TaxYearSummary, therapistId: string): TherapistTaxYear {
  const row = summary.therapists.find((r) => r.therapistId === therapistId);
  if (!row) throw new Error(`no row for ${therapistId}`);
  return row;
}

// ---- threshold -----------------------------------------------------------------------

describe('necThreshold', () => {
  it('is $600 for payments made through 2025, however early', () => {
    expect(necThreshold(2025)).toEqual({ ok: true, value: 60_000 });
    expect(necThreshold(2024)).toEqual({ ok: true, value: 60_000 });
    expect(necThreshold(2020)).toEqual({ ok: true, value: 60_000 });
  });

  it('is $2,000 for payments made in 2026', () => {
    expect(necThreshold(2026)).toEqual({ ok: true, value: 200_000 });
  });

  it('says where to add a year the IRS has not published yet', () => {
    const result = necThreshold(2027);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('threshold-unknown');
      expect(result.error.year).toBe(2027);
      expect(result.error.message).toMatch(/2027 is not in VisitLedger's table yet/);
      expect(result.error.message).toMatch(/NEC_THRESHOLDS in shared\/tax1099\.ts/);
    }
    expect(necThreshold(2026.5)).toMatchObject({ ok: false, error: { code: 'threshold-unknown' } });
  });

  it('has exactly one figure for every year it covers', () => {
    const last = Math.max(...NEC_THRESHOLDS.map((e) => e.year));
    for (let year = 1990; year <= last; year++) {
      const matches = NEC_THRESHOLDS.filter((e) => e.year === year || (e.andEarlier && year < e.year));
      expect(matches, `year ${year}`).toHaveLength(1);
      expect(Number.isSafeInteger(matches[0]!.cents)).toBe(true);
    }
  });
});

describe('isReportable', () => {
  it('reports a total at the threshold, not one cent below', () => {
    expect(isReportable(59_999, 60_000)).toBe(false);
    expect(isReportable(60_000, 60_000)).toBe(true);
    expect(isReportable(199_999, 200_000)).toBe(false);
    expect(isReportable(200_000, 200_000)).toBe(true);
  });
});

// ---- due date ------------------------------------------------------------------------

describe('necDueDate', () => {
  it.each([
    [2025, '2026-02-02'], // Jan 31, 2026 is a Saturday
    [2026, '2027-02-01'], // Jan 31, 2027 is a Sunday
    [2027, '2028-01-31'], // a Monday
    [2028, '2029-01-31'], // a Wednesday
  ])('returns for tax year %i are due %s', (taxYear, due) => {
    expect(necDueDate(taxYear)).toBe(due);
  });

  it('is always a weekday between January 31 and February 2 of the next year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2200 }), (taxYear) => {
        const due = necDueDate(taxYear);
        expect(['01-31', '02-01', '02-02']).toContain(due.slice(5));
        expect(due.slice(0, 4)).toBe(String(taxYear + 1));
        expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(due));
      }),
    );
  });
});

// ---- payment methods -----------------------------------------------------------------

describe('payment methods', () => {
  it('has a rule with a label and a note for every method', () => {
    for (const method of PAYMENT_METHODS) {
      expect(PAYMENT_METHOD_RULES[method].label).not.toBe('');
      expect(PAYMENT_METHOD_RULES[method].note).not.toBe('');
    }
  });

  it('counts check, bank transfer and cash whatever the setting', () => {
    for (const method of ['check', 'ach', 'cash'] as const) {
      expect(countsTowardNec(method, COUNT_STRIPE)).toBe(true);
      expect(countsTowardNec(method, SKIP_STRIPE)).toBe(true);
    }
  });

  it('never counts card and payment-app payments: the processor files a 1099-K', () => {
    expect(countsTowardNec('card', COUNT_STRIPE)).toBe(false);
    expect(countsTowardNec('card', SKIP_STRIPE)).toBe(false);
    expect(PAYMENT_METHOD_RULES.card.note).toMatch(/1099-K/);
  });

  it('counts Stripe Connect transfers as the org setting says, and leaves the call to the accountant', () => {
    expect(countsTowardNec('stripe', COUNT_STRIPE)).toBe(true);
    expect(countsTowardNec('stripe', SKIP_STRIPE)).toBe(false);
    expect(PAYMENT_METHOD_RULES.stripe.countsTowardNec).toBe('org-setting');
    expect(PAYMENT_METHOD_RULES.stripe.note).toMatch(/accountant/);
  });
});

// ---- W-9 -----------------------------------------------------------------------------

describe('W-9 status and filing blockers', () => {
  it('is on file with a W-9 and missing without one', () => {
    expect(w9Status(aTherapist())).toBe('on-file');
    expect(w9Status(aTherapist({ w9: undefined }))).toBe('missing');
  });

  it('has no blockers with a complete W-9', () => {
    expect(filingBlockers(aTherapist())).toEqual([]);
    expect(filingBlockers(aTherapist({ w9: aW9({ tinType: 'EIN', tin: '951234567' }) }))).toEqual([]);
  });

  it('blocks without a W-9, and shows the backup withholding risk', () => {
    const blockers = filingBlockers(aTherapist({ w9: undefined }));
    expect(blockers).toHaveLength(1);
    expect(blockers[0]).toMatch(/No W-9 on file/);
    expect(blockers[0]).toMatch(/24% backup withholding/);
  });

  it('blocks on an invalid TIN without showing its digits', () => {
    const blockers = filingBlockers(aTherapist({ w9: aW9({ tin: '666123456' }) }));
    expect(blockers).toEqual(['The TIN on the W-9 is not valid: An SSN never starts with 666.']);
    expect(blockers.join(' ')).not.toMatch(/123456|3456/);
  });

  it('blocks on a missing TIN, name or address part', () => {
    // Records that skipped the schema (a partial import) can carry blanks.
    const blank = aW9({ tin: '', legalName: ' ', address: { line1: '', city: 'Dayton', state: 'OH', zip: '' } });
    const blockers = filingBlockers({ w9: blank });
    expect(blockers).toEqual([
      'The W-9 has no legal name.',
      'The W-9 has no TIN. Without one, payments are subject to 24% backup withholding.',
      'The W-9 address has no street, ZIP code.',
    ]);
  });
});

// ---- the year's summary --------------------------------------------------------------

describe('summarizeTaxYear', () => {
  it('totals paid payments per therapist by the year they were paid', () => {
    const summary = summarize({
      payments: [
        aPayment({ amountCents: 150_000, paidOn: '2026-01-02' }),
        aPayment({ amountCents: 50_000, paidOn: '2026-12-31', method: 'check' }),
        aPayment({ amountCents: 70_000, paidOn: '2025-12-31' }),
        aPayment({ amountCents: 90_000, paidOn: '2027-01-01' }),
      ],
    });
    expect(summary).toMatchObject({ year: 2026, thresholdCents: 200_000, dueDate: '2027-02-01', reportableCount: 1, eFileRequired: false });
    const row = rowOf(summary, 'th-dana');
    expect(row).toMatchObject({
      totalCents: 200_000,
      excludedCents: 0,
      reportable: true,
      w9Status: 'on-file',
      tinMasked: '***-**-6789',
      blockers: [],
    });
    expect(row.byMethod.map((m) => [m.method, m.cents, m.payments])).toEqual([
      ['check', 50_000, 1],
      ['ach', 150_000, 1],
    ]);
  });

  it("counts a December visit paid in January in January's year", () => {
    const dec31 = aPayment({ amountCents: 60_000, paidOn: '2025-12-31' });
    const jan1 = aPayment({ amountCents: 60_000, paidOn: '2026-01-01' });
    const y2025 = summarize({ year: 2025, payments: [dec31, jan1] });
    const y2026 = summarize({ year: 2026, payments: [dec31, jan1] });
    expect(rowOf(y2025, 'th-dana')).toMatchObject({ totalCents: 60_000, reportable: true });
    expect(rowOf(y2026, 'th-dana')).toMatchObject({ totalCents: 60_000, reportable: false });
  });

  it.each([
    [2025, 59_999, false],
    [2025, 60_000, true],
    [2026, 199_999, false],
    [2026, 200_000, true],
  ])('in %i a total of %i cents is reportable: %s', (year, cents, reportable) => {
    const summary = summarize({ year, payments: [aPayment({ amountCents: cents, paidOn: `${year}-06-15` })] });
    expect(rowOf(summary, 'th-dana').reportable).toBe(reportable);
    expect(summary.reportableCount).toBe(reportable ? 1 : 0);
  });

  it('leaves out pending, failed and canceled payments, and notes the pending ones', () => {
    const summary = summarize({
      payments: [
        aPayment({ amountCents: 10_000 }),
        aPayment({ amountCents: 20_000, status: 'pending' }),
        aPayment({ amountCents: 40_000, status: 'failed' }),
        aPayment({ amountCents: 80_000, status: 'canceled' }),
      ],
    });
    expect(rowOf(summary, 'th-dana')).toMatchObject({ totalCents: 10_000, excludedCents: 0 });
    expect(summary.notes).toContain('1 pending payment dated in 2026 ($200.00) is not counted: only payments marked paid are.');
  });

  it('shows card payments apart, with the reason', () => {
    const summary = summarize({
      payments: [aPayment({ amountCents: 190_000, method: 'check' }), aPayment({ amountCents: 30_000, method: 'card' })],
    });
    const row = rowOf(summary, 'th-dana');
    expect(row).toMatchObject({ totalCents: 190_000, excludedCents: 30_000, reportable: false });
    expect(row.byMethod.find((m) => m.method === 'card')).toMatchObject({
      counted: false,
      cents: 30_000,
      note: expect.stringMatching(/1099-K/),
    });
    expect(summary.notes).toContain(
      'Card and payment-app payments ($300.00) are left off the 1099-NEC: the processor reports them on a 1099-K.',
    );
  });

  it('counts Stripe transfers by default and says the accountant decides', () => {
    const payments = [aPayment({ amountCents: 200_000, method: 'stripe' })];
    const counted = summarize({ payments, settings: COUNT_STRIPE });
    expect(rowOf(counted, 'th-dana')).toMatchObject({ totalCents: 200_000, excludedCents: 0, reportable: true });
    expect(counted.notes[0]).toMatch(/Stripe Connect transfers \(\$2,000\.00\) are counted toward 1099-NEC.*accountant/);

    const skipped = summarize({ payments, settings: SKIP_STRIPE });
    const row = rowOf(skipped, 'th-dana');
    expect(row).toMatchObject({ totalCents: 0, excludedCents: 200_000, reportable: false });
    expect(row.byMethod[0]).toMatchObject({
      method: 'stripe',
      counted: false,
      note: expect.stringMatching(/setting .* is off.*accountant/),
    });
    expect(skipped.notes[0]).toMatch(/are not counted toward 1099-NEC, because the org setting says so.*accountant/);
  });

  it('lists every therapist paid in the year by name, and nobody else', () => {
    const therapists = [
      aTherapist({ id: 't-zoe', name: 'Zoe Adams' }),
      aTherapist({ id: 't-al', name: 'al Baker' }),
      aTherapist({ id: 't-mo', name: 'Mo Chen' }),
      aTherapist({ id: 't-idle', name: 'Idle Person' }),
      aTherapist({ id: 't-failed', name: 'Failed Only' }),
    ];
    const summary = summarize({
      therapists,
      payments: [
        aPayment({ therapistId: 't-zoe' }),
        aPayment({ therapistId: 't-mo', method: 'card' }),
        aPayment({ therapistId: 't-al' }),
        aPayment({ therapistId: 't-idle', paidOn: '2025-05-01' }),
        aPayment({ therapistId: 't-failed', status: 'failed' }),
      ],
    });
    expect(summary.therapists.map((r) => r.name)).toEqual(['al Baker', 'Mo Chen', 'Zoe Adams']);
  });

  it('gives an empty list for a year without payments', () => {
    const summary = summarize({ year: 2025, payments: [] });
    expect(summary).toEqual({
      year: 2025,
      thresholdCents: 60_000,
      dueDate: '2026-02-02',
      therapists: [],
      reportableCount: 0,
      notes: [],
      eFileRequired: false,
      form945TotalCents: 0,
    });
  });

  it('refuses a year whose threshold is not in the table', () => {
    const result = summarizeTaxYear({ year: 2027, payments: [], therapists: [], settings: COUNT_STRIPE });
    expect(result).toMatchObject({ ok: false, error: { code: 'threshold-unknown', year: 2027 } });
  });

  it('refuses payments for a therapist who is not in the list', () => {
    const result = summarizeTaxYear({
      year: 2026,
      payments: [aPayment({ therapistId: 'th-gone' })],
      therapists: [aTherapist()],
      settings: COUNT_STRIPE,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-therapist', therapistIds: ['th-gone'] } });
  });

  it('shows blockers only for therapists who reach the threshold', () => {
    const therapists = [
      aTherapist({ id: 't-big', name: 'Big Earner', w9: undefined }),
      aTherapist({ id: 't-small', name: 'Small Earner', w9: undefined }),
    ];
    const summary = summarize({
      therapists,
      payments: [aPayment({ therapistId: 't-big', amountCents: 250_000 }), aPayment({ therapistId: 't-small', amountCents: 1_000 })],
    });
    expect(rowOf(summary, 't-big')).toMatchObject({ reportable: true, w9Status: 'missing', tinMasked: null });
    expect(rowOf(summary, 't-big').blockers[0]).toMatch(/No W-9 on file/);
    expect(rowOf(summary, 't-small')).toMatchObject({ reportable: false, w9Status: 'missing', blockers: [] });
    expect(summary.notes).toContain('1 therapist who reaches the threshold cannot be filed yet: Big Earner.');
  });

  it('masks EINs and never puts a TIN in the summary', () => {
    const summary = summarize({
      therapists: [aTherapist({ w9: aW9({ tinType: 'EIN', tin: '951234567' }) })],
      payments: [aPayment({ amountCents: 300_000 })],
    });
    expect(rowOf(summary, 'th-dana').tinMasked).toBe('**-***4567');
    expect(JSON.stringify(summary)).not.toMatch(/951234567|95-1234567/);
  });

  it('requires e-filing at 10 reportable recipients, and says IRIS', () => {
    const make = (n: number) => {
      const therapists = Array.from({ length: n }, (_, i) => aTherapist({ id: `t-${i}`, name: `Therapist ${String(i).padStart(2, '0')}` }));
      const payments = therapists.map((t) => aPayment({ therapistId: t.id, amountCents: 200_000 }));
      return summarize({ therapists, payments });
    };
    const nine = make(9);
    expect(nine).toMatchObject({ reportableCount: 9, eFileRequired: false });
    expect(nine.notes.join(' ')).toMatch(/E-filing is required at 10 or more information returns, counting every kind the org files/);
    const ten = make(10);
    expect(ten).toMatchObject({ reportableCount: 10, eFileRequired: true });
    expect(ten.notes).toContain(
      '10 therapists reach the threshold: 10 or more information returns must be e-filed, through IRIS (the FIRE system is retired).',
    );
  });
});

// ---- properties ----------------------------------------------------------------------

const THERAPIST_IDS = ['t-a', 't-b', 't-c'] as const;
const propTherapists = THERAPIST_IDS.map((id, i) => aTherapist({ id, name: `Name ${i}` }));
const isoDay = (year: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([m, d]) => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const arbPayment = fc.record({
  id: fc.uuid(),
  therapistId: fc.constantFrom(...THERAPIST_IDS),
  amountCents: fc.integer({ min: 1, max: 5_000_000 }),
  paidOn: fc.oneof(isoDay(2025), isoDay(2026), fc.constantFrom('2025-12-31', '2026-01-01')),
  method: fc.constantFrom<PaymentMethod>(...PAYMENT_METHODS),
  status: fc.constantFrom(...PAYMENT_STATUSES),
}) satisfies fc.Arbitrary<Payment>;
const arbSettings = fc.boolean().map((b) => ({ stripeTransfersCountFor1099: b }));

function totalsFor(year: number, payments: readonly Payment[], settings: { stripeTransfersCountFor1099: boolean }): Map<string, number> {
  const summary = expectOk(summarizeTaxYear({ year, payments, therapists: propTherapists, settings }));
  return new Map(summary.therapists.map((r) => [r.therapistId, r.totalCents]));
}

describe('summarizeTaxYear properties', () => {
  it("a therapist's total is the sum of their counted, paid payments in that year; excluded is the rest of the paid", () => {
    fc.assert(
      fc.property(fc.array(arbPayment, { maxLength: 40 }), fc.constantFrom(2025, 2026), arbSettings, (payments, year, settings) => {
        const result = summarizeTaxYear({ year, payments, therapists: propTherapists, settings });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const paid = payments.filter((p) => p.status === 'paid' && p.paidOn.startsWith(`${year}-`));
        expect(result.value.therapists.map((r) => r.therapistId).sort()).toEqual([...new Set(paid.map((p) => p.therapistId))].sort());
        for (const row of result.value.therapists) {
          const mine = paid.filter((p) => p.therapistId === row.therapistId);
          const counted = mine.filter((p) => countsTowardNec(p.method, settings));
          expect(row.totalCents).toBe(sumCents(counted.map((p) => p.amountCents)));
          expect(row.totalCents + row.excludedCents).toBe(sumCents(mine.map((p) => p.amountCents)));
          expect(row.reportable).toBe(row.totalCents >= result.value.thresholdCents);
          expect(sumCents(row.byMethod.map((m) => m.cents))).toBe(row.totalCents + row.excludedCents);
        }
        expect(result.value.eFileRequired).toBe(result.value.therapists.filter((r) => r.reportable).length >= 10);
      }),
    );
  });

  it('moving a payment from Dec 31 to Jan 1 moves its amount to the next year without losing a cent', () => {
    fc.assert(
      fc.property(fc.array(arbPayment, { maxLength: 30 }), arbPayment, arbSettings, (others, moved, settings) => {
        const inDecember = [...others, { ...moved, paidOn: '2025-12-31' }];
        const inJanuary = [...others, { ...moved, paidOn: '2026-01-01' }];
        const dec = { y2025: totalsFor(2025, inDecember, settings), y2026: totalsFor(2026, inDecember, settings) };
        const jan = { y2025: totalsFor(2025, inJanuary, settings), y2026: totalsFor(2026, inJanuary, settings) };
        const moves = moved.status === 'paid' && countsTowardNec(moved.method, settings) ? moved.amountCents : 0;
        const id = moved.therapistId;
        expect((dec.y2025.get(id) ?? 0) - (jan.y2025.get(id) ?? 0)).toBe(moves);
        expect((jan.y2026.get(id) ?? 0) - (dec.y2026.get(id) ?? 0)).toBe(moves);
        for (const other of THERAPIST_IDS.filter((t) => t !== id)) {
          expect(jan.y2025.get(other)).toBe(dec.y2025.get(other));
          expect(jan.y2026.get(other)).toBe(dec.y2026.get(other));
        }
        const both = (m: { y2025: Map<string, number>; y2026: Map<string, number> }) =>
          sumCents([...m.y2025.values()]) + sumCents([...m.y2026.values()]);
        expect(both(jan)).toBe(both(dec));
      }),
    );
  });
});

describe('backup withholding in the year', () => {
  it('is Box 4 of the therapist and the Form 945 total, and makes a 1099-NEC due under the threshold', () => {
    const summary = summarize({
      payments: [
        aPayment({ amountCents: 50_000, withheldCents: 12_000 }),
        aPayment({ amountCents: 50_000, withheldCents: 12_000, paidOn: '2026-07-01' }),
        aPayment({ amountCents: 40_000 }),
        aPayment({ amountCents: 10_000, withheldCents: 2_400, paidOn: '2025-12-31' }), // another year
      ],
    });
    const row = rowOf(summary, 'th-dana');
    expect(row.totalCents).toBe(140_000); // under 2026's $2,000
    expect(row.withheldCents).toBe(24_000);
    expect(row.reportable).toBe(true);
    expect(summary.form945TotalCents).toBe(24_000);
  });

  it('is zero, and changes nothing, when nothing was withheld', () => {
    const summary = summarize({ payments: [aPayment({ amountCents: 150_000 })] });
    expect(rowOf(summary, 'th-dana')).toMatchObject({ withheldCents: 0, reportable: false });
    expect(summary.form945TotalCents).toBe(0);
  });
});
