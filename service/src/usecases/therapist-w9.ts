/**
 * The W-9 a therapist signs on their page. The form asks what Form W-9 asks (name, business
 * name, federal tax classification, exemptions, address, TIN) and shows the certification in
 * the IRS's words; it is signed by typing the full name and checking the box. The TIN is
 * checked by the same rules as `visitledger w9` (shared/tin.ts), sealed, and shown masked from
 * then on. The therapist's current W-9 becomes this one (the owner's list shows it on file;
 * backup withholding stops from the next payment) and every signed W-9 is kept.
 */
import * as z from 'zod/mini';
import { nameKey, normalizeTin, ok, TAX_CLASSIFICATIONS, w9 as w9Schema, type Result } from '../../../shared/index.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { audit, today } from './context.ts';
import { upsertTherapists } from './directory.ts';
import { loadOrg } from './orgs.ts';
import type { TherapistContext } from './therapist-links.ts';
import type { TherapistSession } from './therapist-session.ts';

/** The revision of Form W-9 whose certification the page shows; a new revision's words go here with its name. */
export const W9_FORM_REVISION = 'March 2024';

/** Part II of Form W-9 (Rev. March 2024), word for word (therapist-w9.test.ts holds the form's text to compare). */
export const W9_CERTIFICATION: readonly string[] = [
  'Under penalties of perjury, I certify that:',
  '1. The number shown on this form is my correct taxpayer identification number (or I am waiting for a number to be issued to me); and',
  '2. I am not subject to backup withholding because (a) I am exempt from backup withholding, or (b) I have not been notified by the Internal Revenue Service (IRS) that I am subject to backup withholding as a result of a failure to report all interest or dividends, or (c) the IRS has notified me that I am no longer subject to backup withholding; and',
  '3. I am a U.S. citizen or other U.S. person (defined below); and',
  '4. The FATCA code(s) entered on this form (if any) indicating that I am exempt from FATCA reporting is correct.',
];

export const W9_CERTIFICATION_INSTRUCTIONS =
  'Certification instructions. You must cross out item 2 above if you have been notified by the IRS that you are currently subject to backup withholding because you have failed to report all interest and dividends on your tax return. For real estate transactions, item 2 does not apply. For mortgage interest paid, acquisition or abandonment of secured property, cancellation of debt, contributions to an individual retirement arrangement (IRA), and, generally, payments other than interest and dividends, you are not required to sign the certification, but you must provide your correct TIN. See the instructions for Part II, later.';

/** The form's definition that item 3 points to ("defined below"), from the General Instructions of Form W-9. */
export const W9_US_PERSON_DEFINITION: readonly string[] = [
  'Definition of a U.S. person. For federal tax purposes, you are considered a U.S. person if you are:',
  'An individual who is a U.S. citizen or U.S. resident alien;',
  'A partnership, corporation, company, or association created or organized in the United States or under the laws of the United States;',
  'An estate (other than a foreign estate); or',
  'A domestic trust (as defined in Regulations section 301.7701-7).',
];

/** What an electronic W-9 must say beside the signature (Instructions for the Requester of Form W-9). */
export const W9_CONSENT_NOTE =
  'The Internal Revenue Service does not require your consent to any provision of this document other than the certifications required to avoid backup withholding.';

/** Line 3a's boxes as the form labels them. */
export const W9_CLASSIFICATION_LABELS: Readonly<Record<(typeof TAX_CLASSIFICATIONS)[number], string>> = {
  individual: 'Individual/sole proprietor',
  'c-corporation': 'C corporation',
  's-corporation': 'S corporation',
  partnership: 'Partnership',
  'trust-estate': 'Trust/estate',
  'llc-c': 'LLC taxed as a C corporation',
  'llc-s': 'LLC taxed as an S corporation',
  'llc-p': 'LLC taxed as a partnership',
  other: 'Other',
};

const text = (max: number) => z.optional(z.string().check(z.maxLength(max)));

/** The form as posted (every field a string; a checkbox is present or not). */
export const w9Form = z.object({
  legalName: text(200),
  businessName: text(200),
  classification: text(40),
  exemptPayeeCode: text(4),
  fatcaCode: text(4),
  address1: text(200),
  address2: text(200),
  city: text(200),
  state: text(10),
  zip: text(20),
  tinType: text(3),
  tin: text(40),
  item2CrossedOut: text(3),
  signature: text(200),
  certify: text(3),
});

export type W9FormProblem = { field: string; message: string };

const blank = (s: string | undefined) => (s ?? '').trim();

