/**
 * A whole month, end to end, as the owner, the therapists and the agencies live it: the
 * built add-on (node:vm, the Apps Script doubles) sets the org up from the sample owner
 * sheet; therapists submit visits through the form (a duplicate among them, and a March
 * visit sent after March was closed); Generate invoices closes March, then April; the
 * agencies open the emailed portal links in Chromium; Pay contractors pays through the
 * Stripe stand-in (a transfer refused for the balance and paid again, a payout that fails
 * and is paid out again); Omar, who has sent no W-9, is paid with 24% backup withholding
 * until his W-9 comes in April; the year's IRIS CSV is exported, his withholding in Box 4.
 * Every figure is checked against expected.ts, computed from the sheet's CSV files and the
 * form answers alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddonBuild } from '../../addon/build.ts';
import { addonEnv, type AddonEnv } from '../addon/support/addon-env.ts';
import { buildToTemp } from '../addon/support/build-once.ts';
import { addSampleTabs, SAMPLE_TABS } from '../addon/support/sample-sheet.ts';
import { startSyncService, type SyncService } from '../addon/support/sync-service.ts';
import { ARGS, CHROMIUM, chromiumAvailable } from '../support/chromium.ts';
import {
  backupWithholding,
  billable,
  closeMonth,
  legacyVisits,
  rateTables,
  usd,
  type ExpectedDoc,
  type RawVisit,
  type Visit,
} from './expected.ts';

const OWNER = 'owner@sunrise.example';
const ORG = 'sunrise';
const ANSWERS = { agencies: { Oakridge: 'Oakridge Home Health', 'Lakeside Home Care': 'Lakeside Home Care LLC' }, therapists: {} };
const EMAILS: Record<string, string> = {
  'Tom Becker': 'tom.becker@gmail.example',
  'Lena Fischer': 'lena.fischer@gmail.example',
  'Omar Haddad': 'omar.haddad@gmail.example',
};
const AGENCY_EMAILS: Record<string, string> = {
  'Oakridge Home Health': 'billing@oakridge.example',
  'Lakeside Home Care LLC': 'ap@lakeside.example',
  'Summit Visiting Health': 'office@summit.example',
};
// Stripe's clock (the stand-in's) starts here, so the Stripe payments fall in 2026 whatever the day the test runs.
const STRIPE_TIME = new Date('2026-11-27T15:00:00Z');
const YEAR = 2026;
/** A check paid to Tom in February for earlier work: with his Stripe pay it takes him past 2026's $2,000 threshold. */
const TOM_CHECK = { cents: 160_000, paidOn: '2026-02-13' };
const aW9 = (legalName: string, tin: string, line1: string) => ({
  legalName,
  taxClassification: 'individual',
  tinType: 'SSN',
  tin,
  signedOn: '2026-01-05',
  address: { line1, city: 'Columbus', state: 'OH', zip: '43215' },
});
/** Tom and Lena sent their W-9s before their first pay; Omar sends his in April. */
const W9S: Record<string, ReturnType<typeof aW9>> = {
  'Tom Becker': aW9('Thomas Becker', '400-12-3456', '1 Elm St'),
  'Lena Fischer': aW9('Lena Fischer', '400-12-3457', '2 Elm St'),
  'Omar Haddad': aW9('Omar Haddad', '400-12-3458', '3 Elm St'),
};

