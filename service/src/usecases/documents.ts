/**
 * Issued documents: an invoice, credit note, void notice or pay statement is rendered once,
 * when it is first asked for (a close asks for its invoices and statements), stored with its
 * SHA-256, and served byte-identical afterwards; every read checks the hash and is audited.
 * A new fact makes a new document, never a changed one: a pay statement paid later is a new
 * statement naming the payment. The bytes are sealed before the store sees them
 * (crypto/document-seal.ts); the hash is over the plaintext, so a download is what was rendered.
 */
import { createHash } from 'node:crypto';
import { ok, type Agency, type Payment, type Result } from '../../../shared/index.ts';
import { openDocument, sealDocument } from '../crypto/document-seal.ts';
import type { DocumentRenderer, RenderRequest } from '../documents/renderer-port.ts';
import type { DocumentKind, DocumentStore, OrgRecord, PayRunRecord, StoredDocument, StoredInvoice } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { fail, type Failure } from '../failure.ts';
import { invoiceView } from './invoices.ts';
import { loadOrg } from './orgs.ts';

export type DocumentContext = UseCaseContext & { documents: DocumentStore; renderer: DocumentRenderer };

export type IssuedDocument = {
  id: string;
  kind: DocumentKind;
  recordId: string;
  sha256: string;
  bytes: Uint8Array;
  createdAt: string;
  fileName: string;
};

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The stored document opened; one whose bytes fail authentication or no longer match their hash is never served. */
export function checked(ctx: UseCaseContext, orgId: string, doc: StoredDocument): StoredDocument {
  let bytes: Uint8Array;
  try {
    bytes = openDocument(ctx.cipher, orgId, doc.id, doc.bytes);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'bad-ciphertext') throw error;
    throw new Error(`issued document ${doc.id} failed authentication (altered, or not this document's)`, {
      cause: { code: 'document-corrupt' },
    });
  }
  if (sha256Hex(bytes) !== doc.sha256) {
    throw new Error(`issued document ${doc.id} does not match its SHA-256`, { cause: { code: 'document-corrupt' } });
  }
  return { ...doc, bytes };
}

/** The stored document, or the one `request` renders now, stored first (a racing render's first put wins). */
async function issueOnce(
  ctx: DocumentContext,
  orgId: string,
  key: { id: string; kind: DocumentKind; recordId: string },
  request: () => Promise<Result<RenderRequest, Failure>>,
): Promise<Result<{ doc: StoredDocument; rendered: boolean }, Failure>> {
  const existing = await ctx.documents.getDocument(orgId, key.id);
  if (existing) return ok({ doc: checked(ctx, orgId, existing), rendered: false });
  const built = await request();
  if (!built.ok) return built;
  const bytes = await ctx.renderer.render(built.value);
  const sealed = sealDocument(ctx.cipher, orgId, key.id, bytes);
  const stored = await ctx.documents.putDocument(orgId, {
    ...key,
    bytes: sealed,
    sha256: sha256Hex(bytes),
    createdAt: ctx.now().toISOString(),
  });
  return ok({ doc: checked(ctx, orgId, stored), rendered: true });
}

function agencyOf(agencies: readonly Agency[], id: string): Pick<Agency, 'name' | 'address' | 'contactEmail'> | undefined {
  return agencies.find((a) => a.id === id);
}

/**
 * The records documents are made from, each read once for a batch of documents: a close's
 * hundreds of pay statements come from one pay run of up to 100,000 lines, too large to read
 * and unpack again for each statement (figures: bench/README.md).
 */
export type DocumentSources = {
  org(): Promise<Result<OrgRecord, Failure>>;
  agencies(): Promise<Agency[]>;
  payRun(payRunId: string): Promise<PayRunRecord | null>;
  invoice(invoiceId: string): Promise<StoredInvoice | null>;
  /** The payments of a pay run to one therapist, by paid date. */
  payments(payRunId: string, therapistId: string): Promise<Payment[]>;
};

/** Records the caller already holds (a close's invoices and pay runs), served without reading them again. */
export type KnownRecords = { invoices?: readonly StoredInvoice[]; payRuns?: readonly PayRunRecord[] };

/** A read made once per key, its promise shared by every caller. */
function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (!pending) cache.set(key, (pending = read()));
  return pending;
}

