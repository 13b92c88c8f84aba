/**
 * The agency portal over HTTP (fetch on loopback, playing a browser that keeps cookies): the
 * owner's links, the pages and their headers, what a link shows and never shows, the audit,
 * and every way a link stops working answering the same page.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../api/harness.ts';
import { ok } from '../api/org-builder.ts';
import { portalBrowser, startPortalFixture, type PortalFixture } from './portal-fixture.ts';

let f: PortalFixture;
beforeAll(async () => {
  f = await startPortalFixture();
});
afterAll(() => f.api.close());

const get = (path: string, headers: Record<string, string> = {}) => call(f.api, 'get', path, { headers });
/** Opens a path in a fresh browser: the token is exchanged for a session, and the page without it is where the browser ends. */
const open = (path: string) => portalBrowser(f.api).get(path);

function expectPortalHeaders(headers: Headers): void {
  expect(headers.get('cache-control')).toBe('no-store');
  const csp = headers.get('content-security-policy')!;
  expect(csp).toMatch(/default-src 'none'/);
  expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).toMatch(/form-action 'self'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).not.toMatch(/script-src|unsafe/);
  expect(headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

/** Alters one character of the token, keeping its shape. */
const altered = (token: string) => token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);

describe("the owner's links", () => {
  it('creates a link whose URL is shown once: a 256-bit token under the base URL; the list never shows it', async () => {
    const created = await f.newLink();
    expect(created.url).toMatch(/^http:\/\/portal\.test\/portal\/[A-Za-z0-9_-]{43}$/);
    expect(created.link).toMatchObject({ agencyId: f.alpha.agencyIds[0], status: 'active', hasPasscode: false, viewedInvoiceIds: [] });
    expect(Date.parse((created.link as any).expiresAt) - f.clock.now.getTime()).toBe(90 * 86_400_000);
    const listed = await call(f.api, 'get', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.token);
    expect(listed.text).not.toMatch(/tokenHash|passcodeHash/);
    expect(listed.body.links.map((l: any) => l.id)).toContain(created.link.id);
  });

  it("refuses an agency of no such id, another org's agency, and a short passcode", async () => {
    expect(
      (await call(f.api, 'post', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken, body: { agencyId: 'nope' } })).status,
    ).toBe(404);
    expect(
      (
        await call(f.api, 'post', '/v1/orgs/alpha/portal-links', {
          token: f.alpha.ownerToken,
          body: { agencyId: f.alpha.agencyIds[0], passcode: '123' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(f.api, 'post', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken, body: { agencyId: f.beta.agencyIds[0] } }))
        .status,
    ).toBe(404);
  });
});

describe('the pages', () => {
  it("lists the agency's invoices, with the portal headers, lang and a table, and nothing of another agency or org", async () => {
    const { path, token } = await f.newLink();
    const res = await open(path);
    expect(res.status).toBe(200);
    expect(res.redirects).toEqual(['/portal']);
    expect(res.text).not.toContain(token);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expectPortalHeaders(res.headers);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('name="viewport"');
    expect(res.text).toMatch(/<th scope="col">Due<\/th>/);
    expect(res.text).toContain(f.alphaInvoices[0]!.number);
    expect(res.text).toContain('Alpha Oakridge Home Health');
    expect(res.text).not.toContain(f.alphaInvoices[1]!.number);
    expect(res.text).not.toContain('Lakeside');
    for (const b of f.betaInvoices) expect(res.text).not.toContain(b.id);
    expect(res.text).not.toContain('Beta');
    for (const p of f.alpha.patients) expect(res.text).not.toContain(p.name); // no PHI on the list
    expect(res.text).not.toContain('<script');
  });

  it('opens one invoice with its lines, marks it viewed for the owner, and audits the read as the link', async () => {
    const { path, link } = await f.newLink();
    const invoice = f.alphaInvoices[0]!;
    const browser = portalBrowser(f.api);
    const res = await browser.get(`${path}/invoices/${invoice.id}`);
    expect(res.status).toBe(200);
    expect(res.redirects).toEqual([`/portal/invoices/${invoice.id}`]);
    expectPortalHeaders(res.headers);
    expect(res.text).toContain(`Invoice ${invoice.number}`);
    expect(res.text).toContain('<caption>Visits billed</caption>');
    expect(res.text).toMatch(/Quixwright, Zebulon Alpha|Abernathy-Vole, Philippa Alpha|Szczepa/); // patients as this agency chose (names)
    expect(res.text).toContain(`"/portal/invoices/${invoice.id}/pdf"`);

    const list = await browser.get('/portal');
    expect(list.text).toMatch(new RegExp(`${invoice.number}</a></th>[\\s\\S]*?<td data-label="Viewed">Yes</td></tr>`));
    const links = await ok(f.api, 'get', `/v1/orgs/alpha/portal-links?agencyId=${f.alpha.agencyIds[0]}`, { token: f.alpha.ownerToken });
    expect(links.links.find((l: any) => l.id === link.id).viewedInvoiceIds).toEqual([invoice.id]);
    const audit = await f.api.store.listAudit('alpha', { recordId: invoice.id });
    expect(audit.some((a) => a.actor === `portal:${link.id}` && a.action === 'read')).toBe(true);
  });

  it("answers not found for another agency's invoice and another org's, showing none of it", async () => {
    const { path } = await f.newLink();
    const browser = portalBrowser(f.api);
    for (const id of [f.alphaInvoices[1]!.id, f.betaInvoices[0]!.id]) {
      for (const suffix of ['', '/pdf']) {
        const res = await browser.get(`${path}/invoices/${id}${suffix}`);
        expect(res.status).toBe(404);
        expectPortalHeaders(res.headers);
        expect(res.text).toContain('Not found');
        expect(res.text).not.toMatch(/Lakeside|Beta|Quixwright|Abernathy|Szczepa/);
      }
    }
  });

  it('downloads the invoice PDF, byte for byte what was issued, audited as a download by the link', async () => {
    const { path, link } = await f.newLink();
    const invoice = f.alphaInvoices[0]!;
    const browser = portalBrowser(f.api);
    await browser.get(path);
    const res = await fetch(`${f.api.url}/portal/invoices/${invoice.id}/pdf`, {
      headers: { cookie: `portal_session=${browser.cookies.get('portal_session')!.value}` },
    });
    expect(res.status).toBe(200);
    expectPortalHeaders(res.headers);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`${invoice.number}.pdf`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.headers.get('etag')).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);
    const owner = await fetch(`${f.api.url}/v1/orgs/alpha/invoices/${invoice.id}/pdf`, {
      headers: { authorization: `Bearer ${f.alpha.ownerToken}` },
    });
    expect(owner.status).toBe(200);
    expect(Buffer.from(await owner.arrayBuffer()).equals(bytes)).toBe(true); // one issued document, the same for owner and agency
    const audit = await f.api.store.listAudit('alpha', { recordId: invoice.id });
    expect(audit.some((a) => a.actor === `portal:${link.id}` && a.action === 'download')).toBe(true);
  });

  it('shows the statement of account: the open balance aged by days past the due date, as of the clock', async () => {
    const { path } = await f.newLink();
    const invoice = await ok(f.api, 'get', `/v1/orgs/alpha/invoices/${f.alphaInvoices[0]!.id}`, { token: f.alpha.ownerToken });
    const total = (invoice.totalCents / 100).toFixed(2);
    const browser = portalBrowser(f.api);
    const before = await browser.get(`${path}/statement`);
    expect(before.status).toBe(200);
    expect(before.url).toBe('/portal/statement');
    expect(before.text).toMatch(
      new RegExp(
        `<th scope="row" data-label="Days past due">0-30 days</th><td data-label="Open" class="num">\\$${total.replace('.', '\\.')}`,
      ),
    );
    const saved = f.clock.now;
    f.clock.now = new Date(Date.parse(`${invoice.dueDate}T15:00:00.000Z`) + 45 * 86_400_000);
    try {
      const later = await browser.get(`${path}/statement`); // opened from the link again: a session lasts 12 hours
      expect(later.text).toMatch(
        new RegExp(
          `<th scope="row" data-label="Days past due">31-60 days</th><td data-label="Open" class="num">\\$${total.replace('.', '\\.')}`,
        ),
      );
      expect(later.text).toMatch(/<th scope="row" data-label="Days past due">0-30 days<\/th><td data-label="Open" class="num">\$0\.00/);
      expect(later.text).toContain('<td data-label="Days past due" class="num">45</td>');
    } finally {
      f.clock.now = saved;
    }
  });
});

