/** The therapists' pages, as HTML strings: sign-in, home, W-9, pay, 1099-NEC copies and consent, and the refusals. */
import { formatMoney, formatUsDate, TAX_CLASSIFICATIONS, type Period } from '../../../../shared/index.ts';
import type { PostedCopyB } from '../../store/therapist-port.ts';
import type { TherapistHome, TherapistPay } from '../../usecases/therapist-portal.ts';
import {
  W9_CERTIFICATION,
  W9_CERTIFICATION_INSTRUCTIONS,
  W9_US_PERSON_DEFINITION,
  W9_CLASSIFICATION_LABELS,
  W9_CONSENT_NOTE,
  W9_FORM_REVISION,
} from '../../usecases/therapist-w9.ts';
import { html, page as portalPage, PORTAL_CSS, styleHash, type Html } from '../portal/html.ts';

/** The portal's stylesheet, with tables that fit a 390 px phone (no column pushed off the screen) and the form's controls. */
export const THERAPIST_CSS = `${PORTAL_CSS}${[
  '.fit table{min-width:0;table-layout:fixed}.fit td,.fit th{overflow-wrap:anywhere;padding:.4rem}',
  'select{font:inherit;padding:.5rem;border:1px solid #1a1a1a;max-width:100%}input{box-sizing:border-box;width:100%}',
  'input[type=checkbox],input[type=radio]{width:auto;margin-right:.5rem}label.check{font-weight:400;display:flex;align-items:flex-start}',
  'fieldset{border:1px solid #6b6b6b;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}.cert p{margin:.25rem 0}',
  '.ok{color:#1d5e20;font-weight:600}form.inline{display:inline}',
].join('')}`;
export const THERAPIST_STYLE_HASH = styleHash(THERAPIST_CSS);

const BASE = '/therapist';

const page = (title: string, heading: Html | string, body: Html, options: { refreshTo?: string } = {}) =>
  portalPage(title, heading, body, { ...options, css: THERAPIST_CSS });

const period = (p: Period) => `${formatUsDate(p.start)} to ${formatUsDate(p.end)}`;
const METHOD_NAMES: Record<string, string> = {
  check: 'Check',
  ach: 'Bank transfer (ACH)',
  stripe: 'Direct deposit (Stripe)',
  cash: 'Cash',
  card: 'Card',
};

function heading(home: Pick<TherapistHome, 'orgName' | 'therapistName'>, title: string): Html {
  return html`<p>${home.orgName}: ${home.therapistName}</p><h1>${title}</h1>`;
}

function nav(): Html {
  return html`<nav aria-label="Your pages"><ul><li><a href="${BASE}">Home</a></li><li><a href="${BASE}/w9">W-9</a></li><li><a href="${BASE}/pay">Pay</a></li><li><a href="${BASE}/documents">1099-NEC</a></li></ul></nav>`;
}

export function signInPage(problem?: 'wrong-account' | 'refused' | 'unavailable' | 'off'): string {
  const messages = {
    'wrong-account':
      'That Google account is not the one on file for you. Sign in with the Google account whose email your agency has on file (the one you log visits with).',
    refused: 'Google did not confirm the sign-in. Please try again.',
    unavailable: 'Google could not be reached. Please try again in a minute.',
    off: 'Sign-in with Google is not set up for this service yet. Ask your agency.',
  };
  const body = html`${problem ? html`<p class="error" role="alert">${messages[problem]}</p>` : ''}
<p>To keep your tax and pay details private, this link opens only for you: sign in with the Google account whose email your agency has on file.</p>
${problem === 'off' ? '' : html`<form method="post" action="${BASE}/sign-in"><button type="submit">Sign in with Google</button></form>`}`;
  return page('Sign in', html`<h1>Sign in</h1>`, body);
}