/** Sources for one document (a download): each record read once, a statement's payments asked for by therapist. */
export function documentSources(ctx: UseCaseContext, orgId: string, known: KnownRecords = {}): DocumentSources {
  let org: Promise<Result<OrgRecord, Failure>> | undefined;
  let agencies: Promise<Agency[]> | undefined;
  const payRuns = new Map((known.payRuns ?? []).map((r) => [r.id, Promise.resolve<PayRunRecord | null>(r)]));
  const invoices = new Map((known.invoices ?? []).map((i) => [i.id, Promise.resolve<StoredInvoice | null>(i)]));
  return {
    org: () => (org ??= loadOrg(ctx, orgId)),
    agencies: () => (agencies ??= ctx.store.listAgencies(orgId)),
    payRun: (payRunId) => once(payRuns, payRunId, () => ctx.store.getPayRun(orgId, payRunId)),
    invoice: (invoiceId) => once(invoices, invoiceId, () => ctx.store.getInvoice(orgId, invoiceId)),
    payments: (payRunId, therapistId) => ctx.store.listPayments(orgId, { payRunId, therapistId }),
  };
}

/** Sources for a close's batch of documents: as documentSources, with each pay run's payments read once for all its statements. */
function batchSources(ctx: UseCaseContext, orgId: string, known: KnownRecords = {}): DocumentSources {
  const payments = new Map<string, Promise<Payment[]>>();
  return {
    ...documentSources(ctx, orgId, known),
    payments: async (payRunId, therapistId) =>
      (await once(payments, payRunId, () => ctx.store.listPayments(orgId, { payRunId }))).filter((p) => p.therapistId === therapistId),
  };
}

/** `download`: someone receives the bytes (audited as such); `issue`: rendered ahead, for a later download. */
export type DocumentPurpose = 'download' | 'issue';

async function served(
  ctx: DocumentContext,
  orgId: string,
  issued: { doc: StoredDocument; rendered: boolean },
  recordType: 'invoice' | 'credit-note' | 'pay-run',
  fileName: string,
  purpose: DocumentPurpose = 'download',
): Promise<IssuedDocument> {
  const { doc } = issued;
  await audit(ctx, orgId, [
    ...(issued.rendered
      ? [
          {
            action: 'create' as const,
            recordType,
            recordId: doc.recordId,
            detail: `${doc.kind} PDF issued, sha256 ${doc.sha256.slice(0, 12)}`,
          },
        ]
      : []),
    ...(purpose === 'download' ? [{ action: 'download' as const, recordType, recordId: doc.recordId, detail: `${doc.kind} PDF` }] : []),
  ]);
  return { ...doc, fileName };
}

/** The invoice's PDF (patients as the agency chose: PHI, so the read is audited). */
export async function invoicePdf(
  ctx: DocumentContext,
  orgId: string,
  invoiceId: string,
  purpose: DocumentPurpose = 'download',
  sources = documentSources(ctx, orgId),
): Promise<Result<IssuedDocument, Failure>> {
  const org = await sources.org();
  if (!org.ok) return org;
  const issued = await issueOnce(ctx, orgId, { id: `invoice:${invoiceId}`, kind: 'invoice', recordId: invoiceId }, async () => {
    const stored = await sources.invoice(invoiceId);
    if (!stored) return fail('not-found', `no invoice "${invoiceId}"`);
    const invoice = await invoiceView(ctx, orgId, stored);
    const agency = agencyOf(await sources.agencies(), invoice.agencyId);
    return ok({ kind: 'invoice', input: { org: org.value.settings, agency, invoice } });
  });
  if (!issued.ok) return issued;
  const invoice = await sources.invoice(invoiceId);
  return ok(await served(ctx, orgId, issued.value, 'invoice', `${invoice?.number ?? invoiceId}.pdf`, purpose));
}

/** The notice that an invoice is void, naming it. */
export async function voidNoticePdf(ctx: DocumentContext, orgId: string, invoiceId: string): Promise<Result<IssuedDocument, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const invoice = await ctx.store.getInvoice(orgId, invoiceId);
  if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
  if (invoice.status !== 'void') return fail('rule-broken', `invoice ${invoice.number} is not void, so it has no void notice`);
  const issued = await issueOnce(ctx, orgId, { id: `void-notice:${invoiceId}`, kind: 'void-notice', recordId: invoiceId }, async () =>
    ok({
      kind: 'void-notice',
      input: { org: org.value.settings, agency: agencyOf(await ctx.store.listAgencies(orgId), invoice.agencyId), invoice },
    }),
  );
  if (!issued.ok) return issued;
  return ok(await served(ctx, orgId, issued.value, 'invoice', `${invoice.number}-VOID.pdf`));
}

