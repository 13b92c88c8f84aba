import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.ts';
import { foldForIrs } from './irs-text.ts';
import {
  buildIris1099Nec,
  IRIS_1099_NEC_HEADER,
  irisFileName,
  recipientNameType,
  splitPersonName,
  type IrisPayer,
  type IrisRecipient,
} from './iris.ts';
import { necForm, NEC_FORMS } from './nec-forms.ts';
import { aW9 } from './test-support/builders.ts';
import { expectOk } from './test-support/results.ts';

const payer: IrisPayer = {
  name: 'Bright Path Therapy Staffing LLC',
  nameType: 'B',
  tin: '12-3456789',
  tinType: 'EIN',
  address: { line1: '400 Main St', line2: 'Suite 210', city: 'Columbus', state: 'OH', zip: '43215' },
  phone: '(614) 555-0100',
  email: 'billing@brightpath.example',
};

const recipients: IrisRecipient[] = [
  { therapistId: 't1', name: 'Tom Becker', totalCents: 1_234_567, w9: aW9({ legalName: 'Thomas A. Becker Jr.', tin: '234567891' }) },
  {
    therapistId: 't2',
    name: 'Nguyễn Thị Minh Khai',
    totalCents: 250_000,
    withheldCents: 60_000,
    w9: aW9({
      legalName: 'Nguyễn Thị Minh Khai',
      tin: '345678912',
      address: { line1: '9 Ngõ Huế', city: 'Dayton', state: 'OH', zip: '45402-1234' },
    }),
  },
  {
    therapistId: 't3',
    name: 'Ζήτα Rehab',
    totalCents: 900_001,
    w9: aW9({
      legalName: 'Ζήτα Rehab Services Inc',
      businessName: '=Zeta "Home" Rehab, Inc',
      taxClassification: 's-corporation',
      tinType: 'EIN',
      tin: '987654321',
    }),
  },
  { therapistId: 't4', name: 'Rosa Diaz', totalCents: 300_000, w9: undefined },
  {
    therapistId: 't6',
    name: 'Zeta Rehab',
    totalCents: 900_001,
    w9: aW9({
      legalName: 'Zeta Rehab Services Inc',
      businessName: '=Zeta "Home" Rehab, Inc',
      taxClassification: 's-corporation',
      tinType: 'EIN',
      tin: '987654321',
    }),
  },
  {
    therapistId: 't5',
    name: 'Sam Okafor',
    totalCents: 410_000,
    w9: aW9({ legalName: 'Sam Okafor', tin: '666123456', address: { line1: '1 Oak', city: ' ', state: 'OH', zip: '43004' } }),
  },
];

/** DOMAIN.md's IRIS 1099-NEC header, copied column by column: the file must say exactly this. */
const DOMAIN_IRIS_HEADER = [
  'Form Type',
  'Tax Year',
  'Payer TIN Type',
  'Payer Taxpayer ID Number',
  'Payer Name Type',
  'Payer Business or Entity Name Line 1',
  'Payer Business or Entity Name Line 2',
  'Payer First Name',
  'Payer Middle Name',
  'Payer Last Name (Surname)',
  'Payer Suffix',
  'Payer Country',
  'Payer Address Line 1',
  'Payer Address Line 2',
  'Payer City/Town',
  'Payer State/Province/Territory',
  'Payer ZIP/Postal Code',
  'Payer Phone Type',
  'Payer Phone',
  'Payer Email Address',
  'Recipient TIN Type',
  'Recipient Taxpayer ID Number',
  'Recipient Name Type',
  'Recipient Business or Entity Name Line 1',
  'Recipient Business or Entity Name Line 2',
  'Recipient First Name',
  'Recipient Middle Name',
  'Recipient Last Name (Surname)',
  'Recipient Suffix',
  'Recipient Country',
  'Recipient Address Line 1',
  'Recipient Address Line 2',
  'Recipient City/Town',
  'Recipient State/Province/Territory',
  'Recipient ZIP/Postal Code',
  'Office Code',
  'Form Account Number',
  '2nd TIN Notice',
  'Box 1 - Nonemployee Compensation',
  'Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale',
  'Box 4 - Federal income tax withheld',
  'Combined Federal/State Filing',
  'State 1',
  'State 1 - State Tax Withheld',
  'State 1 - State/Payer state number',
  'State 1 - State income',
  'State 1 - Local income tax withheld',
  'State 1 - Special Data Entries',
  'State 2',
  'State 2 - State Tax Withheld',
  'State 2 - State/Payer state number',
  'State 2 - State income',
  'State 2 - Local income tax withheld',
  'State 2 - Special Data Entries',
];

