/**
 * Payment reminders: on the owner's schedule (days from each invoice's due date), one email
 * per agency listing the invoices at a step, the amounts open and the agency's portal link.
 * Sent from the sidebar or by the daily trigger (made once per user and sheet), within
 * Google's daily email quota: when it runs out the run stops, the log names the agencies not
 * reminded, and the next run reminds them (nothing is marked sent that was not sent).
 */
import { formatMoney } from '../../../shared/money.ts';
import { writeConfig, type Config, type Connection } from '../config.ts';
import { callService, explain } from '../service-client/client.ts';
import { NO_REMINDERS, columnNamed, readAgencies } from '../sheets/directory.ts';
import { activeBook, fitSheet, readSheet, type Cell } from '../sheets/io.ts';
import { TAB } from '../sheets/layout.ts';
import { appendReminderLog, appendSentReminders, readSentReminders, remindersTab } from '../sheets/reminder-log.ts';
import { dueTotal, planReminders, reminderEmail, stepsOf, type PlannedReminder } from '../reminders/plan.ts';
import { parseSchedule, scheduleText, storedSchedule } from '../reminders/schedule.ts';
import { renewPortalLinks } from './portal-link-renewal.ts';
import { dollars, sheetToday } from './receivables.ts';
import { connected, failed, isResult, refused, withDocumentLock, type ActionResult } from './result.ts';
import { sendEmailOrRefusal } from './mail.ts';
import { sendCopyBNotices } from './therapist-mail.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** The daily trigger's handler: a global of the built script (addon/src/index.ts). */
export const DAILY_HANDLER = 'dailyMail';
/** Around this hour, in the sheet's time zone. */
const DAILY_HOUR = 8;

export const OUTCOME = {
  sent: 'Sent',
  optedOut: 'Not sent: No Reminders is ticked',
  noContact: 'Not sent: no Contact Email on the Agencies tab',
  notOnTab: 'Not sent: not on the Agencies tab',
  quota: "Not sent today: Google's daily email quota is used up; the next run sends it",
  refused: 'Not sent: Google refused the email',
  linkMissing: 'portal link missing',
} as const;

/** Reminds every agency with an invoice at a step today. `lines`: what the sidebar (or the trigger's log) says. */
export function runReminders(c: { conn: Connection; sheets: Map<string, Sheet>; config: Config }, book: Book): ActionResult {
  const title = 'Payment reminders';
  const today = sheetToday(book);
  const schedule = storedSchedule(c.config.reminderSchedule);
  const [org, report, links] = callService(c.conn, [
    { route: 'getOrg' },
    { route: 'receivables', query: { asOf: today } },
    { route: 'listPortalLinks' },
  ]);
  if (!org.ok) return refused(title, org, c.conn);
  if (!report.ok) return refused(title, report, c.conn);
  if (!links.ok) return refused(title, links, c.conn);
  const contacts = readAgencies(c.sheets.has(TAB.agencies) ? readSheet(c.sheets.get(TAB.agencies)!) : []);
  const plan = planReminders({ agencies: report.body.agencies, contacts, schedule, sent: readSentReminders(c.sheets), today });
  if (plan.length === 0) return { ok: true, title, lines: [`No reminder is due on ${today} (schedule: ${scheduleText(schedule)}).`] };

  const outcomes: { r: PlannedReminder; to: string; outcome: string; final: boolean }[] = [];
  const sentRows = (r: PlannedReminder, outcome: string) => r.invoices.map((i): Cell[] => [i.number, i.step, today, outcome]);
  // Skipped for good at this step (the next step tries again): so the log says it once, not every day.
  const skip = (r: PlannedReminder, outcome: string) => outcomes.push({ r, to: '', outcome, final: true });
  const mailable = plan.filter((r) => {
    if (!r.contact) skip(r, OUTCOME.notOnTab);
    else if (r.contact.noReminders) skip(r, OUTCOME.optedOut);
    else if (r.contact.contactEmail === '') skip(r, OUTCOME.noContact);
    else return true;
    return false;
  });
  // Links are renewed only for the agencies the quota lets us email: a rotated link revokes the one the agency has.
  const withinQuota = mailable.slice(0, Math.max(0, MailApp.getRemainingDailyQuota()));
  const renewed = renewPortalLinks(
    c.conn,
    links.body.links,
    withinQuota.map((r) => r.contact!.serviceId).filter((id) => id !== ''),
    false,
  );
  const orgName = org.body.settings.name;
  for (const r of mailable) {
    const to = r.contact!.contactEmail;
    if (!withinQuota.includes(r) || MailApp.getRemainingDailyQuota() < 1) {
      outcomes.push({ r, to, outcome: OUTCOME.quota, final: false });
      continue;
    }
    const link = renewed.get(r.contact!.serviceId);
    const email = reminderEmail(
      r,
      { name: orgName },
      link?.ok ? { url: link.body.url, expires: link.body.link.expiresAt.slice(0, 10) } : null,
    );
    const refusal = sendEmailOrRefusal({ to, subject: email.subject, body: email.body, name: orgName });
    if (refusal !== null) {
      outcomes.push({
        r,
        to,
        outcome: `${OUTCOME.refused} (${refusal}); fix Contact Email on the Agencies tab: the next run sends it`,
        final: false,
      });
      continue;
    }
    const missing = link?.ok
      ? ''
      : link
        ? `; ${OUTCOME.linkMissing} (${explain(link, c.conn)}): the email says to ask you for one`
        : `; ${OUTCOME.linkMissing} (no active link): the email says to ask you for one. Send portal links gives the agency one`;
    const outcome = `${OUTCOME.sent}${missing}`;
    // Noted as soon as it is sent: a run Apps Script ends midway (its 6-minute limit) sends it no second time.
    appendSentReminders(book, c.sheets, sentRows(r, outcome));
    outcomes.push({ r, to, outcome, final: true });
  }
  const wasSent = (o: { outcome: string }) => o.outcome.startsWith(OUTCOME.sent);
  appendSentReminders(
    book,
    c.sheets,
    outcomes.filter((o) => o.final && !wasSent(o)).flatMap((o) => sentRows(o.r, o.outcome)),
  );
  const numbers = (r: PlannedReminder) => r.invoices.map((i) => i.number).join(', ');
  appendReminderLog(
    book,
    c.sheets,
    outcomes.map((o): Cell[] => [today, o.r.agency, stepsOf(o.r), numbers(o.r), dollars(dueTotal(o.r)), o.to, o.outcome]),
  );

  const notReminded = outcomes.filter((o) => o.outcome === OUTCOME.quota).map((o) => o.r.agency);
  const refusedAny = outcomes.some((o) => o.outcome.startsWith(OUTCOME.refused));
  const sentCount = outcomes.filter(wasSent).length;
  return {
    ok: notReminded.length === 0 && !refusedAny,
    title,
    lines: [
      `${sentCount} reminder${sentCount === 1 ? '' : 's'} sent on ${today}.`,
      ...outcomes.filter((o) => !wasSent(o)).map((o) => `${o.r.agency} (${numbers(o.r)}, ${formatMoney(dueTotal(o.r))}): ${o.outcome}.`),
      ...(outcomes.some((o) => o.outcome.includes(OUTCOME.linkMissing))
        ? ['Some reminders went without a portal link: see the Reminders tab.']
        : []),
    ],
    ...(notReminded.length > 0 ? { next: `Not reminded today: ${notReminded.join(', ')}. The next run (tomorrow) reminds them.` } : {}),
  };
}