describe('a link that does not open the portal', () => {
  async function refusal(path: string) {
    const res = await get(path);
    expectPortalHeaders(res.headers);
    return { status: res.status, text: res.text };
  }

  it('answers one and the same page for an unknown, altered, expired, revoked or rotated-away token', async () => {
    const { token: good } = await f.newLink();
    const expiring = await f.newLink({ days: 1 });
    const revoked = await f.newLink();
    const rotated = await f.newLink();
    await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${revoked.link.id}/revoke`, { token: f.alpha.ownerToken });
    const replacement = await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${rotated.link.id}/rotate`, {
      token: f.alpha.ownerToken,
      body: {},
    });
    expect(replacement.url).not.toBe(rotated.url);
    expect((await open(new URL(replacement.url).pathname)).status).toBe(200);

    const saved = f.clock.now;
    f.clock.now = new Date(saved.getTime() + 2 * 86_400_000);
    try {
      const answers = [
        await refusal('/portal/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
        await refusal('/portal/too-short'),
        await refusal(`/portal/${altered(good)}`),
        await refusal(expiring.path),
        await refusal(revoked.path),
        await refusal(rotated.path),
        await refusal(`/portal/${altered(good)}/invoices/${f.alphaInvoices[0]!.id}/pdf`),
        await refusal(`${revoked.path}/statement`),
      ];
      for (const a of answers) expect(a).toEqual(answers[0]);
      expect(answers[0]!.status).toBe(404);
      expect(answers[0]!.text).toContain('This link is not valid');
      expect((await open(`/portal/${good}`)).status).toBe(200); // still good after two days
    } finally {
      f.clock.now = saved;
    }
    const links = await ok(f.api, 'get', '/v1/orgs/alpha/portal-links', { token: f.alpha.ownerToken });
    expect(links.links.find((l: any) => l.id === revoked.link.id).status).toBe('revoked');
  });

  it('expires after 90 days by default', async () => {
    const { path } = await f.newLink();
    const saved = f.clock.now;
    try {
      f.clock.now = new Date(saved.getTime() + 90 * 86_400_000 - 1000);
      expect((await open(path)).status).toBe(200);
      f.clock.now = new Date(saved.getTime() + 90 * 86_400_000);
      expect((await open(path)).text).toContain('This link is not valid');
    } finally {
      f.clock.now = saved;
    }
  });
});

