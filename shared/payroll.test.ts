import { beforeEach, describe, expect, it } from 'vitest';
import { draftPayStatements, type DraftPayStatementsInput } from './payroll.ts';
import { buildRateBook } from './rates.ts';
import type { PayRate, Therapist, Visit } from './schemas.ts';
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
    rates: buildRateBook([], payRates ?? [aPayRate(), aPayRate({ visitType: 'EVAL', cents: 11_000 }), aPayRate({ therapistId: 'therapist-2', discipline: 'OT', cents: 9_000 })]),
    therapists: team ?? [aTherapist({ id: 'therapist-1', name: 'Dana Lee' }), aTherapist({ id: 'therapist-2', name: 'Ana Brooks', disciplines: ['OT'] })],
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
      lines: [
        { visitId: 'd1', date: '2026-01-06', agencyId: 'agency-1', agencyName: 'Oakridge Home Health', discipline: 'PT', visitType: 'ROUTINE', visitTypeLabel: 'Routine visit', rateCents: 8_500, amountCents: 8_500, late: false },
        { visitId: 'd2', date: '2026-01-06', agencyId: 'agency-2', agencyName: 'Summit Visiting Health', discipline: 'PT', visitType: 'EVAL', visitTypeLabel: 'Evaluation', rateCents: 11_000, amountCents: 11_000, late: false },
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

  it('pays visits from earlier periods as late lines, after the period\'s own', () => {
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
      { visitId: 'dc', problems: [{ code: 'missing-pay-rate', message: 'No pay rate for Dana Lee, PT Discharge at Oakridge Home Health, in force on 2026-01-08' }] },
    ]);
  });

  it('holds a visit whose note is not done only when the org holds pay for notes', () => {
    const visits = [aVisit({ id: 'done' }), aVisit({ id: 'open', noteDone: false })];
    expect(run(visits).statements[0]?.lines).toHaveLength(2);
    const holding = run(visits, { holdPayUntilNoteDone: true });
    expect(holding.statements[0]?.lines.map((l) => l.visitId)).toEqual(['done']);
    expect(holding.held).toEqual([{ visitId: 'open', problems: [{ code: 'note-not-done', message: 'Visit note not marked done; pay is held until it is' }] }]);
    const both = run([aVisit({ id: 'x', visitType: 'DC', noteDone: false })], { holdPayUntilNoteDone: true });
    expect(both.statements).toEqual([]);
    expect(both.held[0]?.problems.map((p) => p.code)).toEqual(['missing-pay-rate', 'note-not-done']);
  });

  it('warns about a therapist without a W-9, naming the 24% backup withholding risk', () => {
    const team = [aTherapist({ id: 'therapist-1', name: 'Dana Lee', w9: undefined }), aTherapist({ id: 'therapist-2', name: 'Ana Brooks' })];
    const { statements, warnings } = run([aVisit(), aVisit({ therapistId: 'therapist-2', discipline: 'OT' })], { team });
    expect(statements.map((s) => [s.therapistName, s.w9Status])).toEqual([
      ['Ana Brooks', 'on-file'],
      ['Dana Lee', 'missing'],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ therapistId: 'therapist-1', code: 'no-w9' });
    expect(warnings[0]?.message).toMatch(/No W-9 on file for Dana Lee/);
    expect(warnings[0]?.message).toMatch(/24% \(backup withholding\)/);
    expect(warnings[0]?.message).toMatch(/\$85\.00/);
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
