/**
 * The invoice an agency receives: the org's letterhead and remit-to, the agency's postal
 * address, the invoice's number, dates and terms, the visits of the period grouped by
 * discipline with subtotals, visits from earlier periods in a section of their own, the
 * total and how to pay (check payee and address, ACH details when the org gave them). Patients are printed as
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

/** `end`: what follows the last table (the totals), kept on a page with its last rows. */
function disciplineSections(invoice: PrintableInvoice, end: DocContent | undefined): DocContent[] {
  const byDiscipline = new Map<Discipline, PrintableLine[]>();
  for (const line of invoice.lines) {
    if (line.late) continue;
    const list = byDiscipline.get(line.discipline);
    if (list) list.push(line);
    else byDiscipline.set(line.discipline, [line]);
  }
  const header = ['Date', PATIENT_COLUMN[invoice.patientIdentifier], 'Therapist', 'Visit type', 'Rate', 'Amount'];
  const last = DISCIPLINES.filter((d) => byDiscipline.has(d)).at(-1);
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
        d === last ? end : undefined,
      ),
    ];
  });
}

function lateSection(invoice: PrintableInvoice, end: DocContent | undefined): DocContent[] {
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
      end,
    ),
  ];
}

/**
 * How to pay, from the org's settings: by check (payable to, mailed to the remit-to address)
 * and, when the org gave its bank details, by ACH; then the invoice number to quote.
 */
function paymentInstructions(org: OrgSettings, invoice: PrintableInvoice, remitTo: readonly string[]): DocContent {
  // A blank payee (the settings take an empty text) is no payee: checks go to the org's name, as a blank remit-to goes to its address.
  const payee = org.checkPayableTo || org.name;
  const ach = org.ach;
  return {
    stack: [
      { text: 'HOW TO PAY', style: 'label', margin: [0, 0, 0, 2] },
      { text: breakable(`By check: payable to ${payee}, mailed to ${remitTo.join(', ')}.`) },
      ...(ach
        ? [
            {
              text: breakable(
                `By ACH (bank transfer): ${ach.bankName}, routing number ${ach.routingNumber}, account number ${ach.accountNumber}, account name ${ach.accountName ?? payee}.`,
              ),
            },
          ]
        : []),
      { text: `Please include invoice number ${invoice.number} with your payment.`, style: 'note', margin: [0, 4, 0, 0] },
    ],
    margin: [0, 12, 0, 0],
    unbreakable: true,
  };
}

export function invoiceDocument(input: {
  org: OrgSettings;
  agency: Pick<Agency, 'name' | 'address' | 'contactEmail'> | undefined;
  invoice: PrintableInvoice;
}): DocDefinition {
  const { org, invoice } = input;
  const remitTo = org.remitTo ? org.remitTo.split(/\r?\n/) : [org.name, ...addressLines(org.address)];
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
  // The totals and how to pay close the invoice, on one page with its last visits (a void one says only not to pay).
  const end: DocContent = {
    stack: [totalsBlock(totals), ...(invoice.status === 'void' ? [] : [paymentInstructions(org, invoice, remitTo)])],
  };
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
      ...(invoice.lines.length === 0 ? [{ text: 'No visits on this invoice.', style: 'note' }, end] : []),
      ...disciplineSections(invoice, late.length > 0 ? undefined : end),
      ...lateSection(invoice, end),
    ],
  });
}