describe('the IRIS header, per tax year', () => {
  it.each(NEC_FORMS.map((f) => f.year))("is DOMAIN.md's list, column by column, for %i", (year) => {
    const header = expectOk(necForm(year)).irisHeader;
    DOMAIN_IRIS_HEADER.forEach((column, i) => {
      expect(header[i], `column ${i + 1}`).toBe(column);
    });
    expect(header).toHaveLength(DOMAIN_IRIS_HEADER.length);
    expect(header.some((h) => /Recipient (Phone|Email)/.test(h))).toBe(false);
  });

  it('answers a year it has no revision for with what to add, and earlier years with the oldest revision', () => {
    expect(necForm(2027)).toMatchObject({
      ok: false,
      error: { code: 'form-unknown', message: expect.stringMatching(/NEC_FORMS in shared\/nec-forms\.ts/) },
    });
    expect(expectOk(necForm(2021)).revision).toBe('Rev. January 2024');
    expect(expectOk(necForm(2026)).boxes.map((b) => b.number)).toEqual(['1a', '1b', '1c', '1d', '2', '3', '4', '5', '6', '7']);
    expect(expectOk(necForm(2025)).boxes.map((b) => b.number)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('the IRIS 1099-NEC CSV', () => {
  it('writes the filable recipients under the header kept as data, and matches the golden file', async () => {
    const iris = expectOk(buildIris1099Nec({ year: 2026, payer, recipients }));
    expect(iris.files).toHaveLength(1);
    const [header, ...records] = iris.files[0]!;
    expect(header).toEqual(IRIS_1099_NEC_HEADER);
    expect(records.every((r) => r.length === header!.length)).toBe(true);
    const column = (row: string[], name: string) => row[IRIS_1099_NEC_HEADER.indexOf(name)];
    expect(records.map((r) => column(r, 'Recipient Taxpayer ID Number'))).toEqual(['234567891', '345678912', '987654321']);
    expect(records.map((r) => column(r, 'Payer Taxpayer ID Number'))).toEqual(['123456789', '123456789', '123456789']);
    expect(records.map((r) => column(r, 'Recipient Name Type'))).toEqual(['I', 'I', 'B']);
    expect(records.map((r) => column(r, 'Box 1 - Nonemployee Compensation'))).toEqual(['12345.67', '2500.00', '9000.01']);
    expect(records.map((r) => column(r, 'Box 4 - Federal income tax withheld'))).toEqual(['0.00', '600.00', '0.00']);
    expect(records.map((r) => column(r, 'Form Account Number'))).toEqual(['t1', 't2', 't6']);
    expect(records.map((r) => column(r, '2nd TIN Notice'))).toEqual(['N', 'N', 'N']);
    expect([
      column(records[0]!, 'Recipient First Name'),
      column(records[0]!, 'Recipient Middle Name'),
      column(records[0]!, 'Recipient Last Name (Surname)'),
      column(records[0]!, 'Recipient Suffix'),
    ]).toEqual(['Thomas', 'A', 'Becker', 'Jr']);
    // Folded where faithful: Nguyễn -> Nguyen, Ngõ Huế -> Ngo Hue; = and quotes dropped, so no cell starts a formula.
    expect([
      column(records[1]!, 'Recipient First Name'),
      column(records[1]!, 'Recipient Middle Name'),
      column(records[1]!, 'Recipient Last Name (Surname)'),
    ]).toEqual(['Nguyen', 'Thi Minh', 'Khai']);
    expect(column(records[1]!, 'Recipient Address Line 1')).toBe('9 Ngo Hue');
    expect(column(records[2]!, 'Recipient Business or Entity Name Line 2')).toBe('Zeta Home Rehab Inc');
    expect(records.flat().some((cell) => /^[=+\-@\t\r]/.test(cell))).toBe(false);
    expect(iris.records[0]!.map((r) => [r.therapistId, r.box1Cents, r.box4Cents])).toEqual([
      ['t1', 1_234_567, 0],
      ['t2', 250_000, 60_000],
      ['t6', 900_001, 0],
    ]);
    const csv = toCsv(iris.files[0]!);
    expect(parseCsv(csv.replace(/\r\n$/, ''))).toEqual(iris.files[0]);
    await expect(csv).toMatchFileSnapshot('./fixtures/golden/iris-1099-nec-2026-1.csv');
  });

  it('lists the rows it cannot file with every reason, and no TIN in any reason', () => {
    const iris = expectOk(buildIris1099Nec({ year: 2026, payer, recipients }));
    expect(iris.skipped.map((s) => s.therapistId)).toEqual(['t3', 't4', 't5']);
    // Greek cannot be folded faithfully: refused, with the characters and what to do.
    expect(iris.skipped[0]!.reasons).toEqual([
      expect.stringMatching(
        /^the W-9 name has characters the IRS file cannot carry \(Ζ η τ α\): it takes letters A to Z.*Enter it in Latin letters/,
      ),
    ]);
    expect(iris.skipped[1]!.reasons[0]).toMatch(/No W-9 on file/);
    expect(iris.skipped[2]!.reasons).toEqual([expect.stringMatching(/TIN on the W-9 is not valid/), 'The W-9 address has no city.']);
    expect(JSON.stringify(iris.skipped)).not.toMatch(/6661|123456|\d{9}/);
  });

  it('splits more than 100 records into files of at most 100, each with the header', () => {
    const many: IrisRecipient[] = Array.from({ length: 250 }, (_, i) => ({
      therapistId: `t${i}`,
      name: `Therapist ${i}`,
      totalCents: 200_000 + i,
      w9: aW9({ legalName: `Pat Number${String.fromCharCode(65 + (i % 26))}`, tin: String(212_341_000 + i) }),
    }));
    const iris = expectOk(buildIris1099Nec({ year: 2026, payer, recipients: many }));
    expect(iris.files.map((f) => f.length - 1)).toEqual([100, 100, 50]);
    expect(iris.files.every((f) => f[0]!.join() === IRIS_1099_NEC_HEADER.join())).toBe(true);
    expect(iris.files.map((_, i) => irisFileName(2026, i))).toEqual([
      'iris-1099-nec-2026-1.csv',
      'iris-1099-nec-2026-2.csv',
      'iris-1099-nec-2026-3.csv',
    ]);
  });

  it('writes no file, saying why, when the payer has no address or a bad TIN', () => {
    const result = buildIris1099Nec({ year: 2026, payer: { ...payer, address: undefined, tin: '00-1234567' }, recipients });
    expect(result.ok).toBe(false);
    if (result.ok || result.error.code !== 'payer-incomplete') throw new Error('expected payer-incomplete');
    expect(result.error.problems).toEqual([
      expect.stringMatching(/address is not set \(visitledger settings --address1/),
      expect.stringMatching(/payer TIN is not usable: An EIN never starts with 00/),
    ]);
    expect(result.error.message).not.toContain('1234567');
  });

  it('gives a file with the header only when nobody is filable, and none when nobody reaches the threshold', () => {
    const none = buildIris1099Nec({ year: 2026, payer, recipients: [] });
    expect(none.ok && none.value).toEqual({ files: [], records: [], skipped: [] });
  });
});

describe('names for the IRIS columns', () => {
  it('splits a person as the W-9 wrote them', () => {
    expect(splitPersonName('Becker, Tom A.')).toEqual({ first: 'Tom', middle: 'A.', last: 'Becker', suffix: '' });
    expect(splitPersonName('Cher')).toEqual({ first: '', middle: '', last: 'Cher', suffix: '' });
    expect(splitPersonName('María José García López')).toEqual({ first: 'María', middle: 'José García', last: 'López', suffix: '' });
    expect(splitPersonName('Lee, Dana, Jr.')).toEqual({ first: 'Dana', middle: '', last: 'Lee', suffix: 'Jr.' });
  });

  it('files individuals and SSN holders as I, entities with an EIN as B', () => {
    expect(recipientNameType({ taxClassification: 'individual', tinType: 'EIN' })).toBe('I');
    expect(recipientNameType({ taxClassification: 'llc-s', tinType: 'SSN' })).toBe('I');
    expect(recipientNameType({ taxClassification: 'c-corporation', tinType: 'EIN' })).toBe('B');
  });
});

describe('names and addresses for the IRS file', () => {
  it.each([
    ['Nguyễn', 'person-name', 'Nguyen'],
    ['Müller-Lüdenscheidt', 'person-name', 'Muller-Ludenscheidt'],
    ['O\u2019Brien', 'person-name', "O'Brien"],
    ['Straße 5', 'street', 'Strasse 5'],
    ['Apt. #4, 12 Elm St.', 'street', 'Apt 4 12 Elm St'],
    ['=Zeta "Home" Rehab, Inc', 'business-name', 'Zeta Home Rehab Inc'],
    ['-Leading Dash LLC', 'business-name', 'Leading Dash LLC'],
    ['Winston–Salem', 'city', 'Winston-Salem'],
    ['Åsa  Øberg', 'tin-matching-name', 'Asa Oberg'],
  ] as const)('folds %j as %s to %j', (text, kind, folded) => {
    expect(expectOk(foldForIrs(text, kind, 'the name'))).toBe(folded);
  });

  it.each([
    ['Ζήτα Rehab', 'business-name', 'Ζ η τ α'],
    ['山田花子', 'person-name', '山 田 花 子'],
    ['Иван', 'person-name', 'И в а н'],
    ['A+ Therapy', 'business-name', '+'],
    ['x@y', 'city', '@'],
  ] as const)('refuses %j as %s, naming %j', (text, kind, shown) => {
    const folded = foldForIrs(text, kind, 'the W-9 legal name');
    expect(folded).toMatchObject({ ok: false, error: { code: 'irs-charset', message: expect.stringContaining(`(${shown})`) } });
  });
});
