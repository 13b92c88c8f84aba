/**
 * Bad input on every API route: fast-check sends each route (the app's own route list, so a
 * route added later is attacked too) a valid request with one to three things spoiled in its
 * path, query or body: wrong types, fields dropped or added, huge strings, NUL, RTL marks,
 * emoji, combining marks, lone surrogates, negative and fractional cents, impossible dates,
 * another org's ids. The service must answer below 500, a refusal must be the error shape
 * with a message, an invalid-input refusal must name the field, and a refused request must
 * leave every table of the SQLite file as it was.
 *
 * ABUSE_SEED=<n> replays a run (fast-check prints the seed of a failure); ABUSE_RUNS=<n>
 * changes the runs per route (default 16).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../service/src/http/routes/index.ts';
import type { RouteSpec } from '../../service/src/http/route.ts';
import { call } from '../api/harness.ts';
import { settledSnapshot, snapshotDb, startAbuseFixture, validBody, validQuery, type AbuseFixture } from './abuse-fixture.ts';

const RUNS = Number(process.env.ABUSE_RUNS ?? 16);
const SEED = process.env.ABUSE_SEED === undefined ? undefined : Number(process.env.ABUSE_SEED);

let f: AbuseFixture;
let baseline: Record<string, string>;
/** The last request the service accepted: what wrote to the file, if a refusal seems to have. */
let lastAccepted = '';
const tally = { requests: 0, refused: 0, accepted: 0, byStatus: {} as Record<number, number>, examples: {} as Record<number, string> };

beforeAll(async () => {
  f = await startAbuseFixture();
  baseline = await settledSnapshot(f.api);
}, 60_000);
afterAll(async () => {
  // One line for docs/faults-and-abuse.md: how much was tried.
  console.info(
    `hostile bodies: ${tally.requests} requests, ${tally.refused} refused, ${tally.accepted} accepted, by status ${JSON.stringify(tally.byStatus)}`,
  );
  if (process.env.ABUSE_EXAMPLES) console.info(tally.examples);
  await f?.api.close();
});

// ---- hostile values -------------------------------------------------------------------

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C.pdf',
  '\u200F\u05E9\u05DC\u05D5\u05DD',
  '👩🏽‍⚕️🏥💸',
  'e\u0301\u0302\u0303\u0304',
  'Z\u0324\u0354\u0367\u0311\u0313',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u2028\u2029',
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  "'; DROP TABLE visits; --",
  '__proto__',
  'constructor',
  'prototype',
  '2026-02-30',
  '0000-01-01',
  '9999-12-31',
  '2026-13-01',
  '+002026-01-01',
  '2026-1-1',
  '1/5/26',
  '0000-01',
  '9999-12',
  '2026-13',
  '2026-00',
  '1e3',
  'NaN',
  'Infinity',
  '-0',
  'true',
  'null',
  'PT ',
  'pt',
  'ROUTINE\u0000',
  'Ⅻ',
  '١٢٣',
  'vl_alpha_x_y',
];
const hugeString = fc.constantFrom(129, 201, 501, 5_000, 70_000, 120_000).map((n) => 'Ω'.repeat(n));
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, -0.5, 0.5, 0.001, -0, 1e21, -1e21, 2 ** 53 + 2, 2 ** 31, 1.0000001, 8500.5, -8500, 5e-324, 1.7976931348623157e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

function otherOrgValue(): fc.Arbitrary<string> {
  return fc.constantFrom(...Object.values(f.betaParams), ...f.beta.agencyIds, ...f.beta.therapistIds, 'beta');
}

function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: hostileString },
    { weight: 3, arbitrary: hostileNumber },
    { weight: 2, arbitrary: otherOrgValue() },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, [], {}, [[]], { $gt: '' }, { __proto__: { admin: true } }) },
    { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        Array.from({ length: 2_000 }, () => ({})),
        Array.from({ length: 10_001 }, () => 1),
      ),
    },
  );
}

