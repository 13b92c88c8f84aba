/** What the API does when things go wrong: guessing credentials, a fault inside, Google unreachable. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from './harness.ts';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('the authentication-failure limit', () => {
  it('answers 429 with Retry-After to the guesses of a client that failed too often, lets good credentials through, and counts no missing credentials', async () => {
    // A stopped clock: the minute's window cannot end between the failures, however slow the machine.
    api = await startTestApi({ limits: { authFailuresPerMinute: 5 }, now: () => new Date('2026-03-02T15:00:00.000Z') });
    const owner = api.google.idToken('owner@acme.example');
    expect((await call(api, 'post', '/v1/orgs', { token: owner, body: { id: 'acme' } })).status).toBe(201);
    for (let i = 0; i < 10; i++) expect((await call(api, 'get', '/v1/orgs/acme')).status).toBe(401); // no credentials: not counted
    for (let i = 0; i < 5; i++) {
      expect((await call(api, 'get', '/v1/orgs/acme', { token: `vl_acme_000000000000000${i}_${'A'.repeat(43)}` })).status).toBe(401);
    }
    const limited = await call(api, 'get', '/v1/orgs/acme', { token: 'guess' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too-many-requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: owner })).status).toBe(200); // a credential that verifies is never refused
    expect((await call(api, 'get', '/healthz')).status).toBe(200);
    expect(api.logLines().filter((l) => l.authFailure === 'rate-limited')).toHaveLength(1);
  });
});

describe('an unexpected error', () => {
  it('answers 500 with an id and no stack; the log line has the error with that id, and no body', async () => {
    api = await startTestApi({
      store: (real) =>
        new Proxy(real, {
          get: (target, prop, receiver) =>
            prop === 'putAgencies'
              ? async () => {
                  throw new TypeError('disk on fire', { cause: { code: 'disk-fire' } });
                }
              : Reflect.get(target, prop, receiver),
        }),
    });
    const owner = api.google.idToken('owner@acme.example');
    await call(api, 'post', '/v1/orgs', { token: owner, body: { id: 'acme' } });
    const res = await call(api, 'post', '/v1/orgs/acme/agencies', { token: owner, body: { agencies: [{ name: 'Oakridge Home Health' }] } });
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id')!;
    expect(res.body).toEqual({ error: { code: 'internal', message: `unexpected error; it was logged with id ${requestId}` } });
    expect(res.text).not.toContain('disk on fire');
    const line = api.logLines().find((l) => l.reqId === requestId)!;
    expect(line).toMatchObject({
      severity: 'ERROR',
      message: 'request failed',
      route: '/v1/orgs/:orgId/agencies',
      status: 500,
      orgId: 'acme',
      err: { type: 'TypeError', message: 'disk on fire', causeCode: 'disk-fire' },
    });
    expect((line.err as { stack: string }).stack).toContain('TypeError: disk on fire');
    expect(JSON.stringify(line)).not.toContain('Oakridge');
  });
});

describe("Google's certificates out of reach", () => {
  it('answers 503 to an ID token: the caller is not at fault', async () => {
    const down = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    api = await startTestApi({ certsUrl: `http://127.0.0.1:${(down.address() as AddressInfo).port}/certs` });
    const res = await call(api, 'get', '/v1/orgs/acme', { token: api.google.idToken('owner@acme.example') });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('auth-unavailable');
    down.close();
  });
});
