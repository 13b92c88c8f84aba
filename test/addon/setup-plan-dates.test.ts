/**
 * A legacy visit row Set up copies as it stands (it needs review) keeps its date cell's
 * calendar day in the sheet's time zone, also east of UTC, where that day's midnight is
 * the previous day in UTC.
 */
import { describe, expect, it } from 'vitest';
import { planSetUp, previewSetUpPlan } from '../../addon/src/sheets/setup-plan.ts';
import { buildVocabulary } from '../../shared/vocabulary.ts';

describe('Set up: a copied legacy date', () => {
  it('is the calendar day in the sheet time zone, not in UTC', () => {
    // Midnight of 5 March 2026 in Tokyo is 4 March, 15:00 UTC.
    const date = new Date('2026-03-04T15:00:00Z');
    const values = [
      ['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit'],
      ['Tom Becker', date, 'Oakridge Home Health', 'Doe, Jane', 'PT', 'No such visit type'],
    ];
    const plan = planSetUp(
      [{ name: 'Visit Log', sheetId: 7, values }],
      { agencies: [[]], therapists: [[]], visits: [[]] },
      { visitsTab: 'Visit Log', ratesTab: null, payTab: null, agencies: {}, therapists: {} },
      { vocabulary: buildVocabulary(), timeZone: 'Asia/Tokyo', ratesFrom: '2026-01-01' },
    );
    expect(plan.visits.map((r) => r[1])).toEqual(['03/05/2026']);
  });
});

describe('Set up: a visit dated after today', () => {
  it("needs review with that reason, in the sheet's time zone", () => {
    const values = [
      ['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit'],
      ['Tom Becker', '2026-03-04', 'Oakridge Home Health', 'Doe, Jane', 'PT', 'Routine'],
      ['Tom Becker', '2026-03-06', 'Oakridge Home Health', 'Doe, Jane', 'PT', 'Routine'],
    ];
    const preview = previewSetUpPlan(
      [{ name: 'Visit Log', sheetId: 7, values }],
      { agencies: [[]], therapists: [[]] },
      { visitsTab: 'Visit Log', ratesTab: null, payTab: null, agencies: {}, therapists: {} },
      { vocabulary: buildVocabulary(), timeZone: 'America/New_York', ratesFrom: '2026-01-01', today: '2026-03-05' },
    );
    expect(preview.review.filter((r) => r.reasons.some((reason) => reason.includes('after today')))).toEqual([
      { row: 3, reasons: [expect.stringContaining('The visit date 2026-03-06 is after today (2026-03-05')] },
    ]);
  });
});