export function homePage(home: TherapistHome, notice?: string): string {
  const body = html`${nav()}${notice ? html`<p class="ok" role="status">${notice}</p>` : ''}
<h2>W-9</h2>${
    home.w9
      ? html`<p>On file: ${home.w9.legalName}, TIN ${home.w9.tinMasked}, signed ${formatUsDate(home.w9.signedOn)}. <a href="${BASE}/w9">Sign a new W-9</a> if anything changed.</p>`
      : html`<p><strong>No W-9 on file.</strong> Without one, pay may be held or have 24% backup withholding kept. <a href="${BASE}/w9">Fill in and sign your W-9</a>.</p>`
  }
<h2>Pay</h2><p><a href="${BASE}/pay">Your pay statements and payments</a>, and your direct deposit set-up.</p>
<h2>1099-NEC</h2><p>${home.consent ? html`You get your 1099-NEC electronically (consent given ${formatUsDate(home.consent.givenAt.slice(0, 10))}).` : 'You get your 1099-NEC on paper.'} <a href="${BASE}/documents">Your 1099-NEC copies and delivery choice</a>.</p>`;
  return page('Your pages', heading(home, 'Your pages'), body);
}

export type W9FormValues = Partial<
  Record<
    | 'legalName'
    | 'businessName'
    | 'classification'
    | 'exemptPayeeCode'
    | 'fatcaCode'
    | 'address1'
    | 'address2'
    | 'city'
    | 'state'
    | 'zip'
    | 'tinType'
    | 'signature',
    string
  >
>;

export function w9Page(home: TherapistHome, values: W9FormValues, problems: { path: string; message: string }[] = []): string {
  const problem = (field: string) =>
    problems.filter((p) => p.path === field).map((p) => html`<span class="error" id="${field}-error">${p.message}</span>`);
  const input = (
    field: keyof W9FormValues,
    label: string,
    extra: { required?: boolean; autocomplete?: string; inputmode?: string } = {},
  ) => html`
<label for="${field}">${label}</label>${problem(field)}
<input id="${field}" name="${field}" value="${values[field] ?? ''}"${extra.required ? html` required` : ''}${extra.autocomplete ? html` autocomplete="${extra.autocomplete}"` : ''}${extra.inputmode ? html` inputmode="${extra.inputmode}"` : ''}>`;
  const classes = TAX_CLASSIFICATIONS.map(
    (c) => html`<option value="${c}"${values.classification === c ? html` selected` : ''}>${W9_CLASSIFICATION_LABELS[c]}</option>`,
  );
  const body = html`${nav()}
${problems.length > 0 ? html`<p class="error" role="alert">Please fix what is marked below; nothing was saved.</p>` : ''}
${home.w9 ? html`<p>On file now: TIN ${home.w9.tinMasked}, signed ${formatUsDate(home.w9.signedOn)}. A new W-9 replaces it; both are kept.</p>` : ''}
<form method="post" action="${BASE}/w9">
<fieldset><legend>Form W-9 (Rev. ${W9_FORM_REVISION}): Request for Taxpayer Identification Number and Certification</legend>
${input('legalName', '1. Name of entity/individual (as shown on your income tax return)', { required: true, autocomplete: 'name' })}
${input('businessName', '2. Business name/disregarded entity name, if different from above')}
<label for="classification">3a. Federal tax classification</label>${problem('classification')}
<select id="classification" name="classification" required><option value="">Choose one</option>${classes}</select>
${input('exemptPayeeCode', '4. Exempt payee code (if any)')}
${input('fatcaCode', '4. Exemption from FATCA reporting code (if any)')}
${input('address1', '5. Address (number, street, and apt. or suite no.)', { required: true, autocomplete: 'address-line1' })}
${input('address2', 'Address line 2', { autocomplete: 'address-line2' })}
${input('city', '6. City', { required: true, autocomplete: 'address-level2' })}
${input('state', 'State (two letters)', { required: true, autocomplete: 'address-level1' })}
${input('zip', 'ZIP code', { required: true, autocomplete: 'postal-code', inputmode: 'numeric' })}
</fieldset>
<fieldset><legend>Part I: Taxpayer Identification Number (TIN)</legend>${problem('tinType')}
<label class="check"><input type="radio" name="tinType" value="SSN"${values.tinType !== 'EIN' ? html` checked` : ''}>Social security number (SSN)</label>
<label class="check"><input type="radio" name="tinType" value="EIN"${values.tinType === 'EIN' ? html` checked` : ''}>Employer identification number (EIN)</label>
<label for="tin">TIN</label>${problem('tin')}
<input id="tin" name="tin" required autocomplete="off" inputmode="numeric" aria-describedby="tin-note">
<p id="tin-note">It is kept encrypted; after you sign, only its last four digits are ever shown.</p>
</fieldset>
<fieldset class="cert"><legend>Part II: Certification</legend>
${W9_CERTIFICATION.map((line) => html`<p>${line}</p>`)}
<p>${W9_CERTIFICATION_INSTRUCTIONS}</p>
<p>${W9_US_PERSON_DEFINITION[0]}</p><ul>${W9_US_PERSON_DEFINITION.slice(1).map((line) => html`<li>${line}</li>`)}</ul>
<label class="check"><input type="checkbox" name="item2CrossedOut" value="yes">The IRS has notified me that I am currently subject to backup withholding (item 2 is crossed out).</label>
<p>${W9_CONSENT_NOTE}</p>
${input('signature', 'Signature of U.S. person: type your full name as on line 1', { required: true })}
${problem('certify')}<label class="check"><input type="checkbox" name="certify" value="yes" required>I certify the above under penalties of perjury, and I sign this form electronically by typing my name.</label>
</fieldset>
<button type="submit">Sign and send my W-9</button></form>`;
  return page('Your W-9', heading(home, 'Your W-9'), body);
}

