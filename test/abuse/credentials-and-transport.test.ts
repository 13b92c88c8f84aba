/**
 * Abuse beyond what tenancy.test.ts walks (no credentials, and another org's owner, on every
 * route): every route with credentials that are wrong in other ways (expired, forged,
 * altered by one character, truncated, revoked, a portal token or a Google token from another
 * audience), as a staff member on the owner's routes, and as alpha's owner naming beta's
 * records; every portal page with an expired, altered, truncated, extended, revoked or
 * undecodable token; every body route with an oversized body, a body that is not JSON, and a
 * compressed body that lies. Each answer is a 4xx without data, and nothing is written.
 */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../service/src/http/routes/index.ts';
import type { RouteSpec } from '../../service/src/http/route.ts';
import { CLIENT_ID, call, type Call } from '../api/harness.ts';
import { ok } from '../api/org-builder.ts';
import { settledSnapshot, startAbuseFixture, validBody, type AbuseFixture } from './abuse-fixture.ts';

let f: AbuseFixture;
/** Text of alpha's that no refused caller may see. */
let alphaSecrets: string[];
let betaSecrets: string[];

beforeAll(async () => {
  f = await startAbuseFixture();
  const secretsOf = (org: typeof f.alpha, prefix: string) => [
    ...org.patients.flatMap((p) => [p.name, p.mrn]),
    ...org.tins,
    ...org.tins.map((t) => t.replace(/-/g, '')),
    `${prefix} Oakridge`,
    `${prefix} Lakeside`,
    `${prefix} Tom Becker`,
    `${prefix} Ana Morales`,
  ];
  alphaSecrets = [...secretsOf(f.alpha, 'Alpha'), ...f.alphaInvoices.map((i) => i.number), '314159265'];
  betaSecrets = secretsOf(f.beta, 'Beta');
}, 60_000);
afterAll(() => f?.api.close());

const protectedRoutes = apiRoutes.map((r) => r.spec).filter((s) => s.access !== 'public');
/** The routes that take `Authorization: Bearer` (a Google ID token or an API key). */
const BEARER_ACCESS = new Set<string>(['signed-in', 'member', 'owner']);

function pathOf(spec: RouteSpec, values: Record<string, string>): string {
  return spec.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]!));
}

