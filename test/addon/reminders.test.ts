/**
 * Getting paid, in the sheet (issue 22): Sync's Receivables tab, each agency's open balance
 * in the sidebar, and payment reminders on the owner's schedule. The built add-on in node:vm
 * against the real service, both clocks moved: the service's (invoices issued on a known
 * day) and the script's (the day each run reckons with). Reminders go out at each step,
 * never twice, not to an agency that opted out, within the email quota (what it could not
 * send goes out on the next run), and name no patient and no TIN.
 */
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/money.ts';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

const ORG = 'remind';
const at = (day: string) => new Date(`${day}T14:00:00.000Z`);
const clock = { now: at('2026-04-01') };
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let org: SampleOrg;
let env: AddonEnv;
useSampleOrg(
  ORG,
  'owner@remind.example',
  (ready) => {
    org = ready;
    env = ready.env;
  },
  { serviceTime: clock.now, now: () => clock.now },
);

const tab = (name: string) => env.book.tab(name)!;
const rowOf = (tabName: string, name: string) =>
  tab(tabName)
    .table()
    .findIndex((r) => r[1] === name) + 1;
const columnOf = (tabName: string, header: string) => tab(tabName).table()[0]!.indexOf(header) + 1;
const dollars = (cents: number) => cents / 100;

type Invoice = { id: string; number: string; agencyId: string; agencyName: string; issueDate: string; dueDate: string; totalCents: number };
const listInvoices = () => org.api('get', `/v1/orgs/${ORG}/invoices`).body.invoices as Invoice[];
const invoiceOf = (agency: string) => listInvoices().find((i) => i.agencyName === agency)!;
const logRows = () => tab('Reminders').table().slice(1);
const newMail = (before: number) => env.mail.sent.slice(before);
/** A run of the daily trigger on `day`: what it answered and the emails it sent. */
function dailyRun(day: string) {
  clock.now = at(day);
  const before = env.mail.sent.length;
  const result = env.run('dailyMail');
  return { result, mail: newMail(before) };
}

const CONTACTS: Record<string, string> = {
  'Oakridge Home Health': 'billing@oakridge.example',
  'Lakeside Home Care LLC': 'ap@lakeside.example',
  'Summit Visiting Health': 'office@summit.example',
};
let due: string;

describe('the Receivables tab and open balances', () => {
  it('Sync writes each open invoice with what was paid, what is open and how late it is', () => {
    for (const [name, email] of Object.entries(CONTACTS)) {
      tab('Agencies').put(rowOf('Agencies', name), columnOf('Agencies', 'Contact Email'), email);
      tab('Agencies').put(rowOf('Agencies', name), columnOf('Agencies', 'Terms (days)'), 30);
    }
    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    const issued = listInvoices();
    expect(new Set(issued.map((i) => i.agencyName))).toEqual(new Set(Object.keys(CONTACTS)));
    due = issued[0]!.dueDate;
    expect(issued.map((i) => [i.issueDate, i.dueDate])).toEqual(issued.map(() => ['2026-04-01', '2026-05-01']));

    // A partial payment from Oakridge, recorded in the service.
    const oakridge = invoiceOf('Oakridge Home Health');
    const receipt = org.api('post', `/v1/orgs/${ORG}/receipts`, {
      agencyId: oakridge.agencyId,
      amountCents: 10_000,
      receivedOn: '2026-04-01',
      method: 'check',
      reference: '1042',
      invoiceIds: [oakridge.id],
    });
    expect(receipt.status).toBe(201);
    clock.now = at('2026-05-04');
    expect(env.run('syncNow').ok).toBe(true);
    const byAgency = [...issued].sort((a, b) => a.agencyName.localeCompare(b.agencyName));
    expect(tab('Receivables').table()).toEqual([
      ['Invoice', 'Agency', 'Issued', 'Due', 'Total', 'Paid', 'Open', 'Days Overdue', 'Status'],
      ...byAgency.map((i) => {
        const paid = i.id === oakridge.id ? 10_000 : 0;
        return [
          i.number,
          i.agencyName,
          '2026-04-01',
          '2026-05-01',
          dollars(i.totalCents),
          dollars(paid),
          dollars(i.totalCents - paid),
          3,
          paid > 0 ? 'partially paid' : 'open',
        ];
      }),
    ]);
    expect(tab('Receivables').protections[0]!.getDescription()).toMatch(/Receivables is written by the service/);
  });

  it("shows each agency's open balance in the sidebar", () => {
    const shown = env.run('showBalances');
    expect(shown.ok).toBe(true);
    expect(shown.lines[0]).toBe('As of 2026-05-04:');
    const oakridge = invoiceOf('Oakridge Home Health');
    expect(shown.lines).toContain(
      `Oakridge Home Health: ${formatMoney(oakridge.totalCents - 10_000)} open on 1 invoice, ${formatMoney(oakridge.totalCents - 10_000)} overdue.`,
    );
    for (const name of ['Lakeside Home Care LLC', 'Summit Visiting Health'])
      expect(shown.lines.find((l: string) => l.startsWith(`${name}: `))).toBe(
        `${name}: ${formatMoney(invoiceOf(name).totalCents)} open on 1 invoice, ${formatMoney(invoiceOf(name).totalCents)} overdue.`,
      );
  });
});

