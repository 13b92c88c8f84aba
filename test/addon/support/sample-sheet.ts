/** The sample owner sheet (shared/fixtures/sample-owner-sheet) as Sheets would hold it: numbers as numbers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../../shared/csv.ts';
import type { Cell, FakeSpreadsheet } from '../doubles/spreadsheet.ts';

const DIR = join(import.meta.dirname, '../../../shared/fixtures/sample-owner-sheet');

const asSheetsCell = (text: string): Cell => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);

function sampleTable(file: string): Cell[][] {
  return parseCsv(readFileSync(join(DIR, file), 'utf8')).map((r) => r.map(asSheetsCell));
}

/** The owner's three tabs, named as an owner would (not as the add-on's tabs). */
export const SAMPLE_TABS = { visits: 'Visit Log', rates: 'Rate Sheet', pay: 'Pay Sheet' } as const;

/** The answers an owner gives Set up about the sample's near names. */
export const SAMPLE_ANSWERS = {
  agencies: { Oakridge: 'Oakridge Home Health', 'Lakeside Home Care': 'Lakeside Home Care LLC' },
  therapists: {},
};

export function addSampleTabs(book: FakeSpreadsheet): void {
  book.addTab(SAMPLE_TABS.visits, sampleTable('visits.csv'));
  book.addTab(SAMPLE_TABS.rates, sampleTable('rates.csv'));
  book.addTab(SAMPLE_TABS.pay, sampleTable('pay-rates.csv'));
}
