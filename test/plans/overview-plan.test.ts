/** `visitledger overview` names the org's plan in one line: Unlimited where the service bills nobody, the trial's days left where it does. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;
const overview = async (db: string, env: Record<string, string> = {}) =>
  (await promisify(execFile)(process.execPath, [CLI, 'overview', '--db', db], { env: { PATH: process.env.PATH ?? '', ...env } })).stdout;

describe('the plan line of visitledger overview', () => {
  it('says Unlimited on a box that bills nobody, and the free trial with its days left where the operator bills', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-plan-')), 'owner.db');
    expect(await overview(db)).toMatch(/^plan: Unlimited; 0 active therapists this period\.$/m);
    const billed = await overview(db, {
      VISITLEDGER_BILLING_STRIPE_KEY: 'sk_test_operator',
      VISITLEDGER_BILLING_WEBHOOK_SECRET: 'whsec_operator',
    });
    expect(billed).toMatch(/^plan: Free trial: 30 days left; 0 active therapists this period\.$/m);
  });
});
