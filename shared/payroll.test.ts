import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { draftPayStatements, type DraftPayStatementsInput } from './payroll.ts';
import { buildRateBook } from './rates.ts';
import { WITHOUT_W9_CHOICES, type PayRate, type Therapist, type Visit } from './schemas.ts';
import { aPayRate, aTherapist, aVisit, resetIds } from './test-support/builders.ts';
import { buildVocabulary } from './vocabulary.ts';

const vocabulary = buildVocabulary();
const PAY_PERIOD = { start: '2026-01-05', end: '2026-01-18' };
const agencies: Record<string, string> = { 'agency-1': 'Oakridge Home Health', 'agency-2': 'Summit Visiting Health' };

beforeEach(() => resetIds());

function run(visits: Visit[], overrides: Partial<DraftPayStatementsInput> & { payRates?: PayRate[]; team?: Therapist[] } = {}) {
  const { payRates, team, ...rest } = overrides;
  return draftPayStatements({
    period: PAY_PERIOD,
    visits,
    rates: buildRateBook(
      [],
      payRates ?? [
        aPayRate(),
        aPayRate({ visitType: 'EVAL', cents: 11_000 }),
        aPayRate({ therapistId: 'therapist-2', discipline: 'OT', cents: 9_000 }),
      ],
    ),
    therapists: team ?? [
      aTherapist({ id: 'therapist-1', name: 'Dana Lee' }),
      aTherapist({ id: 'therapist-2', name: 'Ana Brooks', disciplines: ['OT'] }),
    ],
    agencyName: (id) => agencies[id] ?? id,
    vocabulary,
    holdPayUntilNoteDone: false,
    ...rest,
  });
}

