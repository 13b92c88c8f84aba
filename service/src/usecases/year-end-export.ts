/**
 * The 1099-NEC year end: the IRIS upload files (the only place a full TIN is written), a
 * substitute Copy B per therapist who reaches the threshold and can be filed, and the
 * owner's summary with the same figures as the tax-year report. Nothing here is stored:
 * payments recorded later change the year, so each export is made afresh, and audited.
 */
import { createHash } from 'node:crypto';
import { formatTin, maskTinLast4, ok, toExportCsv, type Result, type TaxYearSummary, type W9 } from '../../../shared/index.ts';
import { buildIris1099Nec, irisFileName, necAccountNumber, type IrisRecipient, type IrisSkipped } from '../../../shared/iris.ts';
import { necCorrections, readFiledIrisFile, tinMatchingFile, type NecCorrection, type NecFiling } from '../../../shared/nec-filing.ts';
import { safeFileName, uniqueNames } from '../documents/file-names.ts';
import type { OrgRecord, StoredW9 } from '../store/port.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import type { DocumentContext } from './documents.ts';
import { fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { summarizeTaxYearOf } from './payments.ts';

/** A file of an export; a recipient copy names its therapist. */
export type ExportFile = { name: string; bytes: Uint8Array; therapistId?: string };

export type YearEndExport = {
  summary: TaxYearSummary;
  /** IRIS CSVs, then the TIN Matching file (when asked), the recipient copies, then the summary PDF. */
  files: ExportFile[];
  skipped: IrisSkipped[];
  payerProblems: string[];
  /** Returns marked filed whose amounts changed since: each needs a correction. */
  corrections: NecCorrection[];
};

function openedW9(ctx: UseCaseContext, w9: StoredW9): W9 {
  return { ...w9, tin: ctx.cipher.open(w9.tin.sealed) };
}

/** What the owner types to fix the payer's own details, named in every message about them. */
const PAYER_FIXES = {
  tin: 'the payer TIN is not set (visitledger payer-tin --tin 12-3456789 --type EIN)',
};

/**
 * `copies: false` leaves the recipient copies out (a download of the summary or an IRS file
 * needs none of them); `copiesOf` renders one therapist's copy only, and `irisFile` asks for
 * IRS file n (from 1); `tinMatching` adds the IRS bulk TIN Matching file. A file asked for
 * that the year does not have is refused before the export is audited: nothing was handed out.
 */
export async function exportYearEnd(
  ctx: DocumentContext,
  orgId: string,
  year: number,
  parts: { copies?: boolean; copiesOf?: string; irisFile?: number; tinMatching?: boolean } = {},
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
    return {
      therapistId: t.therapistId,
      name: t.name,
      totalCents: t.totalCents,
      withheldCents: t.withheldCents,
      w9: w9 ? openedW9(ctx, w9) : undefined,
    };
  });
  const corrections = necCorrections(s, org.value.necFilings ?? []);
  const correctedIds = new Set(corrections.map((c) => c.therapistId));

  const payerTin = org.value.payerTin;
  const payerTinDigits = payerTin ? ctx.cipher.open(payerTin.sealed) : '';
  // Nobody reaches the threshold: there is no IRS file to write, so the payer's details cannot block one.
  const iris =
    recipients.length === 0
      ? ok({ files: [], records: [], skipped: [] })
      : buildIris1099Nec({
          year,
          payer: {
            name: settings.name,
            nameType: payerTin?.type === 'SSN' ? 'I' : 'B',
            tin: payerTinDigits,
            tinType: payerTin?.type ?? 'EIN',
            address: settings.address,
            phone: settings.phone,
            email: settings.email,
          },
          recipients,
        });
  if (!iris.ok && iris.error.code === 'form-unknown') return fail('rule-broken', iris.error.message);
  const payerProblems =
    iris.ok || iris.error.code !== 'payer-incomplete'
      ? []
      : iris.error.problems.map((p) => (payerTin ? p : p.replace(/^the payer TIN is not usable: .*/, PAYER_FIXES.tin)));
  const irisFiles: ExportFile[] = iris.ok
    ? iris.value.files.map((rows, i) => ({ name: irisFileName(year, i), bytes: new TextEncoder().encode(toExportCsv(rows)) }))
    : [];
  const skippedIds = new Set(iris.ok ? iris.value.skipped.map((k) => k.therapistId) : []);
  // Without the payer's details no copy can be right either; otherwise every recipient in the IRS file gets one.
  const filed =
    iris.ok && parts.copies !== false
      ? recipients.filter(
          (r) => !skippedIds.has(r.therapistId) && r.w9 && (parts.copiesOf === undefined || r.therapistId === parts.copiesOf),
        )
      : [];
  const furnishedOn = today(ctx, settings.timeZone);
  const copyNames = uniqueNames(filed.map((r) => safeFileName(r.name)));
  const copies = await Promise.all(
    filed.map(
      async (r, i): Promise<ExportFile> => ({
        name: `1099-NEC-${year}-copy-B-${correctedIds.has(r.therapistId) ? 'CORRECTED-' : ''}${copyNames[i]}.pdf`,
        therapistId: r.therapistId,
        bytes: await ctx.renderer.render({
          kind: 'nec-copy-b',
          input: {
            year,
            furnishedOn,
            box1Cents: r.totalCents,
            box4Cents: r.withheldCents ?? 0,
            corrected: correctedIds.has(r.therapistId),
            payer: {
              name: settings.name,
              address: settings.address,
              phone: settings.phone,
              tin: formatTin(payerTinDigits, payerTin!.type),
            },
            recipient: {
              legalName: r.w9!.legalName,
              businessName: r.w9!.businessName,
              address: r.w9!.address,
              tinMasked: maskTinLast4(r.w9!.tin.slice(-4), r.w9!.tinType),
              accountNumber: necAccountNumber(r.therapistId),
            },
          },
        }),
      }),
    ),
  );
  if (parts.irisFile !== undefined && irisFiles[parts.irisFile - 1] === undefined) {
    return fail('not-found', `there is no IRIS file ${parts.irisFile} for ${year}`);
  }
  if (parts.copiesOf !== undefined && copies.length === 0) {
    return fail(
      'not-found',
      `no 1099-NEC copy for this therapist in ${year}: below the threshold, not paid, or left out of the IRS file (see the summary)`,
    );
  }
  const skipped = iris.ok ? iris.value.skipped : [];
  const matching = parts.tinMatching ? [tinMatchingExport(ctx, s, therapists, year)] : [];
  const summaryName = `1099-NEC-${year}-summary.pdf`;
  const summaryPdf = await ctx.renderer.render({
    kind: 'year-end-summary',
    input: {
      org: settings,
      summary: s,
      files: [...irisFiles, ...matching, ...copies].map((f) => f.name),
      skipped,
      payerProblems,
      corrections,
      preparedOn: furnishedOn,
    },
  });
  await audit(ctx, orgId, [
    {
      action: 'export',
      recordType: 'tax-year',
      recordId: String(year),
      detail: `1099-NEC export: ${irisFiles.length} IRIS files, ${matching.length} TIN Matching files, ${copies.length} recipient copies, ${skipped.length} left out, ${corrections.length} to correct`,
    },
  ]);
  return ok({
    summary: s,
    files: [...irisFiles, ...matching, ...copies, { name: summaryName, bytes: summaryPdf }],
    skipped,
    payerProblems,
    corrections,
  });
}

