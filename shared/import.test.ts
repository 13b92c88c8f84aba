import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { visitKey } from './duplicates.ts';
import { type ImportContext, type ImportReport, importLegacyVisits, type RowOutcome, summarizeImport } from './import/index.ts';
import type { DirectoryEntry } from './names.ts';
import { buildRateBook } from './rates.ts';
import type { BillRate, PayRate } from './schemas.ts';
import { buildVocabulary, type Discipline } from './vocabulary.ts';
import { expectOk } from './test-support/results.ts';

const HEADER = ['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit'];

const entry = (id: string, name: string, aliases: string[] = []): DirectoryEntry => ({ id, name, aliases });
const AGENCIES = [entry('oak', 'Oakridge Home Health'), entry('lake', 'Lakeside Home Care LLC'), entry('summit', 'Summit Visiting Health')];
const THERAPISTS = [entry('tom', 'Tom Becker'), entry('lena', 'Lena Fischer'), entry('omar', 'Omar Haddad')];

function aContext(over: Partial<ImportContext> = {}): ImportContext {
  return { vocabulary: buildVocabulary(), agencies: AGENCIES, therapists: THERAPISTS, unknownNames: 'review', ...over };
}

/** A data row in HEADER order, with overridable cells. */
function aRow(over: Partial<Record<'therapist' | 'date' | 'agency' | 'patient' | 'discipline' | 'visitType', unknown>> = {}): unknown[] {
  const v = {
    therapist: 'Tom Becker',
    date: '3/4/2026',
    agency: 'Oakridge Home Health',
    patient: 'Alvarez, Rosa',
    discipline: 'PT',
    visitType: 'Routine',
    ...over,
  };
  return [v.therapist, v.date, v.agency, v.patient, v.discipline, v.visitType];
}

const aBill = (over: Partial<BillRate> = {}): BillRate => ({
  agencyId: 'oak',
  discipline: 'PT',
  visitType: 'ROUTINE',
  cents: 8500,
  effectiveFrom: '2026-01-01',
  ...over,
});
const aPay = (over: Partial<PayRate> = {}): PayRate => ({
  therapistId: 'tom',
  discipline: 'PT',
  visitType: 'ROUTINE',
  cents: 5500,
  effectiveFrom: '2026-01-01',
  ...over,
});

function importRows(rows: unknown[][], over: Partial<ImportContext> = {}): ImportReport {
  return expectOk(importLegacyVisits([HEADER, ...rows], aContext(over)));
}

/** The outcome of the only data row. */
function importOne(row: unknown[], over: Partial<ImportContext> = {}): RowOutcome {
  const report = importRows([row], over);
  expect(report.rows).toHaveLength(1);
  return report.rows[0]!;
}

function reasonsOf(outcome: RowOutcome): string[] {
  if (outcome.outcome !== 'needs-review') throw new Error(`row ${outcome.row} is ${outcome.outcome}, not needs-review`);
  return outcome.reasons;
}

