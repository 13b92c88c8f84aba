/**
 * What a signed-in therapist reads and does on their own pages: only their own records of the
 * link's org. The context acts as `therapist:<id>`, so every view and download is audited as
 * the therapist; a record of another therapist answers not-found, like one that does not exist.
 */
import { maskTinLast4, ok, type Payment, type Period, type Result } from '../../../shared/index.ts';
import type { DocumentStore } from '../store/port.ts';
import type { EDeliveryConsent, PostedCopyB } from '../store/therapist-port.ts';
import { fail, type Failure } from '../failure.ts';
import { audit, today } from './context.ts';
import { checked, payStatementPdf, type DocumentContext, type IssuedDocument } from './documents.ts';
import { loadOrg } from './orgs.ts';
import { onboardTherapist } from './payouts/onboarding.ts';
import type { PayoutContext } from './payouts/context.ts';
import type { TherapistContext } from './therapist-links.ts';
import type { TherapistSession } from './therapist-session.ts';

/** The version of the electronic-delivery disclosures (http/therapist/pages.ts shows them); a consent records which it was given to. */
export const EDELIVERY_DISCLOSURE_VERSION = '2026-1';

export type TherapistHome = {
  orgName: string;
  therapistName: string;
  w9?: { signedOn: string; tinMasked: string; legalName: string };
  consent?: { givenAt: string };
};

export const activeConsent = (consents: readonly EDeliveryConsent[]) => consents.findLast((c) => c.withdrawnAt === undefined);

const read = (ctx: TherapistContext, s: TherapistSession, detail: string) =>
  audit(ctx, s.orgId, [{ action: 'read', recordType: 'therapist', recordId: s.link.therapistId, detail }]);

export async function therapistHome(
  ctx: TherapistContext,
  s: TherapistSession,
  page = 'home page',
): Promise<Result<TherapistHome, Failure>> {
  const org = await loadOrg(ctx, s.orgId);
  if (!org.ok) return org;
  const w9 = s.therapist.w9;
  const consent = activeConsent(await ctx.therapists.listConsents(s.orgId, s.link.therapistId));
  await read(ctx, s, page);
  return ok({
    orgName: org.value.settings.name,
    therapistName: s.therapist.name,
    ...(w9 ? { w9: { signedOn: w9.signedOn, tinMasked: maskTinLast4(w9.tin.last4, w9.tin.type), legalName: w9.legalName } } : {}),
    ...(consent ? { consent: { givenAt: consent.givenAt } } : {}),
  });
}

export type StatementRow = { payRunId: string; period: Period; totalCents: number; withheldCents: number; netCents: number; held: boolean };
export type TherapistPay = {
  statements: StatementRow[];
  payments: Pick<Payment, 'id' | 'paidOn' | 'method' | 'amountCents' | 'status' | 'withheldCents'>[];
};

/** The therapist's pay statements (newest period first) and payments (newest first), with each payment's method and date. */
export async function therapistPay(ctx: TherapistContext, s: TherapistSession): Promise<Result<TherapistPay, Failure>> {
  const therapistId = s.link.therapistId;
  const statements = (await ctx.store.listPayRuns(s.orgId))
    .flatMap((run) =>
      run.statements
        .filter((st) => st.therapistId === therapistId)
        .map((st) => ({
          payRunId: run.id,
          period: st.period,
          totalCents: st.totalCents,
          withheldCents: st.withheldCents,
          netCents: st.netCents,
          held: st.held,
        })),
    )
    .sort((a, b) => b.period.start.localeCompare(a.period.start));
  const payments = (await ctx.store.listPayments(s.orgId, { therapistId }))
    .map((p) => ({
      id: p.id,
      paidOn: p.paidOn,
      method: p.method,
      amountCents: p.amountCents,
      status: p.status,
      ...(p.withheldCents ? { withheldCents: p.withheldCents } : {}),
    }))
    .reverse();
  await read(ctx, s, `pay: ${statements.length} statements, ${payments.length} payments`);
  return ok({ statements, payments });
}

