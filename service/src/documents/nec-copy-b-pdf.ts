/**
 * The recipient's copy of Form 1099-NEC as a substitute Copy B: the official box layout and
 * wording, the payer's and the recipient's TINs masked (a full TIN is only ever written to
 * the IRS file), Box 1 the year's nonemployee compensation by payment date.
 */
import { formatMoney, type Address } from '../../../shared/index.ts';
import { addressLines, breakable, pageSetup } from './layout.ts';
import type { DocContent, DocDefinition } from './pdf-printer.ts';

export type NecCopyBInput = {
  year: number;
  payer: { name: string; address: Address | undefined; phone: string | undefined; tinMasked: string };
  recipient: { legalName: string; businessName: string | undefined; address: Address; tinMasked: string };
  box1Cents: number;
  /** The date the copy is furnished on (the export's day). */
  furnishedOn: string;
};

const cell = (label: string, value: DocContent, extra: Record<string, unknown> = {}): DocContent => ({
  stack: [{ text: label, fontSize: 6.5, color: '#374151' }, typeof value === 'string' ? { text: value, fontSize: 10, margin: [0, 3, 0, 0] } : value],
  ...extra,
});

const box = (n: string, label: string, value: string) => cell(`${n} ${label}`, { text: value, fontSize: 10, alignment: 'right', margin: [0, 3, 0, 0] });

export function necCopyBDocument(input: NecCopyBInput): DocDefinition {
  const { year, payer, recipient } = input;
  const payerBlock = [payer.name, ...addressLines(payer.address), ...(payer.phone ? [payer.phone] : [])].map(breakable).join('\n');
  const recipientName = [recipient.legalName, ...(recipient.businessName ? [recipient.businessName] : [])].map(breakable).join('\n');
  const a = recipient.address;
  const street = [a.line1, a.line2].filter((part) => part).join(', ');
  const cityLine = `${a.city}, ${a.state} ${a.zip}`;
  const form: DocContent = {
    table: {
      widths: ['*', '*', 150, 110],
      body: [
        [
          cell("PAYER'S name, street address, city or town, state or province, country, ZIP or foreign postal code, and telephone no.", payerBlock, { colSpan: 2, rowSpan: 2 }), '',
          cell('', { stack: [{ text: 'OMB No. 1545-0116', fontSize: 7 }, { text: 'Form 1099-NEC', fontSize: 13, bold: true, margin: [0, 4, 0, 0] }, { text: `For calendar year ${year}`, fontSize: 9, bold: true }] }),
          { text: 'Nonemployee\nCompensation', fontSize: 12, bold: true, alignment: 'right', margin: [0, 6, 0, 0] },
        ],
        ['', '', box('1', 'Nonemployee compensation', formatMoney(input.box1Cents)), { text: 'Copy B\nFor Recipient', fontSize: 10, bold: true, alignment: 'right', rowSpan: 2 }],
        [cell("PAYER'S TIN", payer.tinMasked), cell("RECIPIENT'S TIN", recipient.tinMasked), box('2', 'Payer made direct sales totaling $5,000 or more of consumer products to recipient for resale', 'No'), ''],
        [cell("RECIPIENT'S name", recipientName, { colSpan: 2 }), '', box('3', 'Excess golden parachute payments', ''), {
          text: 'This is important tax information and is being furnished to the IRS. If you are required to file a return, a negligence penalty or other sanction may be imposed on you if this income is taxable and the IRS determines that it has not been reported.',
          fontSize: 6.5, rowSpan: 4,
        }],
        [cell('Street address (including apt. no.)', breakable(street), { colSpan: 2 }), '', box('4', 'Federal income tax withheld', formatMoney(0)), ''],
        [cell('City or town, state or province, country, and ZIP or foreign postal code', breakable(cityLine), { colSpan: 2 }), '', box('5', 'State tax withheld', ''), ''],
        [cell('Account number (see instructions)', ''), cell('', ''), box('6', "State/Payer's state no.", ''), ''],
        [cell('', ''), cell('', ''), box('7', 'State income', ''), ''],
      ],
    },
    layout: { hLineWidth: () => 0.75, vLineWidth: () => 0.75, paddingTop: () => 3, paddingBottom: () => 3 },
  };
  return pageSetup({
    title: `Form 1099-NEC ${year}, Copy B`,
    author: payer.name,
    subject: `Form 1099-NEC for ${year}, recipient copy`,
    date: input.furnishedOn,
    footerLeft: `Form 1099-NEC ${year} · Copy B (substitute) · ${recipient.legalName}`,
    confidential: false,
    content: [
      { text: `Form 1099-NEC, tax year ${year}: recipient's copy`, style: 'orgName', margin: [0, 0, 0, 4] },
      { text: 'Substitute Copy B. Keep it with your tax records. Your TIN is shown masked; the IRS receives the full number from the payer.', style: 'note', margin: [0, 0, 0, 10] },
      form,
      {
        columns: [
          { text: 'Form 1099-NEC (keep for your records)', fontSize: 7.5 },
          { text: 'www.irs.gov/Form1099NEC', fontSize: 7.5, alignment: 'center' },
          { text: 'Department of the Treasury - Internal Revenue Service', fontSize: 7.5, alignment: 'right' },
        ],
        margin: [0, 4, 0, 0],
      },
      {
        margin: [0, 18, 0, 0],
        stack: [
          { text: 'Instructions for Recipient', bold: true, margin: [0, 0, 0, 4] },
          { text: "Box 1. Shows nonemployee compensation paid to you in the calendar year, counted by the date it was paid. If you are in a trade or business, report it on Schedule C or F (Form 1040) and on Schedule SE if you owe self-employment tax. If you believe you are an employee and cannot get the payer to correct this form, report the amount on the line for Wages, salaries, tips, etc. of Form 1040 and file Form 8919 (see the instructions at www.irs.gov/Form1099NEC).", fontSize: 7.5, margin: [0, 0, 0, 4] },
          { text: 'Box 4. Shows backup withholding; this payer did not withhold.', fontSize: 7.5, margin: [0, 0, 0, 4] },
          { text: 'Payments made to you by card or through a payment app are reported by the processor on Form 1099-K and are not included in Box 1.', fontSize: 7.5 },
        ],
      },
    ],
  });
}