describe('finding the header', () => {
  it('finds a header below title rows and maps owner synonyms with confidence', () => {
    const table = [
      ['March visit log', '', ''],
      [],
      ['Provider', 'DOS', 'Agency', 'Client Name', 'Disc', 'Type', 'Medical Record #', 'Documented', 'Mileage'],
      ['Tom Becker', '3/4/2026', 'Oakridge Home Health', 'Alvarez, Rosa', 'PT', 'Tx', 'MR-1', 'yes', '12'],
    ];
    const report = expectOk(importLegacyVisits(table, aContext()));
    expect(report.header.row).toBe(3);
    expect(report.header.columns.map((c) => [c.field, c.columnLetter, c.confidence])).toEqual([
      ['therapist', 'A', 1],
      ['date', 'B', 1],
      ['agency', 'C', 1],
      ['patient', 'D', 1],
      ['discipline', 'E', 1],
      ['visitType', 'F', 1],
      ['mrn', 'G', 1],
      ['noteDone', 'H', 1],
    ]);
    expect(report.header.unmapped).toEqual([{ column: 8, columnLetter: 'I', header: 'Mileage' }]);
    expect(report.rows).toEqual([
      {
        row: 4,
        outcome: 'visit',
        visit: {
          date: '2026-03-04',
          therapist: { id: 'tom', name: 'Tom Becker' },
          agency: { id: 'oak', name: 'Oakridge Home Health' },
          patient: { name: 'Alvarez, Rosa', mrn: 'MR-1' },
          discipline: 'PT',
          visitType: 'ROUTINE',
          noteDone: true,
        },
      },
    ]);
  });

  it('maps a header that only contains a synonym with lower confidence, and leaves look-alikes unmapped', () => {
    const table = [['Clinician', 'Visit Date', 'Home Health Agency Billed', 'Patient', 'Discipline', 'Visit Type', 'Paid to clinician?']];
    const report = expectOk(importLegacyVisits(table, aContext()));
    const agency = report.header.columns.find((c) => c.field === 'agency')!;
    expect(agency.header).toBe('Home Health Agency Billed');
    expect(agency.confidence).toBeGreaterThan(0);
    expect(agency.confidence).toBeLessThan(1);
    expect(report.header.unmapped.map((u) => u.header)).toEqual(['Paid to clinician?']);
    expect(report.rows).toEqual([]);
  });

  it('says which required columns are missing and what headers it saw', () => {
    const result = importLegacyVisits(
      [
        ['Clinician', 'Date', 'Patient', 'Notes'],
        ['Tom Becker', '3/4/2026', 'Alvarez, Rosa', ''],
      ],
      aContext(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('missing-columns');
    expect(result.error.missing).toEqual(['agency', 'discipline', 'visitType']);
    expect(result.error.headerRow).toBe(1);
    expect(result.error.headersSeen).toEqual(['Clinician', 'Date', 'Patient', 'Notes']);
    expect(result.error.message).toContain('agency, discipline, visit type');
    expect(result.error.message).toContain('row 1, with: Clinician, Date, Patient, Notes');
  });

  it('reports an empty table or one without any known header as missing every required column', () => {
    for (const table of [
      [],
      [
        ['Mileage', 'Comments'],
        ['12', 'ok'],
      ],
    ]) {
      const result = importLegacyVisits(table, aContext());
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.missing).toEqual(['therapist', 'date', 'agency', 'patient', 'discipline', 'visitType']);
      expect(result.error.headerRow).toBeNull();
    }
  });

  it('only looks at the first 20 rows for the header', () => {
    const padding = Array.from({ length: 20 }, () => ['notes']);
    expect(importLegacyVisits([...padding, HEADER], aContext()).ok).toBe(false);
    expect(importLegacyVisits([...padding.slice(1), HEADER], aContext()).ok).toBe(true);
  });
});

describe('skipped rows', () => {
  it('recognises blank, subtotal and total rows', () => {
    const report = importRows([
      ['', ' ', null, undefined, false],
      [],
      ['Subtotal Tom', '', '', '', '', '', '1,234.00'],
      ['', '', 'Sub-total'],
      ['Grand total', '', '', '', '', ''],
      ['TOTAL:', ''],
      ['Totals'],
    ]);
    expect(report.rows.map((r) => (r.outcome === 'skipped' ? r.reason : r.outcome))).toEqual([
      'blank row',
      'blank row',
      'subtotal row',
      'subtotal row',
      'total row',
      'total row',
      'total row',
    ]);
  });

  it('does not skip a "total" row that has a visit date, or a name that only starts like "Total"', () => {
    const report = importRows([aRow({ therapist: 'Total', date: '3/4/2026' }), aRow({ therapist: 'Totally Fit Therapy' })]);
    expect(report.rows.map((r) => r.outcome)).toEqual(['needs-review', 'needs-review']);
  });

  it('does not drop a row whose only text is in a column the import does not read', () => {
    const outcome = importOne(['', '', '', '', '', '', 'paid 3/31']);
    expect(reasonsOf(outcome)).toEqual([
      'The therapist cell is empty (column A)',
      'The visit date cell is empty (column B)',
      'The agency cell is empty (column C)',
      'The patient cell is empty (column D)',
      'The discipline cell is empty (column E)',
      'The visit type cell is empty (column F)',
    ]);
  });
});

describe('reading a row', () => {
  it('reads dates as text, serial numbers and date cells', () => {
    const report = importRows(
      [
        aRow({ date: '2026-03-02' }),
        aRow({ date: '3/6/26' }),
        aRow({ date: 46090 }),
        aRow({ date: '46091' }),
        aRow({ date: new Date('2026-03-11T05:00:00Z') }),
      ],
      { timeZone: 'America/Chicago' },
    );
    expect(report.rows.map((r) => r.outcome === 'visit' && r.visit.date)).toEqual([
      '2026-03-02',
      '2026-03-06',
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
    ]);
  });

  it('refuses a day-first date with the message of readSheetDate', () => {
    expect(reasonsOf(importOne(aRow({ date: '13/01/2026' })))).toEqual([
      '"13/01/2026" reads as day/month; this sheet uses US dates (month/day/year), so write 1/13/2026 if you meant that',
    ]);
  });

  it('collects every problem of a row', () => {
    const outcome = importOne(aRow({ date: '13/01/2026', visitType: 'Massage', discipline: 'Nursing', patient: ' ' }));
    expect(outcome.outcome === 'needs-review' && outcome.issues.map((i) => [i.code, i.field])).toEqual([
      ['bad-date', 'date'],
      ['empty-cell', 'patient'],
      ['unknown-discipline', 'discipline'],
      ['unknown-visit-type', 'visitType'],
    ]);
  });

  it('normalizes disciplines and visit types through the vocabulary', () => {
    const report = importRows([
      aRow({ therapist: 'Lena Fischer ', discipline: 'ot', visitType: 'routine visit' }),
      aRow({ discipline: 'Physical Therapy', visitType: 'Eval/SOC' }),
      aRow({ discipline: 'SLP', visitType: 'D/C' }),
    ]);
    expect(report.rows.map((r) => r.outcome === 'visit' && [r.visit.therapist.id, r.visit.discipline, r.visit.visitType])).toEqual([
      ['lena', 'OT', 'ROUTINE'],
      ['tom', 'PT', 'EVAL'],
      ['tom', 'ST', 'DC'],
    ]);
  });

  it('uses the org vocabulary for its own visit types', () => {
    const vocabulary = buildVocabulary({ visitTypes: [{ code: 'SUP', label: 'Supervisory visit', synonyms: ['Sup Visit'] }] });
    const outcome = importOne(aRow({ visitType: 'sup visit' }), { vocabulary });
    expect(outcome.outcome === 'visit' && outcome.visit.visitType).toBe('SUP');
  });

  it('needs review when the patient is missing', () => {
    expect(reasonsOf(importOne(aRow({ patient: '' })))).toEqual(['The patient cell is empty (column D)']);
  });

  it('reads the note-done column as yes or no, and questions anything else', () => {
    const table = [
      [...HEADER, 'Note Done'],
      [...aRow({ date: '3/2/2026' }), true],
      [...aRow({ date: '3/3/2026' }), 'Yes'],
      [...aRow({ date: '3/4/2026' }), ''],
      [...aRow({ date: '3/5/2026' }), 'N'],
      [...aRow({ date: '3/6/2026' }), 'maybe'],
    ];
    const report = expectOk(importLegacyVisits(table, aContext()));
    expect(report.rows.map((r) => (r.outcome === 'visit' ? r.visit.noteDone : reasonsOf(r)))).toEqual([
      true,
      true,
      false,
      false,
      ['"maybe" in the note done column (G) is not yes or no'],
    ]);
  });

  it('leaves noteDone out when the table has no such column', () => {
    const outcome = importOne(aRow());
    expect(outcome.outcome === 'visit' && 'noteDone' in outcome.visit).toBe(false);
  });
});

describe('names', () => {
  it('applies exact names and confirmed aliases, keeping the directory spelling', () => {
    const agencies = [entry('oak', 'Oakridge Home Health', ['Oakridge HH'])];
    const report = importRows(
      [aRow({ agency: 'OAKRIDGE  home health' }), aRow({ agency: 'oakridge hh', therapist: ' tom becker', date: '3/5/2026' })],
      { agencies },
    );
    expect(report.rows.map((r) => r.outcome === 'visit' && [r.visit.agency, r.visit.therapist])).toEqual([
      [
        { id: 'oak', name: 'Oakridge Home Health' },
        { id: 'tom', name: 'Tom Becker' },
      ],
      [
        { id: 'oak', name: 'Oakridge Home Health' },
        { id: 'tom', name: 'Tom Becker' },
      ],
    ]);
  });

  it('proposes near names with structured proposals and never applies them', () => {
    const outcome = importOne(aRow({ agency: 'Oakridge', therapist: 'Tom Beker' }));
    expect(outcome.outcome).toBe('needs-review');
    if (outcome.outcome !== 'needs-review') return;
    expect(outcome.proposals).toEqual([
      { field: 'therapist', text: 'Tom Beker', entryId: 'tom', entryName: 'Tom Becker', reason: 'differs by one letter' },
      { field: 'agency', text: 'Oakridge', entryId: 'oak', entryName: 'Oakridge Home Health', reason: 'is a short form of the name' },
    ]);
    expect(outcome.reasons).toEqual([
      'Therapist "Tom Beker" is not in the therapist list exactly; did you mean Tom Becker ("Tom Beker" differs by one letter)? Confirm the match to import this row',
      'Agency "Oakridge" is not in the agency list exactly; did you mean Oakridge Home Health ("Oakridge" is a short form of the name)? Confirm the match to import this row',
    ]);
  });

  it('applies mappings the owner confirmed, whatever the spacing or case', () => {
    const outcome = importOne(aRow({ agency: ' OAKRIDGE ' }), { mappings: { agencies: { Oakridge: 'oak' } } });
    expect(outcome.outcome === 'visit' && outcome.visit.agency).toEqual({ id: 'oak', name: 'Oakridge Home Health' });
  });

  it('questions a mapping to an entry that is gone', () => {
    expect(reasonsOf(importOne(aRow({ agency: 'Oakridge' }), { mappings: { agencies: { Oakridge: 'deleted' } } }))).toEqual([
      'Agency "Oakridge" was matched to an agency that is no longer in the agency list; confirm the match again',
    ]);
  });

  it("with 'review', a name near nothing needs review", () => {
    expect(reasonsOf(importOne(aRow({ agency: 'Riverbend Nursing' })))).toEqual([
      'Agency "Riverbend Nursing" is not in the agency list and no name there is close; add it or correct the spelling',
    ]);
  });

  it("with 'create', identical new names become one new entity used by every row", () => {
    const report = importRows(
      [
        aRow({ agency: 'Riverbend Nursing' }),
        aRow({ agency: 'riverbend  nursing', date: '3/5/2026' }),
        aRow({ therapist: 'Dana Lee', agency: 'Riverbend Nursing ', date: '3/6/2026' }),
      ],
      { unknownNames: 'create' },
    );
    expect(report.newAgencies).toEqual([
      { name: 'Riverbend Nursing', spellings: ['Riverbend Nursing', 'riverbend nursing'], rows: [2, 3, 4] },
    ]);
    expect(report.newTherapists).toEqual([{ name: 'Dana Lee', spellings: ['Dana Lee'], rows: [4] }]);
    expect(report.rows.map((r) => r.outcome === 'visit' && [r.visit.agency, r.visit.therapist.id])).toEqual([
      [{ id: null, name: 'Riverbend Nursing' }, 'tom'],
      [{ id: null, name: 'Riverbend Nursing' }, 'tom'],
      [{ id: null, name: 'Riverbend Nursing' }, null],
    ]);
  });

  it("with 'create', a new name near a more used new name is proposed, not created", () => {
    const report = importRows(
      [
        aRow({ agency: 'Riverbend Nursing', date: '3/2/2026' }),
        aRow({ agency: 'Riverbend Nursing', date: '3/3/2026' }),
        aRow({ agency: 'Riverbend Nursng', date: '3/4/2026' }),
      ],
      { unknownNames: 'create' },
    );
    expect(report.newAgencies.map((a) => a.name)).toEqual(['Riverbend Nursing']);
    const typo = report.rows[2]!;
    expect(typo.outcome === 'needs-review' && typo.proposals).toEqual([
      { field: 'agency', text: 'Riverbend Nursng', entryId: null, entryName: 'Riverbend Nursing', reason: 'differs by one letter' },
    ]);
    expect(reasonsOf(typo)).toEqual([
      'Agency "Riverbend Nursng" is new and close to another new name, "Riverbend Nursing" (used in 2 rows; "Riverbend Nursng" differs by one letter); correct the spelling or confirm they are different',
    ]);
  });

  it("with 'create', two equally used new names near each other are both questioned", () => {
    const report = importRows([aRow({ agency: 'Riverbend Nursing' }), aRow({ agency: 'Riverbend Nursng' })], { unknownNames: 'create' });
    expect(report.newAgencies).toEqual([]);
    expect(report.rows.map((r) => r.outcome === 'needs-review' && r.proposals.map((p) => p.entryName))).toEqual([
      ['Riverbend Nursng'],
      ['Riverbend Nursing'],
    ]);
  });

  it("with 'create', a new name near a known entry is proposed, not created", () => {
    const report = importRows([aRow({ agency: 'Oakridge' })], { unknownNames: 'create' });
    expect(report.newAgencies).toEqual([]);
    expect(report.rows[0]!.outcome).toBe('needs-review');
  });
});

describe('duplicates', () => {
  it('marks a later row repeating an earlier one, with patients compared loosely', () => {
    const report = importRows([
      aRow(),
      aRow({ patient: 'alvarez,  rosa', discipline: 'Physical Therapy' }),
      aRow({ visitType: 'Eval' }),
      aRow({ patient: 'ALVAREZ, ROSA ' }),
    ]);
    expect(report.rows.map((r) => [r.row, r.outcome, r.outcome === 'duplicate' ? r.duplicateOf : null])).toEqual([
      [2, 'visit', null],
      [3, 'duplicate', { kind: 'row', row: 2 }],
      [4, 'visit', null],
      [5, 'duplicate', { kind: 'row', row: 2 }],
    ]);
    const dup = report.rows[1]!;
    expect(dup.outcome === 'duplicate' && dup.reason).toBe('Repeats row 2: same therapist, agency, patient, date and visit type');
  });

  it('marks a row repeating a stored visit as a duplicate of that visit', () => {
    const key = visitKey({ therapistId: 'tom', agencyId: 'oak', patientName: 'Rosa Alvarez', date: '2026-03-04', visitType: 'ROUTINE' });
    const report = importRows([aRow(), aRow()], { existing: [{ id: 'visit-7', key }] });
    expect(report.rows.map((r) => r.outcome === 'duplicate' && r.duplicateOf)).toEqual([
      { kind: 'stored', visitId: 'visit-7' },
      { kind: 'stored', visitId: 'visit-7' },
    ]);
  });

  it('flags a row that looks like a repeat of a row needing review, without calling it a duplicate', () => {
    const report = importRows([aRow({ agency: 'Oakridge' }), aRow({ agency: 'Oakridge' })]);
    const second = report.rows[1]!;
    expect(second.outcome === 'needs-review' && second.possibleDuplicateOf).toBe(2);
    expect(reasonsOf(second)).toContain('Looks like a repeat of row 2: same therapist, agency, patient, date and visit type as typed');
    expect(report.rows[0]!.outcome === 'needs-review' && report.rows[0]!.possibleDuplicateOf).toBeUndefined();
  });

  it('holds a complete row that repeats an earlier row needing review', () => {
    const report = importRows([aRow({ discipline: 'Nursing' }), aRow()]);
    expect(report.rows.map((r) => r.outcome)).toEqual(['needs-review', 'needs-review']);
    expect(reasonsOf(report.rows[1]!)).toEqual([
      'Looks like a repeat of row 2: same therapist, agency, patient, date and visit type as typed',
    ]);
  });

  it('finds duplicates among new entities created by the import', () => {
    const report = importRows([aRow({ agency: 'Riverbend Nursing' }), aRow({ agency: 'RIVERBEND NURSING' })], { unknownNames: 'create' });
    expect(report.rows.map((r) => r.outcome)).toEqual(['visit', 'duplicate']);
  });
});

describe('rates', () => {
  const rates = buildRateBook(
    [aBill(), aBill({ visitType: 'EVAL', cents: 12500 }), aBill({ visitType: 'EVAL', cents: 13000, effectiveFrom: '2026-03-10' })],
    [aPay(), aPay({ agencyId: 'oak', cents: 6000, effectiveFrom: '2026-03-01' })],
  );

  it('attaches the bill and pay rates in force on the visit date', () => {
    const report = importRows([aRow({ date: '2/27/2026' }), aRow({ date: '3/2/2026' })], { rates });
    expect(report.rows.map((r) => r.outcome === 'visit' && [r.visit.billRateCents, r.visit.payRateCents])).toEqual([
      [8500, 5500],
      [8500, 6000],
    ]);
  });

  it('needs review for a missing bill or pay rate, with the message of describeMissingRate', () => {
    expect(reasonsOf(importOne(aRow({ visitType: 'Eval', date: '3/2/2026' }), { rates }))).toEqual([
      'No pay rate for Tom Becker, PT Evaluation at Oakridge Home Health, in force on 2026-03-02',
    ]);
    expect(reasonsOf(importOne(aRow({ visitType: 'DC', date: '12/31/2025' }), { rates }))).toEqual([
      'No bill rate for Oakridge Home Health, PT Discharge, in force on 2025-12-31',
      'No pay rate for Tom Becker, PT Discharge at Oakridge Home Health, in force on 2025-12-31',
    ]);
  });

  it('names a new entity in a missing-rate message', () => {
    // Tom's general PT routine pay rate applies at any agency, the new one too.
    expect(reasonsOf(importOne(aRow({ agency: 'Riverbend Nursing' }), { rates, unknownNames: 'create' }))).toEqual([
      'No bill rate for Riverbend Nursing (new), PT Routine visit, in force on 2026-03-04',
    ]);
    expect(reasonsOf(importOne(aRow({ therapist: 'Dana Lee' }), { rates, unknownNames: 'create' }))).toEqual([
      'No pay rate for Dana Lee (new), PT Routine visit at Oakridge Home Health, in force on 2026-03-04',
    ]);
  });

  it('names agencies and therapists apart even when their ids are the same', () => {
    const sameIds = {
      agencies: [entry('x', 'Oakridge Home Health')],
      therapists: [entry('x', 'Tom Becker')],
      rates: buildRateBook([], []),
    };
    expect(reasonsOf(importOne(aRow(), sameIds))).toEqual([
      'No bill rate for Oakridge Home Health, PT Routine visit, in force on 2026-03-04',
      'No pay rate for Tom Becker, PT Routine visit at Oakridge Home Health, in force on 2026-03-04',
    ]);
  });
});

describe('every row is accounted for', () => {
  const junkText = fc.string({ unit: fc.constantFrom(...'0123456789 ,.-/$'), maxLength: 8 });
  const junk = fc.oneof(
    junkText,
    fc.constantFrom('', '  ', null, undefined, true, false, 'Subtotal Tom', 'Grand total', 'Total', '13/01/2026', 'N/A'),
    fc.integer({ min: -10, max: 80000 }),
    fc.double(),
    fc.date(),
  );
  // Mostly readable values from small pools, so that visits and duplicates happen; some near names and bad values.
  const FIELD_VALUES = {
    therapist: ['Tom Becker', 'tom becker ', 'Lena Fischer', 'Dana Lee', 'Dana  Lee'],
    date: ['3/4/2026', '2026-03-04', 46090, '3/6/26'],
    agency: ['Oakridge Home Health', 'OAKRIDGE HOME HEALTH', 'Riverbend Nursing'],
    patient: ['Alvarez, Rosa', 'alvarez rosa', 'Nguyen, Bao'],
    discipline: ['PT', 'ot'],
    visitType: ['Eval', 'Tx', 'routine visit'],
  } as const;
  const BAD_VALUES = {
    therapist: ['Tom Beker', ''],
    date: ['13/01/2026', ''],
    agency: ['Oakridge', 'Lakeside Home Care', 'Riverbend Nursng'],
    patient: [''],
    discipline: ['Nursing'],
    visitType: ['Massage', 'Eval or DC'],
  } as const;
  const fields = Object.keys(FIELD_VALUES) as (keyof typeof FIELD_VALUES)[];
  const SYNONYMS = {
    therapist: ['Clinician', 'Therapist', 'Staff', 'Provider', 'Employee'],
    date: ['Visit Date', 'Date', 'DOS', 'Date of Service'],
    agency: ['HHA', 'Agency', 'Home Health Agency', 'Company'],
    patient: ['Patient', 'Patient Name', 'Client Name'],
    discipline: ['Discipline', 'Disc', 'Type of Therapist'],
    visitType: ['Visit', 'Visit Type', 'Service', 'Type'],
  };

  const scenario = fc
    .record({
      order: fc.shuffledSubarray(fields, { minLength: fields.length, maxLength: fields.length }),
      headers: fc.record(
        Object.fromEntries(fields.map((f) => [f, fc.constantFrom(...SYNONYMS[f])])) as {
          [K in keyof typeof SYNONYMS]: fc.Arbitrary<string>;
        },
      ),
      before: fc.array(fc.array(junk, { maxLength: 8 }), { maxLength: 19 }),
      extraColumns: fc.nat({ max: 2 }),
      mode: fc.constantFrom('create' as const, 'review' as const),
      withRates: fc.boolean(),
    })
    .chain((s) => {
      const cellFor = (f: (typeof fields)[number]) =>
        fc.oneof(
          { weight: 40, arbitrary: fc.constantFrom<unknown>(...FIELD_VALUES[f]) },
          { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_VALUES[f]) },
          { weight: 1, arbitrary: junk },
        );
      const likeAVisit = fc
        .tuple(fc.tuple(...s.order.map(cellFor)), fc.array(junk, { maxLength: s.extraColumns }))
        .map(([cells, extra]): unknown[] => [...cells, ...extra]);
      const dataRow = fc.oneof(
        { weight: 1, arbitrary: fc.array(junk, { maxLength: fields.length + s.extraColumns + 2 }) },
        { weight: 4, arbitrary: likeAVisit },
      );
      return fc.record({ s: fc.constant(s), data: fc.array(dataRow, { maxLength: 25 }) });
    });

  it('gives every row after the header exactly one outcome, with unique and complete row numbers', () => {
    const rates = buildRateBook([aBill(), aBill({ visitType: 'EVAL' })], [aPay()]);
    fc.assert(
      fc.property(scenario, ({ s, data }) => {
        const header = [...s.order.map((f) => s.headers[f]), ...Array.from({ length: s.extraColumns }, (_, i) => `Extra ${i}`)];
        const table = [...s.before, header, ...data];
        const report = expectOk(importLegacyVisits(table, aContext({ unknownNames: s.mode, ...(s.withRates ? { rates } : {}) })));
        expect(report.header.row).toBe(s.before.length + 1);
        expect(report.rows.map((r) => r.row)).toEqual(data.map((_, i) => s.before.length + 2 + i));

        const summary = summarizeImport(report);
        expect(summary.total).toBe(summary.dataRows);
        expect(summary.dataRows).toBe(data.length);
        expect(summary.visits + summary.duplicates + summary.needsReview + summary.skipped).toBe(summary.total);

        const byRow = new Map(report.rows.map((r) => [r.row, r]));
        const keyOf = (r: RowOutcome) =>
          r.outcome === 'visit' || r.outcome === 'duplicate'
            ? visitKey({
                therapistId: r.visit.therapist.id ?? `new ${r.visit.therapist.name}`,
                agencyId: r.visit.agency.id ?? `new ${r.visit.agency.name}`,
                patientName: r.visit.patient.name,
                date: r.visit.date,
                visitType: r.visit.visitType,
              })
            : undefined;
        const visitKeys = report.rows.filter((r) => r.outcome === 'visit').map(keyOf);
        expect(new Set(visitKeys).size).toBe(visitKeys.length);
        for (const r of report.rows) {
          if (r.outcome === 'needs-review') {
            expect(r.reasons.length).toBeGreaterThan(0);
            expect(r.reasons).toEqual(r.issues.map((i) => i.message));
          }
          if (r.outcome === 'duplicate') {
            expect(r.duplicateOf.kind).toBe('row');
            const earlier = r.duplicateOf.kind === 'row' ? byRow.get(r.duplicateOf.row)! : undefined;
            expect(earlier!.row).toBeLessThan(r.row);
            expect(['visit', 'needs-review']).toContain(earlier!.outcome);
            if (earlier!.outcome === 'visit') expect(keyOf(earlier!)).toBe(keyOf(r));
          }
          if (r.outcome === 'visit' && s.withRates) {
            expect(r.visit.billRateCents).toBeTypeOf('number');
            expect(r.visit.payRateCents).toBeTypeOf('number');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the sample owner sheet', () => {
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/sample-owner-sheet/${name}`, import.meta.url), 'utf8');
  const table = parseCsv(fixture('visits.csv'));

  // rates.csv, by hand: agencies as rows, "PT Eval"... as columns. Summit has no OT rates; nobody has a PTA Eval rate.
  const bill = (agencyId: string, discipline: Discipline, cents: Partial<Record<'EVAL' | 'REEVAL' | 'ROUTINE' | 'DC', number>>) =>
    Object.entries(cents).map(([visitType, c]) => aBill({ agencyId, discipline, visitType, cents: c }));
  const billRates = [
    ...bill('oak', 'PT', { EVAL: 12500, REEVAL: 11000, ROUTINE: 8500, DC: 9500 }),
    ...bill('oak', 'OT', { EVAL: 12000, ROUTINE: 8200, DC: 9200 }),
    ...bill('oak', 'PTA', { ROUTINE: 6000 }),
    ...bill('lake', 'PT', { EVAL: 13500, REEVAL: 11500, ROUTINE: 9200, DC: 10000 }),
    ...bill('lake', 'OT', { EVAL: 13000, ROUTINE: 8800, DC: 9800 }),
    ...bill('lake', 'PTA', { ROUTINE: 6500 }),
    ...bill('summit', 'PT', { EVAL: 12000, REEVAL: 10500, ROUTINE: 8000, DC: 9000 }),
    ...bill('summit', 'PTA', { ROUTINE: 5800 }),
  ];
  // pay-rates.csv: Tom PT, Lena OT (no Re-Eval), Omar PTA (Routine only).
  const pay = (therapistId: string, discipline: Discipline, cents: Partial<Record<'EVAL' | 'REEVAL' | 'ROUTINE' | 'DC', number>>) =>
    Object.entries(cents).map(([visitType, c]) => aPay({ therapistId, discipline, visitType, cents: c }));
  const payRates = [
    ...pay('tom', 'PT', { EVAL: 8000, REEVAL: 7000, ROUTINE: 5500, DC: 6000 }),
    ...pay('lena', 'OT', { EVAL: 7800, ROUTINE: 5200, DC: 5800 }),
    ...pay('omar', 'PTA', { ROUTINE: 4000 }),
  ];
  const rates = buildRateBook(billRates, payRates);

  /** One line per row: what a reviewer would check. */
  function describeRow(r: RowOutcome): string {
    switch (r.outcome) {
      case 'visit': {
        const v = r.visit;
        return `${r.row} visit ${v.date} ${v.therapist.id} ${v.agency.id} ${v.patient.name} ${v.discipline} ${v.visitType} ${v.billRateCents}/${v.payRateCents}`;
      }
      case 'duplicate':
        return `${r.row} duplicate of ${r.duplicateOf.kind === 'row' ? `row ${r.duplicateOf.row}` : r.duplicateOf.visitId}`;
      case 'needs-review':
        return `${r.row} needs-review: ${r.reasons.join(' | ')}`;
      case 'skipped':
        return `${r.row} skipped: ${r.reason}`;
    }
  }

  const oakridgeProposal =
    'Agency "Oakridge" is not in the agency list exactly; did you mean Oakridge Home Health ("Oakridge" is a short form of the name)? Confirm the match to import this row';
  const lakesideProposal =
    'Agency "Lakeside Home Care" is not in the agency list exactly; did you mean Lakeside Home Care LLC ("Lakeside Home Care" differs only by the suffix "LLC")? Confirm the match to import this row';
  const sharedRows = {
    header: 'Clinician, Visit Date, HHA, Patient Name, Discipline, Visit',
    2: '2 visit 2026-03-02 tom oak Alvarez, Rosa PT EVAL 12500/8000',
    3: '3 visit 2026-03-04 tom oak Alvarez, Rosa PT ROUTINE 8500/5500',
    5: '5 visit 2026-03-09 tom oak Alvarez, Rosa PT REEVAL 11000/7000',
    9: '9 skipped: subtotal row',
    10: '10 needs-review: No bill rate for Summit Visiting Health, OT Evaluation, in force on 2026-03-03',
    11: '11 visit 2026-03-10 lena lake Okafor, Grace OT ROUTINE 8800/5200',
    12: '12 visit 2026-03-17 lena lake Okafor, Grace OT ROUTINE 8800/5200',
    13: '13 skipped: blank row',
    14: '14 visit 2026-03-05 omar oak Alvarez, Rosa PTA ROUTINE 6000/4000',
    15: '15 visit 2026-03-09 omar summit Kowalski, Jan PTA ROUTINE 5800/4000',
    16: '16 needs-review: No bill rate for Summit Visiting Health, PTA Evaluation, in force on 2026-03-16 | No pay rate for Omar Haddad, PTA Evaluation at Summit Visiting Health, in force on 2026-03-16',
    17: '17 needs-review: The patient cell is empty (column D)',
    18: '18 skipped: total row',
  };

  it('accounts for every row, proposing the short and suffix-less agency names', () => {
    const report = expectOk(importLegacyVisits(table, aContext({ rates })));
    expect(report.header.columns.map((c) => c.header).join(', ')).toBe(sharedRows.header);
    expect(report.header.unmapped.map((u) => u.header)).toEqual(['Paid to clinician?']);
    expect(report.rows.map(describeRow)).toEqual([
      sharedRows[2],
      sharedRows[3],
      `4 needs-review: ${oakridgeProposal}`,
      sharedRows[5],
      `6 needs-review: ${lakesideProposal}`,
      `7 needs-review: ${lakesideProposal} | Looks like a repeat of row 6: same therapist, agency, patient, date and visit type as typed`,
      `8 needs-review: ${lakesideProposal}`,
      sharedRows[9],
      sharedRows[10],
      sharedRows[11],
      sharedRows[12],
      sharedRows[13],
      sharedRows[14],
      sharedRows[15],
      sharedRows[16],
      sharedRows[17],
      sharedRows[18],
    ]);
    const proposals = report.rows.flatMap((r) =>
      r.outcome === 'needs-review' ? r.proposals.map((p) => [r.row, p.entryId, p.reason]) : [],
    );
    expect(proposals).toEqual([
      [4, 'oak', 'is a short form of the name'],
      [6, 'lake', 'differs only by the suffix "LLC"'],
      [7, 'lake', 'differs only by the suffix "LLC"'],
      [8, 'lake', 'differs only by the suffix "LLC"'],
    ]);
    expect(summarizeImport(report)).toEqual({ visits: 7, duplicates: 0, needsReview: 7, skipped: 3, total: 17, dataRows: 17 });
    expect(report.newAgencies).toEqual([]);
  });

  it('imports the proposed rows once the owner confirms the matches, and finds the repeated Nguyen evaluation', () => {
    const mappings = { agencies: { Oakridge: 'oak', 'Lakeside Home Care': 'lake' } };
    const report = expectOk(importLegacyVisits(table, aContext({ rates, mappings })));
    expect(report.rows.map(describeRow)).toEqual([
      sharedRows[2],
      sharedRows[3],
      '4 visit 2026-03-06 tom oak Alvarez, Rosa PT ROUTINE 8500/5500',
      sharedRows[5],
      '6 visit 2026-03-12 tom lake Nguyen, Bao PT EVAL 13500/8000',
      '7 duplicate of row 6',
      '8 visit 2026-03-19 tom lake Nguyen, Bao PT DC 10000/6000',
      sharedRows[9],
      sharedRows[10],
      sharedRows[11],
      sharedRows[12],
      sharedRows[13],
      sharedRows[14],
      sharedRows[15],
      sharedRows[16],
      sharedRows[17],
      sharedRows[18],
    ]);
    expect(summarizeImport(report)).toEqual({ visits: 10, duplicates: 1, needsReview: 3, skipped: 3, total: 17, dataRows: 17 });
  });

  it("creates nothing from the sample with 'create': every unmatched name is near a known one", () => {
    const report = expectOk(importLegacyVisits(table, aContext({ rates, unknownNames: 'create' })));
    expect(report.newAgencies).toEqual([]);
    expect(report.newTherapists).toEqual([]);
    expect(summarizeImport(report).needsReview).toBe(7);
  });
});