describe('draftPayStatements', () => {
  it('pays each therapist for their visits at every agency, one statement each, sorted by name', () => {
    const { statements, held, warnings } = run([
      aVisit({ id: 'd1', date: '2026-01-06' }),
      aVisit({ id: 'd2', date: '2026-01-06', agencyId: 'agency-2', visitType: 'EVAL' }),
      aVisit({ id: 'a1', therapistId: 'therapist-2', discipline: 'OT', date: '2026-01-07' }),
    ]);
    expect(held).toEqual([]);
    expect(warnings).toEqual([]);
    expect(statements.map((s) => [s.therapistName, s.totalCents, s.w9Status, s.lines.map((l) => l.visitId)])).toEqual([
      ['Ana Brooks', 9_000, 'on-file', ['a1']],
      ['Dana Lee', 19_500, 'on-file', ['d1', 'd2']],
    ]);
    expect(statements[1]).toEqual({
      therapistId: 'therapist-1',
      therapistName: 'Dana Lee',
      period: PAY_PERIOD,
      totalCents: 19_500,
      w9Status: 'on-file',
      withheldCents: 0,
      netCents: 19_500,
      held: false,
      lines: [
        {
          visitId: 'd1',
          date: '2026-01-06',
          agencyId: 'agency-1',
          agencyName: 'Oakridge Home Health',
          discipline: 'PT',
          visitType: 'ROUTINE',
          visitTypeLabel: 'Routine visit',
          rateCents: 8_500,
          amountCents: 8_500,
          late: false,
        },
        {
          visitId: 'd2',
          date: '2026-01-06',
          agencyId: 'agency-2',
          agencyName: 'Summit Visiting Health',
          discipline: 'PT',
          visitType: 'EVAL',
          visitTypeLabel: 'Evaluation',
          rateCents: 11_000,
          amountCents: 11_000,
          late: false,
        },
      ],
    });
  });

  it('uses the pay rate in force on the visit date, the agency override winning', () => {
    const payRates = [
      aPayRate({ cents: 8_000 }),
      aPayRate({ cents: 8_500, effectiveFrom: '2026-01-10' }),
      aPayRate({ agencyId: 'agency-2', cents: 9_500, effectiveFrom: '2026-01-12' }),
    ];
    const { statements } = run(
      [
        aVisit({ id: 'before-raise', date: '2026-01-09' }),
        aVisit({ id: 'after-raise', date: '2026-01-10' }),
        aVisit({ id: 'agency-2-before-override', agencyId: 'agency-2', date: '2026-01-11' }),
        aVisit({ id: 'agency-2-override', agencyId: 'agency-2', date: '2026-01-12' }),
      ],
      { payRates },
    );
    expect(statements[0]?.lines.map((l) => [l.visitId, l.rateCents])).toEqual([
      ['before-raise', 8_000],
      ['after-raise', 8_500],
      ['agency-2-before-override', 8_500],
      ['agency-2-override', 9_500],
    ]);
    expect(statements[0]?.totalCents).toBe(34_500);
  });

  it("pays visits from earlier periods as late lines, after the period's own", () => {
    const { statements } = run([aVisit({ id: 'late', date: '2026-01-02' }), aVisit({ id: 'now', date: '2026-01-05' })]);
    expect(statements[0]?.lines.map((l) => [l.visitId, l.late])).toEqual([
      ['now', false],
      ['late', true],
    ]);
  });

  it('holds a visit without a pay rate and says which rate is missing', () => {
    const { statements, held } = run([aVisit({ id: 'ok' }), aVisit({ id: 'dc', visitType: 'DC', date: '2026-01-08' })]);
    expect(statements[0]?.lines.map((l) => l.visitId)).toEqual(['ok']);
    expect(held).toEqual([
      {
        visitId: 'dc',
        problems: [
          { code: 'missing-pay-rate', message: 'No pay rate for Dana Lee, PT Discharge at Oakridge Home Health, in force on 2026-01-08' },
        ],
      },
    ]);
  });

  it('holds a visit whose note is not done only when the org holds pay for notes', () => {
    const visits = [aVisit({ id: 'done' }), aVisit({ id: 'open', noteDone: false })];
    expect(run(visits).statements[0]?.lines).toHaveLength(2);
    const holding = run(visits, { holdPayUntilNoteDone: true });
    expect(holding.statements[0]?.lines.map((l) => l.visitId)).toEqual(['done']);
    expect(holding.held).toEqual([
      { visitId: 'open', problems: [{ code: 'note-not-done', message: 'Visit note not marked done; pay is held until it is' }] },
    ]);
    const both = run([aVisit({ id: 'x', visitType: 'DC', noteDone: false })], { holdPayUntilNoteDone: true });
    expect(both.statements).toEqual([]);
    expect(both.held[0]?.problems.map((p) => p.code)).toEqual(['missing-pay-rate', 'note-not-done']);
  });

  it('holds the pay of a therapist without a W-9 by default, and says so', () => {
    const team = [
      aTherapist({ id: 'therapist-1', name: 'Dana Lee', w9: undefined }),
      aTherapist({ id: 'therapist-2', name: 'Ana Brooks' }),
    ];
    const { statements, warnings } = run([aVisit(), aVisit({ therapistId: 'therapist-2', discipline: 'OT' })], { team });
    expect(statements.map((s) => [s.therapistName, s.w9Status, s.held, s.totalCents, s.withheldCents, s.netCents])).toEqual([
      ['Ana Brooks', 'on-file', false, 9_000, 0, 9_000],
      ['Dana Lee', 'missing', true, 8_500, 0, 8_500],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ therapistId: 'therapist-1', code: 'no-w9' });
    expect(warnings[0]?.message).toMatch(
      /^Dana Lee: held: no W-9 on file\. Nothing is paid until a signed W-9 is on file; then the \$85\.00 is paid in full/,
    );
    expect(warnings[0]?.message).toMatch(/24% backup withholding/);
  });

  it('keeps 24% of a therapist set to withhold, rounded once, and says how much of what', () => {
    const team = [aTherapist({ id: 'therapist-1', name: 'Dana Lee', w9: undefined, withoutW9: 'withhold' })];
    const payRates = [aPayRate({ cents: 8_333 })];
    const { statements, warnings } = run([aVisit({ id: 'a' }), aVisit({ id: 'b', date: '2026-01-07' })], { team, payRates });
    // 24% of $166.66 is $39.9984: kept as $40.00, once on the total, never per line.
    expect(statements.map((s) => [s.totalCents, s.withheldCents, s.netCents, s.held])).toEqual([[16_666, 4_000, 12_666, false]]);
    expect(warnings[0]?.message).toMatch(/^Dana Lee: 24% backup withholding kept: \$40\.00 of \$166\.66\. \$126\.66 is paid/);
    expect(warnings[0]?.message).toMatch(/Form 945/);
  });

  it('treats a W-9 whose TIN the IRS flagged as no W-9, and a W-9 on file as paid in full whatever the setting', () => {
    const team = [
      aTherapist({ id: 'therapist-1', name: 'Dana Lee', tinIncorrect: true, withoutW9: 'withhold' }),
      aTherapist({ id: 'therapist-2', name: 'Ana Brooks', withoutW9: 'withhold' }),
    ];
    const { statements, warnings } = run([aVisit(), aVisit({ therapistId: 'therapist-2', discipline: 'OT' })], { team });
    expect(statements.map((s) => [s.therapistName, s.w9Status, s.withheldCents, s.netCents])).toEqual([
      ['Ana Brooks', 'on-file', 0, 9_000],
      ['Dana Lee', 'on-file', 2_040, 6_460],
    ]);
    expect(warnings).toEqual([
      {
        therapistId: 'therapist-1',
        code: 'tin-incorrect',
        message: expect.stringMatching(/^Dana Lee: 24% backup withholding kept: \$20\.40 of \$85\.00/),
      },
    ]);
    const held = run([aVisit()], { team: [aTherapist({ id: 'therapist-1', name: 'Dana Lee', tinIncorrect: true })] });
    expect(held.warnings[0]?.message).toMatch(/^Dana Lee: held: the IRS says the TIN on file is wrong\./);
  });

  it('makes no statement, and no warning, for a therapist with nothing payable', () => {
    const team = [aTherapist({ id: 'therapist-1', w9: undefined }), aTherapist({ id: 'therapist-2' })];
    expect(run([], { team })).toEqual({ statements: [], held: [], warnings: [] });
  });

  it('throws on a visit after the period, of an unknown therapist, or passed twice', () => {
    expect(() => run([aVisit({ id: 'v', date: '2026-01-19' })])).toThrow(/visit v is dated 2026-01-19, after the period ending 2026-01-18/);
    expect(() => run([aVisit({ id: 'v', therapistId: 'therapist-9' })])).toThrow(/therapist therapist-9/);
    expect(() => run([aVisit({ id: 'v' }), aVisit({ id: 'v' })])).toThrow(/passed twice/);
  });
});