/** The bulk TIN Matching request: every therapist paid in the year with a W-9 on file, reportable or not. */
function tinMatchingExport(
  ctx: UseCaseContext,
  s: TaxYearSummary,
  therapists: ReadonlyMap<string, { w9?: StoredW9 }>,
  year: number,
): ExportFile {
  const entries = s.therapists.flatMap((t) => {
    const w9 = therapists.get(t.therapistId)?.w9;
    return w9
      ? [
          {
            therapistId: t.therapistId,
            name: w9.legalName,
            tinType: w9.tin.type,
            tin: ctx.cipher.open(w9.tin.sealed),
            accountNumber: necAccountNumber(t.therapistId),
          },
        ]
      : [];
  });
  return { name: `tin-matching-${year}.txt`, bytes: new TextEncoder().encode(tinMatchingFile(entries).text) };
}

export type MarkedFiled = { filing: NecFiling; alreadyMarked: boolean; unknownRecords: number };

/**
 * Records that an IRIS file was filed: its SHA-256 and, per recipient, the Box 1 and Box 4
 * the IRS received. Each record is matched to its therapist by the Form Account Number and
 * the TIN on their W-9. The same file marked twice is recorded once.
 */
export async function markNecFiled(
  ctx: UseCaseContext,
  orgId: string,
  year: number,
  file: { name: string; bytes: Uint8Array },
): Promise<Result<MarkedFiled, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const existing = (org.value.necFilings ?? []).find((f) => f.sha256 === sha256);
  if (existing) return ok({ filing: existing, alreadyMarked: true, unknownRecords: 0 });
  const records = readFiledIrisFile(new TextDecoder().decode(file.bytes), year);
  if (!records.ok) return fail('invalid-input', records.error.message);
  const therapists = await ctx.store.listTherapists(orgId);
  const byAccount = new Map(therapists.map((t) => [necAccountNumber(t.id), t]));
  let unknownRecords = 0;
  const returns = records.value.flatMap((r) => {
    const t = byAccount.get(r.accountNumber);
    if (!t?.w9 || ctx.cipher.open(t.w9.tin.sealed) !== r.tin) {
      unknownRecords += 1;
      return [];
    }
    return [{ therapistId: t.id, name: t.name, box1Cents: r.box1Cents, box4Cents: r.box4Cents }];
  });
  if (unknownRecords > 0) {
    return fail(
      'invalid-input',
      `${unknownRecords} of the file's ${records.value.length} returns match no therapist's account number and W-9 TIN: mark only a file this org exported for ${year}`,
    );
  }
  const filing: NecFiling = { year, sha256, fileName: file.name, markedAt: ctx.now().toISOString(), returns };
  const updated: OrgRecord = { ...org.value, necFilings: [...(org.value.necFilings ?? []), filing] };
  await ctx.store.updateOrg(updated);
  await audit(ctx, orgId, [
    {
      action: 'update',
      recordType: 'tax-year',
      recordId: String(year),
      detail: `1099-NEC file marked filed: sha256 ${sha256}, ${returns.length} returns`,
    },
  ]);
  return ok({ filing, alreadyMarked: false, unknownRecords });
}

/** The filed returns of a year that need a correction now (for `tax-year --json`). */
export async function necCorrectionsOf(ctx: UseCaseContext, orgId: string, year: number): Promise<Result<NecCorrection[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  if ((org.value.necFilings ?? []).every((f) => f.year !== year)) return ok([]);
  const summary = await summarizeTaxYearOf(ctx, orgId, year);
  if (!summary.ok) return summary;
  return ok(necCorrections(summary.value, org.value.necFilings ?? []));
}
