/**
 * The image's contents without Docker: the files the Dockerfile copies, put in a fresh
 * directory, `npm ci --omit=dev --ignore-scripts` there as the image's first stage runs it
 * (from the npm cache), and the service started from that copy as the image's command runs
 * it, on Node 24, in production, against Google's Firestore emulator. A month then goes
 * through its API: an org made with a Google ID token, agencies, therapists, rates, visits,
 * the close and an invoice's PDF. A dev dependency the service needed would fail here.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithFirestoreEmulator } from '../../service/src/test-support/firestore-emulator.ts';
import { call, startFakeGoogle, type FakeGoogle, type TestApi } from '../api/harness.ts';
import { buildOrg, ok } from '../api/org-builder.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { dockerfile, imageFiles, ROOT } from './image-files.ts';
import { productionEnv } from './production-env.ts';
import { SHUTDOWN_DEADLINE_MS } from '../../service/src/server.ts';

const INSTALL_TIMEOUT_MS = 300_000;

describeWithFirestoreEmulator('the production install, on Firestore', 'visitledger-prod-install', (emulator) => {
  let copy: string;
  let google: FakeGoogle;
  let served: ServerProcess | undefined;

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'visitledger-image-'));
    for (const file of imageFiles()) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    const install = dockerfile.stages[0]!.instructions.find((i) => i.op === 'RUN' && i.args.startsWith('npm ci'))!.args.split(/\s+/);
    execFileSync('npm', [...install.slice(1), '--prefer-offline'], { cwd: copy, stdio: 'pipe', timeout: INSTALL_TIMEOUT_MS });
    google = await startFakeGoogle();
  }, INSTALL_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (served && served.child.exitCode === null) {
      served.child.kill('SIGKILL');
      await served.exited;
    }
    await google?.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('has no dev dependency installed', () => {
    for (const dev of ['vitest', 'typescript', 'esbuild', 'node', '@google/clasp', 'fast-check'])
      expect(existsSync(join(copy, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(copy, 'node_modules', 'firebase-admin'))).toBe(true);
    expect(existsSync(join(copy, 'test'))).toBe(false);
  });

  it('serves a month on Node 24 from the copy, then reports the store gone on /readyz and stops on SIGTERM', async () => {
    expect(process.version).toMatch(/^v24\./);
    const cmd = JSON.parse(
      dockerfile.stages
        .at(-1)!
        .instructions.filter((i) => i.op === 'CMD')
        .at(-1)!.args,
    ) as string[];
    const env = {
      ...productionEnv(
        { VISITLEDGER_STORE: 'firestore', FIRESTORE_EMULATOR_HOST: emulator().host, METADATA_SERVER_DETECTION: 'none' },
        google,
      ),
      GOOGLE_CLOUD_PROJECT: emulator().projectId,
    };
    served = await startServerProcess([...cmd.slice(1)], env, { cwd: copy });
    expect((await call(served, 'get', '/readyz')).status).toBe(200);

    const api = { url: served.url, google } as Pick<TestApi, 'url' | 'google'> as TestApi;
    const org = await buildOrg(api, 'acme', 'Alpha');
    const t = org.ownerToken;
    await ok(api, 'post', '/v1/orgs/acme/cycles/close-month', { token: t, body: { month: '2026-01' } });
    const invoices = (await ok(api, 'get', '/v1/orgs/acme/invoices', { token: t })).invoices as { id: string; totalCents: number }[];
    expect(invoices).toHaveLength(2);
    const pdf = await fetch(`${served.url}/v1/orgs/acme/invoices/${invoices[0]!.id}/pdf`, { headers: { authorization: `Bearer ${t}` } });
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // Firestore gone: ready no longer, up still.
    await emulator().stop();
    const down = await call(served, 'get', '/readyz');
    expect(down.status).toBe(503);
    expect((await call(served, 'get', '/healthz')).status).toBe(200);

    // The store is gone, so its close cannot finish: the process ends itself at SHUTDOWN_DEADLINE_MS, inside Cloud
    // Run's 10 s, by its own clock (the test's wall clock would also count a busy machine's delays).
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(1);
    const logs = served.stdout() + served.stderr();
    expect(logs).toContain('shutdown did not finish in time');
    expect(SHUTDOWN_DEADLINE_MS).toBeLessThan(10_000);
    for (const p of org.patients) expect(logs).not.toContain(p.name);
    expect(logs).toMatch(/"severity":"INFO"/);
  }, 180_000);
});
