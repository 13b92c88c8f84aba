import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMoney } from './money.ts';
import {
  parseRateHeader,
  readAgencyRateMatrix,
  readTherapistPaySheet,
  type AgencyRateRecord,
  type RateSheetError,
  type RateSheetTable,
  type TherapistPayRecord,
} from './rate-sheets/index.ts';
import { buildVocabulary, type Discipline } from './vocabulary.ts';

const vocabulary = buildVocabulary();
const options = { vocabulary, effectiveFrom: '2026-01-01' };

/** The fixtures have no quoted fields, so a plain split is enough (and the check says so). */
function readFixture(name: string): string[][] {
  const text = readFileSync(new URL(`./fixtures/sample-owner-sheet/${name}`, import.meta.url), 'utf8');
  expect(text).not.toContain('"');
  return text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .map((line) => line.split(','));
}

const billRate = (
  agencyName: string,
  discipline: Discipline,
  visitType: string,
  cents: number,
  row: number,
  column: number,
): AgencyRateRecord => ({ agencyName, discipline, visitType, cents, effectiveFrom: '2026-01-01', row, column });

const payRate = (
  therapistName: string,
  discipline: Discipline,
  visitType: string,
  cents: number,
  row: number,
  column: number,
  agencyName?: string,
): TherapistPayRecord => ({
  therapistName,
  ...(agencyName ? { agencyName } : {}),
  discipline,
  visitType,
  cents,
  effectiveFrom: '2026-01-01',
  row,
  column,
});

function errorAt(errors: readonly RateSheetError[], cell: string): RateSheetError {
  const found = errors.find((e) => e.row !== undefined && `${e.columnLetter}${e.row}` === cell);
  expect(found, `an error at ${cell} in ${JSON.stringify(errors)}`).toBeDefined();
  return found!;
}

describe('parseRateHeader', () => {
  it.each([
    ['PT Eval', 'PT', 'EVAL'],
    ['OT D/C', 'OT', 'DC'],
    ['PTA Visit', 'PTA', 'ROUTINE'],
    ['PT Re-Eval', 'PT', 'REEVAL'],
    ['PT Routine', 'PT', 'ROUTINE'],
    ['Physical Therapy Evaluation', 'PT', 'EVAL'],
    ['ST - Discharge', 'ST', 'DC'],
    ['PT Assistant Visit', 'PTA', 'ROUTINE'],
    ['SLP Eval/SOC', 'ST', 'EVAL'],
    ['OTA Tx', 'COTA', 'ROUTINE'],
    ['COTA Routine Visit', 'COTA', 'ROUTINE'],
    ['  pt   eval ', 'PT', 'EVAL'],
    ['Speech Therapy Re-evaluation', 'ST', 'REEVAL'],
  ])('reads %j as %s %s', (header, discipline, visitType) => {
    expect(parseRateHeader(header, vocabulary)).toEqual({ ok: true, value: { discipline, visitType } });
  });

  it("reads an org's own visit types", () => {
    const org = buildVocabulary({ visitTypes: [{ code: 'SUPV', label: 'Supervisory visit', synonyms: ['Supervisory', 'Sup'] }] });
    expect(parseRateHeader('PTA Supervisory', org)).toEqual({ ok: true, value: { discipline: 'PTA', visitType: 'SUPV' } });
    expect(parseRateHeader('PTA Supervisory', vocabulary).ok).toBe(false);
  });

  it('says which part it could not read when the discipline is known', () => {
    const result = parseRateHeader('PT Evalx', vocabulary);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unknown-header');
      expect(result.error.message).toContain('reads as PT, but "Evalx" is not a visit type');
    }
  });

  it.each(['Mileage', 'Eval', 'PT', 'PTEval', 'Home Health Agency', ''])('does not read %j as a rate header', (header) => {
    const result = parseRateHeader(header, vocabulary);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(`"${header.trim()}"`);
  });
});

