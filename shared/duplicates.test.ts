import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicates, patientKey, type VisitKeyFields, visitKey } from './duplicates.ts';

const aVisit = (over: Partial<VisitKeyFields> = {}): VisitKeyFields => ({
  therapistId: 'tom',
  agencyId: 'oak',
  patientName: 'Alvarez, Rosa',
  date: '2026-03-02',
  visitType: 'EVAL',
  ...over,
});

describe('patientKey', () => {
  it('ignores case, spacing, punctuation and accents', () => {
    expect(patientKey('alvarez,  rosa ')).toBe(patientKey('Alvarez, Rosa'));
    expect(patientKey("O'Neil, Pat")).toBe(patientKey('ONeil, Pat'));
    expect(patientKey('Álvarez, Rosa')).toBe(patientKey('Alvarez, Rosa'));
  });

  it('does not depend on word order ("Last, First" and "First Last")', () => {
    expect(patientKey('Alvarez, Rosa')).toBe(patientKey('Rosa Alvarez'));
    expect(patientKey('Alvarez, Rosa')).toBe(patientKey('Alvarez Rosa'));
    expect(patientKey('Smith, Mary Ann')).toBe(patientKey('Mary Ann Smith'));
  });

  it('keeps different patients apart', () => {
    expect(patientKey('Alvarez, Rosa')).not.toBe(patientKey('Alvarez, Rose'));
    expect(patientKey('Alvarez, Rosa')).not.toBe(patientKey('Alvarez, Rosa M'));
  });
});

describe('visitKey', () => {
  it('is the same for the same therapist, agency, patient, date and visit type', () => {
    expect(visitKey(aVisit())).toBe(visitKey(aVisit({ patientName: 'alvarez,  rosa' })));
  });

  it.each([
    ['therapistId', 'lena'],
    ['agencyId', 'lake'],
    ['patientName', 'Nguyen, Bao'],
    ['date', '2026-03-03'],
    ['visitType', 'ROUTINE'],
  ] as const)('differs when %s differs', (field, value) => {
    expect(visitKey(aVisit({ [field]: value }))).not.toBe(visitKey(aVisit()));
  });

  it('cannot be confused by separators inside ids', () => {
    expect(visitKey(aVisit({ therapistId: 'a","b', agencyId: 'c' }))).not.toBe(visitKey(aVisit({ therapistId: 'a', agencyId: 'b","c' })));
  });
});

describe('findDuplicates', () => {
  it('points each repeat at the first visit it repeats', () => {
    const visits = [
      aVisit(),
      aVisit({ visitType: 'ROUTINE' }),
      aVisit({ patientName: 'ALVAREZ, ROSA' }),
      aVisit({ patientName: 'Rosa Alvarez' }),
      aVisit({ visitType: 'ROUTINE', date: '2026-03-04' }),
    ];
    expect(findDuplicates(visits)).toEqual([
      { index: 2, duplicateOf: 0 },
      { index: 3, duplicateOf: 0 },
    ]);
  });

  it('finds nothing in a list without repeats', () => {
    expect(findDuplicates([aVisit(), aVisit({ date: '2026-03-03' })])).toEqual([]);
    expect(findDuplicates([])).toEqual([]);
  });

  it('keeps exactly one visit per key and points only backwards', () => {
    const small = <T>(values: readonly T[]) => fc.constantFrom(...values);
    const visit = fc.record({
      therapistId: small(['tom', 'lena']),
      agencyId: small(['oak', 'lake']),
      patientName: small(['Alvarez, Rosa', 'alvarez rosa', 'Nguyen, Bao']),
      date: small(['2026-03-02', '2026-03-03']),
      visitType: small(['EVAL', 'ROUTINE']),
    });
    fc.assert(
      fc.property(fc.array(visit, { maxLength: 30 }), (visits) => {
        const found = findDuplicates(visits);
        const repeated = new Set(found.map((f) => f.index));
        const kept = visits.filter((_, i) => !repeated.has(i)).map(visitKey);
        expect(new Set(kept).size).toBe(kept.length);
        expect(new Set(kept)).toEqual(new Set(visits.map(visitKey)));
        for (const f of found) {
          expect(f.duplicateOf).toBeLessThan(f.index);
          expect(repeated.has(f.duplicateOf)).toBe(false);
          expect(visitKey(visits[f.duplicateOf]!)).toBe(visitKey(visits[f.index]!));
        }
      }),
    );
  });
});