/** A request that would succeed for alpha's owner, so that only what is tested stands in the way. */
function request(spec: RouteSpec, token: string | undefined, values = f.alphaParams) {
  const body = spec.body ? validBody(f, spec.id) : undefined;
  return call(f.api, spec.method, pathOf(spec, values), { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
}

function expectRefusal(res: Call, statuses: number[], label: string, secrets: string[]): void {
  expect(statuses, `${label}: ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  expect(Object.keys(res.body ?? {}), label).toEqual(['error']);
  for (const s of secrets) expect(res.text, `${label} leaks "${s}"`).not.toContain(s);
}

/** Runs `walk`, and proves the SQLite file did not change meanwhile. */
async function writesNothing(walk: () => Promise<void>): Promise<void> {
  const before = await settledSnapshot(f.api);
  await walk();
  // Settled, so a write that lands just behind a refusal's answer is seen here.
  const after = await settledSnapshot(f.api);
  const written = Object.keys(after).filter((t) => after[t] !== before[t]);
  expect(written, 'tables written').toEqual([]);
}

/** One character changed, where it stays in the alphabet of the token. */
const altered = (token: string, at: number) => token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);

describe('bad credentials on every route', () => {
  it('answer 401 from every route: expired, forged, other-audience and unverified Google tokens; altered, truncated, padded and revoked API keys; a portal token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const google = f.api.google;
    const owner = 'owner@alpha.example';
    const revoked = await ok(f.api, 'post', '/v1/orgs/alpha/api-keys', {
      token: f.alpha.ownerToken,
      body: { label: 'to revoke', role: 'owner' },
    });
    await ok(f.api, 'delete', `/v1/orgs/alpha/api-keys/${revoked.apiKey.id}`, { token: f.alpha.ownerToken });
    const key = f.alphaKey;
    const idToken = google.idToken(owner);
    const credentials: [string, string][] = [
      // google-auth-library allows 5 minutes of clock skew: expired by 10 minutes.
      ['an expired ID token', google.idToken(owner, { exp: now - 600, iat: now - 4200 })],
      ['a forged ID token', google.forgedIdToken(owner)],
      ['an ID token for another app', google.idToken(owner, { aud: 'someone-else.apps.googleusercontent.com' })],
      ['an ID token with an unverified email', google.idToken(owner, { email_verified: false })],
      ['an ID token with one character of its signature changed', altered(idToken, idToken.length - 5)],
      ['an ID token cut short', idToken.slice(0, idToken.lastIndexOf('.'))],
      ['an API key with one character of its secret changed', altered(key, key.length - 3)],
      ['an API key with its key id changed', altered(key, 'vl_alpha_'.length + 2)],
      ['an API key cut short', key.slice(0, -1)],
      ['an API key with a character added', `${key}A`],
      ['an API key naming another org', key.replace('vl_alpha_', 'vl_beta_')],
      ['a revoked API key', revoked.key],
      ['a portal token', f.portalToken],
      ['bytes above ASCII', 'vl_alpha_\u00ff\u00fe\u00a0'],
    ];
    await writesNothing(async () => {
      for (const spec of protectedRoutes) {
        for (const [what, token] of credentials) {
          const res = await request(spec, token);
          const label = `${spec.method.toUpperCase()} ${spec.path} with ${what}`;
          if (!BEARER_ACCESS.has(spec.access)) {
            // Stripe's webhook and the onboarding link take no bearer token at all: refused, and nothing shown.
            expectRefusal(res, [400, 401, 403, 404], label, alphaSecrets);
            continue;
          }
          expectRefusal(res, [401], label, alphaSecrets);
          expect(res.body.error.code, label).toBe('unauthenticated');
        }
      }
    });
  });
});

describe('forged Authorization headers', () => {
  it('answer 401, never 500 or 200: alg "none", HS256 signed with Google\'s public key, random JWT parts, random schemes and keys', async () => {
    const certs = (await (await fetch(f.api.google.certsUrl)).json()) as Record<string, string>;
    const [kid, publicPem] = Object.entries(certs)[0]!;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'https://accounts.google.com',
      aud: CLIENT_ID,
      sub: 'sub-owner',
      email: 'owner@alpha.example',
      email_verified: true,
      iat: now,
      exp: now + 3600,
    };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const b64text = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
      maxLength: 60,
    });
    const jwt = fc
      .record({
        alg: fc.constantFrom('none', 'None', 'HS256', 'RS256', 'ES256', ''),
        kid: fc.constantFrom(kid, 'other', ''),
        payload: fc.constantFrom<unknown>(claims, { ...claims, aud: [CLIENT_ID, 'x'] }, {}, null, 'x', [claims]),
        signature: fc.oneof(fc.constant('none'), fc.constant('empty'), fc.constant('hmac-with-public-key'), b64text),
      })
      .map(({ alg, kid: k, payload, signature }) => {
        const signed = `${b64({ alg, typ: 'JWT', kid: k })}.${b64(payload)}`;
        if (signature === 'none') return `${signed}.`;
        if (signature === 'empty') return signed;
        if (signature === 'hmac-with-public-key') return `${signed}.${createHmac('sha256', publicPem).update(signed).digest('base64url')}`;
        return `${signed}.${signature}`;
      });
    const header = fc.oneof(
      { weight: 4, arbitrary: jwt.map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: b64text.map((t) => `Bearer vl_alpha_${t}`) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer\t', ''),
            fc.string({ unit: fc.constantFrom(...' .,_-:=+/~!aZ09'), maxLength: 40 }),
          )
          .map(([scheme, rest]) => `${scheme} ${rest}`),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `Bearer ${'A'.repeat(8_000)}`,
          `Bearer ${f.alphaKey} ${f.alphaKey}`,
          `Bearer ${f.alphaKey},Bearer ${f.alphaKey}`,
          'Bearer',
          'Bearer ',
        ),
      },
    );
    await writesNothing(async () => {
      await fc.assert(
        fc.asyncProperty(header, async (authorization) => {
          const res = await call(f.api, 'get', '/v1/orgs/alpha/invoices', { headers: { authorization } });
          expectRefusal(res, [401], `Authorization: ${authorization.slice(0, 200)}`, alphaSecrets);
        }),
        { numRuns: 100 },
      );
    });
    // The control: the same claims, signed by the key Google published, are accepted.
    expect((await call(f.api, 'get', '/v1/orgs/alpha/invoices', { token: f.api.google.idToken('owner@alpha.example') })).status).toBe(200);
  });
});

describe("a staff member on the owner's routes", () => {
  it('gets 403 from every owner route, by Google account and by staff API key, and changes nothing', async () => {
    const staffKey = (
      await ok(f.api, 'post', '/v1/orgs/alpha/api-keys', { token: f.alpha.ownerToken, body: { label: 'staff sync', role: 'staff' } })
    ).key;
    const staff = f.api.google.idToken('staff@alpha.example');
    const ownerRoutes = protectedRoutes.filter((s) => s.access === 'owner');
    expect(ownerRoutes.length).toBeGreaterThan(8);
    await writesNothing(async () => {
      for (const spec of ownerRoutes) {
        for (const token of [staff, staffKey]) {
          const res = await request(spec, token);
          expectRefusal(res, [403], `${spec.method.toUpperCase()} ${spec.path} as staff`, ['314159265', f.portalToken]);
          expect(res.body.error.message).toMatch(/owner/);
        }
      }
    });
  });
});

describe("alpha's owner naming beta's records", () => {
  it('gets 400, 404 or 422 from every route with a record id in its path, and nothing of beta', async () => {
    const withIds = protectedRoutes.filter((s) => BEARER_ACCESS.has(s.access) && /:(?!orgId)\w+/.test(s.path));
    let tried = 0;
    const auditBefore = (await f.api.store.listAudit('alpha', { recordId: '2026' })).length;
    await writesNothing(async () => {
      for (const spec of withIds) {
        // An email is not a record of beta's: anyone's Google account may be made a member.
        const names = [...spec.path.matchAll(/:(\w+)/g)]
          .map((m) => m[1]!)
          .filter((n) => n !== 'orgId' && n !== 'email' && f.betaParams[n] !== f.alphaParams[n]);
        for (const name of names) {
          const res = await request(spec, f.alpha.ownerToken, { ...f.alphaParams, [name]: f.betaParams[name]! });
          expectRefusal(res, [400, 404, 422], `${spec.method.toUpperCase()} ${spec.path} with beta's ${name}`, betaSecrets);
          tried += 1;
        }
      }
    });
    expect(tried).toBeGreaterThan(10);
    // The 1099 copy route with beta's therapist is refused before anything is handed out, so it audits nothing either.
    expect(await f.api.store.listAudit('alpha', { recordId: '2026' })).toHaveLength(auditBefore);
  });

  it("gets 4xx when a body names beta's agency or therapist, and nothing is written", async () => {
    const [betaAgency] = f.beta.agencyIds;
    const [betaTherapist] = f.beta.therapistIds;
    const visit = (validBody(f, 'upsertVisits') as { visits: Record<string, unknown>[] }).visits[0]!;
    const attempts: [string, string, unknown][] = [
      ['post', '/v1/orgs/alpha/visits', { visits: [{ ...visit, agencyId: betaAgency }] }],
      ['post', '/v1/orgs/alpha/visits', { visits: [{ ...visit, therapistId: betaTherapist }] }],
      [
        'post',
        '/v1/orgs/alpha/rates/bill',
        { rates: [{ agencyId: betaAgency, discipline: 'PT', visitType: 'ROUTINE', cents: 1, effectiveFrom: '2026-01-01' }] },
      ],
      [
        'post',
        '/v1/orgs/alpha/rates/pay',
        { rates: [{ therapistId: betaTherapist, discipline: 'PT', visitType: 'ROUTINE', cents: 1, effectiveFrom: '2026-01-01' }] },
      ],
      ['post', '/v1/orgs/alpha/cycles/preview', { agencyId: betaAgency, period: { start: '2026-01-01', end: '2026-01-31' } }],
      ['post', '/v1/orgs/alpha/cycles/close', { agencyId: betaAgency, period: { start: '2026-01-01', end: '2026-01-31' } }],
      ['post', '/v1/orgs/alpha/payments', { therapistId: betaTherapist, amountCents: 100, paidOn: '2026-02-01', method: 'check' }],
      ['post', '/v1/orgs/alpha/portal-links', { agencyId: betaAgency }],
      [
        'post',
        `/v1/orgs/alpha/invoices/${f.alphaInvoices[0]!.id}/credit-notes`,
        { reason: 'x', lines: [{ visitId: 'beta-visit', description: 'x', amountCents: 1 }] },
      ],
    ];
    await writesNothing(async () => {
      for (const [method, path, body] of attempts) {
        const res = await call(f.api, method, path, { token: f.alpha.ownerToken, body });
        expectRefusal(res, [400, 404, 422], `${method} ${path} ${JSON.stringify(body)}`, betaSecrets);
      }
    });
  });
});

