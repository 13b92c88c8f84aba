/**
 * The document renderer port: a request is plain data (it can cross to a worker thread),
 * the answer is the PDF's bytes. render.ts renders in this thread; render-pool.ts spreads
 * requests over worker threads for a close's hundreds of documents.
 */
import type { creditNoteDocument, voidNoticeDocument } from './correction-pdf.ts';
import type { invoiceDocument } from './invoice-pdf.ts';
import type { necCopyBDocument } from './nec-copy-b-pdf.ts';
import type { payStatementDocument } from './pay-statement-pdf.ts';
import type { yearEndSummaryDocument } from './year-end-summary-pdf.ts';

export type RenderRequest =
  | { kind: 'invoice'; input: Parameters<typeof invoiceDocument>[0] }
  | { kind: 'credit-note'; input: Parameters<typeof creditNoteDocument>[0] }
  | { kind: 'void-notice'; input: Parameters<typeof voidNoticeDocument>[0] }
  | { kind: 'pay-statement'; input: Parameters<typeof payStatementDocument>[0] }
  | { kind: 'nec-copy-b'; input: Parameters<typeof necCopyBDocument>[0] }
  | { kind: 'year-end-summary'; input: Parameters<typeof yearEndSummaryDocument>[0] };

export type DocumentRenderer = {
  render(request: RenderRequest): Promise<Uint8Array>;
  /** Stops what the renderer started (a pool's worker threads); nothing to stop in this thread. */
  close?(): Promise<void>;
};
