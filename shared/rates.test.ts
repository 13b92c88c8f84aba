import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type IsoDate } from './dates.ts';
import { buildRateBook, describeMissingRate, type MissingRate, type RateNames } from './rates.ts';
import type { BillRate, PayRate } from './schemas.ts';
import { DISCIPLINES } from './vocabulary.ts';

const aBillRate = (over: Partial<BillRate> = {}): BillRate => ({
  agencyId: 'oakridge',
  discipline: 'PT',
  visitType: 'EVAL',
  cents: 12500,
  effectiveFrom: '2026-01-01',
  ...over,
});

const aPayRate = (over: Partial<PayRate> = {}): PayRate => ({
  therapistId: 'tom',
  discipline: 'PT',
  visitType: 'EVAL',
  cents: 8000,
  effectiveFrom: '2026-01-01',
  ...over,
});

const billQuery = { agencyId: 'oakridge', discipline: 'PT', visitType: 'EVAL', date: '2026-03-16' } as const;
const payQuery = { ...billQuery, therapistId: 'tom' } as const;

const names: RateNames = {
  agencyName: (id) => ({ oakridge: 'Oakridge Home Health', summit: 'Summit Visiting Health' })[id] ?? `agency ${id}`,
  therapistName: (id) => ({ tom: 'Tom Becker', omar: 'Omar Haddad' })[id] ?? `therapist ${id}`,
  visitTypeLabel: (code) => ({ EVAL: 'Evaluation', ROUTINE: 'Routine visit' })[code] ?? code,
};

function expectMissing(result: { ok: boolean; error?: MissingRate }, expected: MissingRate): void {
  expect(result).toEqual({ ok: false, error: expected });
}

describe('bill rates', () => {
  const history = [
    aBillRate({ cents: 13000, effectiveFrom: '2026-04-01' }),
    aBillRate({ cents: 12000, effectiveFrom: '2025-07-01' }),
    aBillRate({ cents: 12500, effectiveFrom: '2026-01-01' }),
  ];
  const book = buildRateBook(history, []);

  it('uses the rate with the latest effectiveFrom on or before the visit date, whatever the input order', () => {
    expect(book.billRate(billQuery)).toEqual({ ok: true, value: history[2] });
    expect(book.billRate({ ...billQuery, date: '2025-12-31' })).toEqual({ ok: true, value: history[1] });
    expect(book.billRate({ ...billQuery, date: '2027-01-01' })).toEqual({ ok: true, value: history[0] });
  });

  it('counts a rate as in force on its own effectiveFrom day', () => {
    expect(book.billRate({ ...billQuery, date: '2026-04-01' })).toEqual({ ok: true, value: history[0] });
    expect(book.billRate({ ...billQuery, date: '2026-03-31' })).toEqual({ ok: true, value: history[2] });
  });

  it('reports a visit before every rate as missing, with the day the first rate starts', () => {
    expectMissing(book.billRate({ ...billQuery, date: '2025-06-30' }), {
      code: 'missing-bill-rate',
      agencyId: 'oakridge',
      discipline: 'PT',
      visitType: 'EVAL',
      date: '2025-06-30',
      earliest: '2025-07-01',
    });
  });

  it('names exactly the missing combination and has no earliest when no rate exists at all', () => {
    const result = book.billRate({ ...billQuery, discipline: 'PTA' });
    expectMissing(result, { code: 'missing-bill-rate', agencyId: 'oakridge', discipline: 'PTA', visitType: 'EVAL', date: '2026-03-16' });
    expect(result.ok === false && 'earliest' in result.error).toBe(false);
  });

  it('does not borrow a rate from another agency, discipline or visit type', () => {
    const others = buildRateBook(
      [aBillRate({ agencyId: 'summit' }), aBillRate({ discipline: 'OT' }), aBillRate({ visitType: 'ROUTINE' })],
      [],
    );
    expect(others.billRate(billQuery).ok).toBe(false);
    expect(others.billRate({ ...billQuery, agencyId: 'summit' })).toEqual({ ok: true, value: aBillRate({ agencyId: 'summit' }) });
    expect(others.billRate({ ...billQuery, visitType: 'ROUTINE' })).toEqual({ ok: true, value: aBillRate({ visitType: 'ROUTINE' }) });
  });

  it('keeps a zero rate the owner entered (zero is a rate, not a missing one)', () => {
    const zero = aBillRate({ cents: 0 });
    expect(buildRateBook([zero], []).billRate(billQuery)).toEqual({ ok: true, value: zero });
  });
});