/** The pay statement's issued PDF, the same bytes the owner downloads (audited as a download by the therapist). */
export function therapistStatementPdf(
  ctx: DocumentContext,
  s: TherapistSession,
  payRunId: string,
): Promise<Result<IssuedDocument, Failure>> {
  return payStatementPdf(ctx, s.orgId, payRunId, s.link.therapistId);
}

/** Stripe's onboarding for the therapist: where to send the browser, or null when the account is ready. */
export async function therapistOnboarding(ctx: PayoutContext, s: TherapistSession): Promise<Result<string | null, Failure>> {
  const view = await onboardTherapist(ctx, s.orgId, s.link.therapistId);
  if (!view.ok) return view;
  return ok(view.value.ready ? null : (view.value.onboardingUrl ?? view.value.stripeLink ?? null));
}

/** Consent to electronic 1099-NEC copies, given after the disclosures; a second one while one stands changes nothing. */
export async function giveConsent(ctx: TherapistContext, s: TherapistSession, from: string): Promise<Result<EDeliveryConsent, Failure>> {
  const standing = activeConsent(await ctx.therapists.listConsents(s.orgId, s.link.therapistId));
  if (standing) return ok(standing);
  const consent: EDeliveryConsent = {
    id: ctx.newId(),
    therapistId: s.link.therapistId,
    givenAt: ctx.now().toISOString(),
    disclosureVersion: EDELIVERY_DISCLOSURE_VERSION,
    givenFrom: from,
  };
  await ctx.therapists.insertConsent(s.orgId, consent);
  await audit(ctx, s.orgId, [
    {
      action: 'create',
      recordType: 'therapist',
      recordId: s.link.therapistId,
      detail: `consent to electronic 1099-NEC copies (disclosures ${EDELIVERY_DISCLOSURE_VERSION})`,
    },
  ]);
  return ok(consent);
}

export async function withdrawConsent(ctx: TherapistContext, s: TherapistSession): Promise<Result<{ withdrawn: boolean }, Failure>> {
  const standing = activeConsent(await ctx.therapists.listConsents(s.orgId, s.link.therapistId));
  if (!standing || !(await ctx.therapists.withdrawConsent(s.orgId, standing.id, ctx.now().toISOString()))) return ok({ withdrawn: false });
  await audit(ctx, s.orgId, [
    {
      action: 'void',
      recordType: 'therapist',
      recordId: s.link.therapistId,
      detail: 'consent to electronic 1099-NEC copies withdrawn: paper from now on',
    },
  ]);
  return ok({ withdrawn: true });
}

/** The Copy Bs posted to the therapist that are still available (through October 15 of the following year), newest first. */
export async function therapistCopies(ctx: TherapistContext, s: TherapistSession): Promise<Result<PostedCopyB[], Failure>> {
  const org = await loadOrg(ctx, s.orgId);
  if (!org.ok) return org;
  const day = today(ctx, org.value.settings.timeZone);
  return ok((await ctx.therapists.listPostedCopyB(s.orgId, { therapistId: s.link.therapistId })).filter((c) => c.availableThrough >= day));
}

/** A posted Copy B's PDF, byte for byte as posted (audited as a download by the therapist). */
export async function therapistCopyPdf(
  ctx: TherapistContext & { documents: DocumentStore },
  s: TherapistSession,
  copyId: string,
): Promise<Result<IssuedDocument, Failure>> {
  const available = await therapistCopies(ctx, s);
  if (!available.ok) return available;
  const copy = available.value.find((c) => c.id === copyId);
  const stored = copy ? await ctx.documents.getDocument(s.orgId, copy.documentId) : null;
  if (!copy || !stored) return fail('not-found', 'no such 1099-NEC copy');
  const doc = checked(ctx, s.orgId, stored);
  await audit(ctx, s.orgId, [
    { action: 'download', recordType: 'therapist', recordId: s.link.therapistId, detail: `1099-NEC ${copy.year} Copy B PDF` },
  ]);
  return ok({ ...doc, fileName: copy.fileName });
}