describe('a link with a passcode', () => {
  it('asks for it in a form (POST, never in the URL), refuses a wrong one, and opens with the right one', async () => {
    const { path, url } = await f.newLink({ passcode: 'river-stone-42' });
    expect(url).not.toContain('river-stone');
    const browser = portalBrowser(f.api);
    const asked = await browser.get(path);
    expect(asked.status).toBe(401);
    expect(asked.url).toBe('/portal');
    expectPortalHeaders(asked.headers);
    expect(asked.text).toMatch(/<form method="post" action="\/portal\/passcode">/);
    expect(asked.text).toMatch(/<label for="passcode">/);
    expect(asked.text).not.toContain('Alpha Oakridge');
    expect((await browser.get(`/portal/invoices/${f.alphaInvoices[0]!.id}`)).status).toBe(401);

    const wrong = await browser.post('/portal/passcode', { passcode: 'river-stone-41' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That passcode is not right');
    const right = await browser.post('/portal/passcode', { passcode: 'river-stone-42' });
    expect(right.redirects).toEqual(['/portal']);
    expect(right.status).toBe(200);
    expect(right.text).toContain(f.alphaInvoices[0]!.number);
    const session = browser.cookies.get('portal_session')!;
    expect(session.attributes).toMatch(/HttpOnly/i);
    expect(session.attributes).toMatch(/SameSite=Strict/i);
    expect(session.value).not.toContain('river-stone');
    const forged = await get('/portal', { cookie: `portal_session=${session.value.replace(/\.1\./, '.0.')}` });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain('Alpha Oakridge');
  });

  it('keeps the passcode through a rotation, and the old session does not open the new link', async () => {
    const first = await f.newLink({ passcode: 'harbor-light-7' });
    const browser = portalBrowser(f.api);
    await browser.get(first.path);
    expect((await browser.post('/portal/passcode', { passcode: 'harbor-light-7' })).status).toBe(200);
    const rotated = await ok(f.api, 'post', `/v1/orgs/alpha/portal-links/${first.link.id}/rotate`, { token: f.alpha.ownerToken, body: {} });
    expect(rotated.link.hasPasscode).toBe(true);
    expect((await browser.get('/portal')).status).toBe(401); // the old link's session ended with it
    const asked = await browser.get(new URL(rotated.url).pathname);
    expect(asked.status).toBe(401); // the new link asks again
    expect(asked.text).toContain('Enter the passcode');
  });
});

describe('logs', () => {
  it('never carry a portal token or a patient', async () => {
    const { token, path } = await f.newLink();
    const browser = portalBrowser(f.api);
    await browser.get(`${path}/invoices/${f.alphaInvoices[0]!.id}`);
    const log = f.api.logText();
    expect(log).not.toContain(token);
    expect(log).not.toContain(browser.cookies.get('portal_session')!.value);
    expect(log).toContain('/portal/:token/invoices/:invoiceId');
    expect(log).toContain('"/portal/invoices/:invoiceId"');
    for (const p of f.alpha.patients) expect(log).not.toContain(p.name);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-IP allowance, for good and bad tokens alike', async () => {
    const small = await startPortalFixture({ portalRequestsPerMinute: 3 });
    const once = (path: string) => fetch(`${small.api.url}${path}`, { redirect: 'manual' });
    try {
      const { path } = await small.newLink();
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await once(i === 1 ? '/portal/nope' : path)).status);
      expect(statuses).toEqual([303, 404, 303]);
      const limited = await once(path);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('cache-control')).toBe('no-store');
      small.clock.now = new Date(small.clock.now.getTime() + 61_000);
      expect((await once(path)).status).toBe(303);
    } finally {
      await small.api.close();
    }
  });
});

