/**
 * The 1099-NEC year end: the IRIS upload files (the only place a full TIN is written), a
 * substitute Copy B per therapist who reaches the threshold and can be filed, and the
 * owner's summary with the same figures as the tax-year report. Nothing here is stored:
 * payments recorded later change the year, so each export is made afresh, and audited.
 */
import { maskTinLast4, ok, toCsv, type Result, type TaxYearSummary, type W9 } from '../../../shared/index.ts';
import { buildIris1099Nec, irisFileName, type IrisRecipient, type IrisSkipped } from '../../../shared/iris.ts';
import { safeFileName, uniqueNames } from '../documents/file-names.ts';
import type { StoredW9 } from '../store/port.ts';
import { audit, today } from './context.ts';
import type { DocumentContext } from './documents.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { summarizeTaxYearOf } from './payments.ts';

/** A file of an export; a recipient copy names its therapist. */
export type ExportFile = { name: string; bytes: Uint8Array; therapistId?: string };

export type YearEndExport = {
  summary: TaxYearSummary;
  /** IRIS CSVs, then the recipient copies, then the summary PDF. */
  files: ExportFile[];
  skipped: IrisSkipped[];
  payerProblems: string[];
};

function openedW9(ctx: DocumentContext, w9: StoredW9): W9 {
  return { ...w9, tin: ctx.cipher.open(w9.tin.sealed) };
}

/**
 * `copies: false` leaves the recipient copies out (a download of the summary or an IRS file
 * needs none of them); `copiesOf` renders one therapist's copy only, and `irisFile` asks for
 * IRS file n (from 1). A file asked for that the year does not have is refused before the
 * export is audited: nothing was handed out.
 */
export async function exportYearEnd(
  ctx: DocumentContext, orgId: string, year: number, parts: { copies?: boolean; copiesOf?: string; irisFile?: number } = {},
): Promise<Result<YearEndExport, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  // Audited once, as the export, when files are handed out: a refused download writes nothing.
  const summary = await summarizeTaxYearOf(ctx, orgId, year);
  if (!summary.ok) return summary;
  const s = summary.value;
  const settings = org.value.settings;
  const therapists = new Map((await ctx.store.listTherapists(orgId)).map((t) => [t.id, t]));
  const reportable = s.therapists.filter((t) => t.reportable);
  const recipients: IrisRecipient[] = reportable.map((t) => {
    const w9 = therapists.get(t.therapistId)?.w9;
    return { therapistId: t.therapistId, name: t.name, totalCents: t.totalCents, w9: w9 ? openedW9(ctx, w9) : undefined };
  });

  const payerTin = org.value.payerTin;
  // Nobody reaches the threshold: there is no IRS file to write, so the payer's details cannot block one.
  const iris = recipients.length === 0 ? ok({ files: [], skipped: [] }) : buildIris1099Nec({
    year,
    payer: {
      name: settings.name, nameType: payerTin?.type === 'SSN' ? 'I' : 'B', tin: payerTin ? ctx.cipher.open(payerTin.sealed) : '', tinType: payerTin?.type ?? 'EIN',
      address: settings.address, phone: settings.phone, email: settings.email,
    },
    recipients,
  });
  const payerProblems = iris.ok ? [] : iris.error.problems.map((p) => (payerTin ? p : p.replace(/^the payer TIN is not usable: .*/, 'the payer TIN is not set (Settings: payer TIN)')));
  const irisFiles: ExportFile[] = iris.ok ? iris.value.files.map((rows, i) => ({ name: irisFileName(year, i), bytes: new TextEncoder().encode(toCsv(rows)) })) : [];
  const skippedIds = new Set(iris.ok ? iris.value.skipped.map((k) => k.therapistId) : []);
  // Without the payer's details no copy can be right either; otherwise every recipient in the IRS file gets one.
  const filed = iris.ok && parts.copies !== false
    ? recipients.filter((r) => !skippedIds.has(r.therapistId) && r.w9 && (parts.copiesOf === undefined || r.therapistId === parts.copiesOf))
    : [];
  const furnishedOn = today(ctx, settings.timeZone);
  const copyNames = uniqueNames(filed.map((r) => safeFileName(r.name)));
  const copies = await Promise.all(filed.map(async (r, i): Promise<ExportFile> => ({
    name: `1099-NEC-${year}-copy-B-${copyNames[i]}.pdf`,
    therapistId: r.therapistId,
    bytes: await ctx.renderer.render({
      kind: 'nec-copy-b',
      input: {
        year, furnishedOn, box1Cents: r.totalCents,
        payer: { name: settings.name, address: settings.address, phone: settings.phone, tinMasked: maskTinLast4(payerTin!.last4, payerTin!.type) },
        recipient: { legalName: r.w9!.legalName, businessName: r.w9!.businessName, address: r.w9!.address, tinMasked: maskTinLast4(r.w9!.tin.slice(-4), r.w9!.tinType) },
      },
    }),
  })));
  if (parts.irisFile !== undefined && irisFiles[parts.irisFile - 1] === undefined) {
    return fail('not-found', `there is no IRIS file ${parts.irisFile} for ${year}`);
  }
  if (parts.copiesOf !== undefined && copies.length === 0) {
    return fail('not-found', `no 1099-NEC copy for this therapist in ${year}: below the threshold, not paid, or left out of the IRS file (see the summary)`);
  }
  const skipped = iris.ok ? iris.value.skipped : [];
  const summaryName = `1099-NEC-${year}-summary.pdf`;
  const summaryPdf = await ctx.renderer.render({
    kind: 'year-end-summary',
    input: { org: settings, summary: s, files: [...irisFiles, ...copies].map((f) => f.name), skipped, payerProblems, preparedOn: furnishedOn },
  });
  await audit(ctx, orgId, [{
    action: 'export', recordType: 'tax-year', recordId: String(year),
    detail: `1099-NEC export: ${irisFiles.length} IRIS files, ${copies.length} recipient copies, ${skipped.length} left out`,
  }]);
  return ok({ summary: s, files: [...irisFiles, ...copies, { name: summaryName, bytes: summaryPdf }], skipped, payerProblems });
}
