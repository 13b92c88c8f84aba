/**
 * Getting paid: receipts from agencies applied to their invoices, credit on account applied
 * or refunded, short pays written off, and mistakes reversed. The rules are the billing
 * core's (shared/receivables.ts); here each change is read, planned and written as one
 * store write (the receipt with its applications together), retried when another write to
 * the same agency's ledger came first, and audited.
 */
import * as z from 'zod/mini';
import { isoDate, ok, type Cents, type IsoDate, type Result } from '../../../shared/index.ts';
import {
  nextSeq,
  planCreditApplication,
  planReceipt,
  planRefund,
  planReversal,
  planWriteOff,
  receiptMethod,
  receivablesLedger,
  type EntryStamp,
  type LedgerInputs,
  type ReceiptEntry,
  type ReceivableEntry,
  type ReceivablesError,
} from '../../../shared/receivables.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import type { AuditEntry } from '../store/port.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { loadOrg } from './orgs.ts';
import { invoiceReceivable, readLedger, type InvoiceReceivable } from './receivables.ts';

const MAX_ATTEMPTS = 5;

const requiredId = z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(128));
const amount = z
  .int()
  .check(z.positive({ message: 'must be more than zero cents' }), z.maximum(100_000_000_00, { message: 'is more than $100,000,000' }));
const reference = z.optional(z.string().check(z.trim(), z.maxLength(200, { message: 'is longer than 200 characters' })));
const reason = z
  .string()
  .check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(500, { message: 'is longer than 500 characters' }));

export const receiptInput = z.object({
  agencyId: requiredId,
  amountCents: amount,
  /** The day the money arrived. */
  receivedOn: isoDate,
  method: receiptMethod,
  /** A check number, a transfer id: never PHI. */
  reference,
  /** The invoices it pays, in order; none: the agency's oldest due first. What is left is credit. */
  invoiceIds: z.optional(z.array(requiredId).check(z.maxLength(499))),
  /**
   * An idempotency key chosen by the sender, unique in the org: sent again with the same
   * receipt it answers the receipt first recorded; with a different one it is refused.
   */
  clientId: z.optional(requiredId),
});
export const reversalInput = z.object({ reason, on: z.optional(isoDate) });
export const creditApplicationInput = z.object({
  amountCents: z.optional(amount),
  invoiceIds: z.optional(z.array(requiredId).check(z.maxLength(500))),
  on: z.optional(isoDate),
});
export const refundInput = z.object({ amountCents: amount, on: isoDate, method: receiptMethod, reference });
export const writeOffInput = z.object({ reason, amountCents: z.optional(amount), on: z.optional(isoDate) });

/** What a change wrote, and where the agency stands after it. */
export type ReceivablesChange = { entries: ReceivableEntry[]; creditCents: Cents; invoices: InvoiceReceivable[] };

function parse<S extends z.ZodMiniType>(schema: S, input: unknown): Result<z.infer<S>, Failure> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = describeIssues(parsed.error.issues);
  return fail('invalid-input', `${issues[0]!.path} ${issues[0]!.message}`, issues);
}

const refused = (e: ReceivablesError) => fail('rule-broken', e.message, { code: e.code });

/**
 * Who dated the entry. A day the owner typed is refused after today in the org's time zone:
 * the reports that stop at today would then disagree with the invoices. A Stripe event's day
 * is taken as Stripe gave it: the money has moved, and Stripe's clock may run ahead of ours.
 */
export type DatedBy = 'owner' | 'stripe-event';

/**
 * Refuses a day the owner typed that is after today (none given: today, which passes).
 * `field` is named as in the input; `advice` says what to do instead.
 */
function notAfterToday(
  ctx: UseCaseContext,
  timeZone: string,
  dated: { field: string; day: IsoDate | undefined; by: DatedBy },
  advice: string,
): Result<null, Failure> {
  const day = today(ctx, timeZone);
  if (dated.by !== 'owner' || dated.day === undefined || dated.day <= day) return ok(null);
  const message = `is ${dated.day}, after today (${day} in ${timeZone}): ${advice}`;
  return fail('invalid-input', `${dated.field} ${message}`, [{ path: dated.field, message }]);
}

/**
 * Reads the agency's ledger, plans the change and writes it; again from the read when a
 * concurrent write took the same places. Audits what was written.
 */
