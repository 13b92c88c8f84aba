/**
 * The recipient's copy of Form 1099-NEC as a substitute Copy B, in the revision of the tax
 * year (shared/nec-forms.ts: box numbers, labels, revision, Instructions for Recipient).
 * Only the recipient's TIN is truncated; the payer's own TIN is printed in full (the IRS
 * does not let a filer truncate its own number). Box 1 is the year's nonemployee
 * compensation by payment date, Box 4 the backup withholding kept from it.
 */
import { formatMoney, type Address } from '../../../shared/index.ts';
import { necForm, type NecBox } from '../../../shared/nec-forms.ts';
import { addressLines, breakable, pageSetup } from './layout.ts';
import type { DocContent, DocDefinition } from './pdf-printer.ts';

export type NecCopyBInput = {
  year: number;
  /** A corrected return: the CORRECTED box is checked. */
  corrected?: boolean;
  /** `tin`: the payer's TIN in full, as printed (12-3456789). */
  payer: { name: string; address: Address | undefined; phone: string | undefined; tin: string };
  recipient: { legalName: string; businessName: string | undefined; address: Address; tinMasked: string; accountNumber?: string };
  box1Cents: number;
  /** Backup withholding kept in the year (Box 4). */
  box4Cents: number;
  /** The date the copy is furnished on (the export's day). */
  furnishedOn: string;
};

const cell = (label: string, value: DocContent, extra: Record<string, unknown> = {}): DocContent => ({
  stack: [
    { text: label, fontSize: 6.5, color: '#374151' },
    typeof value === 'string' ? { text: value, fontSize: 10, margin: [0, 3, 0, 0] } : value,
  ],
  ...extra,
});

/** A checkbox drawn as a square (the fonts have no ballot box glyph), crossed when checked. */
const checkbox = (checked: boolean): DocContent => ({
  canvas: [
    { type: 'rect', x: 0, y: 0, w: 8, h: 8, lineWidth: 0.75 },
    ...(checked
      ? [
          { type: 'line', x1: 1, y1: 1, x2: 7, y2: 7, lineWidth: 1 },
          { type: 'line', x1: 7, y1: 1, x2: 1, y2: 7, lineWidth: 1 },
        ]
      : []),
  ],
  margin: [0, 3, 0, 0],
});

function boxCell(box: NecBox, values: { box1Cents: number; box4Cents: number }): DocContent {
  const label = `${box.number} ${box.label}`;
  if (box.kind === 'checkbox') return cell(label, checkbox(false));
  const amount = box.role === 'compensation' ? formatMoney(values.box1Cents) : box.role === 'withheld' ? formatMoney(values.box4Cents) : '';
  return cell(label, { text: amount, fontSize: 10, alignment: 'right', margin: [0, 3, 0, 0] });
}

