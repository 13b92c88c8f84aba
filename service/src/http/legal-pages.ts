/**
 * The privacy policy and the terms of service, server-rendered at `/privacy` and `/terms`:
 * the Google Workspace Marketplace listing and the OAuth consent screen link to them. They say
 * what the service stores and does, as the code does it; the operator's name and contact come
 * from `PUBLIC_CONTACT` so each deployment names who runs it. Public and cacheable: no PHI,
 * nothing of a request.
 */
import type { RequestHandler, Router } from 'express';
import express from 'express';
import { html, page, type Html } from './portal/html.ts';

export type LegalPagesOptions = {
  /** Who runs this deployment and how to reach them (an email address or a URL). */
  contact: string;
};

const section = (heading: string, body: Html) => html`<h2>${heading}</h2>${body}`;

export function privacyPolicy(o: LegalPagesOptions): string {
  return page(
    'VisitLedger privacy policy',
    html`<h1>VisitLedger privacy policy</h1>`,
    html`
<p>VisitLedger is billing software for home health therapy staffing agencies. An agency (the
"org") uses it from a Google Sheets add-on; it is run for the agency by the operator named
below, who processes the agency's data on the agency's behalf.</p>
${section(
  'What VisitLedger stores',
  html`<ul>
<li>The agency's own records: its agencies, therapists, bill and pay rates, visits, invoices,
credit notes, pay runs, payments and the 1099-NEC figures computed from them.</li>
<li>Patient identifiers on visits (name, medical record number). These are protected health
information: they are encrypted field by field (AES-256-GCM) before they are stored, with keys
kept apart from the data.</li>
<li>Taxpayer identification numbers of therapists and of the agency, and the issued documents
(invoices, pay statements, tax forms), encrypted the same way.</li>
<li>The email address of each member of the org, from the Google account they sign in with.
API keys and portal links are stored only as hashes.</li>
<li>An audit log of who did what and when (member email or API key id, the action, the
record's id), without patient details.</li>
<li>When the agency connects Stripe: its Stripe account id and its encrypted key and webhook
secret, its therapists' connected account ids and the state of each transfer. Bank details are
collected by Stripe, never by VisitLedger. No patient information is sent to Stripe.</li>
</ul>`,
)}
${section(
  'What the Google Sheets add-on reads',
  html`<p>The add-on works only in the
spreadsheet it is opened in. It reads the tabs the owner chooses to import and writes the
structured tabs it creates; it creates a Google Form for visits and reads its responses with
the respondent's verified email; it sends portal links by email from the owner's account. It
sends to the service only what billing needs, signed in with a Google ID token that names the
user's email. It does not read other files, contacts or mail.</p>`,
)}
${section(
  'How it is used and shared',
  html`<p>Data is used only to provide the service to the
agency: to issue invoices, pay contractors and prepare 1099 forms. It is not sold, not used for
advertising and not used to train models. It is shared only with the processors that run the
service (Google Cloud, which hosts it under a Business Associate Agreement; Stripe, for
payouts the agency asks for) and where the law requires it.</p>`,
)}
${section(
  'Where it is kept and for how long',
  html`<p>In Google Cloud (Cloud Run and Firestore,
in the region the operator chose), encrypted in transit and at rest. Records are kept while the
agency uses the service and as long as tax and health care record rules require after that;
the agency may ask for an export or for deletion of its records. Request logs carry no patient
details, tax ids or credentials.</p>`,
)}
${section('Contact', html`<p>Questions, access or deletion requests: ${o.contact}.</p>`)}
`,
  );
}

export function termsOfService(o: LegalPagesOptions): string {
  return page(
    'VisitLedger terms of service',
    html`<h1>VisitLedger terms of service</h1>`,
    html`
<p>These terms cover the VisitLedger service and its Google Sheets add-on, run by the operator
named below.</p>
${section(
  'The service',
  html`<p>VisitLedger computes invoices, contractor pay and 1099-NEC
figures from the records the agency enters. The agency remains responsible for its records, for
checking invoices, payments and tax forms before it relies on them, and for filing with the IRS.
Issued invoices are never edited: a correction is a void or a credit note.</p>`,
)}
${section(
  'Accounts and access',
  html`<p>Each org is used by its owner and the staff the owner
adds, signed in with their Google accounts, and by API keys the owner creates. Keep API keys and
portal links secret; revoke any that may have leaked. The service limits and logs failed
sign-ins and portal requests.</p>`,
)}
${section(
  'Health information',
  html`<p>Where the agency is a covered entity or business associate
under HIPAA, the operator processes protected health information only under a Business
Associate Agreement with the agency. Do not enter patient information the billing does not
need.</p>`,
)}
${section(
  'Payments',
  html`<p>Payouts to therapists go through the agency's own Stripe account,
under Stripe's terms; VisitLedger never holds funds.</p>`,
)}
${section(
  'Availability and changes',
  html`<p>The service is provided as is, without a promise
of uninterrupted availability; the operator keeps backups and will say in advance when these
terms change.</p>`,
)}
${section('Contact', html`<p>${o.contact}</p>`)}
`,
  );
}

const cacheable: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'public, max-age=3600');
  next();
};

/** `GET /privacy` and `GET /terms`, for `app.use`: outside the API's route list, like the portal. */
export function legalPagesRouter(o: LegalPagesOptions): Router {
  const router = express.Router();
  const privacy = privacyPolicy(o);
  const terms = termsOfService(o);
  router.get('/privacy', cacheable, (_req, res) => void res.type('html').send(privacy));
  router.get('/terms', cacheable, (_req, res) => void res.type('html').send(terms));
  return router;
}