async function commit(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  plan: (inputs: LedgerInputs, stamp: EntryStamp) => Result<ReceivableEntry[], ReceivablesError>,
  describe: (entries: ReceivableEntry[]) => Omit<AuditEntry, 'id' | 'at' | 'actor'>,
): Promise<Result<ReceivablesChange, Failure>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const inputs = await readLedger(ctx, orgId, agencyId);
    const planned = plan(inputs, { newId: ctx.newId, nextSeq: nextSeq(inputs.entries, agencyId), recordedAt: ctx.now().toISOString() });
    if (!planned.ok) return refused(planned.error);
    if ((await ctx.store.appendReceivables(orgId, planned.value)) === 'conflict') continue;
    await audit(ctx, orgId, [describe(planned.value)]);
    return ok(changeOf({ ...inputs, entries: [...inputs.entries, ...planned.value] }, agencyId, planned.value));
  }
  return fail('conflict', "the agency's ledger changed while this was recorded; try again");
}

/** What `entries` (already in the ledger `inputs`) did: the invoices they moved and the agency's credit. */
function changeOf(inputs: LedgerInputs, agencyId: string, entries: ReceivableEntry[]): ReceivablesChange {
  const after = receivablesLedger(inputs);
  const touched = new Set(entries.flatMap((e) => ('invoiceId' in e ? [e.invoiceId] : [])));
  const invoices = [...after.invoices.values()]
    .filter((b) => touched.has(b.invoice.id) || entries.some((e) => e.kind === 'reversal'))
    .filter((b) => b.invoice.agencyId === agencyId)
    .map(invoiceReceivable);
  return { entries, creditCents: after.agencies.get(agencyId)?.creditCents ?? 0, invoices };
}

async function knownAgency(ctx: UseCaseContext, orgId: string, agencyId: string): Promise<Result<{ timeZone: string }, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  if (!(await ctx.store.listAgencies(orgId)).some((a) => a.id === agencyId)) return fail('not-found', `no agency with id "${agencyId}"`);
  return ok({ timeZone: org.value.settings.timeZone });
}

/** The named invoices exist and are this agency's (the ledger read holds only the agency's own). */
async function agencysInvoices(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  invoiceIds: readonly string[] | undefined,
): Promise<Result<null, Failure>> {
  for (const invoiceId of invoiceIds ?? []) {
    const invoice = await ctx.store.getInvoice(orgId, invoiceId);
    if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
    if (invoice.agencyId !== agencyId)
      return fail('rule-broken', `Invoice ${invoice.number} is another agency's`, { code: 'other-agency' });
  }
  return ok(null);
}

const applied = (entries: readonly ReceivableEntry[]) => entries.filter((e) => e.kind === 'application').length;

/** A receipt recorded before under the same idempotency key: it is answered instead of recording the money again. */
export type ReceiptReplay = ReceivablesChange & { replayed: true };

type ReceiptRequest = z.infer<typeof receiptInput>;

/** The receipt `r` asked for is `first`: same agency, amount, day, method, reference and invoices named. */
function sameReceipt(first: ReceiptEntry, r: ReceiptRequest): boolean {
  return (
    first.agencyId === r.agencyId &&
    first.amountCents === r.amountCents &&
    first.on === r.receivedOn &&
    first.method === r.method &&
    (first.reference ?? '') === (r.reference ?? '') &&
    (first.invoiceIds ?? []).join('\n') === (r.invoiceIds ?? []).join('\n')
  );
}

/** The receipt recorded under the key, answered as when it was recorded (with the credit and invoices as they stand now); or refused if it differs. */
async function receiptUnderKey(
  ctx: UseCaseContext,
  orgId: string,
  r: ReceiptRequest & { clientId: string },
): Promise<Result<ReceiptReplay, Failure> | undefined> {
  const first = (await ctx.store.listReceivables(orgId)).find((e): e is ReceiptEntry => e.kind === 'receipt' && e.clientId === r.clientId);
  if (!first) return undefined;
  if (!sameReceipt(first, r)) {
    return fail('conflict', `idempotency key "${r.clientId}" was used for another receipt (${first.id}); use a new key for a new receipt`, {
      code: 'key-reused',
      receiptId: first.id,
    });
  }
  const inputs = await readLedger(ctx, orgId, first.agencyId);
  const entries = inputs.entries.filter((e) => e.id === first.id || (e.kind === 'application' && e.receiptId === first.id));
  return ok({ ...changeOf(inputs, first.agencyId, entries), replayed: true });
}