// ---- spoiling a valid request ---------------------------------------------------------

type Json = unknown;
type Mutation = { at: number; kind: 'replace' | 'drop' | 'add' | 'wrap' | 'repeat'; value: unknown; key: string };

/** Every place in a JSON value, as the path to it (the root is `[]`). */
function placesOf(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const out = [path];
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push(...placesOf(v, [...path, i]));
    });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...placesOf(v, [...path, k]));
  return out;
}

function applyMutation(body: Json, mutation: Mutation): Json {
  // fast-check hands out the same constant objects again: never let a body share (and grow) one.
  const m = { ...mutation, value: structuredClone(mutation.value) };
  const places = placesOf(body);
  const path = places[m.at % places.length]!;
  if (path.length === 0) {
    if (m.kind === 'add' && body && typeof body === 'object' && !Array.isArray(body)) return { ...body, [m.key]: m.value };
    if (m.kind === 'wrap') return [body];
    return m.kind === 'replace' ? m.value : body;
  }
  const parent = path.slice(0, -1).reduce((node: any, k) => node[k], body) as any;
  const last = path[path.length - 1]!;
  switch (m.kind) {
    case 'replace':
      parent[last] = m.value;
      break;
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'add':
      if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) parent[last][m.key] = m.value;
      else parent[m.key] = m.value;
      break;
    case 'wrap':
      parent[last] = { value: parent[last] };
      break;
    case 'repeat':
      if (Array.isArray(parent)) parent.push(...Array.from({ length: 3 }, () => structuredClone(parent[Number(last)])));
      else parent[last] = [parent[last], parent[last]];
      break;
  }
  return body;
}

const mutation = (): fc.Arbitrary<Mutation> =>
  fc.record({
    at: fc.nat({ max: 200 }),
    kind: fc.constantFrom('replace', 'replace', 'replace', 'drop', 'add', 'wrap', 'repeat'),
    value: hostileValue(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'id', 'orgId', 'invoiceId', 'status', 'totalCents', 'admin', 'role'),
      hostileString.filter((s) => s.length < 200),
    ),
  });

/** Text that is not the JSON it claims to be. */
const rawBody = fc.constantFrom(
  '',
  '{',
  '{"a":',
  'null',
  '"just a string"',
  '42',
  '[]',
  '{"a":1,"a":2}',
  '\u0000',
  '{"a":"\\ud800"}',
  '['.repeat(40_000),
  '{"a":NaN}',
  "{'a':1}",
  '{"__proto__":{"admin":true}}',
);

type Attack = {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: { json: Json } | { raw: string } | undefined;
};

function pathNames(spec: RouteSpec): string[] {
  return [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function attackOn(spec: RouteSpec): fc.Arbitrary<Attack> {
  const names = pathNames(spec);
  const queryNames = spec.query ? Object.keys(spec.query.shape) : [];
  const good = validQuery(f);
  // A path value: alpha's real one (so the rest of the request is what is tried), another org's, or hostile (kept short: a URL has a size limit of its own).
  const pathValue = (name: string) =>
    fc.oneof(
      // The org mostly alpha's: another org's or a bad org id stops at 403 before anything else is read (tenancy.test.ts walks that).
      { weight: name === 'orgId' ? 12 : 4, arbitrary: fc.constant(f.alphaParams[name] ?? 'x') },
      { weight: 1, arbitrary: otherOrgValue() },
      { weight: 2, arbitrary: hostileString.filter((s) => s.length <= 2_000) },
    );
  const queryValue = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(good[name] ?? 'x') },
      { weight: 2, arbitrary: hostileString.filter((s) => s.length <= 2_000) },
      { weight: 1, arbitrary: fc.array(fc.constant(good[name] ?? 'x'), { minLength: 2, maxLength: 3 }) },
      { weight: 1, arbitrary: otherOrgValue() },
    );
  const params = fc.record(Object.fromEntries(names.map((n) => [n, pathValue(n)]))) as fc.Arbitrary<Record<string, string>>;
  const query = fc.record(
    Object.fromEntries([
      ...queryNames.map((n) => [n, queryValue(n)]),
      [
        'extra',
        fc.oneof(
          hostileString.filter((s) => s.length <= 500),
          fc.constant('1'),
        ),
      ],
    ]),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string | string[]>>;
  const body: fc.Arbitrary<Attack['body']> = spec.body
    ? fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .array(mutation(), { minLength: 1, maxLength: 3 })
            .map((ms) => ({ json: ms.reduce(applyMutation, validBody(f, spec.id)) })),
        },
        { weight: 1, arbitrary: rawBody.map((raw) => ({ raw })) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      )
    : spec.method === 'get'
      ? fc.constant(undefined)
      : fc.oneof(fc.constant(undefined), fc.constant({ json: validBody(f, 'upsertVisits') }));
  return fc.record({ params, query, body });
}

