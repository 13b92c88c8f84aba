/**
 * Email to therapists from the owner's account: each therapist's own link (W-9, pay
 * statements and payments, 1099-NEC), and the notice that a Copy B is ready. Neither names a
 * patient, an amount or a TIN. A link's URL exists only in the service's answer that made it,
 * so it goes straight into the email and is kept nowhere.
 */
import { nameKey } from '../../../shared/names.ts';
import { readConfig, writeConfig, type Connection } from '../config.ts';
import { callService, explain, type ServiceAnswer } from '../service-client/client.ts';
import { readTherapists, type TherapistRow } from '../sheets/directory.ts';
import { readSheet } from '../sheets/io.ts';
import { TAB } from '../sheets/layout.ts';
import { sendEmailOrRefusal } from './mail.ts';
import { connected, failed, isResult, refused, withDocumentLock, type ActionResult } from './result.ts';

type MadeLink = ServiceAnswer<'createTherapistLink' | 'rotateTherapistLink'>;

/** The email with a therapist's link: what the page is for and how signing in works. */
export function therapistLinkEmail(
  orgName: string,
  therapist: { name: string; email: string },
  link: { url: string; expires: string },
): { subject: string; body: string } {
  return {
    subject: `${orgName}: your VisitLedger page`,
    body: [
      `Hello ${therapist.name},`,
      '',
      `${orgName} pays you through VisitLedger. Your own page is here:`,
      link.url,
      '',
      'On it you can sign your W-9 online, see your pay statements and payments, and get your Form 1099-NEC.',
      '',
      `To open it, sign in with the Google account for ${therapist.email}, the email ${orgName} has on file for you (the one you use for the visit form). The link alone opens nothing, so it is of no use to anyone you forward it to.`,
      `The link works until ${link.expires}. After that, or if you lose it, ask ${orgName} for a new one.`,
    ].join('\n'),
  };
}

/**
 * Sends links: with no name, to every active therapist with an Email who has no active link
 * (a first link each); with a name, to that therapist (their links rotated: the old ones stop working).
 */
export function sendTherapistLinks(therapistName?: string | null): ActionResult {
  const title = 'Therapist links';
  return withDocumentLock(title, () => {
    const c = connected(title);
    if (isResult(c)) return c;
    const therapists = readTherapists(c.sheets.has(TAB.therapists) ? readSheet(c.sheets.get(TAB.therapists)!) : []).filter((t) => t.active);
    const named = String(therapistName ?? '').trim();
    const [org, current] = callService(c.conn, [{ route: 'getOrg' }, { route: 'listTherapistLinks' }]);
    if (!org.ok) return refused(title, org, c.conn);
    if (!current.ok) return refused(title, current, c.conn);

    let targets: TherapistRow[];
    const lines: string[] = [];
    if (named !== '') {
      const t = therapists.find((x) => [x.name, ...x.aliases].some((n) => nameKey(n) === nameKey(named)));
      if (!t)
        return failed(
          title,
          `No active therapist named "${named}" on the Therapists tab. Therapists: ${therapists.map((x) => x.name).join(', ') || 'none'}.`,
        );
      if (t.email === '') return failed(title, `${t.name} has no Email on the Therapists tab.`, 'Fill it in, run Sync, then send again.');
      if (t.serviceId === '') return failed(title, `${t.name} is not in VisitLedger yet.`, 'Run Sync, then send again.');
      targets = [t];
    } else {
      const linked = new Set(current.body.links.filter((l) => l.status === 'active').map((l) => l.therapistId));
      const unready = therapists.filter((t) => t.email === '' || t.serviceId === '');
      if (unready.length > 0) lines.push(`Not sent (no Email, or not synced yet): ${unready.map((t) => t.name).join(', ')}.`);
      targets = therapists.filter((t) => !unready.includes(t) && !linked.has(t.serviceId));
      if (targets.length === 0)
        return { ok: true, title, lines: ['Every therapist with an Email already has an active link: nothing sent.', ...lines] };
    }
    const quota = MailApp.getRemainingDailyQuota();
    if (quota < targets.length)
      return failed(
        title,
        `Google lets this account send ${quota} more emails today; ${targets.length} are needed.`,
        'Send again tomorrow.',
      );
    const made = callService(
      c.conn,
      targets.map((t) =>
        named !== ''
          ? { route: 'rotateTherapistLink' as const, params: { therapistId: t.serviceId }, body: {} }
          : { route: 'createTherapistLink' as const, params: { therapistId: t.serviceId }, body: {} },
      ),
    ) as MadeLink[];
    const orgName = org.body.settings.name;
    const outcomes = targets.map((t, i) => {
      const link = made[i]!;
      if (!link.ok) return `${t.name}: not sent. ${explain(link, c.conn)}`;
      if (!link.body.emailOnFile)
        return `${t.name}: not sent. VisitLedger has no email for them yet: run Sync, then send ${t.name} a link by name.`;
      const email = therapistLinkEmail(orgName, t, { url: link.body.url, expires: link.body.link.expiresAt.slice(0, 10) });
      const refusal = sendEmailOrRefusal({ to: t.email, subject: email.subject, body: email.body, name: orgName });
      if (refusal !== null)
        return `${t.name}: not sent. Google refused the email to ${t.email} (${refusal}): fix Email on the Therapists tab, run Sync, then send ${t.name} a link by name.`;
      return `${t.name}: link sent to ${t.email}.`;
    });
    return { ok: !outcomes.some((l) => l.includes(': not sent.')), title, lines: [...outcomes, ...lines] };
  });
}

