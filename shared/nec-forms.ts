/**
 * Form 1099-NEC as each tax year files it: the revision, the boxes (numbers and labels), the
 * Instructions for Recipient printed on Copy B, and the IRIS upload header. Revisions change
 * from year to year (the 2026 form adds the tips and overtime boxes of the One Big Beautiful
 * Bill Act): next year's form is one more entry in NEC_FORMS, not a code change. Confirm each
 * entry against the IRS's form (IRS.gov/Form1099NEC) and the IRIS template before filing.
 */
import { err, ok, type Result } from './result.ts';

/** What a box holds, so the copy and the IRS file find it whatever its number that year. */
export type NecBoxRole =
  | 'compensation'
  | 'cash-tips'
  | 'tipped-occupation'
  | 'overtime'
  | 'direct-sales'
  | 'golden-parachute'
  | 'withheld'
  | 'state-tax'
  | 'state-number'
  | 'state-income';

export type NecBox = {
  readonly role: NecBoxRole;
  readonly number: string;
  readonly label: string;
  readonly kind: 'amount' | 'checkbox' | 'code' | 'text';
};

export type NecFormYear = {
  /** The tax year the entry is for; with `andEarlier`, every year before it too. */
  readonly year: number;
  readonly andEarlier?: true;
  /** As printed in the form's footer: "Form 1099-NEC (Rev. December 2026)". */
  readonly revision: string;
  readonly boxes: readonly NecBox[];
  /** The Instructions for Recipient, paragraph by paragraph, as the IRS prints them on Copy B. */
  readonly recipientInstructions: readonly string[];
  readonly irisHeader: readonly string[];
};

const STATE_BOXES: readonly NecBox[] = [
  { role: 'state-tax', number: '5', label: 'State tax withheld', kind: 'amount' },
  { role: 'state-number', number: '6', label: "State/Payer's state no.", kind: 'text' },
  { role: 'state-income', number: '7', label: 'State income', kind: 'amount' },
];

const BOXES_THROUGH_2025: readonly NecBox[] = [
  { role: 'compensation', number: '1', label: 'Nonemployee compensation', kind: 'amount' },
  {
    role: 'direct-sales',
    number: '2',
    label: 'Payer made direct sales totaling $5,000 or more of consumer products to recipient for resale',
    kind: 'checkbox',
  },
  { role: 'golden-parachute', number: '3', label: 'Excess golden parachute payments', kind: 'amount' },
  { role: 'withheld', number: '4', label: 'Federal income tax withheld', kind: 'amount' },
  ...STATE_BOXES,
];

const BOXES_2026: readonly NecBox[] = [
  { role: 'compensation', number: '1a', label: 'Nonemployee compensation', kind: 'amount' },
  { role: 'cash-tips', number: '1b', label: 'Cash tips', kind: 'amount' },
  { role: 'tipped-occupation', number: '1c', label: 'Treasury tipped occupation code', kind: 'code' },
  { role: 'overtime', number: '1d', label: 'Qualified overtime compensation', kind: 'amount' },
  ...BOXES_THROUGH_2025.slice(1),
];

/** The Instructions for Recipient, with the compensation box's number of the revision. */
function recipientInstructions(box1: string): string[] {
  return [
    'You received this form instead of Form W-2 because the payer did not consider you an employee and did not withhold income tax or social security and Medicare tax.',
    `If you believe you are an employee and cannot get the payer to correct this form, report the amount shown in box ${box1} on the line for "Wages, salaries, tips, etc." of Form 1040, 1040-SR, or 1040-NR. You must also complete Form 8919 and attach it to your return. For more information, see Pub. 1779, Independent Contractor or Employee.`,
    `If you are not an employee but the amount in box ${box1} is not self-employment (SE) income (for example, it is income from a sporadic activity or a hobby), report the amount shown in box ${box1} on the "Other income" line (on Schedule 1 (Form 1040)).`,
    "Recipient's taxpayer identification number (TIN). For your protection, this form may show only the last four digits of your TIN (social security number (SSN), individual taxpayer identification number (ITIN), adoption taxpayer identification number (ATIN), or employer identification number (EIN)). However, the payer has reported your complete TIN to the IRS.",
    'Account number. May show an account or other unique number the payer assigned to distinguish your account.',
    `Box ${box1}. Shows nonemployee compensation. If the amount in this box is SE income, report it on Schedule C or F (Form 1040) if a sole proprietor, or on Form 1065 and Schedule K-1 (Form 1065) if a partnership, and the recipient/partner completes Schedule SE (Form 1040).`,
    `Note: If you are receiving payments on which no income, social security, and Medicare taxes are withheld, you should make estimated tax payments. See Form 1040-ES (or Form 1040-ES (NR)). Individuals must report these amounts as explained in these box ${box1} instructions. Corporations, fiduciaries, and partnerships must report these amounts on the appropriate line of their tax returns.`,
    'Box 2. If checked, consumer products totaling $5,000 or more were sold to you for resale, on a buy-sell, a deposit-commission, or other basis. Generally, report any income from your sale of these products on Schedule C (Form 1040).',
    'Box 3. Shows your total compensation of excess golden parachute payments subject to a 20% excise tax. See your tax return instructions for where to report.',
    'Box 4. Shows backup withholding. A payer must backup withhold on certain payments if you did not give your TIN to the payer. See Form W-9, Request for Taxpayer Identification Number and Certification, for information on backup withholding. Include this amount on your income tax return as tax withheld.',
    'Boxes 5–7. State income tax withheld reporting boxes.',
    'Future developments. For the latest information about developments related to Form 1099-NEC and its instructions, such as legislation enacted after they were published, go to www.irs.gov/Form1099NEC.',
    'Free File Program. Go to www.irs.gov/FreeFile to see if you qualify for no-cost online federal tax preparation, e-filing, and direct deposit or payment options.',
  ];
}

