/** The document renderer in this thread (the port is renderer-port.ts): a request's PDF bytes. */
import { creditNoteDocument, voidNoticeDocument } from './correction-pdf.ts';
import { invoiceDocument } from './invoice-pdf.ts';
import { necCopyBDocument } from './nec-copy-b-pdf.ts';
import { payStatementDocument } from './pay-statement-pdf.ts';
import { renderPdf, type DocDefinition } from './pdf-printer.ts';
import type { DocumentRenderer, RenderRequest } from './renderer-port.ts';
import { yearEndSummaryDocument } from './year-end-summary-pdf.ts';

function definitionOf(request: RenderRequest): DocDefinition {
  switch (request.kind) {
    case 'invoice':
      return invoiceDocument(request.input);
    case 'credit-note':
      return creditNoteDocument(request.input);
    case 'void-notice':
      return voidNoticeDocument(request.input);
    case 'pay-statement':
      return payStatementDocument(request.input);
    case 'nec-copy-b':
      return necCopyBDocument(request.input);
    case 'year-end-summary':
      return yearEndSummaryDocument(request.input);
  }
}

export async function renderDocument(request: RenderRequest): Promise<Uint8Array> {
  return new Uint8Array(await renderPdf(definitionOf(request)));
}

export const inThreadRenderer: DocumentRenderer = { render: renderDocument };
