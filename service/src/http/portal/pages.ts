/** The portal's pages, as HTML strings: the agency's invoices, one invoice, its statement, and the refusals. */
import { formatMoney, formatUsDate, type Period } from '../../../../shared/index.ts';
import type { AgencyInvoiceRow, AgencyPortal } from '../../usecases/portal-agency.ts';
import type { OnlinePayment } from '../../usecases/online-payments.ts';
import type { InvoiceView } from '../../usecases/invoices.ts';
import { AGING_BUCKETS, type Statement } from '../../usecases/portal-statement.ts';
import { dataTable, html, page, type Html } from './html.ts';

const period = (p: Period) => `${formatUsDate(p.start)} to ${formatUsDate(p.end)}`;
/** The receivable status as the agency reads it: Open, Partially paid, Paid, Closed, Void. */
const receivableText = (status: string) => status.charAt(0).toUpperCase() + status.slice(1);

function heading(who: AgencyPortal, title: string): Html {
  return html`<p>${who.orgName}: invoices for ${who.agencyName}</p><h1>${title}</h1>`;
}

function nav(base: string): Html {
  return html`<nav aria-label="Portal"><ul><li><a href="${base}">All invoices</a></li><li><a href="${base}/statement">Statement of account</a></li></ul></nav>`;
}

export function invoiceListPage(base: string, data: AgencyPortal & { invoices: AgencyInvoiceRow[] }): string {
  const rows = data.invoices.map((i) => [
    html`<a href="${base}/invoices/${encodeURIComponent(i.id)}">${i.number}</a>`,
    period(i.period),
    formatMoney(i.totalCents),
    formatMoney(i.paidCents),
    formatMoney(i.openCents),
    formatUsDate(i.dueDate),
    receivableText(i.receivable),
    i.viewed ? 'Yes' : 'No',
  ]);
  const table =
    data.invoices.length === 0
      ? html`<p>There are no invoices yet.</p>`
      : dataTable(
          'Invoices, newest first',
          [
            { label: 'Invoice' },
            { label: 'Period' },
            { label: 'Total', numeric: true },
            { label: 'Paid', numeric: true },
            { label: 'Open', numeric: true },
            { label: 'Due' },
            { label: 'Status' },
            { label: 'Viewed' },
          ],
          rows,
          { rowHeader: true },
        );
  return page(`Invoices: ${data.agencyName}`, heading(data, 'Invoices'), html`${nav(base)}${table}`);
}

const METHOD_TEXT = { us_bank_account: 'bank account (ACH)', card: 'card' } as const;

/** Paying online: the button (a form: no script), the payment under way, and what Stripe's page sent the agency back with. */
function onlinePaymentBlock(
  base: string,
  invoiceId: string,
  openCents: number,
  payment: OnlinePayment,
  returned?: 'sent' | 'canceled',
): Html {
  const back =
    returned === 'sent'
      ? html`<p role="status">Thank you. Stripe has your payment; it shows here once it is recorded (a bank payment takes a few business days).</p>`
      : returned === 'canceled'
        ? html`<p role="status">The payment was canceled; nothing was charged.</p>`
        : '';
  if (payment.kind === 'processing')
    return html`${back}<p role="status"><strong>Payment processing.</strong> A payment of this invoice is on its way through the bank; this can take a few business days.</p>`;
  if (payment.kind !== 'offered') return html`${back}`;
  const methods = payment.methods.map((m) => METHOD_TEXT[m]).join(' or ');
  return html`${back}<form method="post" action="${base}/invoices/${encodeURIComponent(invoiceId)}/pay">
<p>Pay the ${formatMoney(openCents)} open by ${methods} on Stripe's secure page.</p>
<button type="submit">Pay online</button></form>`;
}

export function invoicePage(
  base: string,
  data: AgencyPortal & {
    invoice: InvoiceView;
    paidCents: number;
    openCents: number;
    receivable: string;
    payment?: OnlinePayment;
    returned?: 'sent' | 'canceled';
  },
): string {
  const i = data.invoice;
  // InvoiceView intersects two line types; each line has both (getInvoice adds the patient).
  const lines = (i.lines as InvoiceView['lines'][number][]).map((l) => [
    formatUsDate(l.date),
    l.patient,
    l.therapistName,
    `${l.discipline} ${l.visitTypeLabel}${l.late ? ' (late)' : ''}`,
    formatMoney(l.amountCents),
  ]);
  const body = html`${nav(base)}
<dl><dt>Period</dt><dd>${period(i.period)}</dd><dt>Issued</dt><dd>${formatUsDate(i.issueDate)}</dd>
<dt>Due</dt><dd>${formatUsDate(i.dueDate)}</dd><dt>Status</dt><dd>${receivableText(data.receivable)}</dd><dt>Total</dt><dd>${formatMoney(i.totalCents)}</dd>
<dt>Paid</dt><dd>${formatMoney(data.paidCents)}</dd><dt>Open</dt><dd>${formatMoney(data.openCents)}</dd></dl>
${onlinePaymentBlock(base, i.id, data.openCents, data.payment ?? { kind: 'not-offered' }, data.returned)}
<p><a href="${base}/invoices/${encodeURIComponent(i.id)}/pdf" download>Download the PDF of invoice ${i.number}</a></p>
${dataTable(
  'Visits billed',
  [{ label: 'Date' }, { label: 'Patient' }, { label: 'Therapist' }, { label: 'Visit' }, { label: 'Amount', numeric: true }],
  lines,
  {
    foot: html`<tfoot><tr><th scope="row" colspan="4">Total</th><td class="num" data-label="Amount">${formatMoney(i.totalCents)}</td></tr></tfoot>`,
  },
)}`;
  return page(`Invoice ${i.number}`, heading(data, `Invoice ${i.number}`), body);
}