describe('what the agency has paid', () => {
  it("shows each invoice's paid and open amounts and status, and a statement that ages only what is open and lists the payments", async () => {
    const agencyId = f.alpha.agencyIds[1]!;
    const invoice = f.alphaInvoices.find((i) => i.agencyId === agencyId)!;
    const full = await ok(f.api, 'get', `/v1/orgs/alpha/invoices/${invoice.id}`, { token: f.alpha.ownerToken });
    await ok(f.api, 'post', '/v1/orgs/alpha/receipts', {
      token: f.alpha.ownerToken,
      body: { agencyId, amountCents: 1_000, receivedOn: '2026-02-01', method: 'check', reference: 'CHK-7781', invoiceIds: [invoice.id] },
    });
    const { path } = await f.newLink({ agencyId });
    const browser = portalBrowser(f.api);
    const money = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    const open = full.totalCents - 1_000;

    const list = await browser.get(path);
    expect(list.text).toContain(
      `<td data-label="Total" class="num">${money(full.totalCents)}</td><td data-label="Paid" class="num">$10.00</td><td data-label="Open" class="num">${money(open)}</td>`,
    );
    expect(list.text).toContain('<td data-label="Status">Partially paid</td>');

    const one = await browser.get(`/portal/invoices/${encodeURIComponent(invoice.id)}`);
    expect(one.text).toContain(`<dt>Status</dt><dd>Partially paid</dd>`);
    expect(one.text).toContain(`<dt>Paid</dt><dd>$10.00</dd><dt>Open</dt><dd>${money(open)}</dd>`);

    const statement = await browser.get('/portal/statement');
    expect(statement.text).toContain(`Open balance: <strong>${money(open)}</strong>`);
    expect(statement.text).toMatch(
      new RegExp(
        `<th scope="row" data-label="Days past due">0-30 days</th><td data-label="Open" class="num">\\${money(open).replace('.', '\\.')}`,
      ),
    );
    expect(statement.text).toContain(
      '<td data-label="What">Payment</td><td data-label="Reference">CHK-7781</td><td data-label="Amount" class="num">$10.00</td>',
    );
  });
});