/**
 * Records money received from an agency and applies it: to the named invoices, or the oldest due first; the rest is credit.
 * With a `clientId` already used, answers that receipt (`replayed`) or refuses a different one.
 */
export async function recordReceipt(
  ctx: UseCaseContext,
  orgId: string,
  input: unknown,
  datedBy: DatedBy = 'owner',
): Promise<Result<ReceivablesChange | ReceiptReplay, Failure>> {
  const parsed = parse(receiptInput, input);
  if (!parsed.ok) return parsed;
  const r = parsed.value;
  const agency = await knownAgency(ctx, orgId, r.agencyId);
  if (!agency.ok) return agency;
  const received = notAfterToday(
    ctx,
    agency.value.timeZone,
    { field: 'receivedOn', day: r.receivedOn, by: datedBy },
    'record a receipt once the money has arrived',
  );
  if (!received.ok) return received;
  const named = await agencysInvoices(ctx, orgId, r.agencyId, r.invoiceIds);
  if (!named.ok) return named;
  if (r.clientId === undefined) return recordNewReceipt(ctx, orgId, r);
  const key = r.clientId;
  const before = await receiptUnderKey(ctx, orgId, { ...r, clientId: key });
  if (before) return before;
  const recorded = await recordNewReceipt(ctx, orgId, r);
  // The store refuses a key already taken as a conflict: a concurrent retry came first.
  if (!recorded.ok && recorded.error.code === 'conflict') return (await receiptUnderKey(ctx, orgId, { ...r, clientId: key })) ?? recorded;
  return recorded;
}

function recordNewReceipt(ctx: UseCaseContext, orgId: string, r: ReceiptRequest): Promise<Result<ReceivablesChange, Failure>> {
  return commit(
    ctx,
    orgId,
    r.agencyId,
    (inputs, stamp) =>
      planReceipt(
        inputs,
        {
          agencyId: r.agencyId,
          on: r.receivedOn,
          amountCents: r.amountCents,
          method: r.method,
          reference: r.reference,
          invoiceIds: r.invoiceIds,
          clientId: r.clientId,
        },
        stamp,
      ),
    (entries) => ({
      action: 'create',
      recordType: 'receipt',
      recordId: entries[0]!.id,
      detail: `${r.amountCents} cents from agency ${r.agencyId} by ${r.method}, received ${r.receivedOn}, applied to ${applied(entries)} invoices`,
    }),
  );
}

/** Reverses a receipt (with its applications), an application, a refund or a write-off by a new entry; both stay. */
export async function reverseReceivable(
  ctx: UseCaseContext,
  orgId: string,
  entryId: string,
  input: unknown,
  datedBy: DatedBy = 'owner',
): Promise<Result<ReceivablesChange, Failure>> {
  const parsed = parse(reversalInput, input);
  if (!parsed.ok) return parsed;
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const dated = { field: 'on', day: parsed.value.on, by: datedBy };
  const checked = notAfterToday(ctx, org.value.settings.timeZone, dated, 'reverse it on or before today (or leave out the day: today)');
  if (!checked.ok) return checked;
  const target = (await ctx.store.listReceivables(orgId)).find((e) => e.id === entryId);
  if (!target) return fail('not-found', `no receipt or other receivables entry "${entryId}"`);
  const on = parsed.value.on ?? today(ctx, org.value.settings.timeZone);
  return commit(
    ctx,
    orgId,
    target.agencyId,
    (inputs, stamp) => planReversal(inputs, { entryId, on, reason: parsed.value.reason }, stamp),
    (entries) => ({
      action: 'create',
      recordType: target.kind === 'receipt' ? 'receipt' : 'receivable',
      recordId: target.id,
      detail: `${target.kind} reversed on ${on} by entry ${entries[0]!.id}`,
    }),
  );
}