export function statementPage(base: string, data: AgencyPortal & { statement: Statement }): string {
  const s = data.statement;
  const aging = AGING_BUCKETS.map((b) => [`${b} days`, formatMoney(s.aging[b])]);
  const lines = s.lines.map((l) => [
    html`<a href="${base}/invoices/${encodeURIComponent(l.invoiceId)}">${l.number}</a>`,
    formatUsDate(l.dueDate),
    l.daysPastDue,
    formatMoney(l.openCents),
  ]);
  const activity = s.activity.map((a) => [formatUsDate(a.on), receivableText(a.what), a.reference, formatMoney(a.amountCents)]);
  const body = html`${nav(base)}
<p>As of ${formatUsDate(s.asOf)}. Open balance: <strong>${formatMoney(s.openCents)}</strong></p>
${dataTable('Aging by days past the due date', [{ label: 'Days past due' }, { label: 'Open', numeric: true }], aging, { rowHeader: true })}
${dataTable(
  'Open invoices',
  [{ label: 'Invoice' }, { label: 'Due' }, { label: 'Days past due', numeric: true }, { label: 'Open', numeric: true }],
  lines,
  { rowHeader: true },
)}
${s.creditCents > 0 ? html`<p>Credit on account: <strong>${formatMoney(s.creditCents)}</strong></p>` : ''}
${dataTable(
  'Payments and credits',
  [{ label: 'Date' }, { label: 'What' }, { label: 'Reference' }, { label: 'Amount', numeric: true }],
  activity,
)}`;
  return page('Statement of account', heading(data, 'Statement of account'), body);
}

/** Paying online was refused (paid, void, under way, not offered) or Stripe did not answer. */
export const cannotPayPage = (base: string, invoiceId: string, reason: string) =>
  page(
    'Cannot pay online',
    html`<h1>Cannot pay online</h1>`,
    html`<p>${reason}.</p><p><a href="${base}/invoices/${encodeURIComponent(invoiceId)}">Back to the invoice</a></p>`,
  );

export function passcodePage(base: string, wrong: boolean): string {
  const body = html`${wrong ? html`<p class="error" role="alert">That passcode is not right.</p>` : ''}
<form method="post" action="${base}/passcode">
<label for="passcode">Passcode</label>
<input id="passcode" name="passcode" type="password" autocomplete="current-password" required>
<button type="submit">Open the invoices</button></form>`;
  return page(
    'Passcode',
    html`<h1>Enter the passcode</h1>`,
    html`<p>This link asks for the passcode your billing contact gave you.</p>${body}`,
  );
}

/** Wrong passcodes given too often: the link takes none for a while, whoever tries. */
export const lockedPage = (retryAfterS: number) =>
  page(
    'Too many wrong passcodes',
    html`<h1>Too many wrong passcodes</h1>`,
    html`<p>This link takes no passcode for the next ${Math.ceil(retryAfterS / 60)} minutes. Try again then, or ask your billing contact.</p>`,
  );

/** The body of a 303 (the browser follows the Location header; the link is there for anything that does not). */
export const redirectPage = (location: string) => page('Opening', html`<h1>Opening</h1>`, html`<p><a href="${location}">Continue</a></p>`);

/** Loads the same page again from itself, which brings the SameSite=Strict session cookie a link opened from another site left behind. */
export const openingPage = (again: string) =>
  page('Opening your invoices', html`<h1>Opening your invoices</h1>`, html`<p>If this page stays, <a href="${again}">continue</a>.</p>`, {
    refreshTo: again,
  });

/** A page opened without a session, or after it ended (the link expired, revoked or replaced). */
export const sessionEndedPage = () =>
  page(
    'Open your link again',
    html`<h1>Open your link again</h1>`,
    html`<p>Open the link your billing contact sent you again. If it no longer works, ask them for a new one.</p>`,
  );

/** The one answer for every token that does not open a portal, whatever the reason. */
export const invalidLinkPage = () =>
  page('This link is not valid', html`<h1>This link is not valid</h1>`, html`<p>Ask your billing contact for a new link.</p>`);

export const notFoundPage = () => page('Not found', html`<h1>Not found</h1>`, html`<p>There is no such page in this portal.</p>`);

export const tooManyRequestsPage = () =>
  page('Too many requests', html`<h1>Too many requests</h1>`, html`<p>Please wait a minute and try again.</p>`);

export const errorPage = () => page('Something went wrong', html`<h1>Something went wrong</h1>`, html`<p>Please try again later.</p>`);
