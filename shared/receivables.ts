/**
 * Receivables: what each agency paid, what it still owes on each invoice and the credit it
 * has on account. The ledger is append-only: a receipt, the applications of money to
 * invoices, refunds of credit, write-offs of short pays, and reversals. Nothing is ever
 * edited; a mistake is undone by a reversal entry that names the entry it cancels (a
 * receipt's reversal cancels its applications with it).
 *
 * Pure: every balance is computed from the invoices, their credit notes and the entries.
 * On an invoice the credit notes count first, then write-offs, then payments: money applied
 * beyond what an invoice still owes (a credit note issued after it was paid, or a void)
 * goes back to the agency's credit, so no cent is lost or created.
 */
import * as z from 'zod/mini';
import { daysBetween, type IsoDate } from './dates.ts';
import { formatMoney, sumCents, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';
import { cents, id, isoDate, type CreditNote, type Invoice } from './schemas.ts';

export const RECEIPT_METHODS = ['check', 'ach', 'card', 'stripe', 'other'] as const;
export const receiptMethod = z.enum(RECEIPT_METHODS, { message: `must be one of ${RECEIPT_METHODS.join(', ')}` });
export type ReceiptMethod = z.infer<typeof receiptMethod>;

/** At most this many entries in one write: a Firestore transaction takes 500 writes. */
export const MAX_ENTRIES_PER_WRITE = 500;

const positiveCents = cents.check(z.positive({ message: 'must be more than zero' }));
const reference = z.optional(z.string().check(z.maxLength(200)));
const entryBase = {
  id,
  agencyId: id,
  /** The entry's place in its agency's ledger, from 1 without gaps: two writes cannot take the same. */
  seq: z.int().check(z.minimum(1)),
  /** The day it happened (the money arrived, was applied, refunded, written off, reversed). */
  on: isoDate,
  /** When it was recorded (ISO instant). */
  recordedAt: z.string(),
};

/** Money received from an agency. */
export const receiptEntry = z.object({
  ...entryBase,
  kind: z.literal('receipt'),
  amountCents: positiveCents,
  method: receiptMethod,
  reference,
  /**
   * The sender's idempotency key: a retry with the same key answers this receipt instead of
   * recording the money again (unique in the org, enforced by the store).
   */
  clientId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** The invoices the receipt named, in order, as asked (its applications say where the money went). */
  invoiceIds: z.optional(z.array(id)),
});
/** Money put on an invoice: from a receipt (`receiptId`) or from the agency's credit (none). */
export const applicationEntry = z.object({
  ...entryBase,
  kind: z.literal('application'),
  invoiceId: id,
  amountCents: positiveCents,
  receiptId: z.optional(id),
});
/** Credit paid back to the agency. */
export const refundEntry = z.object({
  ...entryBase,
  kind: z.literal('refund'),
  amountCents: positiveCents,
  method: receiptMethod,
  reference,
});
/** A short pay closed: what the agency will not pay on an invoice, given up. */
export const writeOffEntry = z.object({
  ...entryBase,
  kind: z.literal('write-off'),
  invoiceId: id,
  amountCents: positiveCents,
  reason: z.string(),
});
/** Cancels another entry (and, for a receipt, its applications); both stay in the ledger. */
export const reversalEntry = z.object({ ...entryBase, kind: z.literal('reversal'), reversesId: id, reason: z.string() });

export const receivableEntry = z.discriminatedUnion('kind', [receiptEntry, applicationEntry, refundEntry, writeOffEntry, reversalEntry]);
export type ReceivableEntry = z.infer<typeof receivableEntry>;
export type ReceiptEntry = z.infer<typeof receiptEntry>;
export type ApplicationEntry = z.infer<typeof applicationEntry>;

/**
 * `open`: nothing paid yet; `partially paid`; `paid`: nothing open and paid; `closed`:
 * nothing open and a part written off, or nothing paid (credited in full); `void`.
 */
export const RECEIVABLE_STATUSES = ['open', 'partially paid', 'paid', 'closed', 'void'] as const;
export type ReceivableStatus = (typeof RECEIVABLE_STATUSES)[number];

export type LedgerInvoice = Pick<Invoice, 'id' | 'number' | 'sequence' | 'agencyId' | 'issueDate' | 'dueDate' | 'totalCents' | 'status'> & {
  voidedOn?: IsoDate | undefined;
};
export type LedgerCreditNote = Pick<CreditNote, 'invoiceId' | 'totalCents' | 'issueDate'>;

export type LedgerInputs = {
  invoices: readonly LedgerInvoice[];
  creditNotes: readonly LedgerCreditNote[];
  entries: readonly ReceivableEntry[];
};

export type InvoiceBalance = {
  invoice: LedgerInvoice;
  paidCents: Cents;
  creditedCents: Cents;
  writtenOffCents: Cents;
  /** totalCents - paidCents - creditedCents - writtenOffCents; 0 when void. */
  openCents: Cents;
  status: ReceivableStatus;
};

export type AgencyBalance = { receivedCents: Cents; paidCents: Cents; refundedCents: Cents; openCents: Cents; creditCents: Cents };

export type Receivables = {
  /** By invoice id, in the invoices' order. */
  invoices: Map<string, InvoiceBalance>;
  /** By agency id: every agency with an invoice or an entry. */
  agencies: Map<string, AgencyBalance>;
  /** The entries no longer in force: reversed, or an application of a reversed receipt. */
  cancelled: ReadonlySet<string>;
};

/** Which entries a reversal cancels: its target, and a receipt's applications with it. */
function cancelledEntries(entries: readonly ReceivableEntry[]): Set<string> {
  const cancelled = new Set<string>();
  for (const e of entries) if (e.kind === 'reversal') cancelled.add(e.reversesId);
  for (const e of entries) if (e.kind === 'application' && e.receiptId !== undefined && cancelled.has(e.receiptId)) cancelled.add(e.id);
  return cancelled;
}

function statusOf(b: Omit<InvoiceBalance, 'status'>): ReceivableStatus {
  if (b.invoice.status === 'void') return 'void';
  if (b.openCents > 0) return b.paidCents > 0 ? 'partially paid' : 'open';
  return b.paidCents > 0 && b.writtenOffCents === 0 ? 'paid' : 'closed';
}

const add = (map: Map<string, Cents>, key: string, amount: Cents) => map.set(key, (map.get(key) ?? 0) + amount);

/** Every invoice's balance and every agency's, from the ledger. */
export function receivablesLedger(inputs: LedgerInputs): Receivables {
  const cancelled = cancelledEntries(inputs.entries);
  const live = inputs.entries.filter((e) => e.kind !== 'reversal' && !cancelled.has(e.id));
  const credited = new Map<string, Cents>();
  for (const n of inputs.creditNotes) add(credited, n.invoiceId, n.totalCents);
  const applied = new Map<string, Cents>();
  const writtenOff = new Map<string, Cents>();
  const agencies = new Map<string, AgencyBalance>();
  const agency = (agencyId: string) => {
    let a = agencies.get(agencyId);
    if (!a) agencies.set(agencyId, (a = { receivedCents: 0, paidCents: 0, refundedCents: 0, openCents: 0, creditCents: 0 }));
    return a;
  };
  for (const e of inputs.entries) agency(e.agencyId);
  for (const e of live) {
    if (e.kind === 'application') add(applied, e.invoiceId, e.amountCents);
    else if (e.kind === 'write-off') add(writtenOff, e.invoiceId, e.amountCents);
    else if (e.kind === 'receipt') agency(e.agencyId).receivedCents += e.amountCents;
    else if (e.kind === 'refund') agency(e.agencyId).refundedCents += e.amountCents;
  }
  const invoices = new Map<string, InvoiceBalance>();
  for (const invoice of [...inputs.invoices].sort((a, b) => a.sequence - b.sequence)) {
    const a = agency(invoice.agencyId);
    const isVoid = invoice.status === 'void';
    const creditedCents = Math.min(credited.get(invoice.id) ?? 0, invoice.totalCents);
    const writtenOffCents = isVoid ? 0 : Math.min(writtenOff.get(invoice.id) ?? 0, invoice.totalCents - creditedCents);
    // A void invoice keeps no payment: what was applied to it is the agency's credit again.
    const paidCents = isVoid ? 0 : Math.min(applied.get(invoice.id) ?? 0, invoice.totalCents - creditedCents - writtenOffCents);
    const openCents = isVoid ? 0 : invoice.totalCents - paidCents - creditedCents - writtenOffCents;
    const balance = { invoice, paidCents, creditedCents, writtenOffCents, openCents };
    invoices.set(invoice.id, { ...balance, status: statusOf(balance) });
    a.paidCents += paidCents;
    a.openCents += openCents;
  }
  for (const a of agencies.values()) a.creditCents = a.receivedCents - a.paidCents - a.refundedCents;
  return { invoices, agencies, cancelled };
}

/** The ledger as it stood at the end of `asOf`: invoices issued, notes and entries dated, and voids made by then. */
export function ledgerAsOf(inputs: LedgerInputs, asOf: IsoDate): LedgerInputs {
  return {
    invoices: inputs.invoices
      .filter((i) => i.issueDate <= asOf)
      .map((i) => (i.status === 'void' && i.voidedOn !== undefined && i.voidedOn > asOf ? { ...i, status: 'issued' as const } : i)),
    creditNotes: inputs.creditNotes.filter((n) => n.issueDate <= asOf),
    entries: inputs.entries.filter((e) => e.on <= asOf),
  };
}

export type ReceivablesError = {
  code:
    | 'bad-amount'
    | 'unknown-invoice'
    | 'other-agency'
    | 'invoice-void'
    | 'before-issue'
    | 'nothing-open'
    | 'repeated-invoice'
    | 'exceeds-open'
    | 'no-credit'
    | 'exceeds-credit'
    | 'too-many-invoices'
    | 'unknown-entry'
    | 'already-reversed'
    | 'not-reversible'
    | 'credit-spent'
    | 'before-entry'
    | 'reason-required'
    | 'reason-too-long';
  message: string;
};

/** What new entries are stamped with: ids, the agency's next seq and the time of recording. */
export type EntryStamp = { newId: () => string; nextSeq: number; recordedAt: string };

type Unstamped<E> = E extends ReceivableEntry ? Omit<E, 'seq' | 'recordedAt'> : never;

function stamped(drafts: readonly Unstamped<ReceivableEntry>[], stamp: EntryStamp): ReceivableEntry[] {
  return drafts.map((d, i) => ({ ...d, seq: stamp.nextSeq + i, recordedAt: stamp.recordedAt }) as ReceivableEntry);
}

/** The agency's next seq: one past its last entry. */
export const nextSeq = (entries: readonly ReceivableEntry[], agencyId: string): number =>
  entries.reduce((max, e) => (e.agencyId === agencyId && e.seq > max ? e.seq : max), 0) + 1;

const MAX_REASON = 500;

/** The reason a write-off or a reversal gives, trimmed: required, and at most MAX_REASON characters. */
function reasonFor(text: string, what: string): Result<string, ReceivablesError> {
  const reason = text.trim();
  if (reason === '') return err({ code: 'reason-required', message: `Say why ${what}` });
  if (reason.length > MAX_REASON) return err({ code: 'reason-too-long', message: `The reason is longer than ${MAX_REASON} characters` });
  return ok(reason);
}

const badAmount = (what: string, amount: number): ReceivablesError | null =>
  Number.isSafeInteger(amount) && amount > 0
    ? null
    : { code: 'bad-amount', message: `${what} must be a positive whole number of cents; got ${amount}` };

/**
 * The invoices money goes to, in order: the ones named (each must be the agency's, not void,
 * with something open), or every open invoice of the agency, the oldest due first.
 */
function targets(
  ledger: Receivables,
  agencyId: string,
  invoiceIds: readonly string[] | undefined,
): Result<InvoiceBalance[], ReceivablesError> {
  if (invoiceIds === undefined || invoiceIds.length === 0) {
    const open = [...ledger.invoices.values()]
      .filter((b) => b.invoice.agencyId === agencyId && b.openCents > 0)
      .sort((a, b) =>
        a.invoice.dueDate < b.invoice.dueDate ? -1 : a.invoice.dueDate > b.invoice.dueDate ? 1 : a.invoice.sequence - b.invoice.sequence,
      );
    return ok(open);
  }
  const chosen: InvoiceBalance[] = [];
  for (const invoiceId of invoiceIds) {
    const b = ledger.invoices.get(invoiceId);
    if (!b) return err({ code: 'unknown-invoice', message: `No invoice "${invoiceId}"` });
    const n = b.invoice.number;
    if (b.invoice.agencyId !== agencyId) return err({ code: 'other-agency', message: `Invoice ${n} is another agency's` });
    if (b.invoice.status === 'void') return err({ code: 'invoice-void', message: `Invoice ${n} is void; it takes no payments` });
    if (chosen.includes(b)) return err({ code: 'repeated-invoice', message: `Invoice ${n} is named twice` });
    if (b.openCents === 0) return err({ code: 'nothing-open', message: `Invoice ${n} has nothing open (${b.status})` });
    chosen.push(b);
  }
  return ok(chosen);
}

/** `amount` spread over the targets in order, each up to what it has open; at most `max` applications. */
function spread(amount: Cents, to: readonly InvoiceBalance[], max: number): { invoiceId: string; amountCents: Cents }[] {
  const parts: { invoiceId: string; amountCents: Cents }[] = [];
  let left = amount;
  for (const b of to) {
    if (left === 0 || parts.length === max) break;
    const part = Math.min(left, b.openCents);
    parts.push({ invoiceId: b.invoice.id, amountCents: part });
    left -= part;
  }
  return parts;
}

export type ReceiptInput = {
  agencyId: string;
  on: IsoDate;
  amountCents: Cents;
  method: ReceiptMethod;
  reference?: string | undefined;
  invoiceIds?: readonly string[] | undefined;
  clientId?: string | undefined;
};

/**
 * A receipt and its applications: to the named invoices in order or the oldest open first,
 * each up to what it has open; what is left is the agency's credit.
 */
export function planReceipt(inputs: LedgerInputs, input: ReceiptInput, stamp: EntryStamp): Result<ReceivableEntry[], ReceivablesError> {
  const bad = badAmount('A receipt', input.amountCents);
  if (bad) return err(bad);
  const ledger = receivablesLedger(inputs);
  const named = targets(ledger, input.agencyId, input.invoiceIds);
  if (!named.ok) return named;
  // Money cannot pay an invoice not yet issued: most often a mistyped date or invoice.
  // Named, it is refused; by default, such invoices are left for a later receipt or credit.
  const early = named.value.find((b) => b.invoice.issueDate > input.on);
  if (early && input.invoiceIds?.length) {
    const { number, issueDate } = early.invoice;
    return err({
      code: 'before-issue',
      message: `The receipt is dated ${input.on}, before Invoice ${number} was issued (${issueDate}); check the date or the invoice`,
    });
  }
  const to = named.value.filter((b) => b.invoice.issueDate <= input.on);
  // The write holds the receipt, its applications and, with a key, the key's own record.
  const maxApplications = MAX_ENTRIES_PER_WRITE - 1 - (input.clientId ? 1 : 0);
  if (to.length > maxApplications && input.invoiceIds?.length) {
    return err({ code: 'too-many-invoices', message: `A receipt applies to at most ${maxApplications} invoices at once` });
  }
  const receiptId = stamp.newId();
  const receipt: Unstamped<ReceivableEntry> = {
    kind: 'receipt',
    id: receiptId,
    agencyId: input.agencyId,
    on: input.on,
    amountCents: input.amountCents,
    method: input.method,
    ...(input.reference ? { reference: input.reference } : {}),
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(input.invoiceIds?.length ? { invoiceIds: [...input.invoiceIds] } : {}),
  };
  const applications = spread(input.amountCents, to, maxApplications).map(
    (p): Unstamped<ReceivableEntry> => ({
      kind: 'application',
      id: stamp.newId(),
      agencyId: input.agencyId,
      on: input.on,
      invoiceId: p.invoiceId,
      amountCents: p.amountCents,
      receiptId,
    }),
  );
  return ok(stamped([receipt, ...applications], stamp));
}

export type CreditApplicationInput = {
  agencyId: string;
  on: IsoDate;
  amountCents?: Cents | undefined;
  invoiceIds?: readonly string[] | undefined;
};

/** The agency's credit (all of it, or `amountCents`) applied to the named invoices or the oldest open first. */
export function planCreditApplication(
  inputs: LedgerInputs,
  input: CreditApplicationInput,
  stamp: EntryStamp,
): Result<ReceivableEntry[], ReceivablesError> {
  const ledger = receivablesLedger(inputs);
  const credit = ledger.agencies.get(input.agencyId)?.creditCents ?? 0;
  if (credit <= 0) return err({ code: 'no-credit', message: 'The agency has no credit on account' });
  const amount = input.amountCents ?? credit;
  const bad = badAmount('The credit to apply', amount);
  if (bad) return err(bad);
  if (amount > credit)
    return err({ code: 'exceeds-credit', message: `The agency has ${formatMoney(credit)} of credit, not ${formatMoney(amount)}` });
  const to = targets(ledger, input.agencyId, input.invoiceIds);
  if (!to.ok) return to;
  const parts = spread(amount, to.value, MAX_ENTRIES_PER_WRITE);
  if (parts.length === 0) return err({ code: 'nothing-open', message: 'The agency has no open invoice to apply its credit to' });
  return ok(
    stamped(
      parts.map((p) => ({
        kind: 'application',
        id: stamp.newId(),
        agencyId: input.agencyId,
        on: input.on,
        invoiceId: p.invoiceId,
        amountCents: p.amountCents,
      })),
      stamp,
    ),
  );
}

export type RefundInput = { agencyId: string; on: IsoDate; amountCents: Cents; method: ReceiptMethod; reference?: string | undefined };

/** Credit paid back to the agency (recorded here; the money itself goes by check, ACH...). */
export function planRefund(inputs: LedgerInputs, input: RefundInput, stamp: EntryStamp): Result<ReceivableEntry[], ReceivablesError> {
  const bad = badAmount('A refund', input.amountCents);
  if (bad) return err(bad);
  const credit = receivablesLedger(inputs).agencies.get(input.agencyId)?.creditCents ?? 0;
  if (input.amountCents > credit)
    return err({
      code: 'exceeds-credit',
      message: `The agency has ${formatMoney(credit)} of credit; ${formatMoney(input.amountCents)} cannot be refunded`,
    });
  return ok(
    stamped(
      [
        {
          kind: 'refund',
          id: stamp.newId(),
          agencyId: input.agencyId,
          on: input.on,
          amountCents: input.amountCents,
          method: input.method,
          ...(input.reference ? { reference: input.reference } : {}),
        },
      ],
      stamp,
    ),
  );
}

export type WriteOffInput = { invoiceId: string; on: IsoDate; amountCents?: Cents | undefined; reason: string };

/** Closes a short pay: what is open on the invoice (or `amountCents` of it) written off, with the reason. */
export function planWriteOff(inputs: LedgerInputs, input: WriteOffInput, stamp: EntryStamp): Result<ReceivableEntry[], ReceivablesError> {
  const b = receivablesLedger(inputs).invoices.get(input.invoiceId);
  if (!b) return err({ code: 'unknown-invoice', message: `No invoice "${input.invoiceId}"` });
  const n = b.invoice.number;
  if (b.invoice.status === 'void') return err({ code: 'invoice-void', message: `Invoice ${n} is void; there is nothing to write off` });
  const reason = reasonFor(input.reason, `invoice ${n} is written off`);
  if (!reason.ok) return reason;
  if (b.openCents === 0) return err({ code: 'nothing-open', message: `Invoice ${n} has nothing open (${b.status})` });
  const amount = input.amountCents ?? b.openCents;
  const bad = badAmount('A write-off', amount);
  if (bad) return err(bad);
  if (amount > b.openCents)
    return err({
      code: 'exceeds-open',
      message: `Invoice ${n} has ${formatMoney(b.openCents)} open; ${formatMoney(amount)} cannot be written off`,
    });
  return ok(
    stamped(
      [
        {
          kind: 'write-off',
          id: stamp.newId(),
          agencyId: b.invoice.agencyId,
          on: input.on,
          invoiceId: b.invoice.id,
          amountCents: amount,
          reason: reason.value,
        },
      ],
      stamp,
    ),
  );
}

export type ReversalInput = { entryId: string; on: IsoDate; reason: string };

/**
 * Cancels an entry by a new one: a receipt (with its applications), an application (the
 * money goes back to credit), a refund (back to credit) or a write-off (open again). A
 * receipt whose money was since applied from credit or refunded is refused until those are
 * reversed: the agency's credit would go below zero.
 */
export function planReversal(inputs: LedgerInputs, input: ReversalInput, stamp: EntryStamp): Result<ReceivableEntry[], ReceivablesError> {
  const target = inputs.entries.find((e) => e.id === input.entryId);
  if (!target) return err({ code: 'unknown-entry', message: `No receipt or other receivables entry "${input.entryId}"` });
  if (target.kind === 'reversal')
    return err({ code: 'not-reversible', message: 'A reversal is not reversed; record the entry again instead' });
  const ledger = receivablesLedger(inputs);
  if (ledger.cancelled.has(target.id)) return err({ code: 'already-reversed', message: `This ${target.kind} is already reversed` });
  if (input.on < target.on)
    return err({ code: 'before-entry', message: `The ${target.kind} is dated ${target.on}; it cannot be reversed on ${input.on}` });
  const reason = reasonFor(input.reason, `the ${target.kind} is reversed`);
  if (!reason.ok) return reason;
  const entries = stamped(
    [{ kind: 'reversal', id: stamp.newId(), agencyId: target.agencyId, on: input.on, reversesId: target.id, reason: reason.value }],
    stamp,
  );
  const after = receivablesLedger({ ...inputs, entries: [...inputs.entries, ...entries] }).agencies.get(target.agencyId)!;
  if (after.creditCents < 0) {
    return err({
      code: 'credit-spent',
      message: `${formatMoney(-after.creditCents)} of this ${target.kind} was since applied from credit or refunded; reverse those first`,
    });
  }
  return ok(entries);
}

export const AGING_KEYS = ['currentCents', 'days1to30Cents', 'days31to60Cents', 'days61to90Cents', 'over90Cents'] as const;
export type AgingBuckets = Record<(typeof AGING_KEYS)[number], Cents>;

/** The bucket of an amount by days past its due date (not yet due: current). */
export function agingKey(daysPastDue: number): (typeof AGING_KEYS)[number] {
  if (daysPastDue <= 0) return 'currentCents';
  if (daysPastDue <= 30) return 'days1to30Cents';
  if (daysPastDue <= 60) return 'days31to60Cents';
  if (daysPastDue <= 90) return 'days61to90Cents';
  return 'over90Cents';
}

/** What is open, aged by days past each invoice's due date. */
export function agedOpen(balances: readonly InvoiceBalance[], asOf: IsoDate): AgingBuckets {
  const buckets = Object.fromEntries(AGING_KEYS.map((k) => [k, 0])) as AgingBuckets;
  for (const b of balances) buckets[agingKey(daysBetween(b.invoice.dueDate, asOf))] += b.openCents;
  return buckets;
}

/** Every live receipt's amount, applied and refunded: the identity the properties check. */
export function ledgerTotals(ledger: Receivables): { receivedCents: Cents; paidCents: Cents; refundedCents: Cents; creditCents: Cents } {
  const agencies = [...ledger.agencies.values()];
  return {
    receivedCents: sumCents(agencies.map((a) => a.receivedCents)),
    paidCents: sumCents(agencies.map((a) => a.paidCents)),
    refundedCents: sumCents(agencies.map((a) => a.refundedCents)),
    creditCents: sumCents(agencies.map((a) => a.creditCents)),
  };
}
