/**
 * Options as a user types them, on a real SQLite file through the real CLI: an amount whose
 * third decimal hides behind a space, terms left empty, two names of one agency given to merge,
 * a --as-of typed as 3/31/2026, and an accounting export that says what its invoice file holds
 * when one of the month's invoices is void.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, SAMPLE_IMPORT_CONFIRMED, visitledger } from './run-cli.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'visitledger-typed-'));

describe('options as typed', () => {
  it('refuses what would be stored wrong, reads dates as everywhere, and counts only the invoices it exports', async () => {
    const dir = tempDir();
    const db = join(dir, 'owner.db');
    await json(db, ...SAMPLE_IMPORT_CONFIRMED);

    // parseMoney drops inner spaces: "10.00 1" would be rounded to $10.00 if only the end of the text were checked.
    const spaced = await visitledger(
      db,
      'payment',
      '--therapist',
      'Tom Becker',
      '--amount',
      '10.00 1',
      '--date',
      '4/2/2026',
      '--method',
      'check',
    );
    expect(spaced).toMatchObject({
      code: 2,
      stderr: 'error: --amount: "10.00 1" has more than two decimals; type the amount to the cent\n',
    });

    for (const terms of ['', ' ', 'Net ', '1e2', '0x10']) {
      const refused = await visitledger(db, 'agency', 'set', 'Oakridge Home Health', '--terms', terms);
      expect(refused, JSON.stringify(terms)).toMatchObject({
        code: 2,
        stderr: `error: --terms: "${terms}" is not a number of days from 0 to 365\n`,
      });
    }
    expect((await json(db, 'agency', 'set', 'Oakridge Home Health', '--terms', 'Net 45')).agency.termsDays).toBe(45);

    // "Oakridge" is a spelling of Oakridge Home Health (the import's confirmed near name): the same agency twice.
    const same = await visitledger(db, 'agency', 'merge', 'Oakridge', 'Oakridge Home Health');
    expect(same).toMatchObject({
      code: 2,
      stderr: 'error: "Oakridge" and "Oakridge Home Health" are both the agency "Oakridge Home Health": nothing to merge\n',
    });

    const closed = await json(db, 'close', '--period', '2026-03');
    expect(closed.invoices.length).toBe(3);
    const voided = await visitledger(db, 'void', '--invoice', 'INV-0003', '--reason', 'billed to the wrong agency');
    expect(voided.code, voided.stderr).toBe(0);

    // The invoice number typed in lower case, as `void` and `credit-note` take it.
    const today: string = (await json(db, 'receivables')).asOf;
    const paid = await json(
      db,
      'receipt',
      '--agency',
      'Oakridge Home Health',
      '--amount',
      '65.00',
      '--date',
      today,
      '--method',
      'check',
      '--invoice',
      'inv-0002',
    );
    expect(paid.invoices).toMatchObject([{ number: 'INV-0002', paidCents: 6_500 }]);

    expect(await json(db, 'receivables', '--as-of', '3/31/2026')).toEqual(await json(db, 'receivables', '--as-of', '2026-03-31'));
    expect(await visitledger(db, 'receivables', '--as-of', '3/32/2026')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: --as-of: /),
    });

    const exported = await visitledger(db, 'export-accounting', '--month', '2026-03', '--by', 'service', '--out', join(dir, 'out'));
    expect(exported.code, exported.stderr).toBe(0);
    const invoiceFile = readFileSync(join(dir, 'out', 'qbo-invoices-2026-03-01-to-2026-03-31.csv'), 'utf8');
    const numbers = new Set(
      invoiceFile
        .trim()
        .split('\r\n')
        .slice(1)
        .map((row) => row.split(',')[0]),
    );
    expect([...numbers].sort()).toEqual(['INV-0001', 'INV-0002']);
    expect(exported.stdout).toMatch(
      /\n2 invoices, 0 credit notes, 0 payments to therapists, 0 receipts, refunds and write-offs; 1 void invoice left out\n/,
    );
  });
});