/** encodeURIComponent, but a lone surrogate goes as UTF-8's replacement character instead of throwing. */
const encode = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

function urlOf(spec: RouteSpec, attack: Attack): string {
  const path = spec.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = attack.params[name]!;
    // A malformed %-escape goes as typed: the router must refuse it, not throw.
    return /%(?![0-9A-Fa-f]{2})|%[0-9A-Fa-f]{2}$/.test(value) && value.startsWith('%') ? value : encode(value);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(attack.query)) for (const one of [v].flat()) q.append(k, one);
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

// ---- what every answer must be --------------------------------------------------------

function expectSaneRefusal(label: string, res: Awaited<ReturnType<typeof call>>): void {
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  if (res.status === 404 && res.headers.get('content-type')?.startsWith('text/html')) return; // not an API path (a "/" in a hostile id)
  expect(Object.keys(res.body ?? {}), label).toEqual(['error']);
  const { code, message, details } = res.body.error;
  expect(code, label).toMatch(/^[a-z-]+$/);
  expect(message, label).toMatch(/\w{3}/);
  expect(res.text, label).not.toMatch(/\n\s+at |\.ts:\d+/); // no stack trace
  expect(res.text, label).not.toContain('Doe, Jane'); // the valid visit's patient: a refusal never repeats PHI
  expect(message, label).not.toMatch(/^invalid input$/i);
  if (code === 'invalid-input') {
    // The answer names the field: a path in every detail.
    expect(Array.isArray(details) && details.length > 0, label).toBe(true);
    for (const d of details) expect(typeof d.path === 'string' && d.path.length > 0 && typeof d.message === 'string', label).toBe(true);
  }
}

