/** `visitledger settings --online-payments`: the org's choice of how agencies pay online, from the command line (a real process on a SQLite file). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, visitledger } from '../cli/run-cli.ts';

describe('visitledger settings --online-payments', () => {
  it('is off until chosen, takes ach or ach,card, prints the choice, and refuses anything else naming the option', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-pay-online-')), 'org.db');
    expect(await json(db, 'settings')).toMatchObject({ onlinePaymentMethods: [] });
    expect(await json(db, 'settings', '--online-payments', 'ach, card')).toMatchObject({
      onlinePaymentMethods: ['us_bank_account', 'card'],
    });
    expect((await visitledger(db, 'settings')).stdout).toMatch(/^online payments +ach,card$/m);
    expect(await json(db, 'settings', '--online-payments', 'ach')).toMatchObject({ onlinePaymentMethods: ['us_bank_account'] });
    expect(await visitledger(db, 'settings', '--online-payments', 'card')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--online-payments: "card" is not one of off, ach, ach,card/),
    });
    expect(await json(db, 'settings', '--online-payments', 'off')).toMatchObject({ onlinePaymentMethods: [] });
  });
});