/** What each therapist types into the form (the form's own words), and when. */
type Submission = RawVisit & { at: string; mrn?: string };
const form = (
  therapist: string,
  agency: string,
  discipline: string,
  visitType: string,
  patient: string,
  date: string,
  at: string,
): Submission => ({ therapist, agency, discipline, visitType, patient, date, at });
const MARCH_FORM = [
  form('Tom Becker', 'Lakeside Home Care LLC', 'PT', 'Routine visit', 'Nguyen, Bao', '2026-03-26', '2026-03-26 17:02:11'),
  form('Lena Fischer', 'Oakridge Home Health', 'OT', 'Evaluation', 'Patel, Meera', '2026-03-24', '2026-03-24 12:40:00'),
  form('Omar Haddad', 'Oakridge Home Health', 'PTA', 'Routine visit', 'Alvarez, Rosa', '2026-03-27', '2026-03-27 16:15:30'),
  // Tom sends the first one again: the same visit, a second response.
  form('Tom Becker', 'Lakeside Home Care LLC', 'PT', 'Routine visit', 'Nguyen, Bao', '2026-03-26', '2026-03-27 08:05:00'),
];
/** After March is closed: a March visit sent late, and April's visits. */
const LATE = form('Tom Becker', 'Oakridge Home Health', 'PT', 'Discharge', 'Alvarez, Rosa', '2026-03-30', '2026-04-02 09:00:00');
const APRIL_FORM = [
  LATE,
  form('Tom Becker', 'Oakridge Home Health', 'PT', 'Routine visit', 'Alvarez, Rosa', '2026-04-02', '2026-04-02 18:30:00'),
  form('Lena Fischer', 'Lakeside Home Care LLC', 'OT', 'Routine visit', 'Okafor, Grace', '2026-04-07', '2026-04-07 15:00:00'),
  form('Omar Haddad', 'Oakridge Home Health', 'PTA', 'Routine visit', 'Alvarez, Rosa', '2026-04-08', '2026-04-08 16:15:00'),
];

let build: AddonBuild;
let service: SyncService;
let env: AddonEnv;

beforeAll(async () => {
  service = await startSyncService({ stripeTime: STRIPE_TIME });
  build = await buildToTemp(service.url);
  env = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken(OWNER) });
  addSampleTabs(env.book);
});
afterAll(async () => {
  await service?.close();
});