/** The agency's credit on account (all of it, or amountCents) applied to the named invoices or the oldest due first. */
export async function applyCredit(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  input: unknown,
): Promise<Result<ReceivablesChange, Failure>> {
  const parsed = parse(creditApplicationInput, input);
  if (!parsed.ok) return parsed;
  const agency = await knownAgency(ctx, orgId, agencyId);
  if (!agency.ok) return agency;
  const named = await agencysInvoices(ctx, orgId, agencyId, parsed.value.invoiceIds);
  if (!named.ok) return named;
  const dated = { field: 'on', day: parsed.value.on, by: 'owner' as const };
  const checked = notAfterToday(ctx, agency.value.timeZone, dated, 'apply credit on or before today (or leave out the day: today)');
  if (!checked.ok) return checked;
  const on = parsed.value.on ?? today(ctx, agency.value.timeZone);
  return commit(
    ctx,
    orgId,
    agencyId,
    (inputs, stamp) =>
      planCreditApplication(inputs, { agencyId, on, amountCents: parsed.value.amountCents, invoiceIds: parsed.value.invoiceIds }, stamp),
    (entries) => ({
      action: 'create',
      recordType: 'receivable',
      recordId: entries[0]!.id,
      detail: `credit of agency ${agencyId} applied to ${applied(entries)} invoices on ${on}`,
    }),
  );
}

/** Credit paid back to the agency, as recorded by the owner (the money goes by check or bank). */
export async function refundCredit(
  ctx: UseCaseContext,
  orgId: string,
  agencyId: string,
  input: unknown,
): Promise<Result<ReceivablesChange, Failure>> {
  const parsed = parse(refundInput, input);
  if (!parsed.ok) return parsed;
  const agency = await knownAgency(ctx, orgId, agencyId);
  if (!agency.ok) return agency;
  const r = parsed.value;
  const paid = notAfterToday(ctx, agency.value.timeZone, { field: 'on', day: r.on, by: 'owner' }, 'record a refund once it is paid');
  if (!paid.ok) return paid;
  return commit(
    ctx,
    orgId,
    agencyId,
    (inputs, stamp) =>
      planRefund(inputs, { agencyId, on: r.on, amountCents: r.amountCents, method: r.method, reference: r.reference }, stamp),
    (entries) => ({
      action: 'create',
      recordType: 'receivable',
      recordId: entries[0]!.id,
      detail: `${r.amountCents} cents of credit refunded to agency ${agencyId} by ${r.method} on ${r.on}`,
    }),
  );
}

/** Closes a short pay: what is open on the invoice (or amountCents of it) written off, with the reason. */
export async function writeOffInvoice(
  ctx: UseCaseContext,
  orgId: string,
  invoiceId: string,
  input: unknown,
): Promise<Result<ReceivablesChange, Failure>> {
  const parsed = parse(writeOffInput, input);
  if (!parsed.ok) return parsed;
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const invoice = await ctx.store.getInvoice(orgId, invoiceId);
  if (!invoice) return fail('not-found', `no invoice "${invoiceId}"`);
  const dated = { field: 'on', day: parsed.value.on, by: 'owner' as const };
  const checked = notAfterToday(ctx, org.value.settings.timeZone, dated, 'write it off on or before today (or leave out the day: today)');
  if (!checked.ok) return checked;
  const on = parsed.value.on ?? today(ctx, org.value.settings.timeZone);
  return commit(
    ctx,
    orgId,
    invoice.agencyId,
    (inputs, stamp) => planWriteOff(inputs, { invoiceId, on, amountCents: parsed.value.amountCents, reason: parsed.value.reason }, stamp),
    (entries) => ({
      action: 'create',
      recordType: 'receivable',
      recordId: entries[0]!.id,
      detail: `write-off on invoice ${invoice.number} on ${on}`,
    }),
  );
}

/** A receipt as listed: whether it still stands, and where its money went. */
export type ReceiptView = ReceiptEntry & { reversed: boolean; applications: { invoiceId: string; amountCents: Cents }[] };

/** The receipts of the org or one agency, by date received then id. */
export async function listReceipts(ctx: UseCaseContext, orgId: string, agencyId?: string): Promise<Result<ReceiptView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const entries = await ctx.store.listReceivables(orgId, agencyId);
  const { cancelled } = receivablesLedger({ invoices: [], creditNotes: [], entries });
  return ok(
    entries
      .filter((e): e is ReceiptEntry => e.kind === 'receipt')
      .map((r) => ({
        ...r,
        reversed: cancelled.has(r.id),
        applications: entries.flatMap((e) =>
          e.kind === 'application' && e.receiptId === r.id ? [{ invoiceId: e.invoiceId, amountCents: e.amountCents }] : [],
        ),
      }))
      .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
}