/** Signs the W-9 for the session's therapist; refused with one message per field that is wrong (a TIN's reason never repeats it). */
export async function signW9(
  ctx: TherapistContext,
  session: TherapistSession,
  form: unknown,
  where: { address: string },
): Promise<Result<{ signedOn: string }, Failure>> {
  const parsed = w9Form.safeParse(form);
  if (!parsed.success) return fail('invalid-input', 'the form is not valid', describeIssues(parsed.error.issues));
  const f = parsed.data;
  const problems: W9FormProblem[] = [];
  const tinType = f.tinType === 'EIN' ? 'EIN' : f.tinType === 'SSN' ? 'SSN' : null;
  if (!tinType) problems.push({ field: 'tinType', message: 'Choose SSN or EIN.' });
  const tin = tinType ? normalizeTin(blank(f.tin), tinType) : null;
  if (tin && !tin.ok) problems.push({ field: 'tin', message: tin.error.message });
  const classification = TAX_CLASSIFICATIONS.find((c) => c === f.classification);
  if (!classification) problems.push({ field: 'classification', message: 'Choose the federal tax classification.' });
  const org = await loadOrg(ctx, session.orgId);
  if (!org.ok) return org;
  const signedOn = today(ctx, org.value.settings.timeZone);
  const candidate = {
    legalName: blank(f.legalName),
    ...(blank(f.businessName) ? { businessName: blank(f.businessName) } : {}),
    taxClassification: classification ?? 'individual',
    address: {
      line1: blank(f.address1),
      ...(blank(f.address2) ? { line2: blank(f.address2) } : {}),
      city: blank(f.city),
      state: blank(f.state).toUpperCase(),
      zip: blank(f.zip),
    },
    tinType: tinType ?? 'SSN',
    tin: tin?.ok ? tin.value : '000000000',
    signedOn,
  };
  const checked = w9Schema.safeParse(candidate);
  if (!checked.success) {
    for (const issue of describeIssues(checked.error.issues)) {
      if (issue.path !== 'tin')
        problems.push({
          field: issue.path
            .replace(/^address\.line1$/, 'address1')
            .replace(/^address\.line2$/, 'address2')
            .replace(/^address\./, ''),
          message: issue.message,
        });
    }
  }
  const signature = blank(f.signature);
  if (!signature || nameKey(signature) !== nameKey(candidate.legalName))
    problems.push({ field: 'signature', message: 'Type your full name exactly as on line 1 to sign.' });
  if (f.certify !== 'yes') problems.push({ field: 'certify', message: 'Check the box to certify, under penalties of perjury.' });
  for (const [field, code] of [
    ['exemptPayeeCode', f.exemptPayeeCode],
    ['fatcaCode', f.fatcaCode],
  ] as const) {
    if (blank(code) && !/^[A-Za-z0-9]{1,2}$/.test(blank(code)))
      problems.push({ field, message: 'An exemption code is a number or a letter, as in the W-9 instructions.' });
  }
  if (problems.length > 0)
    return fail(
      'invalid-input',
      problems[0]!.message,
      problems.map((p) => ({ path: p.field, message: p.message })),
    );

  const therapistId = session.link.therapistId;
  const written = await upsertTherapists(ctx, session.orgId, [{ id: therapistId, name: session.therapist.name, w9: candidate }]);
  if (!written.ok) return written;
  const stored = (await ctx.store.listTherapists(session.orgId)).find((t) => t.id === therapistId)?.w9;
  if (!stored) return fail('conflict', 'the W-9 was not kept: try again');
  await ctx.therapists.insertW9Submission(session.orgId, {
    id: ctx.newId(),
    therapistId,
    w9: stored,
    ...(blank(f.exemptPayeeCode) ? { exemptPayeeCode: blank(f.exemptPayeeCode) } : {}),
    ...(blank(f.fatcaCode) ? { fatcaCode: blank(f.fatcaCode) } : {}),
    item2CrossedOut: f.item2CrossedOut === 'yes',
    signature,
    signedAt: ctx.now().toISOString(),
    signedFrom: where.address,
    formRevision: W9_FORM_REVISION,
    signedInEmail: (session.therapist.email ?? '').toLowerCase(),
  });
  await audit(ctx, session.orgId, [
    {
      action: 'create',
      recordType: 'therapist',
      recordId: therapistId,
      detail: `W-9 (Rev. ${W9_FORM_REVISION}) signed electronically through therapist link ${session.link.id}`,
    },
  ]);
  return ok({ signedOn });
}