/** A call to the service as the owner, from the test (what the add-on has no button for). */
function api(method: string, path: string, body?: unknown): { status: number; body: any; text: string } {
  const res = service.fetch({
    url: `${service.url}/v1/orgs/${ORG}${path}`,
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${service.idToken(OWNER)}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if ('error' in res) throw new Error(res.error);
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text: res.body };
}
function ok(method: string, path: string, body?: unknown): any {
  const r = api(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.body;
}
const tab = (name: string) => env.book.tab(name)!;
const visitsTable = () => tab('Visits').table();
const column = (name: string) => visitsTable()[0]!.indexOf(name);
const rowOf = (id: string) => visitsTable().find((r) => r[0] === id)!;
const idsBy = (what: 'agencies' | 'therapists') =>
  new Map((ok('get', `/${what}`)[what] as { id: string; name: string }[]).map((x) => [x.name, x.id]));

let lastEvent: GoogleAppsScript.Events.SheetsOnFormSubmit | undefined;
function submit(s: Submission): { visitId: string; status: string; sync: string; replay: boolean } {
  const f = env.formApp.forms[0]!;
  const event = (lastEvent = f.submit(
    EMAILS[s.therapist]!,
    {
      Agency: s.agency,
      Discipline: s.discipline,
      'Visit type': s.visitType,
      'Patient name': s.patient,
      'MRN (if the agency uses one)': s.mrn ?? '',
      'Visit date': s.date,
      'Visit note done?': 'Yes',
    },
    s.at,
  ));
  return env.run('onFormSubmit', event);
}

/** An invoice line names its therapist, a pay statement line its agency. */
type Line = {
  visitId: string;
  date: string;
  therapistName?: string;
  agencyName?: string;
  discipline: string;
  visitType: string;
  amountCents: number;
  late: boolean;
};
const lineKey = (l: Line) => [l.date, l.therapistName ?? l.agencyName, l.discipline, l.visitType, l.amountCents, l.late].join(' ');
const expectedKey = (by: 'therapist' | 'agency') => (l: ExpectedDoc['lines'][number]) =>
  [l.date, by === 'therapist' ? l.therapist : l.agency, l.discipline, l.type, l.cents, l.late].join(' ');

/** The service's invoices for a period, each with its lines, checked against the expected ones. */
type InvoiceAnswer = { id: string; number: string; agencyName: string; totalCents: number; lines: Line[] };

function expectInvoices(month: string, expected: ExpectedDoc[]): InvoiceAnswer[] {
  const all = ok('get', '/invoices').invoices as { id: string; period: { start: string }; agencyName: string }[];
  // GET /invoices/:id answers the invoice itself.
  const got = all
    .filter((i) => i.period.start === `${month}-01`)
    .map((i) => ok('get', `/invoices/${i.id}`) as InvoiceAnswer)
    .sort((a, b) => a.agencyName.localeCompare(b.agencyName));
  expect(
    got.map((i) => [i.agencyName, i.totalCents]),
    `${month} invoices`,
  ).toEqual(expected.map((e) => [e.key, e.totalCents]));
  got.forEach((inv, n) => {
    expect(inv.lines.map(lineKey).sort(), inv.agencyName).toEqual(expected[n]!.lines.map(expectedKey('therapist')).sort());
    expect(inv.lines.reduce((s, l) => s + l.amountCents, 0)).toBe(inv.totalCents);
  });
  return got;
}

/** `withheldFrom`: the therapists paid with 24% backup withholding kept in this pay run. */
function expectStatements(
  payRunId: string,
  expected: ExpectedDoc[],
  withheldFrom: readonly string[] = [],
): { therapistId: string; therapistName: string; totalCents: number }[] {
  const run = ok('get', `/pay-runs/${encodeURIComponent(payRunId)}`);
  const statements = (
    run.statements as {
      therapistId: string;
      therapistName: string;
      totalCents: number;
      withheldCents: number;
      netCents: number;
      lines: Line[];
    }[]
  )
    .slice()
    .sort((a, b) => a.therapistName.localeCompare(b.therapistName));
  const withheld = (e: ExpectedDoc) => (withheldFrom.includes(e.key) ? backupWithholding(e.totalCents) : 0);
  expect(
    statements.map((s) => [s.therapistName, s.totalCents, s.withheldCents, s.netCents]),
    payRunId,
  ).toEqual(expected.map((e) => [e.key, e.totalCents, withheld(e), e.totalCents - withheld(e)]));
  statements.forEach((s, n) => {
    expect(s.lines.map(lineKey).sort(), s.therapistName).toEqual(expected[n]!.lines.map(expectedKey('agency')).sort());
  });
  return statements;
}

describe('a month of VisitLedger, end to end', () => {
  const tables = rateTables();
  const arrived: Visit[] = billable(legacyVisits(), tables, ANSWERS.agencies);
  const done = new Set<Visit>();
  let march: ReturnType<typeof closeMonth>;
  let april: ReturnType<typeof closeMonth>;
  let duplicateId = '';
  let lateId = '';
  const stripeKey = `rk_test_${'9f8e7d6c'.repeat(4)}`;
  const webhookSecret = `whsec_${'1a2b3c4d'.repeat(4)}`;

  it("sets the org up from the owner's sheet through the add-on", () => {
    expect(env.run('connectService', { orgId: ORG })).toMatchObject({ ok: true });
    ok('patch', '/settings', {
      payrollCycle: { kind: 'monthly' },
      address: { line1: '5 Main St', city: 'Columbus', state: 'OH', zip: '43215' },
    });
    ok('put', '/payer-tin', { tin: '31-4159265', type: 'EIN' });
    const preview = env.run('previewSetUp', null);
    expect(preview.choice).toEqual({ visitsTab: SAMPLE_TABS.visits, ratesTab: SAMPLE_TABS.rates, payTab: SAMPLE_TABS.pay });
    const r = env.run('applySetUp', { ...preview.choice, ...ANSWERS });
    expect(r.created).toContain('Visits');
    // Contacts the owner types in: each therapist's Google account (the form ties a response to it), each agency's billing email.
    const therapists = tab('Therapists').table();
    therapists.slice(1).forEach((row, i) => {
      tab('Therapists').put(i + 2, therapists[0]!.indexOf('Email') + 1, EMAILS[String(row[1])]!);
    });
    const agencies = tab('Agencies').table();
    agencies.slice(1).forEach((row, i) => {
      tab('Agencies').put(i + 2, agencies[0]!.indexOf('Contact Email') + 1, AGENCY_EMAILS[String(row[1])]!);
    });
    const sync = env.run('syncNow');
    expect(sync.ok).toBe(true);
    // Exactly the legacy visits the independent reading keeps are stored.
    expect(sync.lines[1]).toBe(`Visits: ${arrived.length} new, 0 changed, 0 unchanged, 0 locked as billed.`);
    // Tom's and Lena's W-9s are on file; Omar has not sent his, and the owner chooses to pay him with backup withholding rather than hold his pay.
    const ids = idsBy('therapists');
    const listed = ok('post', '/therapists', {
      therapists: [
        { id: ids.get('Tom Becker'), name: 'Tom Becker', w9: W9S['Tom Becker'] },
        { id: ids.get('Lena Fischer'), name: 'Lena Fischer', w9: W9S['Lena Fischer'] },
        { id: ids.get('Omar Haddad'), name: 'Omar Haddad', withoutW9: 'withhold' },
      ],
    }).therapists as { name: string; withoutW9: string; w9?: unknown }[];
    expect(listed.map((t) => [t.name, t.withoutW9, t.w9 !== undefined])).toEqual([
      ['Tom Becker', 'hold', true],
      ['Lena Fischer', 'hold', true],
      ['Omar Haddad', 'withhold', false],
    ]);
  });

  it("takes the therapists' form responses, marking the duplicate and never sending it", () => {
    const outs = MARCH_FORM.map(submit);
    expect(outs.slice(0, 3).map((o) => [o.status, o.sync])).toEqual(outs.slice(0, 3).map(() => ['OK', 'Sent']));
    const dup = outs[3]!;
    duplicateId = dup.visitId;
    const firstRow = visitsTable().findIndex((r) => r[0] === outs[0]!.visitId) + 1;
    expect(dup.status).toBe(`Duplicate of row ${firstRow}: same therapist, agency, patient, date and visit type`);
    expect(dup.sync).toBe('Not sent: fix the Status first');
    expect(rowOf(duplicateId)[column('Status')]).toBe(dup.status);
    arrived.push(...billable(MARCH_FORM, tables, {}));
    // The trigger fired twice for the last response (Apps Script may retry): nothing changes.
    const rows = visitsTable().length;
    expect(env.run('onFormSubmit', lastEvent)).toMatchObject({ visitId: duplicateId, replay: true });
    expect(visitsTable()).toHaveLength(rows);
    const stored = ok('get', '/visits?limit=1000').visits as { clientId: string }[];
    expect(stored).toHaveLength(arrived.length);
    expect(stored.map((v) => v.clientId)).not.toContain(duplicateId);
  });

  it("closes March with Generate invoices: each invoice's lines and total as computed from the sheet", () => {
    const r = env.run('generateInvoices', '2026-03');
    expect(r.ok, r.lines.join(' ')).toBe(true);
    march = closeMonth(arrived, '2026-03', tables, done);
    expect(r.lines[0]).toBe(`${march.invoices.length} invoices issued for 2026-03:`);
    const invoices = expectInvoices('2026-03', march.invoices);
    expect(invoices.every((i) => !i.lines.some((l) => l.late))).toBe(true);
    // The Invoices tab shows the same totals, in dollars.
    const sheet = tab('Invoices')
      .table()
      .slice(1)
      .filter((row) => row[2] === '2026-03-01');
    expect(sheet.map((row) => [row[1], Math.round(Number(row[7]) * 100)]).sort()).toEqual(
      march.invoices.map((e) => [e.key, e.totalCents]).sort(),
    );
    expect(rowOf(duplicateId)[column('Sync')]).toBe('Not sent: fix the Status first');
  });

  it("runs March payroll: each pay statement as computed, 24% kept from Omar's", () => {
    const r = env.run('runPayroll', '2026-03');
    expect(r.ok, r.lines.join(' ')).toBe(true);
    expectStatements('payroll:2026-03-01', march.statements, ['Omar Haddad']);
  });

  it("puts a March visit sent after the close on April's invoice, marked late; Omar's W-9, in by then, stops his withholding", () => {
    ok('post', '/therapists', {
      therapists: [{ id: idsBy('therapists').get('Omar Haddad'), name: 'Omar Haddad', w9: W9S['Omar Haddad'] }],
    });
    const outs = APRIL_FORM.map(submit);
    expect(outs.map((o) => [o.status, o.sync])).toEqual(outs.map(() => ['OK', 'Sent']));
    lateId = outs[0]!.visitId;
    arrived.push(...billable(APRIL_FORM, tables, {}));
    const r = env.run('generateInvoices', '2026-04');
    expect(r.ok, r.lines.join(' ')).toBe(true);
    april = closeMonth(arrived, '2026-04', tables, done);
    expect(april.invoices.flatMap((i) => i.lines.filter((l) => l.late))).toHaveLength(1);
    const invoices = expectInvoices('2026-04', april.invoices);
    const lateVisit = (ok('get', '/visits?limit=1000').visits as { id: string; clientId: string }[]).find((v) => v.clientId === lateId)!;
    const oakridge = invoices.find((i) => i.agencyName === 'Oakridge Home Health')!;
    expect(oakridge.lines.filter((l) => l.late).map((l) => [l.visitId, l.date])).toEqual([[lateVisit.id, LATE.date]]);
    // March's invoices did not change.
    expectInvoices('2026-03', march.invoices);
    const p = env.run('runPayroll', '2026-04');
    expect(p.ok, p.lines.join(' ')).toBe(true);
    expectStatements('payroll:2026-04-01', april.statements);
    // March's pay run, computed before the W-9 came, keeps its withholding.
    expectStatements('payroll:2026-03-01', march.statements, ['Omar Haddad']);
  });

  it('emails each agency its portal link', () => {
    const r = env.run('sendPortalLinks');
    expect(r.lines).toEqual(Object.entries(AGENCY_EMAILS).map(([name, to]) => `${name}: link sent to ${to}.`));
  });

  it.skipIf(!chromiumAvailable('the portal in a browser'))(
    'shows each agency its invoices in Chromium, opened from the emailed link',
    async () => {
      const profile = mkdtempSync(join(tmpdir(), 'visitledger-e2e-chromium-'));
      let browser: BrowserContext | undefined;
      try {
        browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true });
        const page = await browser.newPage();
        for (const [agency, to] of Object.entries(AGENCY_EMAILS)) {
          const mail = env.mail.sent.find((m) => m.to === to)!;
          // The link names the service's public address; here that is the test server.
          const link = /(https?:\/\/\S+\/portal\/[A-Za-z0-9_-]{43})/.exec(mail.body)![1]!;
          const res = await page.goto(`${service.url}${new URL(link).pathname}`);
          expect(res?.status()).toBe(200);
          const docs = [...march.invoices, ...april.invoices].filter((e) => e.key === agency);
          const rows = page.getByRole('table').getByRole('row');
          expect(await rows.count()).toBe(docs.length + 1);
          const listed = (await rows.allInnerTexts()).slice(1).map((t) => t.split('\t').map((c) => c.trim()));
          expect(listed.map((c) => c[2]).sort()).toEqual(docs.map((d) => usd(d.totalCents)).sort());
          for (const number of listed.map((c) => c[0]!)) {
            await page.getByRole('link', { name: number, exact: true }).click();
            await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Invoice ${number}`);
            const lines = (await page.locator('tbody tr').allInnerTexts()).map((t) => t.split('\t').map((c) => c.trim()));
            const period = await page.locator('main').innerText();
            const doc = docs.find((d) => usd(d.totalCents) === listed.find((c) => c[0] === number)![2] && d.lines.length === lines.length)!;
            expect(doc, `${agency} ${number}`).toBeDefined();
            const us = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
            const label: Record<string, string> = {
              EVAL: 'Evaluation',
              REEVAL: 'Re-evaluation',
              ROUTINE: 'Routine visit',
              DC: 'Discharge',
            };
            expect(lines.map((c) => c.join('|')).sort(), `${agency} ${number}`).toEqual(
              doc.lines
                .map((l) =>
                  [us(l.date), l.patient, l.therapist, `${l.discipline} ${label[l.type]}${l.late ? ' (late)' : ''}`, usd(l.cents)].join(
                    '|',
                  ),
                )
                .sort(),
            );
            expect(period).toContain(usd(doc.totalCents));
            await page.goBack();
          }
        }
      } finally {
        await browser?.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    90_000,
  );

  it('pays March through Stripe: a transfer refused for the balance, ten times, is paid once funded; each transfer is its statement', () => {
    service.standin('addPlatform', stripeKey, 0);
    ok('put', '/stripe', { key: stripeKey, webhookSecret });
    service.standin('setWebhookEndpoint', stripeKey, `${service.url}/v1/stripe/webhooks/${ORG}`, webhookSecret);
    const therapists = idsBy('therapists');
    for (const id of therapists.values()) {
      const onboarding = ok('post', `/therapists/${id}/stripe-onboarding`);
      service.standin('completeOnboarding', onboarding.accountId);
    }
    service.standin('flushWebhooks');
    // Enough for everyone but Tom (paid last: name order).
    const byName = new Map(march.statements.map((s) => [s.key, s.totalCents]));
    service.standin('setBalance', stripeKey, byName.get('Lena Fischer')! + byName.get('Omar Haddad')! + 100);
    const omarWithheld = backupWithholding(byName.get('Omar Haddad')!);
    const omarLine = `Omar Haddad: ${usd(byName.get('Omar Haddad')!)}, paid (24% backup withholding kept: ${usd(omarWithheld)} of ${usd(byName.get('Omar Haddad')!)})`;
    const first = env.run('payContractors', 'payroll:2026-03-01');
    expect(first.lines[0]).toBe('Pay run payroll:2026-03-01:');
    expect(first.lines.slice(1).sort()).toEqual([
      `Lena Fischer: ${usd(byName.get('Lena Fischer')!)}, paid`,
      omarLine,
      expect.stringMatching(new RegExp(`^Tom Becker: \\${usd(byName.get('Tom Becker')!)}, failed: .*balance`)),
    ]);
    // The owner presses Pay contractors again before funding the balance, nine more times: ten refused attempts for Tom, nobody paid twice.
    for (let n = 0; n < 9; n++)
      expect(env.run('payContractors', 'payroll:2026-03-01').lines.filter((l: string) => / failed: /.test(l))).toHaveLength(1);
    expect(service.standin<unknown[]>('transfers', stripeKey)).toHaveLength(2);
    service.standin('setBalance', stripeKey, 10_000_000);
    const again = env.run('payContractors', 'payroll:2026-03-01');
    expect(again.ok, again.lines.join(' ')).toBe(true);
    expect(again.lines.slice(1).sort()).toEqual(
      march.statements.map((s) => (s.key === 'Omar Haddad' ? omarLine : `${s.key}: ${usd(s.totalCents)}, paid`)),
    );
    // The Payroll tab shows each March statement paid, Tom's ten failed attempts left behind (his paid one is his 11th).
    const payroll = tab('Payroll')
      .table()
      .slice(1)
      .filter((row) => row[0] === 'payroll:2026-03-01');
    expect(
      payroll.map((row) => [row[4], Math.round(Number(row[6]) * 100), String(row[8]).replace(/\d{4}-\d\d-\d\d/, 'DAY')]).sort(),
    ).toEqual(march.statements.map((s) => [s.key, s.totalCents, 'paid (stripe, DAY)']));
    // One transfer per therapist, of the statement's amount (Omar's less what was withheld), to that therapist's account.
    const accounts = new Map(
      (ok('get', '/stripe').accounts as { therapistId: string; accountId: string }[]).map((a) => [a.accountId, a.therapistId]),
    );
    const nameOf = new Map([...therapists].map(([name, id]) => [id, name]));
    const transfers = service.standin<{ amount: number; destination: string }[]>('transfers', stripeKey);
    expect(transfers.map((t) => [nameOf.get(accounts.get(t.destination)!), t.amount]).sort()).toEqual(
      march.statements.map((s) => [s.key, s.key === 'Omar Haddad' ? s.totalCents - omarWithheld : s.totalCents]),
    );
    // The payment records the gross and what was kept.
    const omarPayments = ok('get', `/payments?therapistId=${therapists.get('Omar Haddad')}`).payments as {
      status: string;
      amountCents: number;
      withheldCents?: number;
    }[];
    expect(omarPayments.filter((p) => p.status === 'paid')).toEqual([
      expect.objectContaining({ amountCents: byName.get('Omar Haddad'), withheldCents: omarWithheld }),
    ]);
    expect(service.standin<number>('balanceOf', stripeKey)).toBe(10_000_000 - byName.get('Tom Becker')!);
  });

  it("follows a failed payout to the bank and Stripe's payout again; the payment stays paid once", () => {
    const tom = idsBy('therapists').get('Tom Becker')!;
    const account = (ok('get', '/stripe').accounts as { therapistId: string; accountId: string }[]).find(
      (a) => a.therapistId === tom,
    )!.accountId;
    const [payout] = service.standin<{ id: string; amount: number }[]>('payouts', account);
    const tomCents = march.statements.find((s) => s.key === 'Tom Becker')!.totalCents;
    expect(payout!.amount).toBe(tomCents);
    service.standin('markPayout', payout!.id, 'failed', 'account_closed');
    service.standin('flushWebhooks');
    const transfersOf = () =>
      (
        ok('get', '/pay-runs/payroll%3A2026-03-01/transfers').transfers as {
          therapistId: string;
          status: string;
          amountCents: number;
          payout?: { id: string; status: string; failureCode?: string };
        }[]
      ).filter((t) => t.therapistId === tom);
    expect(transfersOf().filter((t) => t.status === 'paid')).toEqual([
      expect.objectContaining({
        amountCents: tomCents,
        payout: expect.objectContaining({ id: payout!.id, status: 'failed', failureCode: 'account_closed' }),
      }),
    ]);
    // Tom fixes his bank account; Stripe pays the returned money out again.
    const repaid = service.standin<{ id: string; amount: number }>('payOutAccount', account);
    expect(repaid.amount).toBe(tomCents);
    service.standin('markPayout', repaid.id, 'paid');
    service.standin('flushWebhooks');
    expect(transfersOf().filter((t) => t.status === 'paid')).toEqual([
      expect.objectContaining({ amountCents: tomCents, payout: expect.objectContaining({ id: repaid.id, status: 'paid' }) }),
    ]);
    const payments = ok('get', `/payments?therapistId=${tom}`).payments as {
      status: string;
      amountCents: number;
      method: string;
      paidOn: string;
    }[];
    expect(payments.filter((p) => p.status === 'paid')).toEqual([expect.objectContaining({ method: 'stripe', amountCents: tomCents })]);
    expect(payments.find((p) => p.status === 'paid')!.paidOn.slice(0, 4), 'the year the 1099 step counts in').toBe(String(YEAR));
    expect(payments.filter((p) => p.status === 'failed')).toEqual(
      Array.from({ length: 10 }, () => expect.objectContaining({ amountCents: tomCents })),
    );
  });

  it('pays April, the late visit with it', () => {
    const r = env.run('payContractors', null);
    expect(r.lines[0]).toBe('Pay run payroll:2026-04-01:');
    expect(r.lines.slice(1).sort()).toEqual(april.statements.map((s) => `${s.key}: ${usd(s.totalCents)}, paid`));
  });

  it("exports the year's 1099-NEC for IRIS: Box 1 is every payment paid in the year, failed ones left out", () => {
    const tom = idsBy('therapists').get('Tom Becker')!;
    ok('post', '/payments', { therapistId: tom, amountCents: TOM_CHECK.cents, paidOn: TOM_CHECK.paidOn, method: 'check' });
    const box1 = new Map(march.statements.map((s) => [s.key, s.totalCents]));
    for (const s of april.statements) box1.set(s.key, (box1.get(s.key) ?? 0) + s.totalCents);
    box1.set('Tom Becker', box1.get('Tom Becker')! + TOM_CHECK.cents);
    // Box 4: only March's pay to Omar was withheld (his W-9 came before April's pay run).
    const box4 = new Map([['Omar Haddad', backupWithholding(march.statements.find((s) => s.key === 'Omar Haddad')!.totalCents)]]);

    const r = env.run('report1099', YEAR);
    const atThreshold = [...box1].filter(([, c]) => c >= 200_000).map(([name]) => name);
    expect(atThreshold).toEqual(['Tom Becker']);
    // Any backup withholding is reported, whatever the amount paid.
    const reportable = [...atThreshold, ...box4.keys()];
    expect(r.lines.slice(0, 3)).toEqual([
      `${YEAR}: 1 therapist at or above $2,000.00; forms due 2027-02-01.`,
      'Also due, whatever the amount, for backup withholding: Omar Haddad.',
      `Backup withholding kept in ${YEAR}: ${usd(box4.get('Omar Haddad')!)}, to report on Form 945.`,
    ]);
    expect(
      tab('1099')
        .table()
        .slice(1)
        .map((row) => [row[1], Math.round(Number(row[2]) * 100), row[4]])
        .sort(),
    ).toEqual([...box1].map(([n, c]) => [n, c, reportable.includes(n) ? 'Yes' : 'No']).sort());
    const year = ok('get', `/tax-years/${YEAR}`);
    expect(year.form945TotalCents).toBe(box4.get('Omar Haddad'));
    expect((year.therapists as { name: string; withheldCents: number }[]).map((t) => [t.name, t.withheldCents])).toEqual(
      [...box1.keys()].sort().map((n) => [n, box4.get(n) ?? 0]),
    );

    const iris = api('get', `/tax-years/${YEAR}/iris/1`);
    expect(iris.status).toBe(200);
    const [header, ...rows] = iris.text
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    const at = (name: string) => header!.indexOf(name);
    const records = new Map(rows.map((row) => [row[at('Recipient Taxpayer ID Number')], row]));
    expect([...records.keys()].sort()).toEqual(['400123456', '400123458']);
    const tomRecord = records.get('400123456')!;
    expect(tomRecord[at('Box 1 - Nonemployee Compensation')]).toBe((box1.get('Tom Becker')! / 100).toFixed(2));
    expect(tomRecord[at('Box 4 - Federal income tax withheld')]).toBe('0.00');
    expect(tomRecord[at('Payer Taxpayer ID Number')]).toBe('314159265');
    expect(tomRecord[at('Tax Year')]).toBe(String(YEAR));
    const omarRecord = records.get('400123458')!;
    expect(omarRecord[at('Box 1 - Nonemployee Compensation')]).toBe((box1.get('Omar Haddad')! / 100).toFixed(2));
    expect(omarRecord[at('Box 4 - Federal income tax withheld')]).toBe((box4.get('Omar Haddad')! / 100).toFixed(2));
    expect(api('get', `/tax-years/${YEAR}/iris/2`).status).toBe(404);
  });
});