export async function creditNotePdf(ctx: DocumentContext, orgId: string, creditNoteId: string): Promise<Result<IssuedDocument, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const note = (await ctx.store.listCreditNotes(orgId)).find((n) => n.id === creditNoteId);
  if (!note) return fail('not-found', `no credit note "${creditNoteId}"`);
  const issued = await issueOnce(ctx, orgId, { id: `credit-note:${note.id}`, kind: 'credit-note', recordId: note.id }, async () => {
    const invoice = await ctx.store.getInvoice(orgId, note.invoiceId);
    if (!invoice) return fail('not-found', `the credit note's invoice "${note.invoiceId}" is missing`);
    return ok({
      kind: 'credit-note',
      input: { org: org.value.settings, agency: agencyOf(await ctx.store.listAgencies(orgId), note.agencyId), note, invoice },
    });
  });
  if (!issued.ok) return issued;
  return ok(await served(ctx, orgId, issued.value, 'credit-note', `${note.number}.pdf`));
}

/**
 * A therapist's statement for a pay run. Its id names the paid payments it shows, so the
 * statement issued before payment stays as it was and the paid one is a document of its own.
 */
export async function payStatementPdf(
  ctx: DocumentContext,
  orgId: string,
  payRunId: string,
  therapistId: string,
  purpose: DocumentPurpose = 'download',
  sources = documentSources(ctx, orgId),
): Promise<Result<IssuedDocument, Failure>> {
  const org = await sources.org();
  if (!org.ok) return org;
  const payRun = await sources.payRun(payRunId);
  if (!payRun) return fail('not-found', `no pay run "${payRunId}"`);
  const statement = payRun.statements.find((s) => s.therapistId === therapistId);
  if (!statement) return fail('not-found', `pay run "${payRunId}" has no statement for therapist "${therapistId}"`);
  const payments = await sources.payments(payRunId, therapistId);
  const paidIds = payments
    .filter((p) => p.status === 'paid')
    .map((p) => p.id)
    .sort();
  const id = `pay-statement:${payRunId}:${therapistId}${paidIds.length > 0 ? `:paid:${paidIds.join(',')}` : ''}`;
  const issued = await issueOnce(ctx, orgId, { id, kind: 'pay-statement', recordId: payRunId }, async () =>
    ok({ kind: 'pay-statement', input: { org: org.value.settings, payRunId, statement, payments } }),
  );
  if (!issued.ok) return issued;
  return ok(await served(ctx, orgId, issued.value, 'pay-run', `${statement.therapistName}.pdf`, purpose));
}

/** What a close just issued: its invoices and its pay statements (and the records themselves, when the caller holds them). */
export type ClosedRecords = {
  invoiceIds: readonly string[];
  statements: ReadonlyArray<{ payRunId: string; therapistId: string }>;
  known?: KnownRecords;
};

/**
 * The documents of what a close just issued, in order: each invoice's PDF, then each pay
 * statement, from one set of sources (the pay run read once, not once per statement).
 * The first failure, if any, in that order.
 */
export async function closedDocuments(
  ctx: DocumentContext,
  orgId: string,
  closed: ClosedRecords,
  purpose: DocumentPurpose,
): Promise<Result<IssuedDocument[], Failure>> {
  const sources = batchSources(ctx, orgId, closed.known);
  const results = await Promise.all([
    ...closed.invoiceIds.map((id) => invoicePdf(ctx, orgId, id, purpose, sources)),
    ...closed.statements.map((s) => payStatementPdf(ctx, orgId, s.payRunId, s.therapistId, purpose, sources)),
  ]);
  const issued: IssuedDocument[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    issued.push(result.value);
  }
  return ok(issued);
}

/**
 * Issues the documents of what a close just issued: each invoice's PDF and each pay
 * statement, rendered and stored now so that the first download is served, not rendered.
 * Stops at the first failure (what is left renders on its first download instead).
 */
export async function issueClosedDocuments(ctx: DocumentContext, orgId: string, closed: ClosedRecords): Promise<Result<number, Failure>> {
  const issued = await closedDocuments(ctx, orgId, closed, 'issue');
  return issued.ok ? ok(issued.value.length) : issued;
}
