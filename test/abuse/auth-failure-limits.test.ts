/**
 * Issue 18, item 3: failed sign-ins must not lock out valid credentials. Guesses are counted
 * per client address (an IPv6 /64) and per API key id; a client or key over its limit gets
 * 429 for its guesses, but a credential that verifies always passes. Behind the proxy the
 * client is the last X-Forwarded-For entry, and only a connection from a proxy's address may
 * name it.
 */
import type { Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { trustedProxies } from '../../service/src/auth/client-address.ts';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { ok } from '../api/org-builder.ts';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const LIMIT = 20;
/** A stopped clock: the minute's window cannot end between the failures, however slow the machine. */
const STOPPED = () => new Date('2026-03-02T15:00:00.000Z');

/** An org with an owner (Google account) and an owner API key, on a service that allows LIMIT failures a minute. */
async function anOrg(trustProxyHops = 0) {
  api = await startTestApi({ limits: { authFailuresPerMinute: LIMIT, trustProxyHops }, now: STOPPED });
  const owner = api.google.idToken('owner@acme.example');
  await ok(api, 'post', '/v1/orgs', { token: owner, body: { id: 'acme' } });
  const made = await ok(api, 'post', '/v1/orgs/acme/api-keys', { token: owner, body: { label: 'sync', role: 'owner' } });
  return { api, owner, key: made.key as string, keyId: made.apiKey.id as string };
}

const randomKey = (i: number) => `vl_acme_${i.toString(16).padStart(16, '0')}_${'A'.repeat(43)}`;
const asClient = (address: string) => ({ 'x-forwarded-for': address });

describe('valid credentials after bad ones', () => {
  it('pass however many guesses came from the same address; the guesses get 429 with Retry-After', async () => {
    const { api, owner, key } = await anOrg();
    for (let i = 0; i < LIMIT; i++) expect((await call(api, 'get', '/v1/orgs/acme', { token: randomKey(i) })).status).toBe(401);
    const guess = await call(api, 'get', '/v1/orgs/acme', { token: randomKey(99) });
    expect(guess.status).toBe(429);
    expect(guess.body.error.code).toBe('too-many-requests');
    expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
    // The owner, from the very same address (add-on calls share Google's), is not locked out.
    expect((await call(api, 'get', '/v1/orgs/acme', { token: owner })).status).toBe(200);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: key })).status).toBe(200);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: `${key.slice(0, -1)}B` })).status).toBe(429); // still a guess
  });
});

describe('guesses at one API key', () => {
  it('are counted for the key whatever address they come from; the key itself still works', async () => {
    const { api, key, keyId } = await anOrg(1);
    const wrongSecret = (i: number) => `vl_acme_${keyId}_${String(i).padStart(43, 'x')}`;
    for (let i = 0; i < LIMIT; i++) {
      expect((await call(api, 'get', '/v1/orgs/acme', { token: wrongSecret(i), headers: asClient(`203.0.113.${i + 1}`) })).status).toBe(
        401,
      );
    }
    expect((await call(api, 'get', '/v1/orgs/acme', { token: wrongSecret(99), headers: asClient('198.51.100.7') })).status).toBe(429);
    // Another key id from a fresh address is not over any limit; the real key passes from anywhere.
    expect((await call(api, 'get', '/v1/orgs/acme', { token: randomKey(1), headers: asClient('198.51.100.8') })).status).toBe(401);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: key, headers: asClient('198.51.100.7') })).status).toBe(200);
  });
});

describe('IPv6 clients', () => {
  it('are counted by their /64: a fresh address in the same /64 does not start a fresh count', async () => {
    const { api } = await anOrg(1);
    for (let i = 0; i < LIMIT; i++) {
      expect(
        (await call(api, 'get', '/v1/orgs/acme', { token: `not-a-token-${i}`, headers: asClient(`2001:db8:1:2::${(i + 1).toString(16)}`) }))
          .status,
      ).toBe(401);
    }
    expect(
      (await call(api, 'get', '/v1/orgs/acme', { token: 'not-a-token', headers: asClient('2001:db8:1:2:ffff:ffff:ffff:fffe') })).status,
    ).toBe(429);
    expect(
      (await call(api, 'get', '/v1/orgs/acme', { token: 'not-a-token', headers: asClient('2001:0db8:0001:0002:0000:0000:0000:0abc') }))
        .status,
    ).toBe(429);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: 'not-a-token', headers: asClient('2001:db8:1:3::1') })).status).toBe(401); // the next /64
  });
});

describe('the client address behind TRUST_PROXY_HOPS', () => {
  /** What Express makes of a request that arrived on a socket from `peer` with this X-Forwarded-For, in the service's own app. */
  function ipOf(app: TestApi['app'], peer: string, forwardedFor?: string): string | undefined {
    const req = Object.create(app.request as object) as Request;
    Object.assign(req, {
      app,
      socket: { remoteAddress: peer },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return req.ip;
  }

  it("is the last X-Forwarded-For entry when the connection comes from a proxy (Cloud Run's front end appends the client)", async () => {
    const { api } = await anOrg(1);
    for (const proxy of [
      '127.0.0.1',
      '::1',
      '169.254.8.129',
      '::ffff:169.254.8.129',
      '10.8.0.2',
      '172.20.1.1',
      '192.168.1.10',
      'fd00::5',
    ]) {
      expect(ipOf(api.app, proxy, '6.6.6.6, 203.0.113.9'), proxy).toBe('203.0.113.9');
    }
  });

  it("is the socket's own address for a client that reached the service directly, whatever X-Forwarded-For it sends", async () => {
    const { api } = await anOrg(1);
    expect(ipOf(api.app, '198.51.100.23', '203.0.113.9')).toBe('198.51.100.23');
    expect(ipOf(api.app, '2001:db8::23', '203.0.113.9')).toBe('2001:db8::23');
    expect(ipOf(api.app, '::ffff:198.51.100.23', '10.0.0.1, 203.0.113.9')).toBe('::ffff:198.51.100.23');
  });

  it('trusts no more hops than set, and none when unset', () => {
    const one = trustedProxies(1);
    const two = trustedProxies(2);
    expect(trustedProxies(0)).toBe(false);
    if (one === false || two === false) throw new Error('a hop count above 0 trusts proxies');
    expect(one('127.0.0.1', 0)).toBe(true);
    expect(one('127.0.0.1', 1)).toBe(false);
    expect(two('10.0.0.1', 1)).toBe(true);
    expect(two('203.0.113.9', 1)).toBe(false);
    expect(two('not an address', 0)).toBe(false);
  });

  it('decides what a guess is counted against: a direct client cannot spread its guesses over addresses it names', async () => {
    const { api } = await anOrg(1);
    // Through the proxy (this test's loopback connection), the named client is counted.
    for (let i = 0; i < LIMIT; i++)
      await call(api, 'get', '/v1/orgs/acme', { token: `guess-${i}`, headers: asClient('6.6.6.6, 203.0.113.50') });
    expect((await call(api, 'get', '/v1/orgs/acme', { token: 'guess', headers: asClient('203.0.113.50') })).status).toBe(429);
    expect((await call(api, 'get', '/v1/orgs/acme', { token: 'guess', headers: asClient('6.6.6.6, 203.0.113.51') })).status).toBe(401);
  });
});