export function payPage(home: TherapistHome, pay: TherapistPay, stripeNote?: string): string {
  const statements = pay.statements.map(
    (
      s,
    ) => html`<tr><td>${period(s.period)}</td><td class="num">${formatMoney(s.netCents)}${s.held ? html`<br>(held)` : s.withheldCents > 0 ? html`<br>(${formatMoney(s.withheldCents)} withheld)` : ''}</td>
<td><a href="${BASE}/pay/${encodeURIComponent(s.payRunId)}/pdf" download>PDF</a></td></tr>`,
  );
  const payments = pay.payments.map(
    (p) =>
      html`<tr><td>${formatUsDate(p.paidOn)}</td><td>${METHOD_NAMES[p.method] ?? p.method}${p.status === 'paid' ? '' : ` (${p.status})`}</td><td class="num">${formatMoney(p.amountCents)}</td></tr>`,
  );
  const body = html`${nav()}
<h2>Pay statements</h2>${
    pay.statements.length === 0
      ? html`<p>No pay statements yet.</p>`
      : html`<div class="fit"><table><caption>Newest first</caption>
<thead><tr><th scope="col">Period</th><th scope="col" class="num">Net pay</th><th scope="col">Statement</th></tr></thead><tbody>${statements}</tbody></table></div>`
  }
<h2>Payments</h2>${
    pay.payments.length === 0
      ? html`<p>No payments yet.</p>`
      : html`<div class="fit"><table><caption>Newest first</caption>
<thead><tr><th scope="col">Paid on</th><th scope="col">Method</th><th scope="col" class="num">Amount</th></tr></thead><tbody>${payments}</tbody></table></div>`
  }
<h2>Direct deposit</h2>${stripeNote ? html`<p role="status">${stripeNote}</p>` : ''}
<form method="post" action="${BASE}/stripe"><p>Your agency pays through Stripe. Set up or finish your payout details on Stripe's own pages.</p><button type="submit">Set up direct deposit with Stripe</button></form>`;
  return page('Your pay', heading(home, 'Your pay'), body);
}

