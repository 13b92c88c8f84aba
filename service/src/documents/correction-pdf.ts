/**
 * Corrections of an issued invoice, each printed as what it is and naming the invoice it
 * corrects: a credit note (numbered "INV-0042-CN1", its lines and the amount credited) and a
 * void notice (the invoice is cancelled in full; its visits are billed again on the next
 * invoice). Neither names a patient: a credit line is the owner's description.
 */
import type { Agency, CreditNote, Invoice, OrgSettings } from '../../../shared/index.ts';
import { addressLines, breakable, documentHeader, linesTable, money, pageSetup, partyBlocks, totalsBlock, usDate } from './layout.ts';
import type { DocDefinition } from './pdf-printer.ts';

type AgencyBlock = Pick<Agency, 'name' | 'address'> | undefined;

const billTo = (agencyName: string, agency: AgencyBlock) => ({ label: 'Issued to', lines: [agencyName, ...addressLines(agency?.address)] });

export function creditNoteDocument(input: {
  org: OrgSettings;
  agency: AgencyBlock;
  note: CreditNote;
  invoice: Pick<Invoice, 'number' | 'issueDate' | 'totalCents' | 'agencyName'>;
}): DocDefinition {
  const { org, note, invoice } = input;
  return pageSetup({
    title: `Credit note ${note.number}`,
    author: org.name,
    subject: `Credit note ${note.number} on invoice ${invoice.number}`,
    date: note.issueDate,
    footerLeft: `Credit note ${note.number} · corrects invoice ${invoice.number}`,
    confidential: false,
    content: [
      documentHeader(org, 'CREDIT NOTE', [
        ['Credit note no.', note.number],
        ['Issue date', usDate(note.issueDate)],
        ['Corrects invoice', invoice.number],
        ['Invoice issued', usDate(invoice.issueDate)],
      ]),
      partyBlocks([billTo(invoice.agencyName, input.agency), { label: 'Reason', lines: [note.reason] }]),
      {
        text: `This credit note reduces the amount due on invoice ${invoice.number} by the amount credited below.`,
        style: 'note',
        margin: [0, 0, 0, 6],
      },
      linesTable(
        ['Description', 'Amount credited'],
        ['*', 90],
        note.lines.map((l) => [breakable(l.description), money(l.amountCents)]),
        new Set([1]),
      ),
      totalsBlock([
        { label: `Invoice ${invoice.number} total`, cents: invoice.totalCents },
        { label: 'Credited by this note', cents: -note.totalCents, strong: true },
      ]),
    ],
  });
}

export function voidNoticeDocument(input: { org: OrgSettings; agency: AgencyBlock; invoice: Invoice }): DocDefinition {
  const { org, invoice } = input;
  const voidedOn = invoice.voidedOn ?? invoice.issueDate;
  return pageSetup({
    title: `Void notice for invoice ${invoice.number}`,
    author: org.name,
    subject: `Invoice ${invoice.number} is void`,
    date: voidedOn,
    footerLeft: `Void notice · invoice ${invoice.number}`,
    confidential: false,
    content: [
      documentHeader(org, 'VOID NOTICE', [
        ['Voids invoice', invoice.number],
        ['Invoice issued', usDate(invoice.issueDate)],
        ['Void since', usDate(voidedOn)],
      ]),
      partyBlocks([billTo(invoice.agencyName, input.agency), { label: 'Reason', lines: [invoice.voidReason ?? 'Not given'] }]),
      {
        text: `Invoice ${invoice.number} is void in full. Do not pay it; if it was paid, the payment will be applied to the corrected invoice.`,
        style: 'banner',
        margin: [0, 6, 0, 6],
      },
      {
        text: `Its ${invoice.lines.length} ${invoice.lines.length === 1 ? 'visit is' : 'visits are'} billed again on the next invoice, marked as late visits from an earlier period.`,
        margin: [0, 0, 0, 6],
      },
      totalsBlock([
        { label: `Invoice ${invoice.number} as issued`, cents: invoice.totalCents },
        { label: 'Amount due on it now', cents: 0, strong: true },
      ]),
    ],
  });
}
