/**
 * The invoice an agency receives: the org's letterhead and remit-to, the invoice's number,
 * dates and terms, the visits of the period grouped by discipline with subtotals, visits
 * from earlier periods in a section of their own, and the total. Patients are printed as
 * the invoice's `patientIdentifier` says (the caller labels them).
 */
import {
  DISCIPLINE_NAMES,
  DISCIPLINES,
  sumCents,
  visitCount,
  type Agency,
  type Discipline,
  type Invoice,
  type InvoiceLine,
  type OrgSettings,
} from '../../../shared/index.ts';
import {
  addressLines,
  breakable,
  documentHeader,
  linesTable,
  money,
  pageSetup,
  partyBlocks,
  period,
  totalsBlock,
  usDate,
} from './layout.ts';
import type { DocContent, DocDefinition } from './pdf-printer.ts';

export type PrintableLine = InvoiceLine & { patient: string };
export type PrintableInvoice = Omit<Invoice, 'lines'> & { lines: PrintableLine[] };

const PATIENT_COLUMN: Record<Invoice['patientIdentifier'], string> = {
  name: 'Patient',
  'initials-mrn': 'Patient (initials, MRN)',
  mrn: 'Patient MRN',
};
const RIGHT = new Set([4, 5]);
const WIDTHS: ReadonlyArray<number | '*'> = [50, '*', '*', 100, 48, 56];

function lineRows(lines: readonly PrintableLine[], late: boolean): DocContent[][] {
  return lines.map((l) => [
    usDate(l.date),
    breakable(l.patient),
    breakable(l.therapistName),
    late ? `${l.discipline} ${l.visitTypeLabel}` : l.visitTypeLabel,
    money(l.rateCents),
    money(l.amountCents),
  ]);
}

function disciplineSections(invoice: PrintableInvoice): DocContent[] {
  const byDiscipline = new Map<Discipline, PrintableLine[]>();
  for (const line of invoice.lines) {
    if (line.late) continue;
    const list = byDiscipline.get(line.discipline);
    if (list) list.push(line);
    else byDiscipline.set(line.discipline, [line]);
  }
  const header = ['Date', PATIENT_COLUMN[invoice.patientIdentifier], 'Therapist', 'Visit type', 'Rate', 'Amount'];
  return DISCIPLINES.flatMap((d) => {
    const lines = byDiscipline.get(d);
    if (!lines) return [];
    const subtotal = sumCents(lines.map((l) => l.amountCents));
    return [
      { text: `${DISCIPLINE_NAMES[d]} (${d})`, style: 'section' },
      linesTable(
        header,
        WIDTHS,
        [
          ...lineRows(lines, false),
          [
            { text: `Subtotal ${d}, ${visitCount(lines.length)}`, colSpan: 5, alignment: 'right', bold: true },
            '',
            '',
            '',
            '',
            money(subtotal, true),
          ],
        ],
        RIGHT,
      ),
    ];
  });
}

function lateSection(invoice: PrintableInvoice): DocContent[] {
  const late = invoice.lines.filter((l) => l.late);
  if (late.length === 0) return [];
  const subtotal = sumCents(late.map((l) => l.amountCents));
  return [
    { text: 'Late visits from earlier periods', style: 'section' },
    {
      text: 'Visits dated before this period that reached us after the invoice for their period was issued. Each is billed once, here.',
      style: 'note',
      margin: [0, 0, 0, 4],
    },
    linesTable(
      ['Date', PATIENT_COLUMN[invoice.patientIdentifier], 'Therapist', 'Visit type', 'Rate', 'Amount'],
      WIDTHS,
      [
        ...lineRows(late, true),
        [
          { text: `Subtotal late visits, ${visitCount(late.length)}`, colSpan: 5, alignment: 'right', bold: true },
          '',
          '',
          '',
          '',
          money(subtotal, true),
        ],
      ],
      RIGHT,
    ),
  ];
}

export function invoiceDocument(input: {
  org: OrgSettings;
  agency: Pick<Agency, 'name' | 'address' | 'contactEmail'> | undefined;
  invoice: PrintableInvoice;
}): DocDefinition {
  const { org, invoice } = input;
  const remitTo = org.remitTo
    ? org.remitTo.split(/\r?\n/)
    : [org.name, ...(org.address ? [org.address.line1, `${org.address.city}, ${org.address.state} ${org.address.zip}`] : [])];
  const late = invoice.lines.filter((l) => l.late);
  const totals = [
    ...invoice.subtotals.map((s) => ({
      label: `${DISCIPLINE_NAMES[s.discipline]} (${s.discipline}), ${visitCount(s.visits)}`,
      cents: s.amountCents,
    })),
    ...(late.length > 0
      ? [{ label: `of which late visits, ${visitCount(late.length)}`, cents: sumCents(late.map((l) => l.amountCents)) }]
      : []),
    { label: invoice.status === 'void' ? 'Total (void: do not pay)' : 'Total due', cents: invoice.totalCents, strong: true },
  ];
  return pageSetup({
    title: `Invoice ${invoice.number}`,
    author: org.name,
    subject: `Invoice ${invoice.number} to ${invoice.agencyName}`,
    date: invoice.issueDate,
    footerLeft: `Invoice ${invoice.number} · ${invoice.agencyName}`,
    confidential: true,
    content: [
      documentHeader(org, 'INVOICE', [
        ['Invoice no.', invoice.number],
        ['Issue date', usDate(invoice.issueDate)],
        ['Service period', period(invoice.period)],
        ['Terms', `Net ${invoice.termsDays}`],
        ['Due date', usDate(invoice.dueDate)],
      ]),
      partyBlocks([
        {
          label: 'Bill to',
          lines: [
            invoice.agencyName,
            ...addressLines(input.agency?.address),
            ...(input.agency?.contactEmail ? [input.agency.contactEmail] : []),
          ],
        },
        { label: 'Remit to', lines: remitTo },
      ]),
      ...(invoice.status === 'void'
        ? [
            {
              text: `VOID since ${usDate(invoice.voidedOn ?? invoice.issueDate)}${invoice.voidReason ? `: ${invoice.voidReason}` : ''}. Do not pay this invoice.`,
              style: 'banner',
              margin: [0, 4, 0, 4],
            },
          ]
        : []),
      ...(invoice.lines.length === 0 ? [{ text: 'No visits on this invoice.', style: 'note' }] : []),
      ...disciplineSections(invoice),
      ...lateSection(invoice),
      totalsBlock(totals),
      { text: `Please include invoice number ${invoice.number} with your payment.`, style: 'note', margin: [0, 12, 0, 0] },
    ],
  });
}
