/** The API's behaviour route by route: answers, error statuses and shapes, roles, security headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from './harness.ts';
import { aVisit, buildOrg, ok, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let org: BuiltOrg;
const staffEmail = 'staff@acme.example';
let staffToken: string;

beforeAll(async () => {
  api = await startTestApi();
  org = await buildOrg(api, 'acme', 'Alpha');
  await ok(api, 'put', `/v1/orgs/acme/members/${staffEmail}`, { token: org.ownerToken, body: { role: 'staff' } });
  staffToken = api.google.idToken(staffEmail);
});
afterAll(() => api.close());

const expectError = (res: { status: number; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
};

describe('orgs and members', () => {
  it('makes the Google account that creates an org its owner, and shows the org to members', async () => {
    const members = await ok(api, 'get', '/v1/orgs/acme/members', { token: staffToken });
    expect(members.members).toEqual([
      expect.objectContaining({ email: 'owner@acme.example', role: 'owner' }),
      expect.objectContaining({ email: staffEmail, role: 'staff' }),
    ]);
    const got = await ok(api, 'get', '/v1/orgs/acme', { token: staffToken });
    expect(got).toMatchObject({ id: 'acme', settings: { name: 'Alpha Staffing', payrollCycle: { kind: 'monthly' } } });
    // Who gave whom access is on the audit trail.
    expect(await api.store.listAudit('acme', { recordId: staffEmail })).toMatchObject([
      { action: 'create', recordType: 'member', actor: 'owner@acme.example', detail: 'role staff' },
      { action: 'update', recordType: 'member', actor: staffEmail, detail: 'first sign-in: Google account recorded' },
    ]);
  });

  it('answers 409 when the org id is taken, 400 naming the field when it is malformed', async () => {
    const token = api.google.idToken('someone@else.example');
    expectError(await call(api, 'post', '/v1/orgs', { token, body: { id: 'acme' } }), 409, 'conflict');
    const bad = await call(api, 'post', '/v1/orgs', { token, body: { id: 'Not An Id' } });
    expectError(bad, 400, 'invalid-input');
  });

  it('lets only an owner change settings, the payer TIN, members and keys (403 for staff)', async () => {
    const attempts = [
      call(api, 'patch', '/v1/orgs/acme/settings', { token: staffToken, body: { name: 'Staff rename' } }),
      call(api, 'put', '/v1/orgs/acme/payer-tin', { token: staffToken, body: { tin: '12-3456789', type: 'EIN' } }),
      call(api, 'put', '/v1/orgs/acme/members/new@acme.example', { token: staffToken, body: { role: 'owner' } }),
      call(api, 'delete', `/v1/orgs/acme/members/owner@acme.example`, { token: staffToken }),
      call(api, 'post', '/v1/orgs/acme/api-keys', { token: staffToken, body: { label: 'mine' } }),
      call(api, 'get', '/v1/orgs/acme/api-keys', { token: staffToken }),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 403, 'forbidden');
    const renamed = await ok(api, 'patch', '/v1/orgs/acme/settings', { token: org.ownerToken, body: { invoicePrefix: 'ACME' } });
    expect(renamed.settings).toMatchObject({ name: 'Alpha Staffing', invoicePrefix: 'ACME' });
  });

  it('keeps the payer TIN masked', async () => {
    const set = await call(api, 'put', '/v1/orgs/acme/payer-tin', { token: org.ownerToken, body: { tin: '12-3456789', type: 'EIN' } });
    expect(set.status).toBe(200);
    expect(set.body.payerTin).toEqual({ type: 'EIN', masked: '**-***6789' });
    expect(set.text).not.toContain('3456789');
  });

  it('never leaves an org without an owner (422)', async () => {
    expectError(
      await call(api, 'put', '/v1/orgs/acme/members/owner@acme.example', { token: org.ownerToken, body: { role: 'staff' } }),
      422,
      'rule-broken',
    );
    expectError(await call(api, 'delete', '/v1/orgs/acme/members/owner@acme.example', { token: org.ownerToken }), 422, 'rule-broken');
    expectError(await call(api, 'delete', '/v1/orgs/acme/members/nobody@acme.example', { token: org.ownerToken }), 404, 'not-found');
    const removed = await call(api, 'delete', '/v1/orgs/acme/members/temp@acme.example', { token: org.ownerToken });
    expect(removed.status).toBe(404);
    await ok(api, 'put', '/v1/orgs/acme/members/temp@acme.example', { token: org.ownerToken, body: { role: 'staff' } });
    expect((await call(api, 'delete', '/v1/orgs/acme/members/temp@acme.example', { token: org.ownerToken })).status).toBe(204);
  });
});

describe('authentication', () => {
  it('answers 401 without credentials, with a malformed header, a forged or expired token, an unverified email, another audience', async () => {
    const path = '/v1/orgs/acme/agencies';
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      call(api, 'get', path),
      call(api, 'get', path, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      call(api, 'get', path, { token: api.google.forgedIdToken('owner@acme.example') }),
      call(api, 'get', path, { token: api.google.idToken('owner@acme.example', { exp: now - 3600, iat: now - 7200 }) }),
      call(api, 'get', path, { token: api.google.idToken('owner@acme.example', { email_verified: false }) }),
      call(api, 'get', path, { token: api.google.idToken('owner@acme.example', { aud: 'another-client.apps.googleusercontent.com' }) }),
      call(api, 'get', path, { token: api.google.idToken('owner@acme.example', { iss: 'https://evil.example' }) }),
      call(api, 'get', path, { token: 'vl_acme_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      call(api, 'get', path, { token: 'not.a.jwt' }),
    ];
    for (const res of await Promise.all(cases)) {
      expectError(res, 401, 'unauthenticated');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('answers 403 to a signed-in account that is not a member, saying nothing of the org', async () => {
    const stranger = api.google.idToken('stranger@example.com');
    const existing = await call(api, 'get', '/v1/orgs/acme', { token: stranger });
    const missing = await call(api, 'get', '/v1/orgs/no-such-org', { token: stranger });
    expectError(existing, 403, 'forbidden');
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual(existing.body);
  });

  it('shows an API key once, keeps only its hash, and refuses it once revoked', async () => {
    const made = await call(api, 'post', '/v1/orgs/acme/api-keys', { token: org.ownerToken, body: { label: 'sheet sync' } });
    expect(made.status).toBe(201);
    const { key, apiKey } = made.body;
    expect(key).toMatch(/^vl_acme_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toEqual({
      id: expect.any(String),
      label: 'sheet sync',
      role: 'staff',
      createdAt: expect.any(String),
      createdBy: 'owner@acme.example',
    });
    const secret = key.split('_').slice(3).join('_');

    expect((await ok(api, 'get', '/v1/orgs/acme/agencies', { token: key })).agencies).toHaveLength(2);
    const listed = await call(api, 'get', '/v1/orgs/acme/api-keys', { token: org.ownerToken });
    expect(listed.text).not.toContain(secret);
    expect(listed.body.apiKeys.find((k: { id: string }) => k.id === apiKey.id)).not.toHaveProperty('secretHash');
    const stored = await api.store.getApiKey('acme', apiKey.id);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    const { readFileSync } = await import('node:fs');
    for (const file of [api.dbFile, `${api.dbFile}-wal`]) {
      expect(readFileSync(file).includes(Buffer.from(secret)), file).toBe(false);
    }

    expectError(await call(api, 'post', '/v1/orgs/acme/api-keys', { token: key, body: { label: 'escalate' } }), 403, 'forbidden'); // a staff key
    const revoked = await ok(api, 'delete', `/v1/orgs/acme/api-keys/${apiKey.id}`, { token: org.ownerToken });
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expectError(await call(api, 'get', '/v1/orgs/acme/agencies', { token: key }), 401, 'unauthenticated');
    expectError(await call(api, 'delete', '/v1/orgs/acme/api-keys/0000000000000000', { token: org.ownerToken }), 404, 'not-found');
  });

  it('creates orgs only for a Google account, not an API key', async () => {
    const made = await ok(api, 'post', '/v1/orgs/acme/api-keys', {
      token: org.ownerToken,
      body: { label: 'owner automation', role: 'owner' },
    });
    expectError(await call(api, 'post', '/v1/orgs', { token: made.key, body: { id: 'spawned' } }), 403, 'forbidden');
  });
});

describe('visits and the batch', () => {
  it('answers 400 naming the row and field of a bad visit, and stores nothing of the batch', async () => {
    const rows = Array.from({ length: 5 }, (_, i) =>
      aVisit({
        clientId: `bad-batch-${i}`,
        agencyId: org.agencyIds[0]!,
        therapistId: org.therapistIds[0]!,
        patient: org.patients[0]!,
        date: `2026-02-0${i + 1}`,
      }),
    );
    rows[3] = { ...rows[3]!, date: '2026-02-30' };
    const res = await call(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: { visits: rows } });
    expectError(res, 400, 'invalid-input');
    expect(res.body.error.details).toContainEqual({ path: '3.date', message: expect.stringContaining('calendar date') });
    expect(res.body.error.message).toContain('row 3');
    expect(res.text).not.toContain(org.patients[0]!.name);
    const stored = await ok(api, 'get', '/v1/orgs/acme/visits?dateFrom=2026-02-01&dateTo=2026-02-28', { token: staffToken });
    expect(stored.visits).toEqual([]);
  });

  it('answers 400 naming the envelope field, the query parameter and the path parameter', async () => {
    const noEnvelope = await call(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: [{}] });
    expectError(noEnvelope, 400, 'invalid-input');
    expect(noEnvelope.body.error.details[0].path).toBe('body');
    const missing = await call(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: { rows: [] } });
    expect(missing.body.error.details[0].path).toBe('body.visits');
    const query = await call(api, 'get', '/v1/orgs/acme/visits?billed=maybe', { token: staffToken });
    expectError(query, 400, 'invalid-input');
    expect(query.body.error.details[0].path).toBe('query.billed');
    const year = await call(api, 'get', '/v1/orgs/acme/tax-years/20x6', { token: staffToken });
    expect(year.body.error.details[0].path).toBe('path.year');
  });

  it('is idempotent per clientId and answers per row', async () => {
    const row = aVisit({
      clientId: 'replay-1',
      agencyId: org.agencyIds[0]!,
      therapistId: org.therapistIds[0]!,
      patient: org.patients[1]!,
      date: '2026-02-10',
    });
    const first = await ok(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: { visits: [row] } });
    const again = await ok(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: { visits: [row] } });
    expect(first.rows[0]).toMatchObject({ clientId: 'replay-1', status: 'created', problems: [] });
    expect(again.rows[0]).toMatchObject({ clientId: 'replay-1', status: 'unchanged', visitId: first.rows[0].visitId });
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 1, locked: 0, withProblems: 0 });
  });

  it('answers 413 over the body limit: 100 kB for most routes, 12 MB for the visit batch', async () => {
    const big = 'x'.repeat(150 * 1024);
    expectError(
      await call(api, 'post', '/v1/orgs/acme/agencies', { token: staffToken, body: { agencies: [{ name: big }] } }),
      413,
      'payload-too-large',
    );
    const rows = Array.from({ length: 700 }, (_, i) =>
      aVisit({
        clientId: `size-${i}`,
        agencyId: org.agencyIds[0]!,
        therapistId: org.therapistIds[0]!,
        patient: org.patients[2]!,
        date: '2026-03-02',
      }),
    );
    const underBatchLimit = await call(api, 'post', '/v1/orgs/acme/visits', {
      token: staffToken,
      body: { visits: rows.map((r) => ({ ...r, date: '2026-02-30' })) },
    });
    expect(underBatchLimit.status).toBe(400); // parsed (more than 100 kB), then refused for its dates
    const overBatchLimit = JSON.stringify({ visits: [], padding: 'y'.repeat(12 * 1024 * 1024 + 10) });
    expectError(await call(api, 'post', '/v1/orgs/acme/visits', { token: staffToken, body: overBatchLimit }), 413, 'payload-too-large');
  });

  it('answers 400 to malformed JSON and 415 to a body that is not JSON, without echoing it', async () => {
    const malformed = await call(api, 'post', '/v1/orgs/acme/agencies', {
      token: staffToken,
      body: '{"agencies": [{"name": "Secret Patient Name"',
    });
    expectError(malformed, 400, 'malformed-json');
    expect(malformed.text).not.toContain('Secret');
    const text = await call(api, 'post', '/v1/orgs/acme/agencies', {
      token: staffToken,
      body: 'agencies=1',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 415, 'unsupported-media-type');
    // No body at all (a fetch sends Content-Length: 0): the schema names what is missing.
    const bodiless = await call(api, 'post', '/v1/orgs/acme/cycles/close-month', { token: staffToken });
    expectError(bodiless, 400, 'invalid-input');
    expect(bodiless.body.error.details).toEqual([expect.objectContaining({ path: 'body' })]);
  });
});

describe("an owner's history", () => {
  it('settles the visits through a past day (a preview first writes nothing); a close then neither bills nor pays them', async () => {
    const hist = await buildOrg(api, 'hist', 'Hist'); // 12 visits, 5 to 16 January 2026
    const path = '/v1/orgs/hist/visits/settled-outside';
    await ok(api, 'put', `/v1/orgs/hist/members/${staffEmail}`, { token: hist.ownerToken, body: { role: 'staff' } });
    expectError(await call(api, 'post', path, { token: staffToken, body: { through: '2026-01-10' } }), 403, 'forbidden');
    const future = await call(api, 'post', path, { token: hist.ownerToken, body: { through: '2999-01-01' } });
    expectError(future, 400, 'invalid-input');
    expect(future.body.error.details).toEqual([expect.objectContaining({ path: 'through' })]);
    expectError(await call(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-02-30' } }), 400, 'invalid-input');

    const preview = await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-10', preview: true } });
    expect(preview).toEqual({ through: '2026-01-10', preview: true, visits: 6, firstDate: '2026-01-05', lastDate: '2026-01-10' });
    expect(await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-10', preview: true } })).toEqual(preview); // nothing written
    const settled = await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-10' } });
    expect(settled).toEqual({ ...preview, preview: false });
    expect(await api.store.listAudit('hist', { recordId: 'hist' })).toContainEqual(
      expect.objectContaining({ actor: 'owner@hist.example', detail: 'visits through 2026-01-10 (6) settled outside VisitLedger' }),
    );

    const month = await ok(api, 'post', '/v1/orgs/hist/cycles/close-month', { token: hist.ownerToken, body: { month: '2026-01' } });
    const billed = month.cycles.flatMap((c: { invoice: { lines: { date: string }[] } | null }) => c.invoice?.lines ?? []);
    const paid = month.payRuns[0].payRun.statements.flatMap((st: { lines: { date: string }[] }) => st.lines);
    for (const lines of [billed, paid])
      expect(lines.map((l: { date: string }) => l.date).sort()).toEqual([
        '2026-01-11',
        '2026-01-12',
        '2026-01-13',
        '2026-01-14',
        '2026-01-15',
        '2026-01-16',
      ]);
    // Settling again finds nothing left: the rest are billed and paid here now.
    expect(await ok(api, 'post', path, { token: hist.ownerToken, body: { through: '2026-01-31' } })).toMatchObject({
      visits: 0,
      firstDate: null,
    });
  });
});

describe('withdrawing visits entered by mistake', () => {
  it('deletes the open ones by client id (audited), keeps billed ones, answers every client id; a close then bills only what is left', async () => {
    const wd = await buildOrg(api, 'wd', 'Wd'); // 12 visits wd-row-0..11, 5 to 16 January 2026, agencies alternating
    const path = '/v1/orgs/wd/visits/withdraw';
    await ok(api, 'post', '/v1/orgs/wd/cycles/close', {
      token: wd.ownerToken,
      body: { agencyId: wd.agencyIds[0], period: { start: '2026-01-01', end: '2026-01-31' } },
    });
    const bad = await call(api, 'post', path, { token: wd.ownerToken, body: { clientIds: [] } });
    expectError(bad, 400, 'invalid-input');
    expect(bad.body.error.details).toEqual([{ path: 'body.clientIds', message: 'names no visit' }]);
    expectError(
      await call(api, 'post', path, { token: wd.ownerToken, body: { clientIds: ['wd-row-1', 'wd-row-1'] } }),
      400,
      'invalid-input',
    );
    expectError(await call(api, 'post', path, { token: wd.ownerToken, body: { clientIds: [''] } }), 400, 'invalid-input');

    // Rows 0 and 2 are on Oakridge's issued invoice; 1 and 3 are Lakeside's, open.
    const answer = await ok(api, 'post', path, { token: wd.ownerToken, body: { clientIds: ['wd-row-1', 'wd-row-0', 'nope', 'wd-row-3'] } });
    expect(answer.counts).toEqual({ withdrawn: 2, locked: 1, unknown: 1 });
    expect(answer.rows.map((r: { clientId: string; status: string }) => [r.clientId, r.status])).toEqual([
      ['wd-row-1', 'withdrawn'],
      ['wd-row-0', 'locked'],
      ['nope', 'unknown'],
      ['wd-row-3', 'withdrawn'],
    ]);
    expect(answer.rows[1].invoiceId).toEqual(expect.any(String));
    const audit = await api.store.listAudit('wd', { recordId: answer.rows[0].visitId });
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'delete', actor: 'owner@wd.example', detail: 'withdrawn: neither billed nor paid' }),
    );
    expect(JSON.stringify(answer)).not.toContain(wd.patients[1]!.name);
    // Again: nothing left to withdraw under those ids.
    expect((await ok(api, 'post', path, { token: wd.ownerToken, body: { clientIds: ['wd-row-1'] } })).counts).toEqual({
      withdrawn: 0,
      locked: 0,
      unknown: 1,
    });

    const visits = await ok(api, 'get', '/v1/orgs/wd/visits', { token: wd.ownerToken });
    expect(visits.visits).toHaveLength(10);
    const month = await ok(api, 'post', '/v1/orgs/wd/cycles/close-month', { token: wd.ownerToken, body: { month: '2026-01' } });
    const lakeside = month.cycles.find((c: { agencyId: string }) => c.agencyId === wd.agencyIds[1]);
    expect(lakeside.invoice.lines.map((l: { date: string }) => l.date)).toEqual(['2026-01-10', '2026-01-12', '2026-01-14', '2026-01-16']);
    const paid = month.payRuns[0].payRun.statements.flatMap((st: { lines: { date: string }[] }) => st.lines.map((l) => l.date)).sort();
    expect(paid).not.toContain('2026-01-06');
    expect(paid).not.toContain('2026-01-08');
    expect(paid).toHaveLength(10);
  });
});

describe('cycles, invoices, pay runs, payments', () => {
  let invoiceIds: string[] = [];

  it('previews, then closes a cycle; closing again returns the same invoice', async () => {
    const period = { start: '2026-01-01', end: '2026-01-31' };
    const preview = await ok(api, 'post', '/v1/orgs/acme/cycles/preview', {
      token: staffToken,
      body: { agencyId: org.agencyIds[0], period },
    });
    expect(preview).toMatchObject({ alreadyClosed: false, held: [] });
    expect(preview.draft.lines).toHaveLength(6);
    const closed = await ok(api, 'post', '/v1/orgs/acme/cycles/close', { token: staffToken, body: { agencyId: org.agencyIds[0], period } });
    expect(closed).toMatchObject({ status: 'closed', invoice: { number: 'ACME-0001', totalCents: preview.draft.totalCents } });
    const again = await ok(api, 'post', '/v1/orgs/acme/cycles/close', { token: staffToken, body: { agencyId: org.agencyIds[0], period } });
    expect(again).toMatchObject({ status: 'already-closed', invoice: { id: closed.invoice.id, number: 'ACME-0001' } });
  });

  it('answers 400 for a period that is not a cycle, 404 for an agency that does not exist', async () => {
    expectError(
      await call(api, 'post', '/v1/orgs/acme/cycles/close', {
        token: staffToken,
        body: { agencyId: org.agencyIds[1], period: { start: '2026-01-03', end: '2026-01-31' } },
      }),
      400,
      'invalid-input',
    );
    expectError(
      await call(api, 'post', '/v1/orgs/acme/cycles/close', {
        token: staffToken,
        body: { agencyId: 'nope', period: { start: '2026-01-01', end: '2026-01-31' } },
      }),
      404,
      'not-found',
    );
  });

  it("closes the month: the other agency's invoice and the pay run", async () => {
    const month = await ok(api, 'post', '/v1/orgs/acme/cycles/close-month', { token: staffToken, body: { month: '2026-01' } });
    expect(month.cycles.map((c: { status: string }) => c.status).sort()).toEqual(['already-closed', 'closed']);
    expect(month.payRuns).toHaveLength(1);
    const invoices = await ok(api, 'get', '/v1/orgs/acme/invoices', { token: staffToken });
    invoiceIds = invoices.invoices.map((i: { id: string }) => i.id);
    expect(invoices.invoices.map((i: { number: string }) => i.number).sort()).toEqual(['ACME-0001', 'ACME-0002']);
    expect(JSON.stringify(invoices)).not.toContain(org.patients[0]!.name); // the list names no patient
  });

  it('shows one invoice with its patients as the agency chose, and 404 for an unknown one', async () => {
    const invoices = await ok(api, 'get', `/v1/orgs/acme/invoices?agencyId=${org.agencyIds[1]}`, { token: staffToken });
    const lakeside = await ok(api, 'get', `/v1/orgs/acme/invoices/${invoices.invoices[0].id}`, { token: staffToken });
    expect(lakeside.lines).toHaveLength(6);
    for (const line of lakeside.lines) expect(line.patient).toMatch(/^(\p{Lu}\.)+ \(MRN MRNALPHA\d{4}\)$/u); // initials + MRN, as Lakeside chose
    for (const p of org.patients) expect(JSON.stringify(lakeside)).not.toContain(p.name);
    expectError(await call(api, 'get', '/v1/orgs/acme/invoices/no-such-invoice', { token: staffToken }), 404, 'not-found');
  });

  it('voids once (422 the second time) and issues credit notes on another invoice', async () => {
    const [first, second] = invoiceIds;
    const credit = await call(api, 'post', `/v1/orgs/acme/invoices/${second}/credit-notes`, {
      token: staffToken,
      body: { reason: 'rate dispute', lines: [{ description: 'goodwill', amountCents: 1000 }] },
    });
    expect(credit.status).toBe(201);
    expect(credit.body.number).toMatch(/^ACME-000\d-CN1$/);
    const notes = await ok(api, 'get', `/v1/orgs/acme/credit-notes?invoiceId=${second}`, { token: staffToken });
    expect(notes.creditNotes).toHaveLength(1);
    expectError(
      await call(api, 'post', `/v1/orgs/acme/invoices/${first}/void`, { token: staffToken, body: { reason: '' } }),
      400,
      'invalid-input',
    );
    const voided = await ok(api, 'post', `/v1/orgs/acme/invoices/${first}/void`, {
      token: staffToken,
      body: { reason: 'billed to the wrong agency' },
    });
    expect(voided.status).toBe('void');
    expectError(
      await call(api, 'post', `/v1/orgs/acme/invoices/${first}/void`, { token: staffToken, body: { reason: 'again' } }),
      422,
      'rule-broken',
    );
  });

  it("gets, lists and approves the pay run (approval is the owner's)", async () => {
    const runs = await ok(api, 'get', '/v1/orgs/acme/pay-runs', { token: staffToken });
    const id = runs.payRuns[0].id as string;
    const again = await ok(api, 'post', '/v1/orgs/acme/pay-runs', {
      token: staffToken,
      body: { period: { start: '2026-01-01', end: '2026-01-31' } },
    });
    expect(again).toMatchObject({ status: 'already-exists', payRun: { id } });
    const got = await ok(api, 'get', `/v1/orgs/acme/pay-runs/${encodeURIComponent(id)}`, { token: staffToken });
    expect(got.statements).toHaveLength(2);
    expectError(
      await call(api, 'post', `/v1/orgs/acme/pay-runs/${encodeURIComponent(id)}/approve`, { token: staffToken }),
      403,
      'forbidden',
    );
    expect((await ok(api, 'post', `/v1/orgs/acme/pay-runs/${id}/approve`, { token: org.ownerToken })).status).toBe('approved');
    expectError(await call(api, 'post', `/v1/orgs/acme/pay-runs/${id}/approve`, { token: org.ownerToken }), 422, 'rule-broken');
    expectError(await call(api, 'get', '/v1/orgs/acme/pay-runs/payroll:1999-01-01', { token: staffToken }), 404, 'not-found');
  });

  it('records payments and sums the tax year by payment date, TINs masked', async () => {
    const paid = await call(api, 'post', '/v1/orgs/acme/payments', {
      token: staffToken,
      body: { therapistId: org.therapistIds[0], amountCents: 250_000, paidOn: '2026-02-05', method: 'check', reference: 'check 1001' },
    });
    expect(paid.status).toBe(201);
    const bad = await call(api, 'post', '/v1/orgs/acme/payments', {
      token: staffToken,
      body: { therapistId: org.therapistIds[0], amountCents: 12.5, paidOn: '2026-02-05', method: 'check' },
    });
    expectError(bad, 400, 'invalid-input');
    expect(bad.body.error.details[0].path).toBe('amountCents');
    expectError(
      await call(api, 'post', '/v1/orgs/acme/payments', {
        token: staffToken,
        body: { therapistId: 'nobody', amountCents: 100, paidOn: '2026-02-05', method: 'check' },
      }),
      404,
      'not-found',
    );
    const payments = await ok(api, 'get', `/v1/orgs/acme/payments?year=2026&therapistId=${org.therapistIds[0]}`, { token: staffToken });
    expect(payments.payments).toHaveLength(1);
    const year = await call(api, 'get', '/v1/orgs/acme/tax-years/2026', { token: staffToken });
    expect(year.status).toBe(200);
    expect(year.body).toMatchObject({ year: 2026, thresholdCents: 200_000 });
    expect(year.body.therapists[0]).toMatchObject({ therapistId: org.therapistIds[0], tinMasked: '***-**-4321' });
    expect(year.text).not.toContain('487654321');
    expect(year.text).not.toContain('487-65-4321');
    expectError(await call(api, 'get', '/v1/orgs/acme/tax-years/1999', { token: staffToken }), 400, 'invalid-input');
  });

  it('shows therapists with the W-9 TIN masked only', async () => {
    const res = await call(api, 'get', '/v1/orgs/acme/therapists', { token: staffToken });
    expect(res.body.therapists.map((t: any) => t.w9.tinMasked).sort()).toEqual(['***-**-4321', '**-***4322']);
    for (const tin of org.tins) {
      expect(res.text).not.toContain(tin);
      expect(res.text).not.toContain(tin.replace(/-/g, ''));
    }
  });
});

describe('the service', () => {
  it("sends helmet's security headers, no-store and a request id on every answer", async () => {
    for (const res of [await call(api, 'get', '/healthz'), await call(api, 'get', '/v1/orgs/acme'), await call(api, 'get', '/nowhere')]) {
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers /healthz and an unknown route without credentials', async () => {
    expect(await call(api, 'get', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expectError(await call(api, 'get', '/v1/nothing/here?patient=Rosa'), 404, 'route-not-found');
  });

  it('describes every route in /openapi.json, with the rows of a batch', async () => {
    const res = await call(api, 'get', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const upsert = res.body.paths['/v1/orgs/{orgId}/visits'].post;
    expect(upsert.security).toEqual([{ bearer: [] }]);
    const rows = upsert.requestBody.content['application/json'].schema.properties.visits;
    expect(rows).toMatchObject({
      type: 'array',
      items: { type: 'object', required: expect.arrayContaining(['clientId', 'patient', 'date']) },
    });
    expect(res.body.paths['/v1/orgs/{orgId}/tax-years/{year}'].get.parameters.map((p: any) => p.name)).toEqual(['orgId', 'year']);
  });
});