describe('readAgencyRateMatrix on the sample owner sheet', () => {
  const matrix = readAgencyRateMatrix(readFixture('rates.csv'), options);

  it('finds the header under the title row and reads every rate, in cents', () => {
    expect(matrix.headerRow).toBe(2);
    expect(matrix.skipped).toEqual([{ row: 1, reason: 'above-header' }]);
    expect(matrix.errors).toEqual([]);
    expect(matrix.agencies).toEqual(['Oakridge Home Health', 'Lakeside Home Care LLC', 'Summit Visiting Health']);
    const columns = [
      ['PT', 'EVAL'],
      ['PT', 'REEVAL'],
      ['PT', 'ROUTINE'],
      ['PT', 'DC'],
      ['OT', 'EVAL'],
      ['OT', 'ROUTINE'],
      ['OT', 'DC'],
      ['PTA', 'ROUTINE'],
    ] as const;
    const row = (agency: string, sheetRow: number, cents: Array<number | null>) =>
      cents.flatMap((c, i) => (c === null ? [] : [billRate(agency, columns[i]![0], columns[i]![1], c, sheetRow, i + 2)]));
    expect(matrix.rates).toEqual([
      ...row('Oakridge Home Health', 3, [12500, 11000, 8500, 9500, 12000, 8200, 9200, 6000]),
      ...row('Lakeside Home Care LLC', 4, [13500, 11500, 9200, 10000, 13000, 8800, 9800, 6500]),
      ...row('Summit Visiting Health', 5, [12000, 10500, 8000, 9000, null, null, null, 5800]),
    ]);
  });

  it('has no OT rates for Summit Visiting Health, and reads its plain "120" as 12000 cents', () => {
    const summit = matrix.rates.filter((r) => r.agencyName === 'Summit Visiting Health');
    expect(summit.filter((r) => r.discipline === 'OT')).toEqual([]);
    expect(summit.find((r) => r.discipline === 'PT' && r.visitType === 'EVAL')?.cents).toBe(12000);
  });
});