describe('backup withholding on a statement', () => {
  it('gross = net + withheld; withheld is 24% of the gross rounded half up when withholding, else 0; held only without a usable W-9 and not set to withhold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500_000 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(undefined, ...WITHOUT_W9_CHOICES),
        (rates, hasW9, tinIncorrect, withoutW9) => {
          const therapist = aTherapist({
            id: 'therapist-1',
            ...(hasW9 ? {} : { w9: undefined }),
            tinIncorrect,
            ...(withoutW9 ? { withoutW9 } : {}),
          });
          const payRates = rates.map((cents, i) => aPayRate({ cents, effectiveFrom: `2026-01-0${i + 1}` }));
          const visits = rates.map((_, i) => aVisit({ id: `v${i}`, date: `2026-01-${String(i + 5).padStart(2, '0')}` }));
          const [s] = run(visits, { team: [therapist], payRates }).statements;
          const usable = hasW9 && !tinIncorrect;
          const withholds = !usable && withoutW9 === 'withhold';
          // 24% of a whole number of cents, rounded half up, in integers: no floating point.
          const expectedWithheld = withholds ? Math.floor((s!.totalCents * 24 + 50) / 100) : 0;
          expect(s!.withheldCents).toBe(expectedWithheld);
          expect(s!.netCents + s!.withheldCents).toBe(s!.totalCents);
          expect(s!.held).toBe(!usable && !withholds);
        },
      ),
      { numRuns: 300 },
    );
  });
});
