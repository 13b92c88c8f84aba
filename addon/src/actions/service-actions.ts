/**
 * The sidebar's service actions: connect, generate invoices, run payroll, pay contractors,
 * the 1099 report and portal links. Each asks the service, then shows what it made in a
 * read-only tab (one setValues per tab) and in the sidebar, in plain words.
 */
import { periodsEndingIn } from '../../../shared/cycles.ts';
import { isIsoDate, monthBounds } from '../../../shared/dates.ts';
import { centsToDecimalString, formatMoney } from '../../../shared/money.ts';
import { visitCount } from '../../../shared/vocabulary.ts';
import { DEFAULT_RATES_FROM, readConfig, writeConfig, type Config, type Connection } from '../config.ts';
import type { WireAnswer } from '../../../shared/wire/api.ts';
import { ORG_ID_PATTERN } from '../../../shared/wire/routes.ts';
import { callOne, callService, explain, type ServiceAnswer, type ServiceFailure } from '../service-client/client.ts';
import { rememberVocabulary } from '../vocabulary.ts';
import { readAgencies } from '../sheets/directory.ts';
import { activeBook, readSheet, replaceRows, type Cell } from '../sheets/io.ts';
import { TAB } from '../sheets/layout.ts';
import { connected, failed, isResult, refused, withDocumentLock, type ActionResult } from './result.ts';
import { renewPortalLinks } from './portal-link-renewal.ts';
import { sendEmailOrRefusal } from './mail.ts';
import { syncSheet } from './sync.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Failure = ServiceFailure;

const dollars = (cents: number) => Number(centsToDecimalString(cents));

/** Sync before an action that reads the visits: every row of the Visits tab checked and sent. Null when it went through. */
function syncFirst(title: string, c: { conn: Connection; sheets: Map<string, Sheet>; config: Config }): ActionResult | null {
  if (!c.sheets.has(TAB.visits)) return failed(title, 'This sheet has no Visits tab yet.', 'Open Set up / Import first.');
  const book = activeBook();
  const sync = syncSheet({
    book,
    sheets: c.sheets,
    conn: c.conn,
    timeZone: book.getSpreadsheetTimeZone(),
    ratesFrom: c.config.ratesFrom ?? DEFAULT_RATES_FROM,
    config: c.config,
  });
  return sync.ok ? null : { ...sync, title };
}

export type ConnectInput = { orgId: string };

/**
 * Connects the sheet to an org of the service the add-on was built for, at the word of the
 * org's owner: the service says who the caller is in the org (or creates it, the caller its
 * owner). A sheet already connected changes org only at the word of its org's owner too:
 * otherwise an editor could point the owner's Sync, and every form response, at an org of
 * the editor's own.
 */
export function connectService(input: ConnectInput): ActionResult {
  const title = 'Connect';
  const orgId = String(input.orgId ?? '')
    .trim()
    .toLowerCase();
  if (!ORG_ID_PATTERN.test(orgId)) return failed(title, 'The org id is 1 to 63 lowercase letters, digits or dashes.');
  const config = readConfig();
  const conn = { orgId };
  if (config.orgId && config.orgId !== orgId) {
    const current = { orgId: config.orgId };
    const mine = callOne(current, { route: 'getMyMembership' });
    if (!mine.ok)
      return failed(
        title,
        `This sheet is connected to the org "${config.orgId}": ${explain(mine, current)}`,
        `Only an owner of "${config.orgId}" can connect the sheet to another org.`,
      );
    if (mine.body.role !== 'owner')
      return failed(
        title,
        `This sheet is connected to the org "${config.orgId}", where you are ${mine.body.role}.`,
        `Only an owner of "${config.orgId}" can connect the sheet to another org.`,
      );
  }
  const book = activeBook();
  const [me, shown] = callService(conn, [{ route: 'getMyMembership' }, { route: 'getOrg' }]);
  let org: ServiceAnswer<'getOrg' | 'createOrg'> = shown;
  let createdOrg = false;
  // The service does not say whether an org it will not show exists (403 alike): try to create it.
  if (!me.ok && (me.status === 404 || me.status === 403)) {
    const created = callOne(conn, {
      route: 'createOrg',
      body: { id: orgId, settings: { name: book.getName(), timeZone: book.getSpreadsheetTimeZone() } },
    });
    // 409: the org exists and the caller is no member of it, which the first answer says.
    if (!created.ok) return refused(title, created.status === 409 ? me : created, conn);
    org = created;
    createdOrg = true;
  } else if (!me.ok) return refused(title, me, conn);
  else if (me.body.role !== 'owner')
    return failed(
      title,
      `You are ${me.body.role} in the org "${orgId}": only its owner can connect a sheet to it.`,
      "Ask the org's owner to connect this sheet.",
    );
  if (!org.ok) return refused(title, org, conn);
  writeConfig({ orgId, ...(config.ratesFrom ? {} : { ratesFrom: DEFAULT_RATES_FROM }) });
  rememberVocabulary(org.body.settings, config);
  const name = org.body.settings.name;
  return {
    ok: true,
    title,
    lines: [createdOrg ? `Created the org "${name}" (${orgId}); you are its owner.` : `Connected to "${name}" (${orgId}).`],
  };
}