describe('pay rates', () => {
  const general = aPayRate({ cents: 8000, effectiveFrom: '2026-01-01' });
  const override = aPayRate({ agencyId: 'oakridge', cents: 9000, effectiveFrom: '2026-03-01' });

  it('uses the agency override when it is in force on the visit date', () => {
    const book = buildRateBook([], [general, override]);
    expect(book.payRate(payQuery)).toEqual({ ok: true, value: override });
  });

  it('falls back to the general rate before the override starts', () => {
    const book = buildRateBook([], [general, override]);
    expect(book.payRate({ ...payQuery, date: '2026-02-28' })).toEqual({ ok: true, value: general });
  });

  it('ignores an override for another agency', () => {
    const book = buildRateBook([], [general, override]);
    expect(book.payRate({ ...payQuery, agencyId: 'summit' })).toEqual({ ok: true, value: general });
  });

  it('keeps an override in force even when the general rate changed after it', () => {
    const raise = aPayRate({ cents: 8500, effectiveFrom: '2026-03-10' });
    const book = buildRateBook([], [general, override, raise]);
    expect(book.payRate(payQuery)).toEqual({ ok: true, value: override });
    expect(book.payRate({ ...payQuery, agencyId: 'summit' })).toEqual({ ok: true, value: raise });
  });

  it('uses the latest override on or before the date', () => {
    const later = aPayRate({ agencyId: 'oakridge', cents: 9500, effectiveFrom: '2026-03-15' });
    const book = buildRateBook([], [later, general, override]);
    expect(book.payRate({ ...payQuery, date: '2026-03-14' })).toEqual({ ok: true, value: override });
    expect(book.payRate({ ...payQuery, date: '2026-03-15' })).toEqual({ ok: true, value: later });
  });

  it('reports the earliest start among the override and the general rate when neither is in force', () => {
    const book = buildRateBook(
      [],
      [aPayRate({ effectiveFrom: '2026-05-01' }), aPayRate({ agencyId: 'oakridge', effectiveFrom: '2026-04-01' })],
    );
    expectMissing(book.payRate(payQuery), {
      code: 'missing-pay-rate',
      therapistId: 'tom',
      agencyId: 'oakridge',
      discipline: 'PT',
      visitType: 'EVAL',
      date: '2026-03-16',
      earliest: '2026-04-01',
    });
  });

  it("does not count another agency's override as a later rate", () => {
    const book = buildRateBook([], [aPayRate({ agencyId: 'summit', effectiveFrom: '2026-01-01' })]);
    expectMissing(book.payRate(payQuery), {
      code: 'missing-pay-rate',
      therapistId: 'tom',
      agencyId: 'oakridge',
      discipline: 'PT',
      visitType: 'EVAL',
      date: '2026-03-16',
    });
  });

  it('names exactly what is missing: therapist, agency, discipline, visit type and date', () => {
    const book = buildRateBook([aBillRate({ discipline: 'PTA', visitType: 'ROUTINE' })], [aPayRate({ therapistId: 'tom' })]);
    expectMissing(book.payRate({ ...payQuery, therapistId: 'omar', discipline: 'PTA', visitType: 'ROUTINE' }), {
      code: 'missing-pay-rate',
      therapistId: 'omar',
      agencyId: 'oakridge',
      discipline: 'PTA',
      visitType: 'ROUTINE',
      date: '2026-03-16',
    });
  });

  it('keeps bill and pay rates apart', () => {
    const book = buildRateBook([aBillRate()], []);
    expect(book.payRate(payQuery).ok).toBe(false);
    expect(buildRateBook([], [aPayRate()]).billRate(billQuery).ok).toBe(false);
  });
});

describe('describeMissingRate', () => {
  it('describes a missing bill rate with the names the owner knows', () => {
    expect(
      describeMissingRate(
        { code: 'missing-bill-rate', agencyId: 'summit', discipline: 'PTA', visitType: 'EVAL', date: '2026-03-16' },
        names,
      ),
    ).toBe('No bill rate for Summit Visiting Health, PTA Evaluation, in force on 2026-03-16');
  });

  it('says when the first rate starts', () => {
    expect(
      describeMissingRate(
        {
          code: 'missing-bill-rate',
          agencyId: 'oakridge',
          discipline: 'PT',
          visitType: 'EVAL',
          date: '2025-06-30',
          earliest: '2025-07-01',
        },
        names,
      ),
    ).toBe('No bill rate for Oakridge Home Health, PT Evaluation, in force on 2025-06-30 (the first rate starts 2025-07-01)');
  });

  it('describes a missing pay rate with the therapist and the agency', () => {
    expect(
      describeMissingRate(
        {
          code: 'missing-pay-rate',
          therapistId: 'omar',
          agencyId: 'oakridge',
          discipline: 'PTA',
          visitType: 'ROUTINE',
          date: '2026-03-16',
        },
        names,
      ),
    ).toBe('No pay rate for Omar Haddad, PTA Routine visit at Oakridge Home Health, in force on 2026-03-16');
    expect(
      describeMissingRate(
        {
          code: 'missing-pay-rate',
          therapistId: 'tom',
          agencyId: 'oakridge',
          discipline: 'PT',
          visitType: 'EVAL',
          date: '2026-03-16',
          earliest: '2026-04-01',
        },
        names,
      ),
    ).toBe('No pay rate for Tom Becker, PT Evaluation at Oakridge Home Health, in force on 2026-03-16 (the first rate starts 2026-04-01)');
  });
});

