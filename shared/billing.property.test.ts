/**
 * Properties of the billing core, checked against small naive models: rates are looked up
 * here by a plain filter-and-sort, not through rates.ts, so a wrong index fails a test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPeriod, periodContaining } from './cycles.ts';
import { addDays, type IsoDate } from './dates.ts';
import { draftInvoice, invoiceNumber, issueInvoices, type InvoiceDraft } from './invoicing.ts';
import { sumCents } from './money.ts';
import { compareNames } from './ordering.ts';
import { draftPayStatements } from './payroll.ts';
import { buildRateBook } from './rates.ts';
import type { Agency, BillRate, CycleRule, Invoice, PatientIdentifier, PayRate, Period, Therapist, Visit } from './schemas.ts';
import { anAgency, aTherapist, aVisit, aW9, billable, expectInvoiceTotals } from './test-support/builders.ts';
import { DISCIPLINES, buildVocabulary, type Discipline } from './vocabulary.ts';

const vocabulary = buildVocabulary();
const START = '2026-01-01';
const day = (offset: number): IsoDate => addDays(START, offset);

const DISCIPLINE_POOL: Discipline[] = ['PT', 'OT', 'PTA'];
const TYPE_POOL = ['EVAL', 'ROUTINE', 'DC'];
const AGENCY_NAMES = ['Oakridge Home Health', 'Summit Visiting Health', 'álamo Care', 'Bayside HH', 'bayside hh'];
const THERAPIST_NAMES = ['Dana Lee', 'Ana Brooks', 'Émile Roy', 'dana lee', 'Zoe Park'];

const rules: fc.Arbitrary<CycleRule> = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((weekStartsOn) => ({ kind: 'weekly' as const, weekStartsOn })),
  fc.integer({ min: -400, max: 400 }).map((offset) => ({ kind: 'biweekly' as const, anchor: day(offset) })),
  fc.constant({ kind: 'semi-monthly' as const }),
  fc.constant({ kind: 'monthly' as const }),
);

const agenciesArb = fc
  .array(
    fc.record({
      rule: rules,
      lag: fc.integer({ min: 0, max: 5 }), // days between a period's end and its close
      name: fc.constantFrom(...AGENCY_NAMES),
      patientIdentifier: fc.constantFrom<PatientIdentifier>('name', 'initials-mrn', 'mrn'),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((list) =>
    list.map((a, i) => ({
      agency: anAgency({ id: `agency-${i}`, name: a.name, billingCycle: a.rule, patientIdentifier: a.patientIdentifier }),
      lag: a.lag,
    })),
  );

const billRatesArb = fc
  .uniqueArray(
    fc.record({
      agency: fc.integer({ min: 0, max: 2 }),
      discipline: fc.constantFrom(...DISCIPLINE_POOL),
      visitType: fc.constantFrom(...TYPE_POOL),
      effective: fc.integer({ min: -30, max: 90 }),
      cents: fc.integer({ min: 0, max: 30_000 }),
    }),
    { selector: (r) => `${r.agency}|${r.discipline}|${r.visitType}|${r.effective}`, minLength: 5, maxLength: 40 },
  )
  .map((list) =>
    list.map(
      (r): BillRate => ({
        agencyId: `agency-${r.agency}`,
        discipline: r.discipline,
        visitType: r.visitType,
        cents: r.cents,
        effectiveFrom: day(r.effective),
      }),
    ),
  );

const payRatesArb = fc
  .uniqueArray(
    fc.record({
      therapist: fc.integer({ min: 0, max: 3 }),
      agency: fc.option(fc.integer({ min: 0, max: 2 })),
      discipline: fc.constantFrom(...DISCIPLINE_POOL),
      visitType: fc.constantFrom(...TYPE_POOL),
      effective: fc.integer({ min: -30, max: 90 }),
      cents: fc.integer({ min: 0, max: 20_000 }),
    }),
    { selector: (r) => `${r.therapist}|${r.agency}|${r.discipline}|${r.visitType}|${r.effective}`, minLength: 5, maxLength: 60 },
  )
  .map((list) =>
    list.map(
      (r): PayRate => ({
        therapistId: `therapist-${r.therapist}`,
        ...(r.agency !== null ? { agencyId: `agency-${r.agency}` } : {}),
        discipline: r.discipline,
        visitType: r.visitType,
        cents: r.cents,
        effectiveFrom: day(r.effective),
      }),
    ),
  );

const therapistsArb = fc
  .array(fc.record({ name: fc.constantFrom(...THERAPIST_NAMES), hasW9: fc.boolean() }), { minLength: 1, maxLength: 4 })
  .map((list) =>
    list.map((t, i): Therapist => aTherapist({ id: `therapist-${i}`, name: t.name, w9: t.hasW9 ? aW9({ legalName: t.name }) : undefined })),
  );

/** Visits with the day they reached the service (arrival >= visit date). */
const arrivingVisitsArb = (agencies: number, therapists: number) =>
  fc
    .array(
      fc.record({
        agency: fc.nat(),
        therapist: fc.nat(),
        date: fc.integer({ min: 0, max: 89 }),
        delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 45 })),
        discipline: fc.constantFrom(...DISCIPLINE_POOL),
        visitType: fc.constantFrom(...TYPE_POOL),
        hasMrn: fc.boolean(),
        noteDone: fc.boolean(),
      }),
      { maxLength: 60 },
    )
    .map((list) =>
      list.map((v, i) => ({
        visit: aVisit({
          id: `visit-${i}`,
          agencyId: `agency-${v.agency % agencies}`,
          therapistId: `therapist-${v.therapist % therapists}`,
          patient: v.hasMrn ? { name: 'Alvarez, Rosa', mrn: `M${i}` } : { name: 'Alvarez, Rosa' },
          date: day(v.date),
          discipline: v.discipline,
          visitType: v.visitType,
          noteDone: v.noteDone,
        }),
        arrival: day(v.date + v.delay),
      })),
    );

