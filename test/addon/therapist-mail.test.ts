/**
 * The therapists' own links and Copy B notices from the sidebar (issue 20): each therapist
 * gets their link by email (to everyone without one, or to one therapist, whose old link
 * stops working), the form's thanks points to the page without a link in it, and each
 * "Copy B is ready" notice is emailed once and marked sent, even when the service could not
 * be told at first. The built add-on in node:vm against the real service.
 */
import { describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

const ORG = 'links';
let org: SampleOrg;
let env: AddonEnv;
useSampleOrg(ORG, 'owner@links.example', (ready) => {
  org = ready;
  env = ready.env;
});

const EMAILS: Record<string, string> = {
  'Tom Becker': 'tom.becker@gmail.example',
  'Lena Fischer': 'lena.fischer@gmail.example',
  'Omar Haddad': 'omar.haddad@gmail.example',
};
const therapists = () => env.book.tab('Therapists')!.table();
const idOf = (name: string) => String(therapists().find((r) => r[1] === name)![0]);
type Link = { id: string; therapistId: string; status: string };
const links = () => org.api('get', `/v1/orgs/${ORG}/therapist-links`).body.links as Link[];
const activeOf = (name: string) => links().filter((l) => l.therapistId === idOf(name) && l.status === 'active');
const sentSince = (before: number) => env.mail.sent.slice(before);
const unsent = () =>
  org.api('get', `/v1/orgs/${ORG}/therapist-notifications?unsent=true`).body.notifications as { id: string; therapistName: string }[];

describe("therapists' links by email", () => {
  it('sends each therapist with an email their own link, and says how signing in works', () => {
    const rows = therapists();
    for (const [name, email] of Object.entries(EMAILS)) env.book.tab('Therapists')!.put(rows.findIndex((r) => r[1] === name) + 1, 4, email);
    expect(env.run('syncNow').ok).toBe(true);
    const before = env.mail.sent.length;
    const r = env.run('sendTherapistLinks');
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual(Object.entries(EMAILS).map(([name, email]) => `${name}: link sent to ${email}.`));
    const mail = sentSince(before);
    expect(mail.map((m) => m.to)).toEqual(Object.values(EMAILS));
    for (const [name, email] of Object.entries(EMAILS)) {
      const m = mail.find((x) => x.to === email)!;
      expect(m.subject).toBe('Sunrise Therapy Staffing: your VisitLedger page');
      expect(m.name).toBe('Sunrise Therapy Staffing');
      expect(m.body).toContain(`Hello ${name},`);
      expect(m.body).toMatch(/^http:\/\/portal\.test\/therapist\/\S+$/m);
      expect(m.body).toContain(`sign in with the Google account for ${email}`);
      expect(m.body).toContain('W-9');
      expect(activeOf(name)).toHaveLength(1);
    }
  });

  it('sends nobody a second link when everyone has one', () => {
    const before = env.mail.sent.length;
    const r = env.run('sendTherapistLinks');
    expect(r).toMatchObject({ ok: true, lines: ['Every therapist with an Email already has an active link: nothing sent.'] });
    expect(sentSince(before)).toEqual([]);
  });

  it('sends one therapist a new link by name; their old one stops working', () => {
    const old = activeOf('Tom Becker')[0]!;
    const before = env.mail.sent.length;
    expect(env.run('sendTherapistLinkTo', ' ')).toMatchObject({
      ok: false,
      lines: ['Type the name of the therapist to send a new link to, as on the Therapists tab.'],
    });
    const r = env.run('sendTherapistLinkTo', '  tom BECKER ');
    expect(r).toMatchObject({ ok: true, lines: ['Tom Becker: link sent to tom.becker@gmail.example.'] });
    expect(sentSince(before).map((m) => m.to)).toEqual(['tom.becker@gmail.example']);
    expect(links().find((l) => l.id === old.id)!.status).toBe('revoked');
    expect(activeOf('Tom Becker')).toHaveLength(1);
    expect(activeOf('Tom Becker')[0]!.id).not.toBe(old.id);
  });

  it('refuses a name it does not know, naming the therapists it has', () => {
    const r = env.run('sendTherapistLinkTo', 'Tom Beker');
    expect(r).toMatchObject({
      ok: false,
      lines: ['No active therapist named "Tom Beker" on the Therapists tab. Therapists: Tom Becker, Lena Fischer, Omar Haddad.'],
    });
  });

  it('makes no link it cannot email: with the quota used up, nothing is rotated', () => {
    const lena = activeOf('Lena Fischer')[0]!;
    env.mail.quota = 0;
    const r = env.run('sendTherapistLinkTo', 'Lena Fischer');
    env.mail.quota = 100;
    expect(r).toMatchObject({ ok: false, lines: ['Google lets this account send 0 more emails today; 1 are needed.'] });
    expect(activeOf('Lena Fischer').map((l) => l.id)).toEqual([lena.id]);
  });

  it("points the form's thanks to the therapist's page, with no link in the form", () => {
    const form = env.formApp.forms[0]!;
    expect(form.confirmationMessage).toContain('opens from the link emailed to you');
    expect(form.confirmationMessage).not.toMatch(/https?:|portal\.test/);
    // A form made before it had one gets it at the next Sync; a message the owner wrote stays.
    for (const unset of ['', 'Your response has been recorded.']) {
      form.confirmationMessage = unset;
      expect(env.run('syncNow').ok).toBe(true);
      expect(form.confirmationMessage).toContain('opens from the link emailed to you');
    }
    form.confirmationMessage = 'Thank you. Questions about your pay: call the office at 555-0142.';
    expect(env.run('syncNow').ok).toBe(true);
    expect(form.confirmationMessage).toBe('Thank you. Questions about your pay: call the office at 555-0142.');
  });
});

describe('Copy B notices', () => {
  it('emails each notice once (no amount, no TIN) and marks it sent', () => {
    org.service.recordCopyBNotice(ORG, idOf('Tom Becker'), 2026);
    org.service.recordCopyBNotice(ORG, idOf('Lena Fischer'), 2026);
    const before = env.mail.sent.length;
    const r = env.run('sendCopyBNotices');
    expect(r.ok).toBe(true);
    const mail = sentSince(before);
    // Two notices made in the same millisecond come in either order.
    expect(mail.map((m) => m.to).sort()).toEqual(['lena.fischer@gmail.example', 'tom.becker@gmail.example']);
    expect(mail[0]!.subject).toBe('Sunrise Therapy Staffing: your 2026 Form 1099-NEC is ready');
    expect(mail[0]!.body).toContain('until October 15, 2027');
    for (const m of mail) {
      expect(m.body).not.toMatch(/\$|\d+\.\d\d|\b\d{3}-\d{2}-\d{4}\b|\b\d{2}-\d{7}\b|\b\d{9}\b/);
      expect(m.body).not.toMatch(/https?:/);
    }
    expect(unsent()).toEqual([]);

    const again = env.mail.sent.length;
    expect(env.run('sendCopyBNotices').lines).toEqual(['No Copy B notice is waiting to be sent.']);
    expect(sentSince(again)).toEqual([]);
  });

  it('never emails a notice twice when the service could not be told it was sent', () => {
    org.service.recordCopyBNotice(ORG, idOf('Omar Haddad'), 2026);
    const real = env.urlFetch.transport;
    env.urlFetch.transport = (request) =>
      request.url.endsWith('/therapist-notifications/sent')
        ? { status: 503, body: '{"error":{"code":"unavailable","message":"down"}}' }
        : real(request);
    const before = env.mail.sent.length;
    const failed = env.run('sendCopyBNotices');
    env.urlFetch.transport = real;
    expect(failed.ok).toBe(false);
    expect(failed.lines.at(-1)).toMatch(/^Emailed, but VisitLedger was not told yet/);
    expect(sentSince(before).map((m) => m.to)).toEqual(['omar.haddad@gmail.example']);
    expect(unsent().map((n) => n.therapistName)).toEqual(['Omar Haddad']);

    const retry = env.run('sendCopyBNotices');
    expect(retry.ok).toBe(true);
    expect(sentSince(before)).toHaveLength(1);
    expect(unsent()).toEqual([]);
  });

  it('leaves a notice for the next run when the email quota is used up', () => {
    org.service.recordCopyBNotice(ORG, idOf('Lena Fischer'), 2027);
    env.mail.quota = 0;
    const stopped = env.run('sendCopyBNotices');
    env.mail.quota = 100;
    expect(stopped.ok).toBe(false);
    expect(stopped.lines).toContain("Google's daily email quota is used up: the other notices go out on the next run.");
    expect(unsent()).toHaveLength(1);
    const before = env.mail.sent.length;
    expect(env.run('dailyMail').lines[0]).toBe('Lena Fischer: told their 2027 Copy B is ready (lena.fischer@gmail.example).');
    expect(sentSince(before).map((m) => m.to)).toEqual(['lena.fischer@gmail.example']);
    expect(unsent()).toEqual([]);
  });
});

describe('a long backlog of Copy B notices', () => {
  it('emails each once, telling the service every 100 so the ids noted meanwhile fit a document property', () => {
    const years = Array.from({ length: 260 }, (_, i) => 2100 + i);
    for (const year of years) org.service.recordCopyBNotice(ORG, idOf('Tom Becker'), year);
    env.mail.quota = 1500;
    const before = env.mail.sent.length;
    const r = env.run('sendCopyBNotices');
    env.mail.quota = 100;
    expect(r.ok).toBe(true);
    expect(
      sentSince(before)
        .map((m) => /your (\d{4}) Form/.exec(m.subject)![1])
        .sort(),
    ).toEqual(years.map(String));
    expect(unsent()).toEqual([]);
    expect(env.properties.document.getProperty('VL_NOTICES_EMAILED')).toBe('[]');
  });
});

describe('an address Google refuses', () => {
  it('sends the others their links, and says what to fix for the refused one', () => {
    const rows = therapists();
    const omarRow = rows.findIndex((r) => r[1] === 'Omar Haddad') + 1;
    // The service refuses such an Email at Sync; the tab still has it when the link is sent.
    env.book.tab('Therapists')!.put(omarRow, 4, 'omar.haddad at gmail.example');
    for (const name of ['Lena Fischer', 'Omar Haddad'])
      expect(org.api('post', `/v1/orgs/${ORG}/therapists/${idOf(name)}/links/revoke`).status).toBe(200);
    const before = env.mail.sent.length;
    const r = env.run('sendTherapistLinks');
    expect(r.ok).toBe(false);
    expect(r.lines).toEqual([
      'Lena Fischer: link sent to lena.fischer@gmail.example.',
      'Omar Haddad: not sent. Google refused the email to omar.haddad at gmail.example (Invalid email: omar.haddad at gmail.example): fix Email on the Therapists tab, run Sync, then send Omar Haddad a link by name.',
    ]);
    expect(sentSince(before).map((m) => m.to)).toEqual(['lena.fischer@gmail.example']);

    env.book.tab('Therapists')!.put(omarRow, 4, EMAILS['Omar Haddad']!);
    expect(env.run('sendTherapistLinkTo', 'Omar Haddad')).toMatchObject({
      ok: true,
      lines: ['Omar Haddad: link sent to omar.haddad@gmail.example.'],
    });
    expect(activeOf('Omar Haddad')).toHaveLength(1);
  });
});
