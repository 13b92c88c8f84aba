/**
 * Furnishing 1099-NEC Copy B electronically (the owner's side). Posting a year puts each
 * consenting therapist's Copy B (the export's, rendered once and kept as an issued document,
 * byte for byte) on their page until October 15 of the following year, and records a notice
 * for the add-on to email (that it is ready: no amount, no TIN). Therapists who did not
 * consent get paper: `paperCopies` lists them, with the W-9 address to mail to.
 */
import { ok, type Address, type Result } from '../../../shared/index.ts';
import type { PostedCopyB, TherapistNotification } from '../store/therapist-port.ts';
import { fail, type Failure } from '../failure.ts';
import { audit } from './context.ts';
import { sealDocument } from '../crypto/document-seal.ts';
import { sha256Hex, type DocumentContext } from './documents.ts';
import { loadOrg } from './orgs.ts';
import { summarizeTaxYearOf } from './payments.ts';
import { activeConsent } from './therapist-portal.ts';
import type { TherapistContext } from './therapist-links.ts';
import { exportYearEnd } from './year-end-export.ts';

export type CopyBContext = TherapistContext & DocumentContext;

/** Electronic copies stay available through October 15 of the year after the tax year. */
export const availableThrough = (year: number) => `${year + 1}-10-15`;

export type PaperCopy = {
  therapistId: string;
  name: string;
  reason: 'no-consent' | 'consent-withdrawn';
  mailTo?: { name: string; address: Address };
};
export type PostedCopyView = Omit<PostedCopyB, 'documentId'> & { name: string };
export type CopyBPosting = { year: number; posted: PostedCopyView[]; alreadyPosted: number; paper: PaperCopy[] };

async function consentsByTherapist(ctx: TherapistContext, orgId: string) {
  const all = await ctx.therapists.listConsents(orgId);
  const ids = new Set(all.map((c) => c.therapistId));
  return new Map([...ids].map((id) => [id, all.filter((c) => c.therapistId === id)]));
}

/** Who gets a paper Copy B for the year: every therapist due one (reportable) without a standing consent. */
export async function paperCopies(ctx: TherapistContext, orgId: string, year: number): Promise<Result<PaperCopy[], Failure>> {
  const summary = await summarizeTaxYearOf(ctx, orgId, year);
  if (!summary.ok) return summary;
  const consents = await consentsByTherapist(ctx, orgId);
  const therapists = new Map((await ctx.store.listTherapists(orgId)).map((t) => [t.id, t]));
  return ok(
    summary.value.therapists
      .filter((t) => t.reportable && !activeConsent(consents.get(t.therapistId) ?? []))
      .map((t): PaperCopy => {
        const w9 = therapists.get(t.therapistId)?.w9;
        return {
          therapistId: t.therapistId,
          name: t.name,
          reason: (consents.get(t.therapistId) ?? []).length > 0 ? 'consent-withdrawn' : 'no-consent',
          ...(w9 ? { mailTo: { name: w9.legalName, address: w9.address } } : {}),
        };
      }),
  );
}

/**
 * Posts the year's Copy B to every consenting therapist who has none posted for the year yet
 * (or whose copy is now CORRECTED), and records a notice for each. Posting again posts nothing twice.
 */
export async function postCopyB(ctx: CopyBContext, orgId: string, year: number): Promise<Result<CopyBPosting, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const consents = await consentsByTherapist(ctx, orgId);
  const consenting = new Set([...consents].filter(([, list]) => activeConsent(list)).map(([id]) => id));
  const exported = await exportYearEnd(ctx, orgId, year, {});
  if (!exported.ok) return exported;
  const names = new Map(exported.value.summary.therapists.map((t) => [t.therapistId, t.name]));
  const earlier = await ctx.therapists.listPostedCopyB(orgId, { year });
  const posted: PostedCopyView[] = [];
  let alreadyPosted = 0;
  for (const file of exported.value.files) {
    const therapistId = file.therapistId;
    if (therapistId === undefined || !consenting.has(therapistId)) continue;
    const corrected = file.name.includes('-CORRECTED-');
    if (earlier.some((c) => c.therapistId === therapistId && (c.corrected || !corrected))) {
      alreadyPosted += 1;
      continue;
    }
    const id = ctx.newId();
    const sha256 = sha256Hex(file.bytes);
    const postedAt = ctx.now().toISOString();
    const documentId = `nec-copy-b:${year}:${therapistId}:${id}`;
    // Sealed at rest as every issued document (the hash is over the PDF itself).
    await ctx.documents.putDocument(orgId, {
      id: documentId,
      kind: 'nec-copy-b',
      recordId: therapistId,
      sha256,
      bytes: sealDocument(ctx.cipher, orgId, documentId, file.bytes),
      createdAt: postedAt,
    });
    const copy: PostedCopyB = {
      id,
      therapistId,
      year,
      fileName: file.name,
      documentId,
      sha256,
      postedAt,
      availableThrough: availableThrough(year),
      corrected,
    };
    await ctx.therapists.insertPostedCopyB(orgId, copy);
    const notice: TherapistNotification = { id: ctx.newId(), therapistId, kind: 'copy-b-ready', year, createdAt: postedAt };
    await ctx.therapists.insertNotification(orgId, notice);
    await audit(ctx, orgId, [
      {
        action: 'create',
        recordType: 'therapist',
        recordId: therapistId,
        detail: `1099-NEC ${year} Copy B posted${corrected ? ' (CORRECTED)' : ''}, sha256 ${sha256.slice(0, 12)}`,
      },
    ]);
    const { documentId: _d, ...shown } = copy;
    posted.push({ ...shown, name: names.get(therapistId) ?? '' });
  }
  const paper = await paperCopies(ctx, orgId, year);
  if (!paper.ok) return paper;
  return ok({ year, posted, alreadyPosted, paper: paper.value });
}

export type NotificationView = TherapistNotification & { therapistName: string; email: string | null };

/** The notices for the add-on to email, oldest first, each with the therapist's email on file (none: the owner tells them). */
export async function listTherapistNotifications(
  ctx: TherapistContext,
  orgId: string,
  query: { unsent?: boolean },
): Promise<Result<NotificationView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const therapists = new Map((await ctx.store.listTherapists(orgId)).map((t) => [t.id, t]));
  return ok(
    (await ctx.therapists.listNotifications(orgId, query)).map((n) => ({
      ...n,
      therapistName: therapists.get(n.therapistId)?.name ?? '',
      email: therapists.get(n.therapistId)?.email ?? null,
    })),
  );
}

/** Marks notices sent (the add-on emailed them); unknown or already sent ids are left out of the answer. */
export async function markNotificationsSent(
  ctx: TherapistContext,
  orgId: string,
  ids: readonly string[],
): Promise<Result<{ marked: string[] }, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  if (ids.length > 500) return fail('invalid-input', 'mark at most 500 notices at a time');
  const at = ctx.now().toISOString();
  const marked: string[] = [];
  for (const id of ids) if (await ctx.therapists.markNotificationSent(orgId, id, at)) marked.push(id);
  return ok({ marked });
}