describe('rate choice properties', () => {
  const day = fc.integer({ min: 0, max: 120 }).map((n) => addDays('2026-01-01', n));
  const agencyId = fc.constantFrom('oakridge', 'lakeside', 'summit');
  const discipline = fc.constantFrom(...DISCIPLINES.slice(0, 2));
  const visitType = fc.constantFrom('EVAL', 'ROUTINE');
  const billHistory = fc.array(
    fc.record({ agencyId, discipline, visitType, cents: fc.integer({ min: 0, max: 50000 }), effectiveFrom: day }),
    { maxLength: 30 },
  );
  const payHistory = fc.array(
    fc
      .record({
        therapistId: fc.constantFrom('tom', 'lena'),
        agencyId: fc.option(agencyId, { nil: undefined }),
        discipline,
        visitType,
        cents: fc.integer({ min: 0, max: 50000 }),
        effectiveFrom: day,
      })
      .map(({ agencyId: a, ...rest }): PayRate => (a === undefined ? rest : { ...rest, agencyId: a })),
    { maxLength: 30 },
  );
  const query = fc.record({ agencyId, therapistId: fc.constantFrom('tom', 'lena'), discipline, visitType, date: day });

  /** What "in force" means, written out plainly: the latest start on or before the date. */
  function expectedInForce<R extends { effectiveFrom: IsoDate }>(candidates: readonly R[], date: IsoDate): IsoDate | undefined {
    return candidates
      .map((c) => c.effectiveFrom)
      .filter((d) => d <= date)
      .sort()
      .at(-1);
  }

  it('never picks a bill rate that starts after the visit, nor one that a later in-force rate replaced', () => {
    fc.assert(
      fc.property(billHistory, query, (rates, q) => {
        const result = buildRateBook(rates, []).billRate(q);
        const candidates = rates.filter((r) => r.agencyId === q.agencyId && r.discipline === q.discipline && r.visitType === q.visitType);
        if (result.ok) {
          expect(candidates).toContain(result.value);
          expect(result.value.effectiveFrom <= q.date).toBe(true);
          expect(candidates.some((c) => c.effectiveFrom > result.value.effectiveFrom && c.effectiveFrom <= q.date)).toBe(false);
        } else {
          expect(candidates.every((c) => c.effectiveFrom > q.date)).toBe(true);
          expect(result.error.earliest).toBe(candidates.map((c) => c.effectiveFrom).sort()[0]);
        }
      }),
    );
  });

  it('picks the override in force if there is one, else the general rate in force, and never one from the future', () => {
    fc.assert(
      fc.property(payHistory, query, (rates, q) => {
        const result = buildRateBook([], rates).payRate(q);
        const same = rates.filter((r) => r.therapistId === q.therapistId && r.discipline === q.discipline && r.visitType === q.visitType);
        const overrides = same.filter((r) => r.agencyId === q.agencyId);
        const generals = same.filter((r) => r.agencyId === undefined);
        const overrideStart = expectedInForce(overrides, q.date);
        const generalStart = expectedInForce(generals, q.date);
        if (overrideStart !== undefined) {
          expect(result.ok && overrides.includes(result.value) && result.value.effectiveFrom === overrideStart).toBe(true);
        } else if (generalStart !== undefined) {
          expect(result.ok && generals.includes(result.value) && result.value.effectiveFrom === generalStart).toBe(true);
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.earliest).toBe([...overrides, ...generals].map((c) => c.effectiveFrom).sort()[0]);
        }
        if (result.ok) expect(result.value.effectiveFrom <= q.date).toBe(true);
      }),
    );
  });

  it('answers every question of a long close as a book asked only that question would', () => {
    // One book serves 100,000 visits and keeps what it looked up: what it kept must never change an answer.
    fc.assert(
      fc.property(billHistory, payHistory, fc.array(query, { minLength: 1, maxLength: 40 }), (bills, pays, queries) => {
        const shared = buildRateBook(bills, pays);
        for (const q of queries) {
          expect(shared.billRate(q)).toEqual(buildRateBook(bills, pays).billRate(q));
          expect(shared.payRate(q)).toEqual(buildRateBook(bills, pays).payRate(q));
        }
      }),
    );
  });
});
