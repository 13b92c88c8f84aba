/**
 * What agencies owe: the receivables ledger read from the store (invoices, credit notes and
 * the agencies' receipts and what was done with them) and the aged report of it.
 */
import { ok, sumCents, type Cents, type CreditNote, type IsoDate, type Result } from '../../../shared/index.ts';
import type { StoredInvoice } from '../store/port.ts';
import {
  agedOpen,
  ledgerAsOf,
  receivablesLedger,
  type AgingBuckets,
  type InvoiceBalance,
  type ReceivableEntry,
  type ReceivableStatus,
  type Receivables,
} from '../../../shared/receivables.ts';
import type { Failure } from '../failure.ts';
import { today, type UseCaseContext } from './context.ts';
import { loadOrg } from './orgs.ts';

/** The ledger's inputs as stored: of one agency, or of the whole org. */
export async function readLedger(
  ctx: Pick<UseCaseContext, 'store'>,
  orgId: string,
  agencyId?: string,
): Promise<{ invoices: StoredInvoice[]; creditNotes: CreditNote[]; entries: ReceivableEntry[] }> {
  const [invoices, creditNotes, entries] = await Promise.all([
    ctx.store.listInvoices(orgId, agencyId === undefined ? {} : { agencyId }),
    ctx.store.listCreditNotes(orgId),
    ctx.store.listReceivables(orgId, agencyId),
  ]);
  const ids = new Set(invoices.map((i) => i.id));
  return { invoices, creditNotes: creditNotes.filter((n) => ids.has(n.invoiceId)), entries };
}

/** One invoice's receivable, as the report, the portal and the answers show it. */
export type InvoiceReceivable = {
  invoiceId: string;
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  totalCents: Cents;
  paidCents: Cents;
  creditedCents: Cents;
  writtenOffCents: Cents;
  openCents: Cents;
  status: ReceivableStatus;
};

export const invoiceReceivable = (b: InvoiceBalance): InvoiceReceivable => ({
  invoiceId: b.invoice.id,
  number: b.invoice.number,
  issueDate: b.invoice.issueDate,
  dueDate: b.invoice.dueDate,
  totalCents: b.invoice.totalCents,
  paidCents: b.paidCents,
  creditedCents: b.creditedCents,
  writtenOffCents: b.writtenOffCents,
  openCents: b.openCents,
  status: b.status,
});

export type ReceivablesReport = {
  asOf: IsoDate;
  agencies: {
    agency: string;
    openCents: Cents;
    creditCents: Cents;
    buckets: AgingBuckets;
    invoices: {
      number: string;
      issueDate: IsoDate;
      dueDate: IsoDate;
      totalCents: Cents;
      paidCents: Cents;
      openCents: Cents;
      status: ReceivableStatus;
    }[];
  }[];
};

/** Open invoices, oldest due first. */
export const openBalances = (ledger: Receivables, agencyId: string): InvoiceBalance[] =>
  [...ledger.invoices.values()]
    .filter((b) => b.invoice.agencyId === agencyId && b.openCents > 0)
    .sort((a, b) =>
      a.invoice.dueDate < b.invoice.dueDate ? -1 : a.invoice.dueDate > b.invoice.dueDate ? 1 : a.invoice.sequence - b.invoice.sequence,
    );

/**
 * Every agency that owes something or has credit, as the ledger stood at the end of `asOf`
 * (today in the org's time zone unless given): its open invoices aged by days past due.
 */
export async function receivablesReport(ctx: UseCaseContext, orgId: string, asOf?: IsoDate): Promise<Result<ReceivablesReport, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const day = asOf ?? today(ctx, org.value.settings.timeZone);
  const ledger = receivablesLedger(ledgerAsOf(await readLedger(ctx, orgId), day));
  const names = new Map((await ctx.store.listAgencies(orgId)).map((a) => [a.id, a.name]));
  const agencies = [...ledger.agencies.entries()]
    .filter(([, a]) => a.openCents > 0 || a.creditCents > 0)
    .map(([agencyId, a]) => {
      const open = openBalances(ledger, agencyId);
      return {
        agency: names.get(agencyId) ?? agencyId,
        openCents: a.openCents,
        creditCents: a.creditCents,
        buckets: agedOpen(open, day),
        invoices: open.map((b) => ({
          number: b.invoice.number,
          issueDate: b.invoice.issueDate,
          dueDate: b.invoice.dueDate,
          totalCents: b.invoice.totalCents,
          paidCents: b.paidCents,
          openCents: b.openCents,
          status: b.status,
        })),
      };
    })
    .sort((a, b) => a.agency.localeCompare(b.agency));
  return ok({ asOf: day, agencies });
}

/** The open total across agencies (a report's footer). */
export const totalOpen = (report: ReceivablesReport): Cents => sumCents(report.agencies.map((a) => a.openCents));