/** The sidebar's "Send to this therapist": a name is needed (an empty one would mean everyone). */
export function sendTherapistLinkTo(therapistName: string): ActionResult {
  if (String(therapistName ?? '').trim() === '')
    return failed('Therapist links', 'Type the name of the therapist to send a new link to, as on the Therapists tab.');
  return sendTherapistLinks(therapistName);
}

/** The notice that a therapist's Copy B is ready: no amount, no TIN. */
export function copyBNoticeEmail(
  orgName: string,
  notice: { therapistName: string; email: string; year: number },
): { subject: string; body: string } {
  return {
    subject: `${orgName}: your ${notice.year} Form 1099-NEC is ready`,
    body: [
      `Hello ${notice.therapistName},`,
      '',
      `Your ${notice.year} Form 1099-NEC (Copy B) from ${orgName} is ready on your VisitLedger page, as you agreed to receive it electronically.`,
      `Open the page with the link ${orgName} emailed you and sign in with the Google account for ${notice.email}. If you cannot find the link, ask ${orgName} for a new one.`,
      `The form stays on your page until October 15, ${notice.year + 1}. You can ask ${orgName} for a paper copy at any time.`,
    ].join('\n'),
  };
}

/** The service marks at most this many notices a request. */
const MARK_BATCH = 500;
/**
 * The service is told after this many emails: the ids noted in the document property stay
 * well under its 9 KB a value (a UUID takes 39 bytes there, so some 230 would not fit).
 */
const NOTED_AT_MOST = 100;

/**
 * Emails each Copy B notice not sent yet and marks it sent. A notice emailed is noted in a
 * document property before the service is told, so one whose marking failed is marked on
 * the next run, never emailed twice.
 */
export function sendCopyBNotices(conn: Connection): ActionResult {
  const title = 'Copy B notices';
  const config = readConfig();
  const emailed = new Set<string>(config.noticesEmailed ? (JSON.parse(config.noticesEmailed) as string[]) : []);
  const [org, pending] = callService(conn, [{ route: 'getOrg' }, { route: 'listTherapistNotifications', query: { unsent: 'true' } }]);
  if (!org.ok) return refused(title, org, conn);
  if (!pending.ok) return refused(title, pending, conn);
  const lines: string[] = [];
  /** Tells the service which notices were emailed, and forgets them here once it knows. */
  const markEmailed = (): ActionResult | null => {
    if (emailed.size === 0) return null;
    const ids = [...emailed];
    const batches = Array.from({ length: Math.ceil(ids.length / MARK_BATCH) }, (_, i) => ids.slice(i * MARK_BATCH, (i + 1) * MARK_BATCH));
    const marked = callService(
      conn,
      batches.map((batch) => ({ route: 'markTherapistNotificationsSent' as const, body: { ids: batch } })),
    ).find((a) => !a.ok);
    if (marked && !marked.ok) {
      lines.push(`Emailed, but VisitLedger was not told yet (${explain(marked, conn)}): the next run tells it, and emails no one twice.`);
      return { ok: false, title, lines };
    }
    emailed.clear();
    writeConfig({ noticesEmailed: '[]' });
    return null;
  };
  let quotaReached = false;
  let refusedAny = false;
  for (const n of pending.body.notifications) {
    if (emailed.has(n.id)) continue;
    if (n.email === null) {
      lines.push(`${n.therapistName}: no email on file, so no notice that the ${n.year} Copy B is ready. Tell them yourself.`);
      continue;
    }
    if (MailApp.getRemainingDailyQuota() < 1) {
      quotaReached = true;
      break;
    }
    const email = copyBNoticeEmail(org.body.settings.name, { therapistName: n.therapistName, email: n.email, year: n.year });
    const refusal = sendEmailOrRefusal({ to: n.email, subject: email.subject, body: email.body, name: org.body.settings.name });
    if (refusal !== null) {
      refusedAny = true;
      lines.push(
        `${n.therapistName}: not told their ${n.year} Copy B is ready. Google refused the email to ${n.email} (${refusal}): fix Email on the Therapists tab and run Sync; the next run sends it.`,
      );
      continue;
    }
    emailed.add(n.id);
    writeConfig({ noticesEmailed: JSON.stringify([...emailed]) });
    lines.push(`${n.therapistName}: told their ${n.year} Copy B is ready (${n.email}).`);
    if (emailed.size >= NOTED_AT_MOST) {
      const stopped = markEmailed();
      if (stopped) return stopped;
    }
  }
  const stopped = markEmailed();
  if (stopped) return stopped;
  if (quotaReached) lines.push("Google's daily email quota is used up: the other notices go out on the next run.");
  if (lines.length === 0) lines.push('No Copy B notice is waiting to be sent.');
  return { ok: !quotaReached && !refusedAny, title, lines };
}

/** The sidebar's button. */
export function sendCopyBNoticesNow(): ActionResult {
  return withDocumentLock('Copy B notices', () => {
    const c = connected('Copy B notices');
    return isResult(c) ? c : sendCopyBNotices(c.conn);
  });
}
