/**
 * The invoice an agency receives says how to pay: the check payee and address and the ACH details
 * from the org's settings (set with `visitledger settings`, validated as the API's settings route),
 * and it is addressed to the agency's postal address. The real CLI on a SQLite file; the PDF read
 * back with PDF.js.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../service/src/test-support/pdf-text.ts';
import { json, SAMPLE_IMPORT, visitledger } from './run-cli.ts';

const mappings = ['--map-agency', 'Oakridge=Oakridge Home Health', '--map-agency', 'Lakeside Home Care=Lakeside Home Care LLC'];

describe('payment instructions on the invoice', () => {
  it('are set by `settings`, refused when the routing number cannot be one, and printed with the agency address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-invoice-pay-'));
    const db = join(dir, 'owner.db');
    expect((await visitledger(db, ...SAMPLE_IMPORT, ...mappings, '--commit')).code).toBe(0);
    const badRouting = await visitledger(
      db,
      'settings',
      '--ach-bank',
      'First Ohio Bank',
      '--ach-routing',
      '021000022',
      '--ach-account',
      '123456789',
    );
    expect(badRouting).toMatchObject({
      code: 1,
      stderr:
        'error: the org settings are not valid\n  --ach-routing: must be a 9-digit ABA routing number (its check digit does not match)\n',
    });
    const partial = await visitledger(db, 'settings', '--ach-bank', 'First Ohio Bank');
    expect(partial).toMatchObject({ code: 2, stderr: 'error: settings: the ACH details also need --ach-routing, --ach-account\n' });

    const set = await json(
      db,
      'settings',
      '--name',
      'Bright Path Therapy Staffing LLC',
      '--check-payable-to',
      'Bright Path Staffing',
      '--remit-to',
      'Bright Path Staffing\\nPO Box 1200\\nColumbus, OH 43216',
      '--ach-bank',
      'First Ohio Bank',
      '--ach-routing',
      '021000021',
      '--ach-account',
      '000123456789',
    );
    expect(set).toMatchObject({
      checkPayableTo: 'Bright Path Staffing',
      remitTo: 'Bright Path Staffing\nPO Box 1200\nColumbus, OH 43216',
      ach: { bankName: 'First Ohio Bank', routingNumber: '021000021', accountNumber: '000123456789' },
    });
    const shown = await visitledger(db, 'settings');
    expect(shown.stdout).toMatch(/checks payable to +Bright Path Staffing\n/);
    expect(shown.stdout).toMatch(/ACH +First Ohio Bank, routing 021000021, account 000123456789\n/);
    const agency = await visitledger(
      db,
      'agency',
      'set',
      'Oakridge Home Health',
      '--address',
      '12 Main St, Suite 4, Springfield, OH 45501',
    );
    expect(agency.code, agency.stderr).toBe(0);

    const out = join(dir, 'out');
    const closed = await json(db, 'close', '--period', '2026-03', '--out', out);
    const oakridge = closed.invoices.find((i: { agency: string }) => i.agency === 'Oakridge Home Health');
    const text = await pdfText(readFileSync(join(out, 'invoices', `${oakridge.number}.pdf`)));
    expect(text).toContain('BILL TO');
    expect(text).toMatch(/Oakridge Home Health[\s\S]*12 Main St[\s\S]*Suite 4[\s\S]*Springfield, OH 45501/);
    expect(text).toContain('HOW TO PAY');
    expect(text).toContain('By check: payable to Bright Path Staffing, mailed to Bright Path Staffing, PO Box 1200, Columbus, OH 43216.');
    expect(text).toMatch(
      /By ACH \(bank transfer\): First Ohio Bank, routing number 021000021, account number 000123456789, account name Bright\s+Path Staffing\./,
    );
    expect(text).toContain(`Please include invoice number ${oakridge.number} with your payment.`);

    // Without ACH details the invoice says only how to pay by check.
    expect((await visitledger(db, 'settings', '--no-ach')).code).toBe(0);
    const again = await json(db, 'settings');
    expect(again.ach).toBeNull();
  });
});
