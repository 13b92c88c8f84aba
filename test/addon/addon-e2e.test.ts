/**
 * The built add-on (the exact Code.js clasp pushes) in a bare node:vm context with the
 * Apps Script doubles as its only globals, run end to end against the real service (SQLite
 * file, fake Google signing the ID token) on the sample owner sheet: Set up, Sync, the
 * form, invoices, payroll, pay, 1099 and portal links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddonBuild } from '../../addon/build.ts';
import { CLIENT_ID } from '../api/harness.ts';
import { addonEnv, type AddonEnv } from './support/addon-env.ts';
import { buildToTemp } from './support/build-once.ts';
import { addSampleTabs, SAMPLE_ANSWERS, SAMPLE_TABS } from './support/sample-sheet.ts';
import { startSyncService, type SyncService } from './support/sync-service.ts';

const OWNER = 'owner@sunrise.example';
const PATIENTS = ['Alvarez, Rosa', 'Nguyen, Bao', 'Okafor, Grace', 'Kowalski, Jan'];

let build: AddonBuild;
let service: SyncService;
let env: AddonEnv;

beforeAll(async () => {
  service = await startSyncService();
  build = await buildToTemp(service.url);
  env = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken(OWNER) });
  addSampleTabs(env.book);
});
afterAll(async () => {
  await service?.close();
});

/** A call to the service as the owner, from the test (not through the add-on). */
const api = (method: string, path: string, body?: unknown) => service.call(OWNER, method, path, body);
const tab = (name: string) => env.book.tab(name)!;
const visitsTable = () => tab('Visits').table();
const column = (name: string) => visitsTable()[0]!.indexOf(name);
const rowOf = (id: string) => visitsTable().find((r) => r[0] === id)!;

