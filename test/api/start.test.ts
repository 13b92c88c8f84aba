/** Starting the service as a person would: `npm start` (server.ts --demo) and `visitledger serve`, in child processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.ts';
import { call } from './harness.ts';

const start = startServerProcess;

describe('npm start (server.ts --demo)', () => {
  it('seeds the demo org with an owner key on first start, names only its file on the next, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-start-'));
    const env = { VISITLEDGER_DB: join(dir, 'visitledger.db'), PORT: '0' };
    const first = await start(['service/src/server.ts', '--demo'], env);
    const keyFile = join(dir, 'demo-api-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.stdout()).toContain(`API key:   ${key}`);
    expect(first.stdout()).toMatch(/curl -s .*\/v1\/orgs\/demo\/invoices/);
    const invoices = await call({ url: first.url }, 'get', '/v1/orgs/demo/invoices', { token: key });
    expect(invoices.status).toBe(200);
    expect(invoices.body.invoices.length).toBeGreaterThan(0);
    // The PDF is rendered on the server's worker threads, which stop with it.
    const pdf = await fetch(`${first.url}/v1/orgs/demo/invoices/${invoices.body.invoices[0].id}/pdf`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await start(['service/src/server.ts', '--demo'], env);
    // The key is printed once, when made; later starts say where it is kept.
    expect(second.stdout()).not.toContain(key);
    expect(second.stdout()).toContain(`API key:   in ${keyFile}`);
    expect(second.stdout()).not.toContain('seeded just now');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});

describe('visitledger serve', () => {
  it('serves the chosen store on the chosen port until SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-serve-'));
    const served = await start(['service/src/cli.ts', 'serve', '--port', '0', '--db', join(dir, 'other.db')], {});
    expect((await call({ url: served.url }, 'get', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call({ url: served.url }, 'get', '/v1/orgs/local')).status).toBe(401);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('stops at start-up on a bad setting, naming it', async () => {
    const child = spawn(process.execPath, ['service/src/server.ts'], {
      env: { ...process.env, GOOGLE_CERTS_URL: 'not a url', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('GOOGLE_CERTS_URL');
  });
});
