/**
 * Secrets and PHI kept off the terminal: the CLI takes Stripe's key and
 * secrets and a portal passcode from standard input or the environment (a flag still works,
 * with a warning), and `import --json` names patients only when --show-phi asks.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';
import { json, SAMPLE_IMPORT } from '../cli/run-cli.ts';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'visitledger-secrets-'));
let standin: StripeStandin;

beforeAll(async () => {
  standin = await startStripeStandin();
});
afterAll(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

type Run = { code: number | null; stdout: string; stderr: string };

/** The CLI as a child process with `input` on its standard input (a pipe, not a terminal). */
function visitledger(db: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--db', db], {
      env: { PATH: process.env.PATH ?? '', STRIPE_API_BASE: standin.url, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(options.input ?? '');
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function newStripeKey(): string {
  const key = `rk_test_${randomBytes(16).toString('hex')}`;
  standin.addPlatform(key, 0);
  return key;
}
const whsec = () => `whsec_${randomBytes(12).toString('hex')}`;

describe('stripe-connect', () => {
  it('reads the key and the webhook secret from standard input, one a line, with no warning', async () => {
    const key = newStripeKey();
    const run = await visitledger(join(dir, 'stdin.db'), ['stripe-connect', '--json'], { input: `${key}\n${whsec()}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ keyLast4: key.slice(-4) });
    expect(run.stderr).not.toMatch(/warning/);
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('reads them from the environment', async () => {
    const key = newStripeKey();
    const run = await visitledger(join(dir, 'env.db'), ['stripe-connect', '--json'], {
      env: { VISITLEDGER_STRIPE_KEY: key, VISITLEDGER_STRIPE_WEBHOOK_SECRET: whsec() },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ keyLast4: key.slice(-4) });
  });

  it('still takes the flags, warning that they leave the secret in ps and the shell history', async () => {
    const key = newStripeKey();
    const run = await visitledger(join(dir, 'flags.db'), ['stripe-connect', '--key', key, '--webhook-secret', whsec(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: --key leaves the secret in the process list and the shell history; set VISITLEDGER_STRIPE_KEY/);
    expect(run.stderr).toMatch(/warning: --webhook-secret/);
  });

  it('says what is missing when standard input gives nothing, and stores nothing', async () => {
    const run = await visitledger(join(dir, 'none.db'), ['stripe-connect']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/standard input gave no line for: restricted key/);
  });
});

describe('portal-link', () => {
  const db = join(dir, 'portal.db');
  const agency = ['--org', 'demo', '--agency', 'Oakridge Home Health (demo)'];

  it('takes the passcode from standard input with --passcode-stdin, or warns about --passcode', async () => {
    await json(db, 'demo', '--month', '2026-09');
    const piped = await visitledger(db, ['portal-link', ...agency, '--passcode-stdin', '--json'], { input: 'harbor-lights-42\n' });
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout).link).toMatchObject({ hasPasscode: true });
    expect(piped.stderr).not.toMatch(/warning/);

    const flagged = await visitledger(db, ['portal-link', ...agency, '--passcode', 'harbor-lights-42', '--json']);
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(flagged.stderr).toMatch(/warning: --passcode leaves the secret in the process list/);

    const plain = await visitledger(db, ['portal-link', ...agency, '--json']);
    expect(JSON.parse(plain.stdout).link).toMatchObject({ hasPasscode: false });
  });
});

describe('import --json', () => {
  it('names no patient unless --show-phi asks', async () => {
    const db = join(dir, 'import.db');
    const args = [...SAMPLE_IMPORT, '--json'];
    const hidden = await visitledger(db, args);
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hidden.stdout).not.toMatch(/Alvarez|Rosa|"patient"|"mrn"/);
    expect(JSON.parse(hidden.stdout).rows[0].visit).toMatchObject({ date: '2026-03-02', therapist: 'Tom Becker' });
    const shown = await visitledger(db, [...args, '--show-phi']);
    expect(JSON.parse(shown.stdout).rows[0].visit).toMatchObject({ patient: 'Alvarez, Rosa' });
  });
});
