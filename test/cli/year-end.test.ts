/**
 * The 1099-NEC year end from the command line, as real processes on a real SQLite file: the
 * org's own details (settings), a paper W-9 (w9), the TIN Matching file, marking the IRS
 * file filed, and the corrections a later payment makes due.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../service/src/test-support/pdf-text.ts';
import { json, payDemoByCheck, visitledger } from './run-cli.ts';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `visitledger-year-end-${name}-`));

let db: string;
beforeAll(async () => {
  db = join(tmp('db'), 'demo.db');
  await json(db, 'demo', '--month', '2026-09');
}, 60_000);

describe('visitledger settings', () => {
  it('prints the org details, sets them through the validated use case, and refuses a bad one with the reason', async () => {
    const before = await json(db, 'settings', '--org', 'demo');
    expect(before).toMatchObject({ name: expect.any(String), timeZone: expect.any(String) });
    const set = await json(
      db,
      'settings',
      '--org',
      'demo',
      '--name',
      'Bright Path Therapy Staffing LLC',
      '--address1',
      '400 Main St',
      '--city',
      'Columbus',
      '--state',
      'oh',
      '--zip',
      '43215',
      '--phone',
      '(614) 555-0100',
      '--time-zone',
      'America/New_York',
    );
    expect(set).toMatchObject({
      name: 'Bright Path Therapy Staffing LLC',
      address: { line1: '400 Main St', city: 'Columbus', state: 'OH', zip: '43215' },
      phone: '(614) 555-0100',
    });
    expect(await visitledger(db, 'settings', '--org', 'demo', '--zip', '4321')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/settings.*address\.zip: must be a ZIP code/s),
    });
    expect(await visitledger(db, 'settings', '--org', 'demo', '--time-zone', 'Mars/Base')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not an IANA time zone/),
    });
    const text = await visitledger(db, 'settings', '--org', 'demo');
    expect(text.stdout).toMatch(/^address +400 Main St, (.*, )?Columbus, OH 43215$/m);
  });
});

describe('visitledger w9', () => {
  it('refuses a TIN that cannot be valid, with the reason, and records a good one sealed and shown masked', async () => {
    const base = [
      'w9',
      '--org',
      'demo',
      '--therapist',
      'Omar Haddad',
      '--legal-name',
      'Omar Haddad',
      '--classification',
      'sole-proprietor',
      '--address1',
      '5 Oak Ave',
      '--city',
      'Dayton',
      '--state',
      'OH',
      '--zip',
      '45402',
    ];
    expect(await visitledger(db, ...base, '--tin-type', 'SSN', '--tin', '666-12-3456')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/never starts with 666/),
    });
    expect(await visitledger(db, ...base, '--tin-type', 'SSN', '--tin', '123-00-4567')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/middle two digits/),
    });
    expect(await visitledger(db, ...base, '--tin-type', 'EIN', '--tin', '07-1234567')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/assigns no EIN starting with 07/),
    });
    expect(await visitledger(db, ...base, '--classification', 'corp', '--tin-type', 'SSN', '--tin', '234-56-7891')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--classification must be one of/),
    });
    const done = await visitledger(db, ...base, '--tin-type', 'SSN', '--tin', '234-56-7891', '--signed-on', '2026-03-01', '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({
      therapist: 'Omar Haddad',
      legalName: 'Omar Haddad',
      taxClassification: 'individual',
      tinType: 'SSN',
      tin: '***-**-7891',
      signedOn: '2026-03-01',
    });
    expect(done.stdout + done.stderr).not.toMatch(/234567891|234-56-7891/);
  });
});

describe('visitledger export-1099: before and after filing', () => {
  it('writes the TIN Matching file, marks the IRS file filed, and lists the correction a later payment makes due', async () => {
    for (const [therapist, amount] of [
      ['Tom Becker', '2,500.00'],
      ['Omar Haddad', '2,100.00'],
    ]) {
      expect(await payDemoByCheck(db, therapist!, amount!, '2026-11-10')).toBe(0);
    }
    expect((await visitledger(db, 'payer-tin', '--org', 'demo', '--tin', '98-7654321', '--type', 'EIN')).code).toBe(0);
    const out = tmp('export');
    const exported = await json(db, 'export-1099', '--org', 'demo', '--year', '2026', '--out', out, '--tin-matching');
    expect(exported.payerProblems).toEqual([]);
    expect(exported.files).toContain('tin-matching-2026.txt');
    const matching = readFileSync(join(out, 'tin-matching-2026.txt'), 'utf8').split('\r\n').filter(Boolean);
    expect(matching).toContainEqual(expect.stringMatching(/^2;234567891;Omar Haddad;[A-Za-z0-9]{1,20}$/));
    expect(matching.every((line) => /^[123];\d{9};[A-Za-z0-9 &-]{1,40};[A-Za-z0-9]{0,20}$/.test(line))).toBe(true);
    expect(exported.corrections).toEqual([]);

    const irisFile = join(out, 'iris-1099-nec-2026-1.csv');
    const marked = await json(db, 'export-1099', '--org', 'demo', '--year', '2026', '--mark-filed', irisFile);
    expect(marked).toMatchObject({ year: 2026, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), alreadyMarked: false });
    expect(marked.returns).toContainEqual({ therapist: 'Omar Haddad', box1Cents: expect.any(Number), box4Cents: 0 });
    expect(await json(db, 'export-1099', '--org', 'demo', '--year', '2026', '--mark-filed', irisFile)).toMatchObject({
      alreadyMarked: true,
    });
    expect(
      await visitledger(db, 'export-1099', '--org', 'demo', '--year', '2026', '--mark-filed', join(out, 'tin-matching-2026.txt')),
    ).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a VisitLedger IRIS 1099-NEC file for 2026/) });
    expect((await json(db, 'tax-year', '--org', 'demo', '--year', '2026')).corrections).toEqual([]);

    // A payment recorded after filing: Omar's return needs a correction.
    const omarFiled = marked.returns.find((r: { therapist: string }) => r.therapist === 'Omar Haddad').box1Cents;
    expect(await payDemoByCheck(db, 'Omar Haddad', '100.00', '2026-11-20')).toBe(0);
    const year = await json(db, 'tax-year', '--org', 'demo', '--year', '2026');
    expect(year.corrections).toEqual([
      {
        therapist: 'Omar Haddad',
        filed: { box1Cents: omarFiled, box4Cents: 0, sha256: marked.sha256 },
        now: { box1Cents: omarFiled + 10_000, box4Cents: 0 },
        message: expect.stringMatching(
          /^Omar Haddad: Box 1 filed .*File a corrected 1099-NEC for 2026 in IRIS and send the CORRECTED Copy B\.$/,
        ),
      },
    ]);
    const again = tmp('corrected');
    const text = await visitledger(db, 'export-1099', '--org', 'demo', '--year', '2026', '--out', again);
    expect(text.stdout).toContain('needs a correction: Omar Haddad: Box 1 filed');
    expect(text.stdout).toContain('1099-NEC-2026-copy-B-CORRECTED-Omar Haddad.pdf');
    const copy = await pdfText(readFileSync(join(again, '1099-NEC-2026-copy-B-CORRECTED-Omar Haddad.pdf')));
    expect(copy).toContain("recipient's copy (CORRECTED)");
    expect(copy).toContain('98-7654321 ***-**-7891');
  });
});