/** The disclosures the IRS requires before consent to an electronic recipient statement (General Instructions for Certain Information Returns, "Electronic recipient statements"). */
const DISCLOSURES = [
  'Paper instead: you will get your Form 1099-NEC (Copy B) on paper unless you consent here. You may ask for a paper copy at any time, even after consenting, by writing to your agency; asking for paper after you consented does not withdraw your consent unless you say so.',
  'Scope: your consent covers every Form 1099-NEC your agency furnishes you, for this year and every later year, until you withdraw it.',
  'Withdrawing: you can withdraw your consent on this page at any time (the button below) or by writing to your agency. It takes effect from the next statement furnished after the withdrawal; it does not change a copy already posted, which stays available here.',
  'When electronic delivery ends: your agency may stop furnishing electronically, and it ends when you stop working with the agency; you will then get paper copies by mail. Copies posted here stay available until October 15 of the year after the tax year.',
  'Contact details: tell your agency when your email or mailing address changes (sign a new W-9 here for a new address). The notice that a copy is ready goes to the email your agency has on file.',
  'What you need: a device with a web browser and a PDF reader (such as the one built into current browsers, or Adobe Acrobat Reader), a Google account with the email on file, and a printer or storage if you want to keep a copy.',
];

export function documentsPage(home: TherapistHome, copies: readonly PostedCopyB[], notice?: string): string {
  const rows = copies.map(
    (c) =>
      html`<tr><td>${c.year}${c.corrected ? ' (corrected)' : ''}</td><td>${formatUsDate(c.availableThrough)}</td><td><a href="${BASE}/documents/${encodeURIComponent(c.id)}/pdf" download>Download PDF</a></td></tr>`,
  );
  const body = html`${nav()}${notice ? html`<p class="ok" role="status">${notice}</p>` : ''}
<h2>Your 1099-NEC copies</h2>${
    copies.length === 0
      ? html`<p>No copy has been posted here.</p>`
      : html`<div class="fit"><table><caption>Form 1099-NEC, Copy B</caption>
<thead><tr><th scope="col">Tax year</th><th scope="col">Available until</th><th scope="col">File</th></tr></thead><tbody>${rows}</tbody></table></div>`
  }
<h2>Electronic delivery</h2>
${DISCLOSURES.map((d) => html`<p>${d}</p>`)}
${
  home.consent
    ? html`<p>You consented on ${formatUsDate(home.consent.givenAt.slice(0, 10))}.</p><form method="post" action="${BASE}/consent/withdraw"><button type="submit">Withdraw my consent (paper from now on)</button></form>`
    : html`<form method="post" action="${BASE}/consent"><label class="check"><input type="checkbox" name="consent" value="yes" required>I have read the above and I consent to receive my Form 1099-NEC electronically instead of on paper.</label><button type="submit">Give my consent</button></form>`
}`;
  return page('Your 1099-NEC', heading(home, 'Your 1099-NEC'), body);
}

export const redirectPage = (location: string) => page('Opening', html`<h1>Opening</h1>`, html`<p><a href="${location}">Continue</a></p>`);

export const openingPage = (again: string) =>
  page('Opening your page', html`<h1>Opening your page</h1>`, html`<p>If this page stays, <a href="${again}">continue</a>.</p>`, {
    refreshTo: again,
  });

export const sessionEndedPage = () =>
  page(
    'Open your link again',
    html`<h1>Open your link again</h1>`,
    html`<p>Open the link your agency sent you again. If it no longer works, ask them for a new one.</p>`,
  );

export const invalidLinkPage = () =>
  page('This link is not valid', html`<h1>This link is not valid</h1>`, html`<p>Ask your agency for a new link.</p>`);

export const notFoundPage = () => page('Not found', html`<h1>Not found</h1>`, html`<p>There is no such page.</p>`);

export const tooManyRequestsPage = () =>
  page('Too many requests', html`<h1>Too many requests</h1>`, html`<p>Please wait a minute and try again.</p>`);

export const errorPage = (message = 'Please try again later.') =>
  page('Something went wrong', html`<h1>Something went wrong</h1>`, html`<p>${message}</p>`);