describe('the add-on against the running service', () => {
  const originals = new Map<string, unknown>();

  it('opens its menu with every action', () => {
    env.run('onOpen');
    expect(env.spreadsheetApp.ui.menus.at(-1)!.items.map(([label]) => label)).toEqual([
      'Overview',
      'Set up / Import',
      'Sync',
      'Generate invoices',
      'Run payroll',
      'Pay contractors',
      '1099 report',
      'Send portal links',
      'Therapist links',
      'Balances and reminders',
      'Plan',
    ]);
    env.run('onInstall');
    expect(env.spreadsheetApp.ui.menus).toHaveLength(2);
  });

  it('connects, creating the org with the signed-in owner', () => {
    const refused = env.run('connectService', { orgId: 'Sunrise Staffing!' });
    expect(refused.ok).toBe(false);
    expect(refused.lines[0]).toMatch(/org id is 1 to 63 lowercase letters/);
    const r = env.run('connectService', { orgId: 'sunrise' });
    expect(r).toMatchObject({ ok: true });
    expect(r.lines[0]).toMatch(/Created the org "Sunrise Therapy Staffing"/);
    expect(api('get', '/v1/orgs/sunrise').status).toBe(200);
    // The owner's choice in the service's settings: payroll by calendar month.
    const patched = api('patch', '/v1/orgs/sunrise/settings', { payrollCycle: { kind: 'monthly' } });
    expect(patched.status).toBe(200);
    // Every request carried the owner's ID token.
    const claims = env.urlFetch.sent.map((s) =>
      JSON.parse(Buffer.from(s.headers.authorization!.replace(/^Bearer /, '').split('.')[1]!, 'base64url').toString()),
    );
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims) expect([c.email, c.aud]).toEqual([OWNER, CLIENT_ID]);
  });

  it('previews Set up: the tabs found, the column mapping and the names to confirm', () => {
    for (const s of env.book.sheets) originals.set(s.getName(), structuredClone(s.table()));
    const p = env.run('previewSetUp', null);
    expect(p.choice).toEqual({ visitsTab: SAMPLE_TABS.visits, ratesTab: SAMPLE_TABS.rates, payTab: SAMPLE_TABS.pay });
    expect(p.mapping.map((m: { field: string; column: string }) => `${m.column}:${m.field}`)).toEqual([
      'A:therapist',
      'B:date',
      'C:agency',
      'D:patient',
      'E:discipline',
      'F:visitType',
    ]);
    expect(p.unmappedColumns).toEqual(['G (Paid to clinician?)']);
    expect(p.questions.map((q: { text: string; options: { name: string }[] }) => [q.text, q.options.map((o) => o.name)])).toEqual([
      ['Oakridge', ['Oakridge Home Health']],
      ['Lakeside Home Care', ['Lakeside Home Care LLC']],
    ]);
    expect(p.summary).toMatchObject({ dataRows: 17, total: 17, skipped: 3 });
    const answered = env.run('previewSetUp', { ...p.choice, ...SAMPLE_ANSWERS });
    expect(answered.questions).toEqual([]);
    expect(answered.summary).toMatchObject({ visits: 10, duplicates: 1, needsReview: 3, skipped: 3, total: 17 });
  });

  it("writes the structured tabs, leaves the owner's tabs as they were, and marks every row", () => {
    const r = env.run('applySetUp', {
      visitsTab: SAMPLE_TABS.visits,
      ratesTab: SAMPLE_TABS.rates,
      payTab: SAMPLE_TABS.pay,
      ...SAMPLE_ANSWERS,
    });
    expect(r.created).toEqual(['Agencies', 'Therapists', 'Rates', 'Pay Rates', 'Visits', 'Invoices', 'Payroll', '1099', 'Lists']);
    for (const [name, before] of originals) expect(tab(name).table(), name).toEqual(before);
    expect(tab(SAMPLE_TABS.visits).protections).toEqual([]);

    expect(
      tab('Agencies')
        .table()
        .slice(1)
        .map((row) => [row[1], row[2]]),
    ).toEqual([
      ['Oakridge Home Health', 'Oakridge'],
      ['Lakeside Home Care LLC', 'Lakeside Home Care'],
      ['Summit Visiting Health', ''],
    ]);
    expect(
      tab('Therapists')
        .table()
        .slice(1)
        .map((row) => [row[1], row[4]]),
    ).toEqual([
      ['Tom Becker', 'PT'],
      ['Lena Fischer', 'OT'],
      ['Omar Haddad', 'PTA'],
    ]);
    const rates = tab('Rates').table();
    expect(rates[1]!.slice(0, 5)).toEqual(['Oakridge Home Health', 125, 110, 85, 95]);
    expect(rates[3]![rates[0]!.indexOf('OT Evaluation')]).toBe(''); // Summit has no OT rates: no rate, not zero
    expect(tab('Pay Rates').table()).toEqual([
      ['Therapist', 'Discipline', 'Agency', 'Evaluation', 'Re-evaluation', 'Routine visit', 'Discharge'],
      ['Tom Becker', 'PT', '', 80, 70, 55, 60],
      ['Lena Fischer', 'OT', '', 78, '', 52, 58],
      ['Omar Haddad', 'PTA', '', '', '', 40, ''],
    ]);

    // Every legacy row that is not blank or a total is a Visits row, with its check.
    const visits = visitsTable();
    expect(visits).toHaveLength(1 + 14);
    const status = (source: string) => visits.find((row) => row[column('Source')] === `${SAMPLE_TABS.visits} ${source}`)![column('Status')];
    expect(status('row 2')).toBe('OK');
    expect(rowOf('L1000.5')[column('Visit Date')]).toBe('2026-03-09'); // the serial number 46090
    expect(status('row 4')).toBe('OK'); // "Oakridge", confirmed
    expect(status('row 7')).toBe('Duplicate of row 6: same therapist, agency, patient, date and visit type');
    expect(status('row 10')).toBe('No bill rate for Summit Visiting Health, OT Evaluation, in force on 2026-03-03');
    // Read in full, so written in canonical form; only its rate is missing.
    expect(rowOf('L1000.10').slice(1, 9)).toEqual([
      '2026-03-03',
      'Lena Fischer',
      'Summit Visiting Health',
      'Okafor, Grace',
      '',
      'OT',
      'Evaluation',
      false,
    ]);
    expect(status('row 16')).toMatch(/^No bill rate for Summit Visiting Health, PTA Evaluation.*; No pay rate for Omar Haddad/);
    expect(status('row 17')).toBe('The patient cell is empty (column E)');
    expect(r.rowsToReview).toBe(4);

    // Named ranges, dropdowns, protected headers, formats.
    expect(Object.fromEntries(env.book.named.map((n) => [n.name, `${n.range.sheet.getName()}!${n.range.getA1Notation()}`]))).toEqual({
      VL_Agencies: 'Agencies!B2:B1000',
      VL_Therapists: 'Therapists!B2:B1000',
      VL_Disciplines: 'Lists!A2:A1000',
      VL_VisitTypes: 'Lists!B2:B1000',
      VL_PatientIdentifiers: 'Lists!C2:C1000',
    });
    const v = tab('Visits');
    expect(v.validations.get(column('Therapist') + 1)).toMatchObject({ kind: 'list', rangeName: 'VL_Therapists', allowInvalid: true });
    expect(v.validations.get(column('Agency') + 1)).toMatchObject({ kind: 'list', rangeName: 'VL_Agencies' });
    expect(v.validations.get(column('Visit Type') + 1)).toMatchObject({ kind: 'list', rangeName: 'VL_VisitTypes' });
    expect(v.validations.get(column('Note Done') + 1)).toEqual({ kind: 'checkbox' });
    expect(v.formats.get(2)).toBe('yyyy-mm-dd');
    expect(tab('Rates').formats.get(2)).toBe('$#,##0.00');
    expect(tab('Invoices').formats.get(8)).toBe('$#,##0.00');
    for (const name of ['Agencies', 'Therapists', 'Rates', 'Pay Rates', 'Visits']) {
      expect(
        tab(name).protections.map((p) => [p.a1.startsWith('A1:'), p.warningOnly]),
        name,
      ).toEqual([[true, true]]);
      expect(tab(name).frozenRows).toBe(1);
    }
    expect(tab('Invoices').protections.map((p) => p.a1)).toEqual(['sheet']);

    // The form: email collection, linked to the sheet, one trigger, prefilled links.
    const form = env.formApp.forms[0]!;
    // Verified: the response carries the therapist's signed-in Google account, not an email anyone could type.
    expect(form.emailCollectionType).toBe('VERIFIED');
    expect(form.items.map((i) => i.title)).toEqual([
      'Agency',
      'Discipline',
      'Visit type',
      'Patient name',
      'MRN (if the agency uses one)',
      'Visit date',
      'Visit note done?',
    ]);
    expect(form.items[0]!.choices).toEqual(['Oakridge Home Health', 'Lakeside Home Care LLC', 'Summit Visiting Health']);
    expect(form.destination?.getName()).toBe('Form Responses 1');
    expect(env.scriptApp.triggers).toEqual([{ handler: 'onFormSubmit', sourceId: 'sheet-1', event: 'ON_FORM_SUBMIT', id: 'trigger-1' }]);
    expect(tab('Therapists').table()[3]![6]).toBe(`${form.publishedUrl}?usp=pp_url&entry.2=PTA`);
    expect(r.formUrl).toBe(form.publishedUrl);
  });

  it('changes nothing when Set up runs again', () => {
    const before = new Map(env.book.sheets.map((s) => [s.getName(), structuredClone(s.table())]));
    env.log.reset();
    const r = env.run('applySetUp', {
      visitsTab: SAMPLE_TABS.visits,
      ratesTab: SAMPLE_TABS.rates,
      payTab: SAMPLE_TABS.pay,
      ...SAMPLE_ANSWERS,
    });
    expect(r.message).toBe('Everything was already set up; nothing changed.');
    expect(env.log.matching(/\.(set|insert|protect|clear|create|add)/)).toBe(0);
    expect(env.book.sheets.map((s) => s.getName())).toEqual([...before.keys()]);
    for (const s of env.book.sheets) expect(s.table(), s.getName()).toEqual(before.get(s.getName()));
    expect(env.formApp.forms).toHaveLength(1);
    expect(env.scriptApp.triggers).toHaveLength(1);
  });

  it('syncs: ids back into the sheet, the good visits to the service, every row marked', () => {
    const r = env.run('syncNow');
    expect(r.ok).toBe(true);
    expect(r.lines[1]).toBe('Visits: 10 new, 0 changed, 0 unchanged, 0 locked as billed.');
    const agencies = api('get', '/v1/orgs/sunrise/agencies').body.agencies as { id: string; name: string; aliases: string[] }[];
    expect(
      tab('Agencies')
        .table()
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(
      ['Oakridge Home Health', 'Lakeside Home Care LLC', 'Summit Visiting Health'].map((n) => agencies.find((a) => a.name === n)!.id),
    );
    expect(agencies.find((a) => a.name === 'Oakridge Home Health')!.aliases).toEqual(['Oakridge']);
    const stored = api('get', '/v1/orgs/sunrise/visits').body.visits as { clientId: string }[];
    expect(stored.map((s) => s.clientId).sort()).toEqual(
      visitsTable()
        .slice(1)
        .filter((row) => row[column('Status')] === 'OK')
        .map((row) => row[0])
        .sort(),
    );
    expect(rowOf('L1000.2')[column('Sync')]).toBe('Sent');
    expect(rowOf('L1000.7')[column('Sync')]).toBe('Not sent: fix the Status first');

    const again = env.run('syncNow');
    expect(again.lines[1]).toBe('Visits: 0 new, 0 changed, 10 unchanged, 0 locked as billed.');
  });

  it('marks a visit typed with an unknown therapist, a duplicate and one dated after today, before any invoice', () => {
    const v = tab('Visits');
    const next = v.lastRow() + 1;
    const row = ['', '2026-03-20', 'Tom Beker', 'Oakridge Home Health', 'Alvarez, Rosa', '', 'PT', 'Routine visit', true, '', '', ''];
    row.forEach((value, c) => {
      v.put(next, c + 1, value);
    });
    const dup = ['', '2026-03-02', 'Tom Becker', 'Oakridge Home Health', 'Alvarez, Rosa', '', 'PT', 'Evaluation', true, '', '', ''];
    dup.forEach((value, c) => {
      v.put(next + 1, c + 1, value);
    });
    // A visit dated after today (a month on: whatever the zone) has not happened yet: it waits for review, not sent.
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const future = ['', later, 'Tom Becker', 'Oakridge Home Health', 'Nguyen, Bao', '', 'PT', 'Routine visit', true, '', '', ''];
    future.forEach((value, c) => {
      v.put(next + 2, c + 1, value);
    });
    env.run('syncNow');
    expect(visitsTable()[next + 1]![column('Status')]).toMatch(
      new RegExp(`^The visit date ${later} is after today \\(\\d{4}-\\d\\d-\\d\\d in the org's time zone\\)`),
    );
    expect(visitsTable()[next + 1]![column('Sync')]).toBe('Not sent: fix the Status first');
    const typed = visitsTable()[next - 1]!;
    expect(typed[0]).toMatch(/^S[0-9a-f]{8}\.\d+$/);
    expect(typed[column('Status')]).toMatch(/^Therapist "Tom Beker" is not in the therapist list exactly; did you mean Tom Becker/);
    expect(typed[column('Sync')]).toBe('Not sent: fix the Status first');
    expect(visitsTable()[next]![column('Status')]).toBe('Duplicate of row 2: same therapist, agency, patient, date and visit type');
  });

  it("uses the org's own visit types from its settings: in the checks, the dropdown list and the form", () => {
    expect(
      api('patch', '/v1/orgs/sunrise/settings', {
        visitTypes: [{ code: 'SUPV', label: 'Supervisory visit', synonyms: ['Supv', 'Supervisory'] }],
      }).status,
    ).toBe(200);
    const v = tab('Visits');
    const next = v.lastRow() + 1;
    ['', '2026-03-21', 'Tom Becker', 'Oakridge Home Health', 'Alvarez, Rosa', '', 'PT', 'Supv', true, '', '', ''].forEach((value, c) => {
      v.put(next, c + 1, value);
    });
    env.run('syncNow');
    // Known now, so what is missing is its rate (a new visit type has none until the owner adds a "PT Supervisory visit" column).
    expect(visitsTable()[next - 1]![column('Status')]).toMatch(
      /^No bill rate for Oakridge Home Health, PT Supervisory visit, in force on 2026-03-21; No pay rate for Tom Becker, PT Supervisory visit/,
    );
    expect(
      tab('Lists')
        .table()
        .map((r) => r[1]),
    ).toEqual(['Visit Types', 'Evaluation', 'Re-evaluation', 'Routine visit', 'Discharge', 'Supervisory visit']);
    expect(env.formApp.forms[0]!.items[2]!.choices).toEqual([
      'Evaluation',
      'Re-evaluation',
      'Routine visit',
      'Discharge',
      'Supervisory visit',
    ]);
    // Left as typed, the row is only a row to fix: remove it so the rest of the story bills what it did.
    v.values.splice(next - 1, 1);
    env.run('syncNow');
  });

  it('takes a form submission under the lock, checks it, sends it once, and ignores a replay', () => {
    tab('Therapists').put(2, 4, 'tom.becker@gmail.example');
    env.run('syncNow');
    const form = env.formApp.forms[0]!;
    const answers = {
      Agency: 'Lakeside Home Care LLC',
      Discipline: 'PT',
      'Visit type': 'Routine visit',
      'Patient name': 'Nguyen, Bao',
      'MRN (if the agency uses one)': '',
      'Visit date': '2026-03-26',
      'Visit note done?': 'Yes',
    };
    const event = form.submit('tom.becker@gmail.example', answers, '2026-03-26 17:02:11');
    const locksBefore = env.locks.lock.acquisitions;
    const out = env.run('onFormSubmit', event);
    expect(env.locks.lock.acquisitions).toBe(locksBefore + 1);
    expect(env.locks.lock.held).toBe(false);
    const formId = `F${form.destination!.id}.2`;
    expect(out).toMatchObject({ visitId: formId, status: 'OK', sync: 'Sent', replay: false });
    const row = rowOf(formId);
    expect(row.slice(1, 9)).toEqual(['2026-03-26', 'Tom Becker', 'Lakeside Home Care LLC', 'Nguyen, Bao', '', 'PT', 'Routine visit', true]);
    const count = () => (api('get', '/v1/orgs/sunrise/visits').body.visits as unknown[]).length;
    const stored = count();
    const replay = env.run('onFormSubmit', event);
    expect(replay).toMatchObject({ visitId: formId, replay: true, sync: 'Sent' });
    expect(visitsTable().filter((r) => r[0] === formId)).toHaveLength(1);
    expect(count()).toBe(stored);

    const stranger = form.submit('someone@else.example', { ...answers, 'Visit date': '2026-03-27' }, '2026-03-27 09:00:00');
    const refused = env.run('onFormSubmit', stranger);
    expect(refused.status).toMatch(/^Therapist "someone@else.example" is not in the therapist list/);
    expect(refused.sync).toBe('Not sent: fix the Status first');
  });

  it('keeps every row when the service cannot be reached, retrying with backoff, and says what to do', () => {
    const real = env.urlFetch.transport;
    env.urlFetch.transport = () => ({ error: 'ECONNREFUSED' });
    env.utilities.slept = [];
    const before = visitsTable().map((r) => r.slice(0, 10));
    try {
      const r = env.run('syncNow');
      expect(r.ok).toBe(false);
      expect(r.lines[0]).toMatch(
        /^The VisitLedger service at http:\/\/127\.0\.0\.1:\d+ could not be reached after 4 tries .* Nothing in the sheet was lost/,
      );
      expect(r.next).toMatch(/run Sync again/);
      expect(env.utilities.slept).toEqual([1000, 2000, 4000]);
      expect(visitsTable().map((row) => row.slice(0, 10))).toEqual(before);
      expect(rowOf('L1000.2')[column('Sync')]).toBe('Not sent: service unreachable. Sync again');
    } finally {
      env.urlFetch.transport = real;
    }
    // A 503 then a success: retried, not failed.
    let first = true;
    env.urlFetch.transport = (req) =>
      first && req.url.endsWith('/agencies')
        ? ((first = false), { status: 503, body: '{"error":{"code":"auth-unavailable","message":"busy"}}' })
        : real(req);
    try {
      expect(env.run('syncNow').ok).toBe(true);
    } finally {
      env.urlFetch.transport = real;
    }
    expect(rowOf('L1000.2')[column('Sync')]).toBe('Sent');
  });

  it('waits for nobody: while another execution holds the document lock, actions say so and the trigger fails loudly', () => {
    env.locks.lock.heldElsewhere = true;
    try {
      const r = env.run('syncNow');
      expect(r).toEqual({
        ok: false,
        title: 'Sync',
        lines: ['Another VisitLedger action or a form submission is still running on this sheet.'],
        next: 'Wait a minute, then try again.',
      });
      const form = env.formApp.forms[0]!;
      const event = form.submit(
        'tom.becker@gmail.example',
        {
          Agency: 'Oakridge Home Health',
          Discipline: 'PT',
          'Visit type': 'Routine visit',
          'Patient name': 'Alvarez, Rosa',
          'Visit date': '2026-03-28',
          'Visit note done?': 'No',
        },
        '2026-03-28 10:00:00',
      );
      const rows = visitsTable().length;
      expect(() => env.run('onFormSubmit', event)).toThrow(/Lock timeout/);
      expect(visitsTable()).toHaveLength(rows);
    } finally {
      env.locks.lock.heldElsewhere = false;
    }
    // The response the trigger could not take is added by the next Sync.
    const caughtUp = env.run('syncNow');
    expect(caughtUp.lines[0]).toBe('1 form response added to the Visits tab.');
    expect(visitsTable().at(-1)!.slice(1, 4)).toEqual(['2026-03-28', 'Tom Becker', 'Oakridge Home Health']);
  });

  it('generates invoices after checking every row, and shows them read-only', () => {
    const r = env.run('generateInvoices', '2026-03');
    expect(r.ok).toBe(true);
    expect(r.lines[0]).toBe('3 invoices issued for 2026-03:');
    const invoices = tab('Invoices').table();
    expect(
      invoices
        .slice(1)
        .map((row) => [row[1], row[2], row[3], row[8]])
        .sort(),
    ).toEqual([
      ['Lakeside Home Care LLC', '2026-03-01', '2026-03-31', 'issued'],
      ['Oakridge Home Health', '2026-03-01', '2026-03-31', 'issued'],
      ['Summit Visiting Health', '2026-03-01', '2026-03-31', 'issued'],
    ]);
    expect(invoices.slice(1).map((row) => row[0])).toEqual(
      ['INV-0001', 'INV-0002', 'INV-0003'].map((n) => invoices.slice(1).find((row) => String(row[0]).endsWith(n.slice(-4)))![0]),
    );
    const oakridge = invoices.find((row) => row[1] === 'Oakridge Home Health')!;
    // Eval 125 + Routine 85 + Routine 85 (confirmed "Oakridge") + Re-eval 110 + PTA routine 60 + the caught-up form response's routine 85.
    expect(oakridge[7]).toBe(550);
    const again = env.run('generateInvoices', '2026-03');
    expect(again.lines[0]).toBe('No new invoice for 2026-03.');
    expect(tab('Invoices').table()).toEqual(invoices);

    // A billed visit edited in the sheet is not silently changed: its row says how to correct it.
    const v = tab('Visits');
    const at = visitsTable().findIndex((r) => r[0] === 'L1000.2') + 1;
    // (The note flag: a change that leaves the visit's duplicate key, and so every other row's check, as it was.)
    v.put(at, column('Note Done') + 1, true);
    env.run('syncNow');
    expect(rowOf('L1000.2')[column('Sync')]).toBe(
      'Locked: billed (on an issued invoice, corrected by a void or a credit note; or settled before VisitLedger)',
    );
    v.put(at, column('Note Done') + 1, false);
    expect(env.run('syncNow').lines[1]).toMatch(/ 0 locked as billed\.$/);
    expect(rowOf('L1000.2')[column('Sync')]).toBe('Sent');
  });

  it('runs payroll and shows the pay statements', () => {
    const r = env.run('runPayroll', '2026-03');
    expect(r.ok, r.lines.join(' ')).toBe(true);
    expect(r.lines[0]).toMatch(/^(Pay run created|The pay run already existed): payroll:2026-03-01, 3 therapists, \$/);
    const payroll = tab('Payroll').table().slice(1);
    expect(payroll.map((row) => [row[0], row[1], row[2], row[4], row[7]]).sort()).toEqual([
      ['payroll:2026-03-01', '2026-03-01', '2026-03-31', 'Lena Fischer', 'Missing'],
      ['payroll:2026-03-01', '2026-03-01', '2026-03-31', 'Omar Haddad', 'Missing'],
      ['payroll:2026-03-01', '2026-03-01', '2026-03-31', 'Tom Becker', 'Missing'],
    ]);
  });

  it('makes the 1099 report for a year', () => {
    const r = env.run('report1099', 2026);
    expect(r.ok).toBe(true);
    expect(r.lines[0]).toBe('2026: 0 therapists at or above $2,000.00; forms due 2027-02-01.');
    expect(env.run('report1099', 'soon').lines[0]).toBe('"soon" is not a year.');
  });

  it('emails each agency with a contact its portal link, and nothing about patients', () => {
    tab('Agencies').put(2, 4, 'billing@oakridge.example');
    tab('Agencies').put(3, 4, 'ap@lakeside.example');
    env.run('syncNow');
    const r = env.run('sendPortalLinks');
    expect(r.lines).toEqual([
      'Oakridge Home Health: link sent to billing@oakridge.example.',
      'Lakeside Home Care LLC: link sent to ap@lakeside.example.',
      'Not sent (no Contact Email or not synced yet): Summit Visiting Health.',
    ]);
    expect(env.mail.sent.map((m) => m.to)).toEqual(['billing@oakridge.example', 'ap@lakeside.example']);
    for (const m of env.mail.sent) {
      expect(m.body).toMatch(/\/portal\/[A-Za-z0-9_-]{43}\n/);
      for (const patient of [...PATIENTS, 'Alvarez', 'Nguyen', 'Okafor', 'Kowalski']) expect(m.body + m.subject).not.toContain(patient);
    }
    const links = () => api('get', '/v1/orgs/sunrise/portal-links').body.links as { agencyId: string; status: string }[];
    expect(links().map((l) => l.status)).toEqual(['active', 'active']);
    // Sending again rotates each agency's link: the old one stops working, one live link per agency.
    const again = env.run('sendPortalLinks');
    expect(again.lines.slice(0, 2)).toEqual(r.lines.slice(0, 2));
    expect(env.mail.sent).toHaveLength(4);
    expect(env.mail.sent[2]!.body).not.toBe(env.mail.sent[0]!.body);
    expect(
      links()
        .map((l) => l.status)
        .sort(),
    ).toEqual(['active', 'active', 'revoked', 'revoked']);
  });

  it('pays contractors through the service and Stripe: ready therapists once, the others with the reason', () => {
    const key = `rk_test_${'a1b2c3d4'.repeat(4)}`;
    const webhookSecret = `whsec_${'e5f6a7b8'.repeat(4)}`;
    service.standin('addPlatform', key, 1_000_000);
    expect(api('put', '/v1/orgs/sunrise/stripe', { key, webhookSecret }).status).toBe(200);
    service.standin('setWebhookEndpoint', key, `${service.url}/v1/stripe/webhooks/sunrise`, webhookSecret);
    const therapists = api('get', '/v1/orgs/sunrise/therapists').body.therapists as { id: string; name: string }[];
    const idOf = (name: string) => therapists.find((t) => t.name === name)!.id;
    // Tom and Lena finish Stripe's onboarding; Omar never starts it.
    for (const name of ['Tom Becker', 'Lena Fischer']) {
      const onboarding = api('post', `/v1/orgs/sunrise/therapists/${idOf(name)}/stripe-onboarding`);
      expect(onboarding.status).toBe(200);
      service.standin('completeOnboarding', onboarding.body.accountId);
    }
    service.standin('flushWebhooks');
    // Tom's and Lena's W-9s come in; Omar is to be paid with backup withholding (without either, his pay would be held).
    const w9 = (legalName: string, tin: string) => ({
      legalName,
      taxClassification: 'individual',
      tinType: 'SSN',
      tin,
      signedOn: '2026-03-02',
      address: { line1: '1 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    });
    expect(
      api('post', '/v1/orgs/sunrise/therapists', {
        therapists: [
          { id: idOf('Tom Becker'), name: 'Tom Becker', w9: w9('Tom Becker', '400-12-3456') },
          { id: idOf('Lena Fischer'), name: 'Lena Fischer', w9: w9('Lena Fischer', '400-12-3457') },
          { id: idOf('Omar Haddad'), name: 'Omar Haddad', withoutW9: 'withhold' },
        ],
      }).status,
    ).toBe(200);

    const r = env.run('payContractors', null);
    expect(r.title).toBe('Pay contractors');
    expect(r.lines[0]).toBe('Pay run payroll:2026-03-01:');
    expect(r.lines.slice(1).sort()).toEqual([
      expect.stringMatching(/^Lena Fischer: \$[\d,]+\.\d\d, paid$/),
      expect.stringMatching(/^Omar Haddad: \$[\d,]+\.\d\d, not-paid: .+/),
      expect.stringMatching(/^Tom Becker: \$[\d,]+\.\d\d, paid$/),
    ]);
    expect(r.ok).toBe(false);
    expect(r.next).toMatch(/nobody is paid twice/);
    const transfers = () => service.standin<unknown[]>('transfers', key);
    expect(transfers()).toHaveLength(2);
    const payroll = tab('Payroll').table().slice(1);
    expect(payroll.find((row) => row[4] === 'Tom Becker')![8]).toMatch(/^paid \(stripe, \d{4}-\d\d-\d\d\)$/);
    expect(payroll.find((row) => row[4] === 'Omar Haddad')![8]).toBe('');

    // Again: nobody is paid twice.
    const again = env.run('payContractors', 'payroll:2026-03-01');
    expect(again.lines.filter((l: string) => /: \$[\d,.]+, paid$/.test(l))).toHaveLength(2);
    expect(transfers()).toHaveLength(2);
  });

  it('opens the sidebar on the panel its menu item names', () => {
    env.run('openInvoices');
    expect(env.spreadsheetApp.ui.sidebars.at(-1)!.getTitle()).toBe('VisitLedger');
    expect(env.run('sidebarState')).toMatchObject({ panel: 'invoices', connected: true, orgId: 'sunrise' });
    // Opened again without a menu item, a connected sheet's sidebar opens on the overview.
    expect(env.run('sidebarState').panel).toBe('overview');
  });
});

describe("an owner tab that already has one of the add-on's names", () => {
  it("is read as the owner's, never written, and Set up says to rename it", () => {
    const other = addonEnv({ buildDir: build.outDir, transport: (r) => service.fetch(r), token: () => service.idToken(OWNER) });
    addSampleTabs(other.book);
    const theirs = other.book.addTab('visits', [
      ['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit'],
      ['Tom Becker', '2026-04-01', 'Oakridge Home Health', 'Alvarez, Rosa', 'PT', 'Routine'],
    ]);
    const before = structuredClone(theirs.table());
    const preview = other.run('previewSetUp', null);
    expect(preview.tabs.map((t: { name: string }) => t.name)).toContain('visits');
    expect(preview.problem).toBe(
      'Your tab "visits" has a name VisitLedger needs for its own tabs. Rename it (for example "visits (old)") and run Set up again; Set up never writes into your tabs.',
    );
    expect(() => other.run('applySetUp', { ...preview.choice, agencies: {}, therapists: {} })).toThrow(/Rename it/);
    expect(theirs.table()).toEqual(before);
    expect(other.book.sheets.map((s) => s.getName())).toEqual(['Visit Log', 'Rate Sheet', 'Pay Sheet', 'visits']);
    expect(other.log.matching(/\.(set|insert|protect|create)/)).toBe(0);
  });
});