const STATE_COLUMNS = [
  '',
  ' - State Tax Withheld',
  ' - State/Payer state number',
  ' - State income',
  ' - Local income tax withheld',
  ' - Special Data Entries',
];

/** The IRIS Taxpayer Portal's 1099-NEC CSV header (DOMAIN.md, "Electronic filing"), column by column. */
export const IRIS_1099_NEC_HEADER_2026: readonly string[] = [
  'Form Type',
  'Tax Year',
  'Payer TIN Type',
  'Payer Taxpayer ID Number',
  'Payer Name Type',
  'Payer Business or Entity Name Line 1',
  'Payer Business or Entity Name Line 2',
  'Payer First Name',
  'Payer Middle Name',
  'Payer Last Name (Surname)',
  'Payer Suffix',
  'Payer Country',
  'Payer Address Line 1',
  'Payer Address Line 2',
  'Payer City/Town',
  'Payer State/Province/Territory',
  'Payer ZIP/Postal Code',
  'Payer Phone Type',
  'Payer Phone',
  'Payer Email Address',
  'Recipient TIN Type',
  'Recipient Taxpayer ID Number',
  'Recipient Name Type',
  'Recipient Business or Entity Name Line 1',
  'Recipient Business or Entity Name Line 2',
  'Recipient First Name',
  'Recipient Middle Name',
  'Recipient Last Name (Surname)',
  'Recipient Suffix',
  'Recipient Country',
  'Recipient Address Line 1',
  'Recipient Address Line 2',
  'Recipient City/Town',
  'Recipient State/Province/Territory',
  'Recipient ZIP/Postal Code',
  'Office Code',
  'Form Account Number',
  '2nd TIN Notice',
  'Box 1 - Nonemployee Compensation',
  'Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale',
  'Box 4 - Federal income tax withheld',
  'Combined Federal/State Filing',
  ...STATE_COLUMNS.map((c) => `State 1${c}`),
  ...STATE_COLUMNS.map((c) => `State 2${c}`),
];

/** One entry per revision, oldest first. */
export const NEC_FORMS: readonly NecFormYear[] = [
  {
    year: 2024,
    andEarlier: true,
    revision: 'Rev. January 2024',
    boxes: BOXES_THROUGH_2025,
    recipientInstructions: recipientInstructions('1'),
    irisHeader: IRIS_1099_NEC_HEADER_2026,
  },
  {
    year: 2025,
    revision: 'Rev. April 2025',
    boxes: BOXES_THROUGH_2025,
    recipientInstructions: recipientInstructions('1'),
    irisHeader: IRIS_1099_NEC_HEADER_2026,
  },
  {
    year: 2026,
    revision: 'Rev. December 2026',
    boxes: BOXES_2026,
    recipientInstructions: recipientInstructions('1a'),
    irisHeader: IRIS_1099_NEC_HEADER_2026,
  },
];

export type NecFormUnknownError = { code: 'form-unknown'; year: number; message: string };

export function necForm(year: number): Result<NecFormYear, NecFormUnknownError> {
  const entry = NEC_FORMS.find((f) => f.year === year) ?? NEC_FORMS.find((f) => f.andEarlier && year < f.year);
  if (entry) return ok(entry);
  return err({
    code: 'form-unknown',
    year,
    message: `VisitLedger does not have the Form 1099-NEC revision for tax year ${year} yet: add it as one entry in NEC_FORMS in shared/nec-forms.ts (its boxes, instructions and IRIS header).`,
  });
}

export function necBox(form: NecFormYear, role: NecBoxRole): NecBox {
  const box = form.boxes.find((b) => b.role === role);
  if (!box) throw new Error(`necBox: the ${form.revision} form has no ${role} box`, { cause: { code: 'form-layout' } });
  return box;
}