export function necCopyBDocument(input: NecCopyBInput): DocDefinition {
  const { year, payer, recipient } = input;
  const found = necForm(year);
  if (!found.ok) throw new Error(found.error.message, { cause: { code: found.error.code } });
  const form = found.value;
  const corrected = input.corrected === true;
  const payerBlock = [payer.name, ...addressLines(payer.address), ...(payer.phone ? [payer.phone] : [])].map(breakable).join('\n');
  const recipientName = [recipient.legalName, ...(recipient.businessName ? [recipient.businessName] : [])].map(breakable).join('\n');
  const a = recipient.address;
  const street = [a.line1, a.line2].filter((part) => part).join(', ');
  const cityLine = `${a.city}, ${a.state} ${a.zip}, US`;
  const left: DocContent = {
    table: {
      widths: ['*', '*'],
      body: [
        [
          cell(
            "PAYER'S name, street address, city or town, state or province, country, ZIP or foreign postal code, and telephone no.",
            payerBlock,
            { colSpan: 2 },
          ),
          '',
        ],
        [cell("PAYER'S TIN", payer.tin), cell("RECIPIENT'S TIN", recipient.tinMasked)],
        [cell("RECIPIENT'S name", recipientName, { colSpan: 2 }), ''],
        [cell('Street address (including apt. no.)', breakable(street), { colSpan: 2 }), ''],
        [cell('City or town, state or province, country, and ZIP or foreign postal code', breakable(cityLine), { colSpan: 2 }), ''],
        [cell('Account number (see instructions)', recipient.accountNumber ?? '', { colSpan: 2 }), ''],
      ],
    },
    layout: { hLineWidth: () => 0.75, vLineWidth: () => 0.75, paddingTop: () => 3, paddingBottom: () => 3 },
  };
  const right: DocContent = {
    table: { widths: ['*'], body: form.boxes.map((box) => [boxCell(box, input)]) },
    layout: { hLineWidth: () => 0.75, vLineWidth: () => 0.75, paddingTop: () => 3, paddingBottom: () => 3 },
  };
  const title: DocContent = {
    columns: [
      {
        width: '*',
        columns: [
          { width: 12, stack: [checkbox(corrected)] },
          { text: corrected ? 'CORRECTED' : 'CORRECTED (if checked)', fontSize: 8, bold: corrected, margin: [0, 3, 0, 0] },
        ],
      },
      {
        width: 150,
        stack: [
          { text: 'OMB No. 1545-0116', fontSize: 7 },
          { text: 'Form 1099-NEC', fontSize: 13, bold: true, margin: [0, 4, 0, 0] },
          { text: `(${form.revision})`, fontSize: 7 },
          { text: `For calendar year ${year}`, fontSize: 9, bold: true },
        ],
      },
      {
        width: 150,
        stack: [
          { text: 'Nonemployee Compensation', fontSize: 12, bold: true, alignment: 'right' },
          { text: 'Copy B For Recipient', fontSize: 10, bold: true, alignment: 'right', margin: [0, 4, 0, 0] },
        ],
      },
    ],
    margin: [0, 0, 0, 4],
  };
  const footerLine = `Form 1099-NEC (${form.revision})`;
  return pageSetup({
    title: `Form 1099-NEC ${year}, Copy B${corrected ? ' (corrected)' : ''}`,
    author: payer.name,
    subject: `Form 1099-NEC for ${year}, recipient copy`,
    date: input.furnishedOn,
    footerLeft: `Form 1099-NEC ${year} · Copy B (substitute) · ${recipient.legalName}`,
    confidential: false,
    content: [
      {
        text: `Form 1099-NEC, tax year ${year}: recipient's copy${corrected ? ' (CORRECTED)' : ''}`,
        style: 'orgName',
        margin: [0, 0, 0, 4],
      },
      {
        text: corrected
          ? 'Substitute Copy B, CORRECTED: it replaces the copy you received before for this year. Your TIN is shown truncated; the IRS receives the full number from the payer.'
          : 'Substitute Copy B. Keep it with your tax records. Your TIN is shown truncated; the IRS receives the full number from the payer.',
        style: 'note',
        margin: [0, 0, 0, 8],
      },
      title,
      { table: { widths: ['*', 180], body: [[left, right]] }, layout: 'noBorders' },
      {
        text: 'This is important tax information and is being furnished to the IRS. If you are required to file a return, a negligence penalty or other sanction may be imposed on you if this income is taxable and the IRS determines that it has not been reported.',
        fontSize: 6.5,
        margin: [0, 4, 0, 0],
      },
      {
        columns: [
          { text: `${footerLine}  (keep for your records)`, fontSize: 7.5 },
          { text: 'www.irs.gov/Form1099NEC', fontSize: 7.5, alignment: 'center' },
          { text: 'Department of the Treasury - Internal Revenue Service', fontSize: 7.5, alignment: 'right' },
        ],
        margin: [0, 4, 0, 0],
      },
      {
        margin: [0, 14, 0, 0],
        stack: [
          { text: 'Instructions for Recipient', bold: true, margin: [0, 0, 0, 4] },
          ...form.recipientInstructions.map((p) => ({ text: p, fontSize: 7.5, margin: [0, 0, 0, 3] })),
          {
            text: 'Payments made to you by card or through a payment app are reported by the processor on Form 1099-K and are not included in this form.',
            fontSize: 7.5,
            italics: true,
            margin: [0, 3, 0, 0],
          },
        ],
      },
    ],
  });
}