describe('portal tokens that do not open the portal', () => {
  it('answer the one "not valid" page from every portal page: expired, altered, truncated, padded, revoked, re-cased or undecodable', async () => {
    const expiring = await f.newLink({ days: 1 });
    const revoked = await f.newLink();
    await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${revoked.link.id}/revoke`, { token: f.alpha.ownerToken });
    const good = f.portalToken;
    const tokens: [string, string][] = [
      ['expired', expiring.token],
      ['revoked', revoked.token],
      ['altered at the start', altered(good, 0)],
      ['altered at the end', altered(good, 42)],
      ['cut by one', good.slice(0, 42)],
      ['cut in half', good.slice(0, 21)],
      ['padded by one', `${good}A`],
      ['upper-cased', good.toUpperCase() === good ? good.toLowerCase() : good.toUpperCase()],
      ['an API key', f.alphaKey],
      ['a malformed %-escape', '%E0%A4%A'],
      ['a lone %', '%'],
      ['NUL', '%00'],
      ['an encoded slash', 'a%2Fb'],
    ];
    const invoiceId = f.alphaInvoices[0]!.id;
    const pages: [string, string][] = [
      ['get', ''],
      ['get', '/statement'],
      ['get', `/invoices/${invoiceId}`],
      ['get', `/invoices/${invoiceId}/pdf`],
      ['post', '/passcode'],
    ];
    const saved = f.clock.now;
    f.clock.now = new Date(saved.getTime() + 2 * 86_400_000);
    const answers: string[] = [];
    try {
      await writesNothing(async () => {
        for (const [what, token] of tokens) {
          for (const [method, page] of pages) {
            const res = await call(
              f.api,
              method,
              `/portal/${token}${page}`,
              method === 'post' ? { body: 'passcode=123456', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {},
            );
            const label = `${method} /portal/<${what}>${page}`;
            expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBe(404);
            expect(res.headers.get('content-type'), label).toMatch(/^text\/html/);
            expect(res.text, label).not.toMatch(/INV-|Oakridge|Lakeside|Quixwright|Abernathy|Szczepa|%PDF/);
            answers.push(res.text);
          }
        }
      });
      expect((await call(f.api, 'get', `/portal/${good}`)).status).toBe(200); // the good link still opens
    } finally {
      f.clock.now = saved;
    }
    // The same page whichever way the token is wrong.
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('This link is not valid');
  });
});

describe('bodies the routes must refuse whole', () => {
  const bodyRoutes = () => protectedRoutes.filter((s) => s.body);
  const send = (spec: RouteSpec, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${f.api.url}${pathOf(spec, f.alphaParams)}`, {
      method: spec.method.toUpperCase(),
      headers: { authorization: `Bearer ${f.alpha.ownerToken}`, ...headers },
      body,
    });

  it("answer 413 one byte over each route's limit (100 kB, 12 MB for the visit batch) and 415 to bodies that are not JSON", async () => {
    await writesNothing(async () => {
      for (const spec of bodyRoutes()) {
        const limit = spec.bodyLimit === 'batch' ? 12 * 1024 * 1024 : 100 * 1024;
        const padded = JSON.stringify({ ...(validBody(f, spec.id) as object), padding: '' });
        const over = padded.replace('"padding":""', `"padding":"${'x'.repeat(limit + 1 - Buffer.byteLength(padded))}"`);
        expect(Buffer.byteLength(over)).toBe(limit + 1);
        const label = `${spec.method.toUpperCase()} ${spec.path}`;
        const big = await send(spec, over, { 'content-type': 'application/json' });
        expect(big.status, label).toBe(413);
        expect(((await big.json()) as any).error.code).toBe('payload-too-large');
        for (const type of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json-patch+json',
        ]) {
          const res = await send(spec, JSON.stringify(validBody(f, spec.id)), { 'content-type': type });
          expect(res.status, `${label} as ${type}`).toBe(415);
          expect(((await res.json()) as any).error.code).toBe('unsupported-media-type');
        }
        const latin1 = await send(spec, Buffer.from(JSON.stringify(validBody(f, spec.id)), 'latin1'), {
          'content-type': 'application/json; charset=latin1',
        });
        expect(latin1.status, `${label} as Latin-1`).toBe(415);
      }
    });
  });

  it('refuse a compressed body that is not what it says, and one that inflates past the limit (a zip bomb)', async () => {
    const spec = bodyRoutes().find((s) => s.id === 'upsertAgencies')!;
    await writesNothing(async () => {
      // This one answered 500: body-parser's inflate error carries a status but no type.
      const junk = await send(spec, Buffer.from('this is not gzip at all'), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(junk.status).toBe(400);
      expect(((await junk.json()) as any).error.code).toBe('malformed-json');
      const bomb = gzipSync(Buffer.from(`{"agencies":[],"padding":"${'0'.repeat(20 * 1024 * 1024)}"}`));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const inflated = await send(spec, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(inflated.status).toBe(413);
      const unknown = await send(spec, Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'br-but-not' });
      expect(unknown.status).toBe(415);
    });
  });
});

describe('a passcode form the portal cannot read', () => {
  it('answers 400 with a page, not 500: too large, or compressed junk', async () => {
    const path = `${f.api.url}/portal/${f.portalToken}/passcode`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const tooLarge = await fetch(path, { method: 'POST', headers: form, body: `passcode=${'a'.repeat(3_000)}` });
    const junk = await fetch(path, { method: 'POST', headers: { ...form, 'content-encoding': 'gzip' }, body: 'not gzip' });
    for (const res of [tooLarge, junk]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    }
  });
});

describe('an undecodable path', () => {
  it('answers 400 naming the path, not 500 (it used to reach the error handler as a URIError)', async () => {
    for (const path of ['/v1/orgs/%E0%A4%A', '/v1/orgs/alpha/invoices/%', `/v1/orgs/alpha/pay-runs/%C3%28/approve`]) {
      const res = await call(f.api, path.endsWith('approve') ? 'post' : 'get', path, { token: f.alpha.ownerToken });
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid-input', details: [{ path: 'path' }] });
      expect(res.text).not.toContain('%E0');
    }
  });
});
