/** The demo tour's own pages (the portal's and the therapist's are their real pages): the start, the overview, invoices, pay runs. */
import { formatMoney, formatUsDate, type Period } from '../../../../shared/index.ts';
import type { OverviewAnswer } from '../../../../shared/wire/overview.ts';
import type { PayRunRecord, StoredInvoice } from '../../store/port.ts';
import { html, page, PORTAL_CSS, type Html } from '../portal/html.ts';

export const DEMO_BASE = '/demo';

const DEMO_CSS = `${PORTAL_CSS}
.demo-banner{background:#fff4ce;border:1px solid #e0c060;padding:.5rem .75rem;margin:0 0 1rem}
.demo-nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:0 0 1rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.75rem;list-style:none;padding:0}
.tiles li{border:1px solid #ccc;border-radius:4px;padding:.75rem}`;

const period = (p: Period) => `${formatUsDate(p.start)} to ${formatUsDate(p.end)}`;

const TOUR: readonly { path: string; name: string; what: string }[] = [
  { path: '/overview', name: 'Overview', what: 'The month at a glance: billed, collected, payroll, margins, what blocks the next close.' },
  { path: '/invoices', name: 'Invoices', what: 'One numbered invoice per agency and cycle, with its PDF.' },
  { path: '/pay-runs', name: 'Pay runs', what: 'Each pay period’s statements per therapist.' },
  { path: '/portal', name: 'Agency portal', what: 'What an agency sees through its secure link: its invoices and statement.' },
  { path: '/therapist', name: 'Therapist page', what: 'A therapist’s own page: W-9, pay statements, 1099-NEC copies.' },
  { path: '/sidebar', name: 'Add-on sidebar', what: 'The Google Sheets add-on’s sidebar, working on this demo agency.' },
];

const banner = html`<p class="demo-banner" role="note"><strong>Demo:</strong> a made-up agency with generated data. Nothing here can be changed.</p>`;

export function demoNav(): Html {
  return html`<nav class="demo-nav" aria-label="Demo tour"><ul><li><a href="${DEMO_BASE}">Tour start</a></li>${TOUR.map(
    (t) => html`<li><a href="${DEMO_BASE}${t.path}">${t.name}</a></li>`,
  )}</ul></nav>`;
}

const demoPage = (title: string, body: Html) =>
  page(`${title}: VisitLedger demo`, html`<h1>${title}</h1>`, html`${banner}${demoNav()}${body}`, { css: DEMO_CSS });

export function tourPage(orgName: string): string {
  return demoPage(
    'VisitLedger: a live agency account',
    html`<p>Explore ${orgName}, a home health therapy staffing agency on VisitLedger, without signing up.</p>
<ul class="tiles">${TOUR.map((t) => html`<li><h2><a href="${DEMO_BASE}${t.path}">${t.name}</a></h2><p>${t.what}</p></li>`)}</ul>`,
  );
}

export function overviewPage(o: OverviewAnswer): string {
  const rows: [string, number][] = [
    ['Billed', o.billedCents],
    ['Collected', o.collectedCents],
    ['Open receivables', o.openReceivablesCents],
    ['Payroll', o.payrollCents],
    ['Paid to therapists', o.paidToTherapistsCents],
    ['Owed to therapists', o.owedToTherapistsCents],
    ['Margin', o.marginCents],
  ];
  return demoPage(
    `Overview of ${o.month}`,
    html`<p>Balances as of ${formatUsDate(o.asOf)}.</p>
<div class="scroll"><table><caption>The month</caption><tbody>${rows.map(
      ([name, cents]) => html`<tr><th scope="row">${name}</th><td class="num">${formatMoney(cents)}</td></tr>`,
    )}</tbody></table></div>
<div class="scroll"><table><caption>By agency</caption><thead><tr><th scope="col">Agency</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Payroll</th><th scope="col" class="num">Margin</th></tr></thead>
<tbody>${o.byAgency.map(
      (a) =>
        html`<tr><th scope="row">${a.agency}</th><td class="num">${formatMoney(a.billedCents)}</td><td class="num">${formatMoney(a.payrollCents)}</td><td class="num">${formatMoney(a.marginCents)}</td></tr>`,
    )}</tbody></table></div>
${o.blockers.length > 0 ? html`<h2>Before the next close</h2><ul>${o.blockers.map((b) => html`<li>${b.message}</li>`)}</ul>` : ''}`,
  );
}

export function invoicesPage(invoices: readonly StoredInvoice[]): string {
  return demoPage(
    'Invoices',
    html`<div class="scroll"><table><caption>Invoices, newest first</caption>
<thead><tr><th scope="col">Invoice</th><th scope="col">Agency</th><th scope="col">Period</th><th scope="col" class="num">Total</th><th scope="col">PDF</th></tr></thead>
<tbody>${invoices.map(
      (
        i,
      ) => html`<tr><th scope="row">${i.number}</th><td>${i.agencyName}</td><td>${period(i.period)}</td><td class="num">${formatMoney(i.totalCents)}</td>
<td><a href="${DEMO_BASE}/invoices/${encodeURIComponent(i.id)}/pdf">${i.number}.pdf</a></td></tr>`,
    )}</tbody></table></div>`,
  );
}

export function payRunsPage(payRuns: readonly PayRunRecord[], therapistName: (id: string) => string): string {
  return demoPage(
    'Pay runs',
    html`${payRuns.map(
      (r) => html`<section><h2>${period(r.period)}: ${formatMoney(r.totalCents)} (${r.status})</h2>
<div class="scroll"><table><thead><tr><th scope="col">Therapist</th><th scope="col" class="num">Visits</th><th scope="col" class="num">Pay</th></tr></thead>
<tbody>${r.statements.map(
        (s) =>
          html`<tr><th scope="row">${therapistName(s.therapistId)}</th><td class="num">${s.lines.length}</td><td class="num">${formatMoney(s.totalCents)}</td></tr>`,
      )}</tbody></table></div></section>`,
    )}`,
  );
}

export const readOnlyPage = () =>
  demoPage(
    'This is a read-only demo',
    html`<p>Nothing in the demo can be changed. Start a free trial from the add-on to do this with your own agency.</p>`,
  );