describe('payment reminders', () => {
  it('reads the schedule as typed, and refuses a step it cannot read by name', () => {
    expect(env.run('sidebarState').reminderSchedule).toBe('3 before, due, 7 after, 30 after');
    const refused = env.run('saveReminderSchedule', '3 before, due, a week after');
    expect(refused).toMatchObject({ ok: false, lines: [expect.stringContaining('"a week after" is not a reminder step')] });
    expect(env.run('sidebarState').reminderSchedule).toBe('3 before, due, 7 after, 30 after');
    expect(env.run('saveReminderSchedule', '-3, 0, 7 days after, +30')).toMatchObject({ ok: true });
    expect(env.run('sidebarState').reminderSchedule).toBe('3 before, due, 7 after, 30 after');
  });

  it('makes the daily trigger once, however often it is turned on', () => {
    const first = env.run('turnOnReminders');
    expect(first.lines[0]).toMatch(/^Daily reminders are on: every morning around 8:00/);
    expect(env.run('turnOnReminders').lines[0]).toMatch(/^Daily reminders were already on/);
    const daily = () => env.scriptApp.triggers.filter((t) => t.handler === 'dailyMail');
    expect(daily()).toHaveLength(1);
    expect(daily()[0]).toMatchObject({ event: 'CLOCK', clock: { everyDays: 1, atHour: 8, timeZone: 'America/New_York' } });
    // The form's trigger is untouched.
    expect(env.scriptApp.triggers.filter((t) => t.handler === 'onFormSubmit')).toHaveLength(1);
    expect(env.run('turnOffReminders').lines).toEqual(['Daily reminders are off.']);
    expect(daily()).toHaveLength(0);
    env.run('turnOnReminders');
    expect(daily()).toHaveLength(1);
    expect(tab('Reminders').table()[0]).toEqual(['When', 'Agency', 'Step', 'Invoices', 'Open', 'Sent To', 'Outcome']);
    expect(tab('Agencies').table()[0]).toContain('No Reminders');
  });

  it('sends nothing before the first step', () => {
    // Oakridge has a portal link; Summit's is revoked, so it has none; Lakeside opts out.
    expect(env.run('sendPortalLinks').ok).toBe(true);
    const summit = invoiceOf('Summit Visiting Health').agencyId;
    const links = org.api('get', `/v1/orgs/${ORG}/portal-links`).body.links as { id: string; agencyId: string; status: string }[];
    const summitLink = links.find((l) => l.agencyId === summit && l.status === 'active')!;
    expect(org.api('post', `/v1/orgs/${ORG}/portal-links/${summitLink.id}/revoke`).status).toBe(200);
    tab('Agencies').put(rowOf('Agencies', 'Lakeside Home Care LLC'), columnOf('Agencies', 'No Reminders'), true);

    const { result, mail } = dailyRun(addDays(due, -4));
    expect(mail).toEqual([]);
    expect(result.lines).toContain('No reminder is due on 2026-04-27 (schedule: 3 before, due, 7 after, 30 after).');
    expect(logRows()).toEqual([]);
  });

  it('reminds 3 days before the due date: one email per agency, with its portal link or the words to ask for one', () => {
    const linksBefore = org.api('get', `/v1/orgs/${ORG}/portal-links`).body.links as { id: string; status: string }[];
    const { result, mail } = dailyRun(addDays(due, -3));
    expect(result.ok).toBe(true);
    expect(mail.map((m) => m.to).sort()).toEqual(['billing@oakridge.example', 'office@summit.example']);
    const oakridge = mail.find((m) => m.to === 'billing@oakridge.example')!;
    const invoice = invoiceOf('Oakridge Home Health');
    expect(oakridge.subject).toBe('Sunrise Therapy Staffing: payment reminder for Oakridge Home Health');
    expect(oakridge.body).toContain(
      `  ${invoice.number}: ${formatMoney(invoice.totalCents - 10_000)} open, due 2026-05-01 (due in 3 days)`,
    );
    const url = /^http:\/\/portal\.test\/\S+$/m.exec(oakridge.body)![0];
    // The link in the email is the agency's live one: its earlier link was rotated (revoked) for it.
    const linksAfter = org.api('get', `/v1/orgs/${ORG}/portal-links`).body.links as { id: string; agencyId: string; status: string }[];
    const live = linksAfter.filter((l) => l.agencyId === invoice.agencyId && l.status === 'active');
    expect(live).toHaveLength(1);
    expect(linksBefore.some((l) => l.id === live[0]!.id)).toBe(false);
    expect(url.length).toBeGreaterThan('http://portal.test/'.length + 40);

    const summit = mail.find((m) => m.to === 'office@summit.example')!;
    expect(summit.body).toContain('ask Sunrise Therapy Staffing for a link to its invoice portal');
    expect(summit.body).not.toMatch(/https?:\/\//);

    const summitInvoice = invoiceOf('Summit Visiting Health');
    const lakeside = invoiceOf('Lakeside Home Care LLC');
    expect(logRows()).toEqual([
      [
        '2026-04-28',
        'Lakeside Home Care LLC',
        'due in 3 days',
        lakeside.number,
        dollars(lakeside.totalCents),
        '',
        'Not sent: No Reminders is ticked',
      ],
      [
        '2026-04-28',
        'Oakridge Home Health',
        'due in 3 days',
        invoice.number,
        dollars(invoice.totalCents - 10_000),
        'billing@oakridge.example',
        'Sent',
      ],
      [
        '2026-04-28',
        'Summit Visiting Health',
        'due in 3 days',
        summitInvoice.number,
        dollars(summitInvoice.totalCents),
        'office@summit.example',
        'Sent; portal link missing (no active link): the email says to ask you for one. Send portal links gives the agency one',
      ],
    ]);
    expect(env.book.tab('VisitLedger Reminders Sent')!.hidden).toBe(true);
  });

  it('never sends the same step twice', () => {
    const rows = logRows().length;
    const again = dailyRun(addDays(due, -3));
    expect(again.mail).toEqual([]);
    expect(again.result.lines).toContain(`No reminder is due on 2026-04-28 (schedule: 3 before, due, 7 after, 30 after).`);
    // The next day is still past the same step: nothing either.
    expect(dailyRun(addDays(due, -2)).mail).toEqual([]);
    expect(logRows()).toHaveLength(rows);
  });

  it('reminds on the due date', () => {
    const { mail } = dailyRun(due);
    expect(mail.map((m) => m.to).sort()).toEqual(['billing@oakridge.example', 'office@summit.example']);
    for (const m of mail) expect(m.body).toMatch(/due 2026-05-01 \(due today\)/);
  });

  it("stops at Google's email quota, says who was not reminded, and reminds them on the next run", () => {
    env.mail.quota = 1;
    const { result, mail } = dailyRun(addDays(due, 7));
    expect(mail.map((m) => m.to)).toEqual(['billing@oakridge.example']);
    expect(result.ok).toBe(false);
    expect(result.next).toBe('Not reminded today: Summit Visiting Health. The next run (tomorrow) reminds them.');
    expect(logRows().at(-1)).toEqual([
      '2026-05-08',
      'Summit Visiting Health',
      '7 days overdue',
      invoiceOf('Summit Visiting Health').number,
      dollars(invoiceOf('Summit Visiting Health').totalCents),
      'office@summit.example',
      "Not sent today: Google's daily email quota is used up; the next run sends it",
    ]);

    env.mail.quota = 100;
    const next = dailyRun(addDays(due, 8));
    expect(next.result.ok).toBe(true);
    expect(next.mail.map((m) => m.to)).toEqual(['office@summit.example']);
    expect(next.mail[0]!.body).toMatch(/due 2026-05-01 \(8 days overdue\)/);
  });

  it('reminds no invoice once it is paid', () => {
    const oakridge = invoiceOf('Oakridge Home Health');
    org.service.setClock(at(addDays(due, 10)));
    const paid = org.api('post', `/v1/orgs/${ORG}/receipts`, {
      agencyId: oakridge.agencyId,
      amountCents: oakridge.totalCents - 10_000,
      receivedOn: addDays(due, 10),
      method: 'ach',
      reference: 'ACH 7731',
      invoiceIds: [oakridge.id],
    });
    expect(paid.status).toBe(201);
    const { mail } = dailyRun(addDays(due, 30));
    expect(mail.map((m) => m.to)).toEqual(['office@summit.example']);
    expect(mail[0]!.body).toMatch(/30 days overdue/);
    expect(env.run('syncNow').ok).toBe(true);
    expect(
      tab('Receivables')
        .table()
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['Lakeside Home Care LLC', 'Summit Visiting Health']);
  });

  it('goes on past an address Google refuses, reminds the others once, and sends the refused one once the address is fixed', () => {
    expect(env.run('saveReminderSchedule', '3 before, due, 7 after, 30 after, 45 after')).toMatchObject({ ok: true });
    tab('Agencies').put(rowOf('Agencies', 'Lakeside Home Care LLC'), columnOf('Agencies', 'No Reminders'), false);
    tab('Agencies').put(rowOf('Agencies', 'Summit Visiting Health'), columnOf('Agencies', 'Contact Email'), 'office at summit.example');
    const first = dailyRun(addDays(due, 45));
    expect(first.mail.map((m) => m.to)).toEqual(['ap@lakeside.example']);
    expect(first.result.ok).toBe(false);
    const summit = invoiceOf('Summit Visiting Health');
    expect(first.result.lines).toContain(
      `Summit Visiting Health (${summit.number}, ${formatMoney(summit.totalCents)}): Not sent: Google refused the email (Invalid email: office at summit.example); fix Contact Email on the Agencies tab: the next run sends it.`,
    );
    expect(logRows().at(-1)!.slice(1, 3)).toEqual(['Summit Visiting Health', '45 days overdue']);

    tab('Agencies').put(rowOf('Agencies', 'Summit Visiting Health'), columnOf('Agencies', 'Contact Email'), 'office@summit.example');
    const next = dailyRun(addDays(due, 46));
    expect(next.result.ok).toBe(true);
    expect(next.mail.map((m) => m.to)).toEqual(['office@summit.example']);
    expect(dailyRun(addDays(due, 47)).mail).toEqual([]);
  });

  it('sends no reminder twice when Apps Script ends a run midway, after its first email', () => {
    expect(env.run('saveReminderSchedule', '3 before, due, 7 after, 30 after, 45 after, 60 after')).toMatchObject({ ok: true });
    // Apps Script's 6-minute limit, as a throw the script cannot catch: the run ends at the next quota check.
    const quota = env.mail.getRemainingDailyQuota.bind(env.mail);
    let checks = 0;
    env.mail.getRemainingDailyQuota = () => {
      checks++;
      if (checks === 3) throw new Error('Exceeded maximum execution time');
      return quota();
    };
    clock.now = at(addDays(due, 60));
    const before = env.mail.sent.length;
    try {
      expect(() => env.run('dailyMail')).toThrow('Exceeded maximum execution time');
    } finally {
      env.mail.getRemainingDailyQuota = quota;
    }
    expect(newMail(before).map((m) => m.to)).toEqual(['ap@lakeside.example']);
    const next = dailyRun(addDays(due, 60));
    expect(next.mail.map((m) => m.to)).toEqual(['office@summit.example']);
  });

  it('names no patient, no visit and no TIN in any email', () => {
    const visits = tab('Visits').table();
    const patients = visits
      .slice(1)
      .map((r) => String(r[visits[0]!.indexOf('Patient')]))
      .filter((p) => p.trim() !== '');
    expect(patients.length).toBeGreaterThan(3);
    expect(env.mail.sent.length).toBeGreaterThan(6);
    for (const m of env.mail.sent) {
      const text = `${m.subject}\n${m.body}`;
      for (const p of patients) {
        expect(text).not.toContain(p);
        for (const part of p.split(/[, ]+/).filter((w) => w.length > 3)) expect(text).not.toContain(part);
      }
      expect(text).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b|\b\d{2}-\d{7}\b|\b\d{9}\b/);
      expect(text).not.toMatch(/Evaluation|Routine visit|MRN/i);
    }
  });
});

describe('portal links', () => {
  it('go on past a Contact Email Google refuses, naming it and what to fix', () => {
    tab('Agencies').put(rowOf('Agencies', 'Oakridge Home Health'), columnOf('Agencies', 'Contact Email'), 'billing@oakridge example');
    const before = env.mail.sent.length;
    const r = env.run('sendPortalLinks');
    expect(r.ok).toBe(false);
    expect(r.lines).toContain(
      'Oakridge Home Health: not sent. Google refused the email to billing@oakridge example (Invalid email: billing@oakridge example): fix Contact Email, then send again.',
    );
    expect(
      newMail(before)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['ap@lakeside.example', 'office@summit.example']);
  });
});