export function generateInvoices(month: string): ActionResult {
  const title = 'Generate invoices';
  const bounds = monthBounds(String(month));
  if (!bounds.ok) return failed(title, `"${month}" is not a month: use YYYY-MM, such as 2026-03.`);
  return withDocumentLock(title, () => {
    const c = connected(title);
    if (isResult(c)) return c;
    // Every row is checked and sent before anything is billed.
    const unsynced = syncFirst(title, c);
    if (unsynced) return unsynced;
    const closed = callOne(c.conn, { route: 'closeMonth', body: { month } });
    if (!closed.ok) return refused(title, closed, c.conn);
    const list = callOne(c.conn, { route: 'listInvoices' });
    if (!list.ok) return refused(title, list, c.conn);
    const invoices = list.body.invoices.slice().sort((a, b) => a.number.localeCompare(b.number));
    replaceRows(
      c.sheets.get(TAB.invoices),
      invoices.map((i) => [
        i.number,
        i.agencyName,
        i.period.start,
        i.period.end,
        i.issueDate,
        i.dueDate,
        i.lines.length,
        dollars(i.totalCents),
        i.status,
      ]),
      9,
    );
    const { cycles } = closed.body;
    const issued = cycles.filter((x) => x.status === 'closed' && x.invoice);
    const held = cycles.reduce((n, x) => n + x.held.length, 0);
    return {
      ok: true,
      title,
      lines: [
        issued.length === 0
          ? `No new invoice for ${month}.`
          : `${issued.length} invoice${issued.length === 1 ? '' : 's'} issued for ${month}:`,
        ...issued.map((x) => `${x.invoice!.number}: ${x.invoice!.agencyName}, ${formatMoney(x.invoice!.totalCents)}`),
        ...(cycles.some((x) => x.status === 'already-closed')
          ? [`${cycles.filter((x) => x.status === 'already-closed').length} cycle(s) were already closed; their invoices are unchanged.`]
          : []),
        ...(held > 0
          ? [`${visitCount(held)} held back (no rate, or no MRN where the agency needs one); they go on the next invoice once fixed.`]
          : []),
      ],
      ...(held > 0 ? { next: 'See the Status column on the Visits tab, fix the rows, Sync, and generate again.' } : {}),
    };
  });
}

/**
 * An owner's history: the visits dated on or before `through` that were sent and are neither
 * billed nor paid in VisitLedger are marked billed and paid before it, so no close bills or
 * pays them again. `preview` only counts them. Both Sync first, so every row is counted.
 */