describe('the portal pages under hostile input', () => {
  it('answer a page below 500 to a good token with hostile invoice ids, paths and passcode forms, and write nothing on a refusal', async () => {
    const base = `/portal/${f.portalToken}`;
    const page = fc.oneof(
      hostileString
        .filter((s) => s.length <= 2_000)
        .map((id) => ({ method: 'get', path: `${base}/invoices/${encode(id)}`, body: undefined as string | undefined })),
      hostileString
        .filter((s) => s.length <= 2_000)
        .map((id) => ({ method: 'get', path: `${base}/invoices/${encode(id)}/pdf`, body: undefined as string | undefined })),
      fc
        .constantFrom('%E0%A4%A', '%', '%00', 'statement%2F..', 'invoices')
        .map((tail) => ({ method: 'get', path: `${base}/${tail}`, body: undefined as string | undefined })),
      fc
        .oneof(
          hostileString.map((p) => `passcode=${encode(p)}`),
          fc.constantFrom('passcode=a&passcode=b', 'a'.repeat(3_000), '%', '&&&', 'passcode'),
        )
        .map((body) => ({ method: 'post', path: `${base}/passcode`, body })),
      otherOrgValue().map((id) => ({ method: 'get', path: `${base}/invoices/${encode(id)}`, body: undefined as string | undefined })),
    );
    baseline = await settledSnapshot(f.api);
    await fc.assert(
      fc.asyncProperty(page, async (p) => {
        const res = await call(
          f.api,
          p.method,
          p.path,
          p.body === undefined ? {} : { body: p.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        );
        const label = `${p.method} ${p.path.slice(0, 200)} ${String(p.body).slice(0, 100)} -> ${res.status}`;
        tally.requests += 1;
        tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
        expect(res.status, label).toBeLessThan(500);
        expect(res.headers.get('content-type'), label).toMatch(/^text\/html/);
        if (res.status >= 400) {
          expect(res.text, label).not.toMatch(/INV-|Quixwright|Abernathy|Szczepa/);
          // Settled, and compared with the carried baseline: a write just behind the refusal's answer is caught here.
          const after = await settledSnapshot(f.api);
          expect(
            Object.keys(after).filter((t) => after[t] !== baseline[t]),
            label,
          ).toEqual([]);
        } else {
          baseline = await settledSnapshot(f.api);
        }
      }),
      { numRuns: RUNS * 4, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  }, 120_000);
});

describe('every API route under hostile input', () => {
  it('covers the whole route list', () => {
    expect(apiRoutes.length).toBeGreaterThan(40);
    for (const r of apiRoutes)
      for (const name of pathNames(r.spec)) expect(f.alphaParams, `${r.spec.id}: no value for :${name}`).toHaveProperty(name);
  });

  it('names the field of a bad org id and of bad settings (their details had an empty path)', async () => {
    const token = f.api.google.idToken('someone@gamma.example');
    const badId = await call(f.api, 'post', '/v1/orgs', { token, body: { id: ['gamma'] } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details).toEqual([{ path: 'id', message: expect.any(String) }]);
    const badSettings = await call(f.api, 'post', '/v1/orgs', { token, body: { id: 'delta', settings: { name: 42 } } });
    expect(badSettings.status).toBe(400);
    expect(badSettings.body.error.details).toEqual([{ path: 'settings.name', message: expect.any(String) }]);
  });

  for (const r of apiRoutes) {
    const spec = r.spec;
    it(`${spec.method.toUpperCase()} ${spec.path} answers 4xx naming the problem, never 500, and a refusal writes nothing`, async () => {
      const token = f.alpha.ownerToken;
      baseline = await settledSnapshot(f.api);
      await fc.assert(
        fc.asyncProperty(attackOn(spec), async (attack) => {
          const url = urlOf(spec, attack);
          const body = attack.body === undefined ? undefined : 'raw' in attack.body ? attack.body.raw : JSON.stringify(attack.body.json);
          const res = await call(f.api, spec.method, url, {
            token,
            ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
          });
          const label = `${spec.method.toUpperCase()} ${url.slice(0, 300)} body ${String(body).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
          tally.requests += 1;
          tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
          if (process.env.ABUSE_EXAMPLES) tally.examples[res.status] ??= label;
          expect(res.status, label).toBeLessThan(500);
          if (res.status >= 400) {
            tally.refused += 1;
            expectSaneRefusal(label, res);
            // Settled, so a write that lands just behind the refusal's answer is caught, not absorbed into the next baseline.
            const after = await settledSnapshot(f.api);
            const changed = Object.keys(after).filter((t) => after[t] !== baseline[t]);
            expect(changed, `${label}: a refused request changed these tables (last accepted: ${lastAccepted})`).toEqual([]);
          } else {
            tally.accepted += 1;
            lastAccepted = label;
            // A close issues its PDFs right behind its answer: wait for the file to settle after a change.
            baseline = spec.method === 'get' ? snapshotDb(f.api.dbFile) : await settledSnapshot(f.api);
          }
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    }, 120_000);
  }
});