/** The sidebar's "Send reminders now". */
export function sendReminders(): ActionResult {
  return withDocumentLock('Payment reminders', () => {
    const c = connected('Payment reminders');
    return isResult(c) ? c : runReminders(c, activeBook());
  });
}

/** The owner's schedule, as typed ("3 before, due, 7 after, 30 after"); refused by the step it cannot read. */
export function saveReminderSchedule(text: string): ActionResult {
  const title = 'Reminder schedule';
  const parsed = parseSchedule(String(text ?? ''));
  if (!parsed.ok) return failed(title, parsed.message, 'The schedule was not changed.');
  writeConfig({ reminderSchedule: JSON.stringify(parsed.steps) });
  return { ok: true, title, lines: [`Reminders go out ${scheduleText(parsed.steps)} (days from each invoice's due date).`] };
}

const isDailyTrigger = (t: GoogleAppsScript.Script.Trigger) => t.getHandlerFunction() === DAILY_HANDLER;

/**
 * The daily trigger, made once: a second call finds it and makes none. Also the Reminders
 * tab and the agencies' No Reminders column, where a sheet set up before them lacks them.
 */
export function turnOnReminders(): ActionResult {
  const title = 'Daily reminders';
  const c = connected(title);
  if (isResult(c)) return c;
  const book = activeBook();
  remindersTab(book, c.sheets);
  const agencies = c.sheets.get(TAB.agencies);
  const lines: string[] = [];
  if (agencies) addNoRemindersColumn(agencies);
  const schedule = scheduleText(storedSchedule(c.config.reminderSchedule));
  if (ScriptApp.getProjectTriggers().some(isDailyTrigger)) {
    lines.push(`Daily reminders were already on (schedule: ${schedule}).`);
  } else {
    ScriptApp.newTrigger(DAILY_HANDLER).timeBased().everyDays(1).atHour(DAILY_HOUR).inTimezone(book.getSpreadsheetTimeZone()).create();
    lines.push(`Daily reminders are on: every morning around ${DAILY_HOUR}:00, reminders go out ${schedule}.`);
  }
  lines.push('Each run also emails therapists whose 1099-NEC Copy B is ready. The Reminders tab logs every run.');
  return { ok: true, title, lines, next: `Tick ${NO_REMINDERS} on the Agencies tab for an agency that should get none.` };
}

export function turnOffReminders(): ActionResult {
  const triggers = ScriptApp.getProjectTriggers().filter(isDailyTrigger);
  for (const t of triggers) ScriptApp.deleteTrigger(t);
  return {
    ok: true,
    title: 'Daily reminders',
    lines: [triggers.length > 0 ? 'Daily reminders are off.' : 'Daily reminders were not on.'],
  };
}

/** The column's header and checkboxes, added after the last column of a tab that lacks it. */
function addNoRemindersColumn(sheet: Sheet): void {
  const header = readSheet(sheet).slice(0, 1);
  if (columnNamed(header, NO_REMINDERS) >= 0) return;
  const column = (header[0] ?? []).length + 1;
  fitSheet(sheet, 1, column);
  sheet.getRange(1, column).setValue(NO_REMINDERS).setFontWeight('bold');
  sheet.getRange(2, column, sheet.getMaxRows() - 1, 1).setDataValidation(SpreadsheetApp.newDataValidation().requireCheckbox().build());
}

/** The daily trigger: the therapists' Copy B notices, then the agencies' reminders. What it did is on the Reminders tab. */
export function dailyMail(): ActionResult {
  return withDocumentLock('Daily email', () => {
    const c = connected('Daily email');
    if (isResult(c)) return c;
    const notices = sendCopyBNotices(c.conn);
    const reminders = runReminders(c, activeBook());
    const next = [notices.next, reminders.next].filter((n) => n !== undefined).join(' ');
    return {
      ok: notices.ok && reminders.ok,
      title: 'Daily email',
      lines: [...notices.lines, ...reminders.lines],
      ...(next ? { next } : {}),
    };
  });
}