export function settleHistory(through: string, preview: boolean): ActionResult {
  const title = preview ? 'Check history' : 'Mark history settled';
  const day = String(through ?? '').trim();
  if (!isIsoDate(day)) return failed(title, `"${day}" is not a day: pick the last day you billed and paid outside VisitLedger.`);
  return withDocumentLock(title, () => {
    const c = connected(title);
    if (isResult(c)) return c;
    const unsynced = syncFirst(title, c);
    if (unsynced) return unsynced;
    const answer = callOne(c.conn, { route: 'settleVisitsOutside', body: { through: day, preview } });
    if (!answer.ok) return refused(title, answer, c.conn);
    const { visits, firstDate, lastDate } = answer.body;
    if (visits === 0) return { ok: true, title, lines: [`No visit dated on or before ${day} is open in VisitLedger: nothing to mark.`] };
    const which = `${visitCount(visits)} dated ${firstDate === lastDate ? firstDate : `${firstDate} to ${lastDate}`}`;
    if (preview) {
      return {
        ok: true,
        title,
        lines: [`${which} ${visits === 1 ? 'is' : 'are'} in VisitLedger, neither billed nor paid.`],
        next: `If you invoiced the agencies and paid the therapists for ${visits === 1 ? 'it' : 'all of them'} outside VisitLedger, press "Mark as settled": no invoice or pay run will include ${visits === 1 ? 'it' : 'them'}. This cannot be undone.`,
      };
    }
    return {
      ok: true,
      title,
      lines: [`${which} marked as billed and paid before VisitLedger: no invoice or pay run will include ${visits === 1 ? 'it' : 'them'}.`],
      next: 'What you paid the therapists this year outside VisitLedger counts toward their 1099-NEC only once recorded in VisitLedger (`visitledger payment`, or the payments API).',
    };
  });
}

type PayRun = WireAnswer<'listPayRuns'>['payRuns'][number];
type Payment = WireAnswer<'listPayments'>['payments'][number];

function refreshPayroll(conn: Connection, sheets: Map<string, Sheet>): { payRuns: PayRun[] } | Failure {
  const [runs, payments] = callService(conn, [{ route: 'listPayRuns' }, { route: 'listPayments' }]);
  if (!runs.ok) return runs;
  if (!payments.ok) return payments;
  // A statement can have several payments (refused attempts, then the paid one): show the paid one. The
  // service lists them by date and id, and attempt ids sort as text (":10" before ":9"), so list order is not attempt order.
  const rank = (p: Payment) => (p.status === 'paid' ? 2 : p.status === 'pending' ? 1 : 0);
  const paid = new Map<string, Payment>();
  for (const p of payments.body.payments.filter((x) => x.payRunId)) {
    const key = `${p.payRunId}|${p.therapistId}`;
    const shown = paid.get(key);
    if (!shown || rank(p) >= rank(shown)) paid.set(key, p);
  }
  const payRuns = runs.body.payRuns.slice().sort((a, b) => a.period.start.localeCompare(b.period.start));
  replaceRows(
    sheets.get(TAB.payroll),
    payRuns.flatMap((r) =>
      r.statements.map((s): Cell[] => {
        const p = paid.get(`${r.id}|${s.therapistId}`);
        return [
          r.id,
          r.period.start,
          r.period.end,
          r.status,
          s.therapistName,
          s.lines.length,
          dollars(s.totalCents),
          s.w9Status === 'on-file' ? 'On file' : 'Missing',
          p ? `${p.status} (${p.method}, ${p.paidOn})` : '',
        ];
      }),
    ),
    9,
  );
  return { payRuns };
}

/** Creates the pay run of every payroll period (the org's payroll cycle) that ends in the month. */
export function runPayroll(month: string): ActionResult {
  const title = 'Run payroll';
  const bounds = monthBounds(String(month));
  if (!bounds.ok) return failed(title, `"${month}" is not a month: use YYYY-MM, such as 2026-03.`);
  const c = connected(title);
  if (isResult(c)) return c;
  const org = callOne(c.conn, { route: 'getOrg' });
  if (!org.ok) return refused(title, org, c.conn);
  const periods = periodsEndingIn(org.body.settings.payrollCycle, bounds.value);
  if (periods.length === 0) return failed(title, `No payroll period ends in ${month}.`);
  const answers = callService(
    c.conn,
    periods.map((period) => ({ route: 'createPayRun' as const, body: { period } })),
  );
  const refusal = answers.find((a): a is Failure => !a.ok);
  if (refusal) return refused(title, refusal, c.conn);
  const runs = answers.flatMap((a) => (a.ok ? [a.body] : []));
  const refreshed = refreshPayroll(c.conn, c.sheets);
  if ('ok' in refreshed) return refused(title, refreshed, c.conn);
  return {
    ok: true,
    title,
    lines: runs.flatMap((run) => [
      `${run.status === 'created' ? 'Pay run created' : 'The pay run already existed'}: ${run.payRun.id}, ${run.payRun.statements.length} therapist${run.payRun.statements.length === 1 ? '' : 's'}, ${formatMoney(run.payRun.totalCents)}.`,
      ...(run.held.length > 0 ? [`${run.held.length} visit(s) held from pay (no pay rate, or the note is not done).`] : []),
      ...run.warnings.map((w) => w.message),
    ]),
    next: 'Check the Payroll tab, then use Pay contractors.',
  };
}