describe('readAgencyRateMatrix', () => {
  it('reads number cells as Sheets gives them', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval', 'OT Visit'],
        ['Oakridge', 125.5, 0],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12550, 2, 2), billRate('Oakridge', 'OT', 'ROUTINE', 0, 2, 3)]);
    expect(result.errors).toEqual([]);
  });

  it('reports each unreadable cell with its row, column, header and text, and still reads the rest of the row', () => {
    const result = readAgencyRateMatrix(
      [
        ['Home Health Agency', 'PT Eval', 'PT Visit', 'OT Eval', 'OT D/C'],
        ['Oakridge', '$12.3.4', 'n/a', 'abc', '$92.00'],
        ['Lakeside', '(12.00)', true, new Date('2026-01-05T00:00:00Z'), '95'],
        ['Summit', -0.01, '', '', ''],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'OT', 'DC', 9200, 2, 5), billRate('Lakeside', 'OT', 'DC', 9500, 3, 5)]);
    expect(result.errors).toHaveLength(7);
    expect(errorAt(result.errors, 'B4')).toMatchObject({ code: 'negative-amount', text: '-0.01' });
    expect(errorAt(result.errors, 'B2')).toEqual({
      code: 'bad-amount',
      row: 2,
      column: 2,
      columnLetter: 'B',
      header: 'PT Eval',
      text: '$12.3.4',
      message: 'B2: Oakridge, PT Eval: "$12.3.4" is not an amount of money (expected something like 95, $95.00 or 1,234.50)',
    });
    expect(errorAt(result.errors, 'C2')).toMatchObject({ code: 'bad-amount', header: 'PT Visit', text: 'n/a' });
    expect(errorAt(result.errors, 'D2')).toMatchObject({ code: 'bad-amount', header: 'OT Eval', text: 'abc' });
    expect(errorAt(result.errors, 'B3')).toMatchObject({ code: 'negative-amount', text: '(12.00)' });
    expect(errorAt(result.errors, 'B3').message).toContain('is negative');
    expect(errorAt(result.errors, 'C3')).toMatchObject({ code: 'bad-amount', text: 'true' });
    expect(errorAt(result.errors, 'D3')).toMatchObject({ code: 'bad-amount', text: '2026-01-05' });
  });

  it('finds a header row below titles and blank rows, and accounts for every row', () => {
    const result = readAgencyRateMatrix(
      [
        ['ACME THERAPY STAFFING', '', ''],
        ['Rates effective January 2026', '', ''],
        ['', '', ''],
        ['Agency', 'PT Eval', 'PTA Visit'],
        ['Oakridge', '125', ''],
        ['', '', ''],
        ['Summit', '', '58'],
        ['Hillside', '', ''],
      ],
      options,
    );
    expect(result.headerRow).toBe(4);
    expect(result.agencies).toEqual(['Oakridge', 'Summit', 'Hillside']);
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 5, 2), billRate('Summit', 'PTA', 'ROUTINE', 5800, 7, 3)]);
    expect(result.skipped).toEqual([
      { row: 1, reason: 'above-header' },
      { row: 2, reason: 'above-header' },
      { row: 3, reason: 'above-header' },
      { row: 6, reason: 'blank' },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reads an unticked checkbox (false) as blank, like the importer: a row of them is skipped, one under a rate is no rate', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval', 'PT Visit', 'Active'],
        ['Oakridge', '125', false, true],
        ['', '', '', false],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 2, 2)]);
    expect(result.skipped).toEqual([{ row: 3, reason: 'blank' }]);
    expect(result.errors.map((e) => [e.code, e.columnLetter])).toEqual([['unknown-header', 'D']]);
  });

  it('takes the row with the most rate headers, not the first with one', () => {
    const result = readAgencyRateMatrix(
      [
        ['Note', 'PT Eval', 'includes mileage'],
        ['Agency', 'PT Eval', 'PT Visit'],
        ['Oakridge', '125', '85'],
      ],
      options,
    );
    expect(result.headerRow).toBe(2);
    expect(result.rates.map((r) => r.cents)).toEqual([12500, 8500]);
  });

  it('takes the first of two equally good header rows, and reports the second as a row it could not read', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval'],
        ['Oakridge', '125'],
        ['Agency', 'PT Eval'],
      ],
      options,
    );
    expect(result.headerRow).toBe(1);
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 2, 2)]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'bad-amount', row: 3, columnLetter: 'B', text: 'PT Eval' })]);
  });

  it('looks for the header only in the first 20 rows', () => {
    const table: string[][] = [...Array.from({ length: 20 }, () => ['', '']), ['Agency', 'PT Eval'], ['Oakridge', '125']];
    const result = readAgencyRateMatrix(table, options);
    expect(result.headerRow).toBeNull();
    expect(result.rates).toEqual([]);
    expect(result.errors).toEqual([
      { code: 'no-header-row', message: expect.stringContaining('No header row found in the first 20 rows') },
    ]);
    expect(readAgencyRateMatrix([], options).errors.map((e) => e.code)).toEqual(['no-header-row']);
  });

  it('reports unknown headers by column, skips those columns, and reads the others', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval', 'Mileage', 'PT Evalx', 'OT Eval'],
        ['Oakridge', '125', '0.65', '99', '120'],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 2, 2), billRate('Oakridge', 'OT', 'EVAL', 12000, 2, 5)]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'unknown-header',
        row: 1,
        column: 3,
        columnLetter: 'C',
        header: 'Mileage',
        message: expect.stringMatching(/^Column C: "Mileage" is not a discipline.*Column C was not read\.$/),
      }),
      expect.objectContaining({
        code: 'unknown-header',
        row: 1,
        column: 4,
        columnLetter: 'D',
        header: 'PT Evalx',
        message: expect.stringContaining('"Evalx" is not a visit type'),
      }),
    ]);
  });

  it('reports two headers that mean the same rate and reads only the first', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval', 'Physical Therapy Evaluation'],
        ['Oakridge', '125', '130'],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 2, 2)]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'duplicate-header',
        column: 3,
        columnLetter: 'C',
        message:
          'Column C "Physical Therapy Evaluation" means the same as column B "PT Eval"; column C was not read (keep one column per rate)',
      }),
    ]);
  });

  it('reports a second row for the same agency and keeps the first', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval'],
        ['Oakridge Home Health', '125'],
        ['oakridge  home health ', '130'],
      ],
      options,
    );
    expect(result.agencies).toEqual(['Oakridge Home Health']);
    expect(result.rates).toEqual([billRate('Oakridge Home Health', 'PT', 'EVAL', 12500, 2, 2)]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'duplicate-agency',
        row: 3,
        columnLetter: 'A',
        message: expect.stringContaining('is on row 2 and again on row 3'),
      }),
    ]);
  });

  it('reports a row with rates but no agency name instead of dropping it silently', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval'],
        ['', '125'],
      ],
      options,
    );
    expect(result.rates).toEqual([]);
    expect(result.errors).toEqual([
      {
        code: 'missing-name',
        row: 2,
        column: 1,
        columnLetter: 'A',
        text: '',
        message: 'Row 2 has values but no agency name in A2; row 2 was not read',
      },
    ]);
  });

  it('uses the column left of the rates for names when its header is blank', () => {
    const result = readAgencyRateMatrix(
      [
        ['', 'PT Eval'],
        ['Oakridge', '125'],
      ],
      options,
    );
    expect(result.rates).toEqual([billRate('Oakridge', 'PT', 'EVAL', 12500, 2, 2)]);
  });

  it('refuses a matrix with no column for the agency names', () => {
    const result = readAgencyRateMatrix(
      [
        ['PT Eval', 'OT Eval'],
        ['125', '120'],
      ],
      options,
    );
    expect(result.rates).toEqual([]);
    expect(result.errors.map((e) => e.code)).toEqual(['no-name-column']);
  });

  it('reports values in a column without a header', () => {
    const result = readAgencyRateMatrix(
      [
        ['Agency', 'PT Eval'],
        ['Oakridge', '125', '99'],
      ],
      options,
    );
    expect(result.rates).toHaveLength(1);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'no-header', column: 3, columnLetter: 'C', text: '99' })]);
  });

  it('refuses an effectiveFrom that is not a date (the caller parses it first)', () => {
    expect(() => readAgencyRateMatrix([], { vocabulary, effectiveFrom: '1/1/2026' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('readTherapistPaySheet on the sample owner sheet', () => {
  const sheet = readTherapistPaySheet(readFixture('pay-rates.csv'), options);

  it('reads the discipline column layout with its gaps as missing rates', () => {
    expect(sheet.headerRow).toBe(1);
    expect(sheet.errors).toEqual([]);
    expect(sheet.skipped).toEqual([]);
    expect(sheet.therapists).toEqual([
      { name: 'Tom Becker', disciplines: ['PT'] },
      { name: 'Lena Fischer', disciplines: ['OT'] },
      { name: 'Omar Haddad', disciplines: ['PTA'] },
    ]);
    expect(sheet.rates).toEqual([
      payRate('Tom Becker', 'PT', 'EVAL', 8000, 2, 3),
      payRate('Tom Becker', 'PT', 'REEVAL', 7000, 2, 4),
      payRate('Tom Becker', 'PT', 'ROUTINE', 5500, 2, 5),
      payRate('Tom Becker', 'PT', 'DC', 6000, 2, 6),
      payRate('Lena Fischer', 'OT', 'EVAL', 7800, 3, 3),
      payRate('Lena Fischer', 'OT', 'ROUTINE', 5200, 3, 5),
      payRate('Lena Fischer', 'OT', 'DC', 5800, 3, 6),
      payRate('Omar Haddad', 'PTA', 'ROUTINE', 4000, 4, 5),
    ]);
  });

  it('has no Re-Eval pay rate for Lena Fischer and only Routine for Omar Haddad', () => {
    expect(sheet.rates.some((r) => r.therapistName === 'Lena Fischer' && r.visitType === 'REEVAL')).toBe(false);
    expect(sheet.rates.filter((r) => r.therapistName === 'Omar Haddad')).toEqual([payRate('Omar Haddad', 'PTA', 'ROUTINE', 4000, 4, 5)]);
  });
});

describe('readTherapistPaySheet', () => {
  it('reads discipline+visit type headers', () => {
    const result = readTherapistPaySheet(
      [
        ['Pay rates 2026', '', ''],
        ['Therapist', 'PT Eval', 'PTA Visit'],
        ['Tom Becker', '$80', ''],
        ['Omar Haddad', '', 40],
      ],
      options,
    );
    expect(result.headerRow).toBe(2);
    expect(result.errors).toEqual([]);
    expect(result.therapists).toEqual([
      { name: 'Tom Becker', disciplines: ['PT'] },
      { name: 'Omar Haddad', disciplines: ['PTA'] },
    ]);
    expect(result.rates).toEqual([payRate('Tom Becker', 'PT', 'EVAL', 8000, 3, 2), payRate('Omar Haddad', 'PTA', 'ROUTINE', 4000, 4, 3)]);
  });

  it('reads an agency override row next to the general rate', () => {
    const result = readTherapistPaySheet(
      [
        ['Clinician', 'Discipline', 'HHA', 'Eval', 'Routine'],
        ['Tom Becker', 'PT', '', '80', '55'],
        ['Tom Becker', 'pt', 'Oakridge Home Health', '90', ''],
      ],
      options,
    );
    expect(result.errors).toEqual([]);
    expect(result.therapists).toEqual([{ name: 'Tom Becker', disciplines: ['PT'] }]);
    expect(result.rates).toEqual([
      payRate('Tom Becker', 'PT', 'EVAL', 8000, 2, 4),
      payRate('Tom Becker', 'PT', 'ROUTINE', 5500, 2, 5),
      payRate('Tom Becker', 'PT', 'EVAL', 9000, 3, 4, 'Oakridge Home Health'),
    ]);
    expect('agencyName' in result.rates[0]!).toBe(false);
  });

  it('reads a therapist with two disciplines on two rows', () => {
    const result = readTherapistPaySheet(
      [
        ['Name', 'Disc', 'Routine'],
        ['Ana Ruiz', 'PT', '55'],
        ['Ana Ruiz', 'PTA', '45'],
      ],
      options,
    );
    expect(result.therapists).toEqual([{ name: 'Ana Ruiz', disciplines: ['PT', 'PTA'] }]);
    expect(result.rates.map((r) => [r.discipline, r.cents])).toEqual([
      ['PT', 5500],
      ['PTA', 4500],
    ]);
  });

  it('reports a row whose discipline cannot be read once, not once per rate', () => {
    const result = readTherapistPaySheet(
      [
        ['Clinician', 'Disc', 'Eval', 'Routine'],
        ['Tom Becker', 'PT/OT', '80', '55'],
        ['Lena Fischer', '', '78', ''],
        ['Omar Haddad', 'PTA', '', '40'],
      ],
      options,
    );
    expect(result.rates).toEqual([payRate('Omar Haddad', 'PTA', 'ROUTINE', 4000, 4, 4)]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'unknown-discipline',
        row: 2,
        columnLetter: 'B',
        header: 'Disc',
        text: 'PT/OT',
        message: expect.stringContaining('C2, D2 were not read'),
      }),
      expect.objectContaining({
        code: 'missing-discipline',
        row: 3,
        columnLetter: 'B',
        message: 'B3: Lena Fischer has rates on row 3 but no discipline. C3 was not read.',
      }),
    ]);
    expect(result.therapists.map((t) => t.name)).toEqual(['Tom Becker', 'Lena Fischer', 'Omar Haddad']);
  });

  it('reports bad cells, duplicate rates and visit type columns without a discipline column', () => {
    const dup = readTherapistPaySheet(
      [
        ['Clinician', 'Disc', 'Eval', 'PT Eval'],
        ['Tom Becker', 'PT', '80', '85'],
        ['Tom Becker', 'PT', 'abc', ''],
      ],
      options,
    );
    expect(dup.rates).toEqual([payRate('Tom Becker', 'PT', 'EVAL', 8000, 2, 3)]);
    expect(dup.errors).toEqual([
      expect.objectContaining({
        code: 'duplicate-rate',
        row: 2,
        columnLetter: 'D',
        message: 'D2: Tom Becker already has a PT Evaluation pay rate in C2; D2 was not read (keep one rate per combination)',
      }),
      expect.objectContaining({ code: 'bad-amount', row: 3, columnLetter: 'C', text: 'abc' }),
    ]);

    const noDiscipline = readTherapistPaySheet(
      [
        ['Clinician', 'Eval', 'OT Eval'],
        ['Lena Fischer', '78', '79'],
      ],
      options,
    );
    expect(noDiscipline.rates).toEqual([payRate('Lena Fischer', 'OT', 'EVAL', 7900, 2, 3)]);
    expect(noDiscipline.errors).toEqual([
      expect.objectContaining({
        code: 'no-discipline-column',
        columnLetter: 'B',
        message: expect.stringContaining('add a "Discipline" column'),
      }),
    ]);
  });

  it('reports unknown headers and rows without a name', () => {
    const result = readTherapistPaySheet(
      [
        ['Clinician', 'Disc', 'Eval', 'Mileage'],
        ['', 'PT', '80', ''],
      ],
      options,
    );
    expect(result.rates).toEqual([]);
    expect(result.errors.map((e) => [e.code, e.columnLetter])).toEqual([
      ['unknown-header', 'D'],
      ['missing-name', 'A'],
    ]);
  });
});

describe('every non-empty cell under a recognized header is one rate or one error', () => {
  const spellings: Record<Discipline, readonly string[]> = {
    PT: ['PT', 'Physical Therapy', 'pt'],
    OT: ['OT', 'Occupational Therapy'],
    ST: ['ST', 'SLP', 'Speech'],
    PTA: ['PTA', 'PT Assistant'],
    COTA: ['COTA', 'OTA'],
  };
  const visitSpellings: Record<string, readonly string[]> = {
    EVAL: ['Eval', 'Evaluation', 'SOC'],
    REEVAL: ['Re-Eval', 'Recert'],
    ROUTINE: ['Visit', 'Routine', 'Tx', 'F/U'],
    DC: ['D/C', 'DC', 'Discharge'],
  };
  const pairs = (Object.keys(spellings) as Discipline[]).flatMap((d) => Object.keys(visitSpellings).map((v) => [d, v] as const));
  const cell = fc.oneof(
    fc.constant(''),
    fc.constant('  '),
    fc.integer({ min: -50000, max: 50000 }).map((c) => c / 100),
    fc.integer({ min: 0, max: 500000 }).map((c) => `$${(c / 100).toFixed(2)}`),
    fc.integer({ min: 0, max: 500 }).map(String),
    fc.constantFrom('n/a', 'abc', '$12.3.4', 'TBD', '-', '(5.00)'),
    fc.string({ maxLength: 6 }),
  );
  const isFilled = (value: unknown) => typeof value === 'number' || (typeof value === 'string' && value.trim() !== '');

  /** Cells are either read as the money they say or reported; nothing is lost or counted twice. */
  function expectEachCellAccountedFor(
    table: RateSheetTable,
    firstRateColumn: number,
    headerIndex: number,
    rates: ReadonlyArray<{ row: number; column: number; cents: number }>,
    errors: readonly RateSheetError[],
  ): void {
    for (let r = headerIndex + 1; r < table.length; r++) {
      for (let c = firstRateColumn; c < table[r]!.length; c++) {
        const value = table[r]![c];
        const read = rates.filter((x) => x.row === r + 1 && x.column === c + 1);
        const reported = errors.filter((e) => e.row === r + 1 && e.column === c + 1);
        if (!isFilled(value)) {
          expect(read.length + reported.length).toBe(0);
          continue;
        }
        expect(read.length + reported.length).toBe(1);
        const money = parseMoney(value as string | number);
        if (read.length === 1) {
          expect(money).toEqual({ ok: true, value: read[0]!.cents });
          expect(read[0]!.cents).toBeGreaterThanOrEqual(0);
        } else expect(money.ok && money.value >= 0).toBe(false);
      }
    }
  }

  it('in the agency matrix', () => {
    const headers = fc.uniqueArray(fc.integer({ min: 0, max: pairs.length - 1 }), { minLength: 1, maxLength: 8 }).chain((ids) =>
      fc.tuple(
        ...ids.map((i) => {
          const [d, v] = pairs[i]!;
          return fc
            .tuple(fc.constantFrom(...spellings[d]), fc.constantFrom(' ', ' - ', '  '), fc.constantFrom(...visitSpellings[v]!))
            .map(([a, sep, b]) => ({ text: `${a}${sep}${b}`, d, v }));
        }),
      ),
    );
    const sheet = fc
      .record({ headers, titleRows: fc.integer({ min: 0, max: 3 }), rows: fc.integer({ min: 0, max: 6 }) })
      .chain(({ headers: hs, titleRows, rows }) =>
        fc
          .array(fc.array(cell, { minLength: hs.length, maxLength: hs.length }), { minLength: rows, maxLength: rows })
          .map((body) => ({ hs, titleRows, body })),
      );

    fc.assert(
      fc.property(sheet, ({ hs, titleRows, body }) => {
        const table: unknown[][] = [
          ...Array.from({ length: titleRows }, (_, i) => [`Title ${i}`]),
          ['Agency', ...hs.map((h) => h.text)],
          ...body.map((cells, i) => [`Agency ${i}`, ...cells]),
        ];
        const result = readAgencyRateMatrix(table, options);
        expect(result.headerRow).toBe(titleRows + 1);
        expect(result.agencies).toHaveLength(body.length);
        expect(result.errors.every((e) => e.code === 'bad-amount' || e.code === 'negative-amount')).toBe(true);
        for (const rate of result.rates) {
          const h = hs[rate.column - 2]!;
          expect([rate.discipline, rate.visitType]).toEqual([h.d, h.v]);
        }
        expectEachCellAccountedFor(table, 1, titleRows, result.rates, result.errors);
      }),
    );
  });

  it('in the pay sheet with a discipline column', () => {
    const visitTypes = Object.keys(visitSpellings);
    const sheet = fc
      .record({
        columns: fc.uniqueArray(fc.constantFrom(...visitTypes), { minLength: 1, maxLength: 4 }),
        rows: fc.array(
          fc.record({ d: fc.constantFrom(...(Object.keys(spellings) as Discipline[])), agency: fc.constantFrom('', 'Oakridge') }),
          { maxLength: 6 },
        ),
      })
      .chain(({ columns, rows }) =>
        fc.tuple(
          fc.constant(columns),
          fc.tuple(...columns.map((v) => fc.constantFrom(...visitSpellings[v]!))),
          fc.constant(rows),
          fc.array(fc.array(cell, { minLength: columns.length, maxLength: columns.length }), {
            minLength: rows.length,
            maxLength: rows.length,
          }),
        ),
      );

    fc.assert(
      fc.property(sheet, ([columns, headerTexts, rows, body]) => {
        // One row per therapist, so no two rows can hold the same rate.
        const table: unknown[][] = [
          ['Clinician', 'Disc', 'Agency', ...headerTexts],
          ...rows.map((row, i) => [`Therapist ${i}`, row.d, row.agency, ...body[i]!]),
        ];
        const result = readTherapistPaySheet(table, options);
        expect(result.headerRow).toBe(1);
        expect(result.errors.every((e) => e.code === 'bad-amount' || e.code === 'negative-amount')).toBe(true);
        for (const rate of result.rates) {
          const row = rows[rate.row - 2]!;
          expect(rate.discipline).toBe(row.d);
          expect(rate.visitType).toBe(columns[rate.column - 4]);
          expect(rate.agencyName).toBe(row.agency === '' ? undefined : row.agency);
        }
        expectEachCellAccountedFor(table, 3, 0, result.rates, result.errors);
      }),
    );
  });
});
