/**
 * `node service/src/server.ts` as Cloud Run starts it (NODE_ENV=production, no --demo): it
 * refuses to start without its settings and names each, seeds nothing, writes Cloud Logging's
 * JSON lines with the request's trace, and stops on SIGTERM inside Cloud Run's 10 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_SETTINGS } from '../../service/src/config/settings.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { call, startFakeGoogle, type FakeGoogle } from '../api/harness.ts';
import { startServerProcess } from '../support/server-process.ts';
import { productionEnv } from './production-env.ts';

let google: FakeGoogle;
beforeAll(async () => {
  google = await startFakeGoogle();
});
afterAll(() => google.close());

async function refusal(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr };
}

describe('a production start', () => {
  it('refuses to start without its settings, naming each one that is missing', async () => {
    const { code, stderr } = await refusal(['service/src/server.ts'], { NODE_ENV: 'production' });
    expect(code).toBe(1);
    for (const name of PRODUCTION_SETTINGS) expect(stderr).toContain(`${name}: is required in production`);
  });

  it('refuses a public URL that is not https, and --demo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-prod-'));
    const env = productionEnv({ VISITLEDGER_STORE: 'sqlite', VISITLEDGER_DB: join(dir, 'v.db') }, google);
    const plain = await refusal(['service/src/server.ts'], { ...env, PORTAL_BASE_URL: 'http://visitledger.example' });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('PORTAL_BASE_URL: must be an https URL in production');
    const demo = await refusal(['service/src/server.ts', '--demo'], env);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('--demo is not for production');
  });

  it('seeds nothing, logs JSON lines for Cloud Logging with the trace, and answers /healthz and /readyz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-prod-'));
    const dbFile = join(dir, 'v.db');
    const served = await startServerProcess(
      ['service/src/server.ts'],
      productionEnv({ VISITLEDGER_STORE: 'sqlite', VISITLEDGER_DB: dbFile }, google),
    );
    expect(served.stdout()).not.toContain('demo');
    expect((await call(served, 'get', '/healthz')).body).toEqual({ status: 'ok' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const ready = await call(served, 'get', '/readyz', { headers: { 'X-Cloud-Trace-Context': `${traceId}/1;o=1` } });
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);

    const lines = served
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const readyLine = lines.find((l) => l.route === '/readyz');
    expect(readyLine).toMatchObject({
      severity: 'INFO',
      message: 'request',
      status: 200,
      'logging.googleapis.com/trace': `projects/visitledger-test/traces/${traceId}`,
      'logging.googleapis.com/spanId': '0000000000000001',
    });
    expect(readyLine).not.toHaveProperty('level');
    expect(readyLine).not.toHaveProperty('msg');
    expect(typeof readyLine!.time).toBe('string');
    expect(lines.find((l) => l.message === 'shutting down')).toMatchObject({ severity: 'INFO', signal: 'SIGTERM' });
    const store = openSqliteStore(dbFile);
    expect(await store.getOrg('demo')).toBeNull();
    await store.close();
  });

  it("stops within Cloud Run's 10 s of SIGTERM while a client holds a request open, after waiting for it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-prod-'));
    const served = await startServerProcess(
      ['service/src/server.ts'],
      productionEnv({ VISITLEDGER_STORE: 'sqlite', VISITLEDGER_DB: join(dir, 'v.db') }, google),
    );
    const { port } = new URL(served.url);
    // A client that never finishes its request: the server cannot close its connection as idle.
    const stuck = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
    stuck.write('POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":');
    stuck.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    served.child.kill('SIGTERM');
    const code = await served.exited;
    const took = Date.now() - started;
    stuck.destroy();
    // Inside Cloud Run's 10 s by the process's own clock: past SHUTDOWN_DEADLINE_MS it exits 1 with a line that says so.
    // (The test's wall clock would also count a busy machine's delays, so it is not the measure.)
    expect(code).toBe(0);
    expect(served.stdout() + served.stderr()).not.toContain('shutdown did not finish in time');
    // It waited for the request rather than cutting it at once.
    expect(took).toBeGreaterThan(5_000);
  }, 20_000);
});