export function payContractors(payRunId: string | null): ActionResult {
  const title = 'Pay contractors';
  const c = connected(title);
  if (isResult(c)) return c;
  const before = refreshPayroll(c.conn, c.sheets);
  if ('ok' in before) return refused(title, before, c.conn);
  const run = payRunId
    ? before.payRuns.find((r) => r.id === payRunId)
    : [...before.payRuns].reverse().find((r) => r.status === 'open' || r.status === 'approved' || r.status === 'paying');
  if (!run)
    return failed(
      title,
      payRunId ? `There is no pay run "${payRunId}".` : 'There is no pay run waiting to be paid.',
      'Use Run payroll first.',
    );
  if (run.status === 'open') {
    const approved = callOne(c.conn, { route: 'approvePayRun', params: { payRunId: run.id } });
    if (!approved.ok) return refused(title, approved, c.conn);
  }
  const paid = callOne(c.conn, { route: 'payPayRun', params: { payRunId: run.id } });
  if (!paid.ok) return refused(title, paid, c.conn);
  const names = new Map(run.statements.map((s) => [s.therapistId, s.therapistName]));
  const outcomes = paid.body.payments;
  const after = refreshPayroll(c.conn, c.sheets);
  const problems = outcomes.filter((o) => o.problem);
  return {
    ok: problems.length === 0,
    title,
    lines: [
      `Pay run ${run.id}:`,
      ...outcomes.map(
        (o) =>
          `${names.get(o.therapistId) ?? o.therapistId}: ${formatMoney(o.amountCents)}, ${o.status}${o.problem ? `: ${o.problem}` : ''}${o.warning ? ` (${o.warning})` : ''}`,
      ),
      ...('ok' in after ? ['The Payroll tab could not be refreshed; run Pay contractors again to see it.'] : []),
    ],
    ...(problems.length > 0
      ? {
          next: 'Fix what each problem names (a therapist without a Stripe account, a missing W-9 decision), then Pay contractors again: nobody is paid twice.',
        }
      : {}),
  };
}

