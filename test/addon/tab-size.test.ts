/**
 * Sheets refuses a range past a tab's rows and columns (a new tab has 1,000 and 26), so the
 * add-on grows a tab before it writes past them: a rate tab wider than 26 columns (an org's
 * own visit types), and more than 1,000 rows into a new tab. The add-on's modules against the
 * spreadsheet double, which refuses such ranges as Sheets does.
 */
import { describe, expect, it } from 'vitest';
import { ensureTab } from '../../addon/src/sheets/tabs.ts';
import { writeColumn, writeRows } from '../../addon/src/sheets/io.ts';
import { layouts, TAB } from '../../addon/src/sheets/layout.ts';
import { buildVocabulary } from '../../shared/vocabulary.ts';
import { as, CallLog } from './doubles/calls.ts';
import { FakeSpreadsheet, type FakeSheet } from './doubles/spreadsheet.ts';

type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

const newBook = () => new FakeSpreadsheet(new CallLog(), 'book-1', 'Sizes', 'America/New_York');

describe("writing past a new tab's size", () => {
  it('is refused by the double, as by Sheets', () => {
    const sheet = as<Sheet>(newBook().insertSheet('Plain'));
    expect(() => sheet.getRange(1000, 1, 2, 1)).toThrow('The coordinates of the range are outside the dimensions of the sheet.');
    expect(() => sheet.getRange(1, 26, 1, 2)).toThrow('The coordinates of the range are outside the dimensions of the sheet.');
  });

  it("grows a rate tab to its header: 31 columns with two visit types of the org's own", () => {
    const book = newBook();
    const vocabulary = buildVocabulary({
      visitTypes: [
        { code: 'TELEHEALTH', label: 'Telehealth visit', synonyms: [] },
        { code: 'SUPERVISORY', label: 'Supervisory visit', synonyms: [] },
      ],
    });
    const rates = layouts(vocabulary).find((l) => l.name === TAB.rates)!;
    expect(rates.header).toHaveLength(31);
    const { sheet } = ensureTab(as<Book>(book), new Map(), rates);
    expect((sheet as unknown as FakeSheet).table()[0]).toEqual(rates.header);
  });

  it('grows a new tab to 2,500 rows written at once, and a column to 1,200 values', () => {
    const book = newBook();
    const sheet = as<Sheet>(book.insertSheet('Long'));
    const rows = Array.from({ length: 2500 }, (_, i) => [`V${i}`, i]);
    writeRows(sheet, 2, rows);
    writeColumn(
      sheet,
      3,
      Array.from({ length: 1200 }, (_, i) => `C${i}`),
    );
    const table = (sheet as unknown as FakeSheet).table();
    expect(table).toHaveLength(2501);
    expect(table[2500]!.slice(0, 2)).toEqual(['V2499', 2499]);
    expect(table[1200]![2]).toBe('C1199');
    expect(sheet.getMaxRows()).toBe(2501);
  });
});
