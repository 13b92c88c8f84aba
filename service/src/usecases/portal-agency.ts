/**
 * What an agency reads through its portal link: only its own invoices of the link's org.
 * The context acts as `portal:<link id>`, so every read and download is audited as the link.
 * An invoice of another agency answers not-found, exactly like one that does not exist.
 */
import { calendarDayIn, ok, type Result } from '../../../shared/index.ts';
import type { StoredInvoice } from '../store/port.ts';
import { audit } from './context.ts';
import { invoicePdf, type DocumentContext, type IssuedDocument } from './documents.ts';
import { fail, type Failure } from '../failure.ts';
import { getInvoice, type InvoiceView } from './invoices.ts';
import { loadOrg } from './orgs.ts';
import type { PortalAccess, PortalContext } from './portal.ts';
import { statementOfAccount, type Statement } from './portal-statement.ts';
import { invoiceReceivable, readLedger } from './receivables.ts';
import { receivablesLedger, type ReceivableStatus } from '../../../shared/receivables.ts';

export type AgencyInvoiceRow = Pick<StoredInvoice, 'id' | 'number' | 'period' | 'totalCents' | 'dueDate' | 'status' | 'issueDate'> & {
  viewed: boolean;
  paidCents: number;
  openCents: number;
  receivable: ReceivableStatus;
};

export type AgencyPortal = { orgName: string; agencyName: string };

export const portalActor = (access: PortalAccess) => `portal:${access.link.id}`;

async function header(ctx: PortalContext, access: PortalAccess): Promise<Result<AgencyPortal, Failure>> {
  const org = await loadOrg(ctx, access.orgId);
  if (!org.ok) return org;
  const agency = (await ctx.store.listAgencies(access.orgId)).find((a) => a.id === access.link.agencyId);
  return ok({ orgName: org.value.settings.name, agencyName: agency?.name ?? '' });
}

/** The agency's invoices, newest first, each marked when any of its links opened it. */
export async function agencyInvoices(
  ctx: PortalContext,
  access: PortalAccess,
): Promise<Result<AgencyPortal & { invoices: AgencyInvoiceRow[] }, Failure>> {
  const head = await header(ctx, access);
  if (!head.ok) return head;
  const ledger = await readLedger(ctx, access.orgId, access.link.agencyId);
  const invoices = ledger.invoices;
  const balances = receivablesLedger(ledger).invoices;
  const links = await ctx.portal.listPortalLinks(access.orgId, access.link.agencyId);
  const viewed = new Set(
    (
      await ctx.portal.listPortalViews(
        access.orgId,
        links.map((l) => l.id),
      )
    ).map((v) => v.invoiceId),
  );
  await audit(ctx, access.orgId, [
    { action: 'read', recordType: 'portal-link', recordId: access.link.id, detail: `invoice list, ${invoices.length} invoices` },
  ]);
  const rows = invoices
    .map((i) => {
      const b = invoiceReceivable(balances.get(i.id)!);
      return {
        id: i.id,
        number: i.number,
        period: i.period,
        totalCents: i.totalCents,
        dueDate: i.dueDate,
        status: i.status,
        issueDate: i.issueDate,
        viewed: viewed.has(i.id),
        paidCents: b.paidCents,
        openCents: b.openCents,
        receivable: b.status,
      };
    })
    .sort((a, b) => b.number.localeCompare(a.number));
  return ok({ ...head.value, invoices: rows });
}

async function ownInvoice(ctx: PortalContext, access: PortalAccess, invoiceId: string): Promise<Result<StoredInvoice, Failure>> {
  const invoice = await ctx.store.getInvoice(access.orgId, invoiceId);
  return invoice && invoice.agencyId === access.link.agencyId ? ok(invoice) : fail('not-found', 'no such invoice');
}

const markViewed = (ctx: PortalContext, access: PortalAccess, invoiceId: string) =>
  ctx.portal.markPortalInvoiceViewed(access.orgId, { linkId: access.link.id, invoiceId, at: ctx.now().toISOString() });

/** One of the agency's invoices with its lines (patients as the agency chose); marks it viewed. */
export async function agencyInvoice(
  ctx: PortalContext,
  access: PortalAccess,
  invoiceId: string,
): Promise<Result<AgencyPortal & { invoice: InvoiceView; paidCents: number; openCents: number; receivable: ReceivableStatus }, Failure>> {
  const own = await ownInvoice(ctx, access, invoiceId);
  if (!own.ok) return own;
  const head = await header(ctx, access);
  if (!head.ok) return head;
  const invoice = await getInvoice(ctx, access.orgId, invoiceId); // audited as a read by the link
  if (!invoice.ok) return invoice;
  await markViewed(ctx, access, invoiceId);
  const balance = invoiceReceivable(receivablesLedger(await readLedger(ctx, access.orgId, access.link.agencyId)).invoices.get(invoiceId)!);
  return ok({
    ...head.value,
    invoice: invoice.value,
    paidCents: balance.paidCents,
    openCents: balance.openCents,
    receivable: balance.status,
  });
}

/** The invoice's issued PDF (audited as a download by the link); marks it viewed. */
export async function agencyInvoicePdf(
  ctx: PortalContext & DocumentContext,
  access: PortalAccess,
  invoiceId: string,
): Promise<Result<IssuedDocument, Failure>> {
  const own = await ownInvoice(ctx, access, invoiceId);
  if (!own.ok) return own;
  const pdf = await invoicePdf(ctx, access.orgId, invoiceId);
  if (pdf.ok) await markViewed(ctx, access, invoiceId);
  return pdf;
}

/** Open balance and aging as of today in the org's time zone. */
export async function agencyStatement(
  ctx: PortalContext,
  access: PortalAccess,
): Promise<Result<AgencyPortal & { statement: Statement }, Failure>> {
  const org = await loadOrg(ctx, access.orgId);
  if (!org.ok) return org;
  const head = await header(ctx, access);
  if (!head.ok) return head;
  const ledger = await readLedger(ctx, access.orgId, access.link.agencyId);
  await audit(ctx, access.orgId, [{ action: 'read', recordType: 'portal-link', recordId: access.link.id, detail: 'statement of account' }]);
  return ok({
    ...head.value,
    statement: statementOfAccount(
      ledger.invoices,
      ledger.creditNotes,
      calendarDayIn(ctx.now(), org.value.settings.timeZone),
      ledger.entries,
    ),
  });
}
