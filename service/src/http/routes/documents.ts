/** Downloads: issued PDFs (invoices, void notices, credit notes, pay statements) and the 1099-NEC year-end files. */
import { ok, type Result } from '../../../../shared/index.ts';
import { irisFileName } from '../../../../shared/iris.ts';
import { creditNotePdf, invoicePdf, payStatementPdf, voidNoticePdf, type IssuedDocument } from '../../usecases/documents.ts';
import type { Failure } from '../../failure.ts';
import { exportAccounting } from '../../usecases/accounting-export.ts';
import { exportYearEnd } from '../../usecases/year-end-export.ts';
import { route, type DownloadFile } from '../route.ts';
import {
  accountingFileSpec,
  creditNotePdfSpec,
  invoicePdfSpec,
  irisFileSpec,
  necCopyBSpec,
  payStatementPdfSpec,
  voidNoticePdfSpec,
  yearEndSummaryPdfSpec,
} from './documents.schema.ts';

async function download(result: Promise<Result<IssuedDocument, Failure>>): Promise<Result<DownloadFile, Failure>> {
  const r = await result;
  return r.ok ? ok({ fileName: r.value.fileName, bytes: r.value.bytes, sha256: r.value.sha256 }) : r;
}

export const documentRoutes = [
  route(invoicePdfSpec, ({ params, documents }) => download(invoicePdf(documents, params.orgId, params.invoiceId))),
  route(voidNoticePdfSpec, ({ params, documents }) => download(voidNoticePdf(documents, params.orgId, params.invoiceId))),
  route(creditNotePdfSpec, ({ params, documents }) => download(creditNotePdf(documents, params.orgId, params.creditNoteId))),
  route(payStatementPdfSpec, ({ params, documents }) =>
    download(payStatementPdf(documents, params.orgId, params.payRunId, params.therapistId)),
  ),
  route(yearEndSummaryPdfSpec, async ({ params, documents }) => {
    const exported = await exportYearEnd(documents, params.orgId, params.year, { copies: false });
    if (!exported.ok) return exported;
    const summary = exported.value.files.find((f) => f.name.endsWith('-summary.pdf'))!;
    return ok({ fileName: summary.name, bytes: summary.bytes });
  }),
  route(irisFileSpec, async ({ params, documents }) => {
    const exported = await exportYearEnd(documents, params.orgId, params.year, { copies: false, irisFile: params.fileNumber });
    if (!exported.ok) return exported;
    const file = exported.value.files.find((f) => f.name === irisFileName(params.year, params.fileNumber - 1))!;
    return ok({ fileName: file.name, bytes: file.bytes });
  }),
  route(necCopyBSpec, async ({ params, documents }) => {
    const exported = await exportYearEnd(documents, params.orgId, params.year, { copiesOf: params.therapistId });
    if (!exported.ok) return exported;
    const copy = exported.value.files.find((f) => f.therapistId === params.therapistId)!;
    return ok({ fileName: copy.name, bytes: copy.bytes });
  }),
  route(accountingFileSpec, async ({ params, query, ctx }) => {
    const files = await exportAccounting(ctx, params.orgId, query);
    if (!files.ok) return files;
    const file = files.value.find((f) => f.name.startsWith(`${params.file}-`))!;
    return ok({ fileName: file.name, bytes: file.bytes });
  }),
];
