/**
 * Issued invoices: read (with patients named as the agency chose, audited), void, and
 * credit notes. An issued invoice never changes; a correction is a void (its visits are
 * billed again on the next close, as late visits) or a numbered credit note.
 */
import * as z from 'zod/mini';
import {
  draftCreditNote,
  isoDate,
  ok,
  patientLabel,
  voidInvoice as voidInvoiceRule,
  type CreditNote,
  type Patient,
  type Result,
} from '../../../shared/index.ts';
import type { InvoiceSortKey, StoredInvoice } from '../store/port.ts';
import { DEFAULT_PAGE_SIZE, pageFrom, type Page, type PageRequest } from './paging.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

export type InvoiceView = StoredInvoice & { lines: (StoredInvoice['lines'][number] & { patient: string })[] };

/** A page of invoices in number order. */
export async function listInvoices(
  ctx: UseCaseContext,
  orgId: string,
  query: { agencyId?: string } = {},
  page: PageRequest<InvoiceSortKey> = { limit: DEFAULT_PAGE_SIZE },
): Promise<Result<Page<StoredInvoice>, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok(pageFrom(await ctx.store.listInvoices(orgId, query, { ...page, limit: page.limit + 1 }), page.limit, (i) => [i.sequence]));
}

/** The invoice with each line's patient as the invoice names them (PHI: the read is audited). */
export async function getInvoice(ctx: UseCaseContext, orgId: string, invoiceId: string): Promise<Result<InvoiceView, Failure>> {
  const invoice = await ctx.store.getInvoice(orgId, invoiceId);
  if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
  return ok(await invoiceView(ctx, orgId, invoice));
}

/** `getInvoice` for an invoice already read (a close's, say): its patients named, the read audited. */
export async function invoiceView(ctx: UseCaseContext, orgId: string, invoice: StoredInvoice): Promise<InvoiceView> {
  const visits = new Map(
    (
      await ctx.store.getVisits(
        orgId,
        invoice.lines.map((l) => l.visitId),
      )
    ).map((v) => [v.id, v]),
  );
  const lines = invoice.lines.map((line) => {
    const visit = visits.get(line.visitId);
    const label = visit ? patientLabel(ctx.cipher.openJson<Patient>(visit.patient), invoice.patientIdentifier) : null;
    return { ...line, patient: label?.ok ? label.value : '(patient record unavailable)' };
  });
  await audit(ctx, orgId, [{ action: 'read', recordType: 'invoice', recordId: invoice.id, detail: `${lines.length} patient lines` }]);
  return { ...invoice, lines };
}

const voidInput = z.object({
  reason: z.string().check(z.trim(), z.minLength(1, { message: 'is required: say why the invoice is void' }), z.maxLength(500)),
});

export async function voidInvoice(
  ctx: UseCaseContext,
  orgId: string,
  invoiceId: string,
  input: unknown,
): Promise<Result<StoredInvoice, Failure>> {
  const parsed = voidInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', `reason ${parsed.error.issues[0]?.message}`, describeIssues(parsed.error.issues));
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const invoice = await ctx.store.getInvoice(orgId, invoiceId);
  if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
  // The core's rules (not void already, a reason, not before the issue date), then the service's own: no credit notes.
  const rule = voidInvoiceRule(invoice, { on: today(ctx, org.value.settings.timeZone), reason: parsed.data.reason });
  if (!rule.ok) return fail('rule-broken', rule.error.message, { code: rule.error.code });
  const credited = await ctx.store.listCreditNotes(orgId, invoiceId);
  if (credited.length > 0)
    return fail(
      'rule-broken',
      `invoice ${invoice.number} has credit notes (${credited.map((n) => n.number).join(', ')}); correct it with another credit note instead of a void`,
    );
  const voided = await ctx.store.voidInvoice(orgId, invoiceId, { on: rule.value.voidedOn!, reason: rule.value.voidReason! });
  if (!voided) return fail('not-found', `no invoice "${invoiceId}"`);
  await audit(ctx, orgId, [{ action: 'void', recordType: 'invoice', recordId: invoiceId, detail: invoice.number }]);
  return ok(voided);
}

const creditInput = z.object({
  reason: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(500)),
  issueDate: z.optional(isoDate),
  /** Omitted: the whole invoice is credited. */
  lines: z.optional(
    z
      .array(
        z.object({
          visitId: z.optional(z.string()),
          description: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(300)),
          amountCents: z.int().check(z.positive({ message: 'must be more than zero cents' })),
        }),
      )
      .check(z.minLength(1, { message: 'must have at least one line' })),
  ),
});

const MAX_NUMBER_RETRIES = 3;

export async function issueCreditNote(
  ctx: UseCaseContext,
  orgId: string,
  invoiceId: string,
  input: unknown,
): Promise<Result<CreditNote, Failure>> {
  const parsed = creditInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the credit note is not valid', describeIssues(parsed.error.issues));
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const invoice = await ctx.store.getInvoice(orgId, invoiceId);
  if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
  for (let attempt = 0; attempt <= MAX_NUMBER_RETRIES; attempt++) {
    const priorNotes = await ctx.store.listCreditNotes(orgId, invoiceId);
    const note = draftCreditNote(invoice, {
      issueDate: parsed.data.issueDate ?? today(ctx, org.value.settings.timeZone),
      reason: parsed.data.reason,
      ...(parsed.data.lines ? { lines: parsed.data.lines } : {}),
      priorNotes,
      id: ctx.newId(),
    });
    if (!note.ok) return fail('rule-broken', note.error.message, { code: note.error.code });
    if ((await ctx.store.insertCreditNote(orgId, note.value)) === 'number-taken') continue;
    await audit(ctx, orgId, [
      { action: 'credit', recordType: 'credit-note', recordId: note.value.id, detail: `${note.value.number} on ${invoice.number}` },
    ]);
    return ok(note.value);
  }
  return fail('conflict', `another credit note on ${invoice.number} was issued at the same time; try again`);
}

export async function listCreditNotes(ctx: UseCaseContext, orgId: string, invoiceId?: string): Promise<Result<CreditNote[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok(await ctx.store.listCreditNotes(orgId, invoiceId));
}