/** The naive model of "the rate in force on the visit date". */
function latestInForce<R extends { effectiveFrom: IsoDate }>(rates: readonly R[], date: IsoDate): R | undefined {
  return rates.filter((r) => r.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
}
const naiveBillRate = (rates: readonly BillRate[], v: Visit) =>
  latestInForce(
    rates.filter((r) => r.agencyId === v.agencyId && r.discipline === v.discipline && r.visitType === v.visitType),
    v.date,
  );
function naivePayRate(rates: readonly PayRate[], v: Visit): PayRate | undefined {
  const mine = rates.filter((r) => r.therapistId === v.therapistId && r.discipline === v.discipline && r.visitType === v.visitType);
  return (
    latestInForce(
      mine.filter((r) => r.agencyId === v.agencyId),
      v.date,
    ) ??
    latestInForce(
      mine.filter((r) => r.agencyId === undefined),
      v.date,
    )
  );
}
const labelable = (agency: Agency, v: Visit) => agency.patientIdentifier === 'name' || (v.patient.mrn ?? '') !== '';

const therapistName = (id: string) => `Therapist ${id}`;

type CloseEvent = { agency: Agency; period: Period; closeDay: IsoDate };

/**
 * Runs an org for a few months: each agency's period closes `lag` days after it ends and
 * bills every unbilled visit that has arrived by then and is dated on or before its end.
 */
function simulate(
  agencies: Array<{ agency: Agency; lag: number }>,
  billRates: BillRate[],
  arriving: Array<{ visit: Visit; arrival: IsoDate }>,
) {
  const lastArrival = arriving.reduce((max, v) => (v.arrival > max ? v.arrival : max), START);
  const events: CloseEvent[] = [];
  for (const { agency, lag } of agencies) {
    for (let p = periodContaining(agency.billingCycle, START); ; p = nextPeriod(agency.billingCycle, p)) {
      events.push({ agency, period: p, closeDay: addDays(p.end, lag) });
      if (p.end >= lastArrival) break; // this close has seen every visit
    }
  }
  events.sort((a, b) => (a.closeDay < b.closeDay ? -1 : a.closeDay > b.closeDay ? 1 : 0));

  const rates = buildRateBook(billRates, []);
  const invoices: Invoice[] = [];
  const billed = new Set<string>();
  for (let i = 0; i < events.length; ) {
    const closeDay = events[i]!.closeDay;
    const drafts: InvoiceDraft[] = [];
    for (; i < events.length && events[i]!.closeDay === closeDay; i++) {
      const { agency, period } = events[i]!;
      const visits = arriving
        .filter((a) => a.visit.agencyId === agency.id && a.arrival <= closeDay && a.visit.date <= period.end && !billed.has(a.visit.id))
        .map((a) => a.visit);
      const { draft } = draftInvoice({
        agency,
        period,
        visits: visits.map(billable),
        rates,
        therapistName,
        vocabulary,
        issueDate: closeDay,
      });
      if (draft) drafts.push(draft);
    }
    const issued = issueInvoices(drafts, {
      prefix: 'INV',
      nextSequence: invoices.length + 1,
      newId: (k) => `invoice-${invoices.length + k + 1}`,
    });
    for (const invoice of issued) for (const line of invoice.lines) billed.add(line.visitId);
    invoices.push(...issued);
  }
  return { invoices, events };
}

describe('invoices', () => {
  it('an invoice total is the sum of its lines and of its subtotals; every visit is a line or held', () => {
    fc.assert(
      fc.property(agenciesArb, billRatesArb, arrivingVisitsArb(1, 2), (agencies, billRates, arriving) => {
        const agency = agencies[0]!.agency;
        const period = { start: day(30), end: day(89) };
        const visits = arriving.map((a) => a.visit);
        const { draft, held } = draftInvoice({
          agency,
          period,
          visits: visits.map(billable),
          rates: buildRateBook(billRates, []),
          therapistName,
          vocabulary,
          issueDate: day(90),
        });
        const lines = draft?.lines ?? [];
        expect([...lines.map((l) => l.visitId), ...held.map((h) => h.visitId)].sort()).toEqual(visits.map((v) => v.id).sort());
        if (draft) {
          expectInvoiceTotals(draft);
          expect(draft.subtotals.map((s) => s.discipline)).toEqual(DISCIPLINES.filter((d) => lines.some((l) => l.discipline === d)));
        } else {
          expect(held).toHaveLength(visits.length);
        }
        for (const v of visits) {
          const rate = naiveBillRate(billRates, v);
          const line = lines.find((l) => l.visitId === v.id);
          if (rate && labelable(agency, v)) {
            expect(line).toMatchObject({ rateCents: rate.cents, amountCents: rate.cents, late: v.date < period.start });
          } else {
            expect(line).toBeUndefined();
          }
        }
      }),
    );
  });

  it('closing consecutive periods bills every billable visit exactly once, late iff its period closed before it arrived', () => {
    fc.assert(
      fc.property(
        agenciesArb.chain((agencies) => fc.tuple(fc.constant(agencies), billRatesArb, arrivingVisitsArb(agencies.length, 2))),
        ([agencies, billRates, arriving]) => {
          const { invoices, events } = simulate(agencies, billRates, arriving);

          // Numbered without gaps, in issue order.
          expect(invoices.map((i) => i.sequence)).toEqual(invoices.map((_, k) => k + 1));
          expect(invoices.map((i) => i.number)).toEqual(invoices.map((_, k) => invoiceNumber('INV', k + 1)));
          // One invoice per agency per cycle, and none empty.
          expect(new Set(invoices.map((i) => `${i.agencyId}|${i.period.start}`)).size).toBe(invoices.length);
          for (const invoice of invoices) {
            expect(invoice.lines.length).toBeGreaterThan(0);
            expectInvoiceTotals(invoice);
          }

          const where = new Map<string, Array<{ invoice: Invoice; late: boolean }>>();
          for (const invoice of invoices)
            for (const line of invoice.lines) where.set(line.visitId, [...(where.get(line.visitId) ?? []), { invoice, late: line.late }]);

          for (const { visit, arrival } of arriving) {
            const { agency, lag } = agencies.find((a) => a.agency.id === visit.agencyId)!;
            const billable = naiveBillRate(billRates, visit) !== undefined && labelable(agency, visit);
            const found = where.get(visit.id) ?? [];
            if (!billable) {
              expect(found).toEqual([]);
              continue;
            }
            expect(found).toHaveLength(1);
            const own = periodContaining(agency.billingCycle, visit.date);
            const closedBeforeArrival = addDays(own.end, lag) < arrival;
            const expectedPeriod = closedBeforeArrival
              ? events.find((e) => e.agency.id === agency.id && e.closeDay >= arrival)!.period
              : own;
            expect(found[0]!.late).toBe(closedBeforeArrival);
            expect(found[0]!.invoice.period).toEqual(expectedPeriod);
            expect(found[0]!.invoice.lines.find((l) => l.visitId === visit.id)!.rateCents).toBe(naiveBillRate(billRates, visit)!.cents);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('issuing numbers any batch consecutively from the next sequence, whatever the draft order', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(
            fc.record({
              agency: fc.integer({ min: 0, max: 9 }),
              name: fc.constantFrom(...AGENCY_NAMES),
              start: fc.integer({ min: 0, max: 60 }),
            }),
            { selector: (d) => `${d.agency}|${d.start}`, maxLength: 12 },
          )
          .chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }))),
        fc.integer({ min: 1, max: 20_000 }),
        ([specs, shuffledSpecs], nextSequence) => {
          const toDraft = (s: (typeof specs)[number]): InvoiceDraft => ({
            agencyId: `agency-${s.agency}`,
            agencyName: s.name,
            patientIdentifier: 'name',
            period: { start: day(s.start), end: day(s.start + 6) },
            issueDate: day(70),
            termsDays: 30,
            dueDate: day(100),
            lines: [],
            subtotals: [],
            totalCents: 0,
          });
          const drafts = specs.map(toDraft);
          const shuffled = shuffledSpecs.map(toDraft);
          const invoices = issueInvoices(shuffled, { prefix: 'INV', nextSequence, newId: (k) => `id-${k}` });
          expect(invoices.map((i) => i.sequence)).toEqual(drafts.map((_, k) => nextSequence + k));
          expect(invoices).toEqual(issueInvoices(drafts, { prefix: 'INV', nextSequence, newId: (k) => `id-${k}` }));
          for (let k = 1; k < invoices.length; k++) {
            const [a, b] = [invoices[k - 1]!, invoices[k]!];
            const byName = compareNames(a.agencyName, b.agencyName);
            expect(byName < 0 || (byName === 0 && a.period.start <= b.period.start)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('pay statements', () => {
  it("pay totals equal the sum of the same visits' pay rates; every visit is paid once or held", () => {
    fc.assert(
      fc.property(
        therapistsArb,
        payRatesArb,
        arrivingVisitsArb(3, 4),
        fc.boolean(),
        (therapists, payRates, arriving, holdPayUntilNoteDone) => {
          const known = new Set(therapists.map((t) => t.id));
          const visits = arriving.map((a) => a.visit).filter((v) => known.has(v.therapistId));
          const period = { start: day(14), end: day(89) };
          const { statements, held, warnings } = draftPayStatements({
            period,
            visits,
            rates: buildRateBook([], payRates),
            therapists,
            agencyName: (id) => `Agency ${id}`,
            vocabulary,
            holdPayUntilNoteDone,
          });

          const lines = statements.flatMap((s) => s.lines.map((l) => ({ ...l, therapistId: s.therapistId })));
          expect([...lines.map((l) => l.visitId), ...held.map((h) => h.visitId)].sort()).toEqual(visits.map((v) => v.id).sort());

          const byId = new Map(visits.map((v) => [v.id, v]));
          for (const s of statements) {
            expect(s.lines.length).toBeGreaterThan(0);
            const expected = s.lines.map((l) => naivePayRate(payRates, byId.get(l.visitId)!)!.cents);
            expect(s.totalCents).toBe(sumCents(expected));
            expect(s.totalCents).toBe(sumCents(s.lines.map((l) => l.amountCents)));
            for (const l of s.lines) expect(byId.get(l.visitId)!.therapistId).toBe(s.therapistId);
            const therapist = therapists.find((t) => t.id === s.therapistId)!;
            expect(s.w9Status).toBe(therapist.w9 ? 'on-file' : 'missing');
          }
          for (const v of visits) {
            const rate = naivePayRate(payRates, v);
            const shouldHold = rate === undefined || (holdPayUntilNoteDone && !v.noteDone);
            const line = lines.find((l) => l.visitId === v.id);
            if (shouldHold) expect(line).toBeUndefined();
            else expect(line).toMatchObject({ rateCents: rate!.cents, late: v.date < period.start, therapistId: v.therapistId });
          }
          // One statement per paid therapist, in name order; a warning for each one without a W-9.
          expect(new Set(statements.map((s) => s.therapistId)).size).toBe(statements.length);
          for (let k = 1; k < statements.length; k++)
            expect(compareNames(statements[k - 1]!.therapistName, statements[k]!.therapistName)).toBeLessThanOrEqual(0);
          expect(warnings.map((w) => w.therapistId)).toEqual(statements.filter((s) => s.w9Status === 'missing').map((s) => s.therapistId));
        },
      ),
      { numRuns: 200 },
    );
  });
});
