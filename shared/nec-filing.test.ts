import { describe, expect, it } from 'vitest';
import { toCsv, toExportCsv } from './csv.ts';
import { buildIris1099Nec } from './iris.ts';
import { necCorrections, readFiledIrisFile, tinMatchingFile, type NecFiling } from './nec-filing.ts';
import { summarizeTaxYear, type TaxYearSummary } from './tax1099.ts';
import type { Payment } from './schemas.ts';
import { aTherapist, aW9 } from './test-support/builders.ts';
import { expectOk } from './test-support/results.ts';

const dana = aTherapist({ id: 'th-dana', name: 'Dana Lee', w9: aW9({ legalName: 'Dana Lee', tin: '234567891' }) });
const omar = aTherapist({ id: 'th-omar', name: 'Omar Haddad', w9: aW9({ legalName: 'Omar Haddad', tin: '345678912' }) });
const settings = { stripeTransfersCountFor1099: true };
let paymentNumber = 0;
const aPayment = (p: Omit<Payment, 'id'>): Payment => ({ id: `p${++paymentNumber}`, ...p });

function summary(year: number, payments: Parameters<typeof summarizeTaxYear>[0]['payments']): TaxYearSummary {
  return expectOk(summarizeTaxYear({ year, payments, therapists: [dana, omar], settings }));
}

describe('the threshold edges of both years', () => {
  it.each([
    [2025, 59_999, false],
    [2025, 60_000, true],
    [2026, 199_999, false],
    [2026, 200_000, true],
  ])('in %i, %i cents reportable: %s', (year, cents, reportable) => {
    const s = summary(year, [
      aPayment({ therapistId: dana.id, amountCents: cents, paidOn: `${year}-06-01`, method: 'check', status: 'paid' }),
    ]);
    expect(s.therapists[0]!.reportable).toBe(reportable);
  });
});

describe('returns filed, then corrected', () => {
  const paid = (therapistId: string, amountCents: number, extra = {}) =>
    aPayment({ therapistId, amountCents, paidOn: '2026-05-01', method: 'check', status: 'paid', ...extra });
  const filing = (returns: NecFiling['returns']): NecFiling => ({
    year: 2026,
    sha256: 'a'.repeat(64),
    fileName: 'iris-1099-nec-2026-1.csv',
    markedAt: '2027-01-20T00:00:00.000Z',
    returns,
  });

  it('needs none while the year matches what was filed', () => {
    const s = summary(2026, [paid(dana.id, 300_000)]);
    expect(necCorrections(s, [filing([{ therapistId: dana.id, name: 'Dana Lee', box1Cents: 300_000, box4Cents: 0 }])])).toEqual([]);
  });

  it('lists a return whose Box 1 or Box 4 changed since, and one whose payments are gone', () => {
    const s = summary(2026, [paid(dana.id, 300_000), paid(dana.id, 50_000, { withheldCents: 12_000 })]);
    const corrections = necCorrections(s, [
      filing([
        { therapistId: dana.id, name: 'Dana Lee', box1Cents: 300_000, box4Cents: 0 },
        { therapistId: omar.id, name: 'Omar Haddad', box1Cents: 250_000, box4Cents: 0 },
      ]),
    ]);
    expect(corrections.map((c) => [c.name, c.now])).toEqual([
      ['Dana Lee', { box1Cents: 350_000, box4Cents: 12_000 }],
      ['Omar Haddad', { box1Cents: 0, box4Cents: 0 }],
    ]);
    expect(corrections[0]!.message).toBe(
      'Dana Lee: Box 1 filed $3,000.00, now $3,500.00; Box 4 filed $0.00, now $120.00. File a corrected 1099-NEC for 2026 in IRIS and send the CORRECTED Copy B.',
    );
    expect(necCorrections(summary(2025, []), [filing([{ therapistId: dana.id, name: 'Dana Lee', box1Cents: 1, box4Cents: 0 }])])).toEqual(
      [],
    );
  });

  it('reads a filed IRIS file back: account number, TIN and amounts; another file is refused', () => {
    const iris = expectOk(
      buildIris1099Nec({
        year: 2026,
        payer: {
          name: 'Bright Path LLC',
          nameType: 'B',
          tin: '12-3456789',
          tinType: 'EIN',
          address: { line1: '1 Main St', city: 'Columbus', state: 'OH', zip: '43215' },
        },
        recipients: [{ therapistId: dana.id, name: 'Dana Lee', totalCents: 300_000, withheldCents: 72_000, w9: dana.w9 }],
      }),
    );
    const text = toExportCsv(iris.files[0]!);
    expect(expectOk(readFiledIrisFile(text, 2026))).toEqual([
      { accountNumber: 'thdana', tin: '234567891', box1Cents: 300_000, box4Cents: 72_000 },
    ]);
    expect(readFiledIrisFile(text, 2025)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/row 2 is not a 1099-NEC for 2025/) },
    });
    expect(readFiledIrisFile(toCsv([['Date', 'Amount']]), 2026)).toMatchObject({ ok: false, error: { code: 'not-an-iris-file' } });
  });
});

describe('the bulk TIN Matching file', () => {
  it('writes one line a recipient: type (1 EIN, 2 SSN), TIN, name, account number, by semicolons', () => {
    const file = tinMatchingFile([
      { therapistId: 'a', name: 'Nguyễn Thị Minh Khai', tinType: 'SSN', tin: '234567891', accountNumber: 'a1' },
      {
        therapistId: 'b',
        name: 'Zeta & Sons Rehab, Inc. of the Greater Columbus Metropolitan Area',
        tinType: 'EIN',
        tin: '987654321',
        accountNumber: 'b2',
      },
      { therapistId: 'c', name: 'Ζήτα', tinType: 'EIN', tin: '987654322', accountNumber: 'c3' },
    ]);
    expect(file.text).toBe('2;234567891;Nguyen Thi Minh Khai;a1\r\n1;987654321;Zeta & Sons Rehab Inc of the Greater Col;b2\r\n');
    expect(file.skipped).toEqual([{ therapistId: 'c', name: 'Ζήτα', reasons: [expect.stringMatching(/cannot carry/)] }]);
  });
});

describe('every exported CSV', () => {
  it('never lets a cell start a formula, amounts aside', () => {
    expect(toExportCsv([['=IMPORTXML("http://x","//a")', '-12.50', '@SUM(A1)', '+1', '\tx', 'plain']])).toBe(
      '"\'=IMPORTXML(""http://x"",""//a"")",-12.50,\'@SUM(A1),\'+1,\'\tx,plain\r\n',
    );
  });
});