export function report1099(year: number | string): ActionResult {
  const title = '1099 report';
  const y = Number(year);
  if (!Number.isInteger(y) || y < 2000 || y > 2100) return failed(title, `"${year}" is not a year.`);
  const c = connected(title);
  if (isResult(c)) return c;
  const answer = callOne(c.conn, { route: 'taxYearSummary', params: { year: String(y) } });
  if (!answer.ok) return refused(title, answer, c.conn);
  const s = answer.body;
  replaceRows(
    c.sheets.get(TAB.tax1099),
    s.therapists.map((t) => [
      s.year,
      t.name,
      dollars(t.totalCents),
      dollars(t.excludedCents),
      t.reportable ? 'Yes' : 'No',
      t.w9Status === 'on-file' ? 'On file' : 'Missing',
      t.tinMasked ?? '',
      t.blockers.join('; '),
    ]),
    8,
  );
  const blocked = s.therapists.filter((t) => t.blockers.length > 0).length;
  // The threshold compared here, not through shared/tax1099.ts: that module's schemas would bring zod (60 KB) into the script.
  const atThreshold = s.therapists.filter((t) => t.totalCents >= s.thresholdCents).length;
  const withheld = s.therapists.filter((t) => t.withheldCents > 0 && t.totalCents < s.thresholdCents).map((t) => t.name);
  const next =
    blocked > 0
      ? 'Get a complete W-9 from each therapist Blocks Filing names (Therapist links sends them their page to sign it), then make the report again.'
      : atThreshold + withheld.length > 0
        ? `File the forms by ${s.dueDate}: \`visitledger export-1099 --year ${s.year}\` writes the IRS file and each therapist's Copy B.`
        : `No 1099-NEC is due for ${s.year} so far; make the report again after the year's last payments.`;
  return {
    ok: true,
    title,
    lines: [
      `${s.year}: ${atThreshold} therapist${atThreshold === 1 ? '' : 's'} at or above ${formatMoney(s.thresholdCents)}; forms due ${s.dueDate}.`,
      ...(withheld.length > 0 ? [`Also due, whatever the amount, for backup withholding: ${withheld.join(', ')}.`] : []),
      ...(s.form945TotalCents > 0
        ? [`Backup withholding kept in ${s.year}: ${formatMoney(s.form945TotalCents)}, to report on Form 945.`]
        : []),
      ...(s.eFileRequired ? ['You must e-file (10 or more returns): download the IRIS files from the service.'] : []),
      ...(blocked > 0 ? [`${blocked} cannot be filed yet: see Blocks Filing on the 1099 tab.`] : []),
      ...s.notes,
    ],
    next,
  };
}

/** Emails each agency with a contact its portal link. The email names no patient and no visit. */
export function sendPortalLinks(): ActionResult {
  const title = 'Send portal links';
  const c = connected(title);
  if (isResult(c)) return c;
  const agencies = readAgencies(c.sheets.has(TAB.agencies) ? readSheet(c.sheets.get(TAB.agencies)!) : []).filter((a) => a.active);
  const ready = agencies.filter((a) => a.contactEmail !== '' && a.serviceId !== '');
  const skipped = agencies.filter((a) => !ready.includes(a));
  if (ready.length === 0)
    return failed(
      title,
      'No agency has both a Contact Email and an Agency ID.',
      'Fill Contact Email on the Agencies tab and run Sync, then send again.',
    );
  const quota = MailApp.getRemainingDailyQuota();
  if (quota < ready.length)
    return failed(title, `Google lets this account send ${quota} more emails today; ${ready.length} are needed.`, 'Send again tomorrow.');
  const [org, current] = callService(c.conn, [{ route: 'getOrg' }, { route: 'listPortalLinks' }]);
  if (!org.ok) return refused(title, org, c.conn);
  if (!current.ok) return refused(title, current, c.conn);
  const links = renewPortalLinks(
    c.conn,
    current.body.links,
    ready.map((a) => a.serviceId),
    true,
  );
  const orgName = org.body.settings.name;
  const lines: string[] = [];
  ready.forEach((a) => {
    const link = links.get(a.serviceId)!;
    if (!link.ok) {
      lines.push(`${a.name}: not sent. ${explain(link, c.conn)}`);
      return;
    }
    const expires = link.body.link.expiresAt.slice(0, 10);
    const refusal = sendEmailOrRefusal({
      to: a.contactEmail,
      subject: `${orgName}: your invoices`,
      body: [
        'Hello,',
        '',
        `${orgName} keeps your invoices in a secure portal. Open them here:`,
        link.body.url,
        '',
        `This link is for ${a.name} only and works until ${expires}. Please do not forward it.`,
        'If you did not expect this email, you can ignore it.',
      ].join('\n'),
      name: orgName,
    });
    if (refusal !== null) {
      lines.push(`${a.name}: not sent. Google refused the email to ${a.contactEmail} (${refusal}): fix Contact Email, then send again.`);
      return;
    }
    lines.push(`${a.name}: link sent to ${a.contactEmail}.`);
  });
  if (skipped.length > 0) lines.push(`Not sent (no Contact Email or not synced yet): ${skipped.map((a) => a.name).join(', ')}.`);
  return { ok: lines.every((l) => !l.includes('not sent')), title, lines };
}
