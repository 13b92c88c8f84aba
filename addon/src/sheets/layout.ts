/**
 * The structured tabs the add-on writes: their headers, formats and dropdowns. Data lives
 * from row 2 on; row 1 is a protected header. Dropdowns read named ranges, so a new agency
 * or therapist appears in them as soon as its row is added.
 */
import { DISCIPLINES, PATIENT_IDENTIFIERS, type Vocabulary } from '../../../shared/vocabulary.ts';

export const TAB = {
  agencies: 'Agencies',
  therapists: 'Therapists',
  rates: 'Rates',
  payRates: 'Pay Rates',
  visits: 'Visits',
  invoices: 'Invoices',
  payroll: 'Payroll',
  tax1099: '1099',
  lists: 'Lists',
  receivables: 'Receivables',
  reminders: 'Reminders',
} as const;

export const RANGE = {
  agencies: 'VL_Agencies',
  therapists: 'VL_Therapists',
  disciplines: 'VL_Disciplines',
  visitTypes: 'VL_VisitTypes',
  identifiers: 'VL_PatientIdentifiers',
} as const;

export const MONEY_FORMAT = '$#,##0.00';
export const DATE_FORMAT = 'yyyy-mm-dd';

export const AGENCY_COLUMNS = [
  'Agency ID',
  'Name',
  'Aliases',
  'Contact Email',
  'Terms (days)',
  'Patient Identifier',
  'Active',
  'Billing Cycle',
  'No Reminders',
] as const;
export const THERAPIST_COLUMNS = ['Therapist ID', 'Name', 'Aliases', 'Email', 'Disciplines', 'Active', 'Form Link'] as const;
/** The Visits header: names the shared importer recognises, so the same code validates typed rows. */
export const VISIT_COLUMNS = [
  'Visit ID',
  'Visit Date',
  'Therapist',
  'Agency',
  'Patient',
  'MRN',
  'Discipline',
  'Visit Type',
  'Note Done',
  'Source',
  'Status',
  'Sync',
] as const;
export const VISIT_COL = Object.fromEntries(VISIT_COLUMNS.map((h, i) => [h, i])) as Record<(typeof VISIT_COLUMNS)[number], number>;
export const INVOICE_COLUMNS = ['Invoice', 'Agency', 'Period Start', 'Period End', 'Issued', 'Due', 'Visits', 'Total', 'Status'] as const;
export const PAYROLL_COLUMNS = [
  'Pay Run',
  'Period Start',
  'Period End',
  'Run Status',
  'Therapist',
  'Visits',
  'Amount',
  'W-9',
  'Payment',
] as const;
export const TAX_COLUMNS = ['Year', 'Therapist', 'Box 1 (NEC)', 'Not Counted', 'Reportable', 'W-9', 'TIN', 'Blocks Filing'] as const;
/** What each agency owes, invoice by invoice: open invoices only, as the service's receivables report ages them. */
export const RECEIVABLE_COLUMNS = ['Invoice', 'Agency', 'Issued', 'Due', 'Total', 'Paid', 'Open', 'Days Overdue', 'Status'] as const;
/** The owner's log of payment reminders: one row per agency per run that had something to remind. */
export const REMINDER_LOG_COLUMNS = ['When', 'Agency', 'Step', 'Invoices', 'Open', 'Sent To', 'Outcome'] as const;

/** "PT Evaluation", one column per discipline and visit type: the shared rate-sheet reader reads it back. */
export function rateColumns(vocabulary: Vocabulary): { header: string; discipline: string; visitType: string }[] {
  return DISCIPLINES.flatMap((d) => vocabulary.visitTypes.map((t) => ({ header: `${d} ${t.label}`, discipline: d, visitType: t.code })));
}

export function payRateHeader(vocabulary: Vocabulary): string[] {
  return ['Therapist', 'Discipline', 'Agency', ...vocabulary.visitTypes.map((t) => t.label)];
}

export type ColumnRule = { kind: 'list'; range: string } | { kind: 'checkbox' };

/** How a tab looks: formats and dropdowns per column (1-based), applied to whole columns in one call each. */
export type TabLayout = {
  name: string;
  header: string[];
  money?: number[];
  dates?: number[];
  rules?: { column: number; rule: ColumnRule }[];
  readOnly?: boolean;
};

export function layouts(vocabulary: Vocabulary): TabLayout[] {
  const rates = rateColumns(vocabulary);
  const payHeader = payRateHeader(vocabulary);
  const col = (h: (typeof VISIT_COLUMNS)[number]) => VISIT_COL[h] + 1;
  return [
    {
      name: TAB.agencies,
      header: [...AGENCY_COLUMNS],
      rules: [
        { column: 6, rule: { kind: 'list', range: RANGE.identifiers } },
        { column: 7, rule: { kind: 'checkbox' } },
        { column: 9, rule: { kind: 'checkbox' } },
      ],
    },
    { name: TAB.therapists, header: [...THERAPIST_COLUMNS], rules: [{ column: 6, rule: { kind: 'checkbox' } }] },
    {
      name: TAB.rates,
      header: ['Agency', ...rates.map((r) => r.header)],
      money: rates.map((_, i) => i + 2),
      rules: [{ column: 1, rule: { kind: 'list', range: RANGE.agencies } }],
    },
    {
      name: TAB.payRates,
      header: payHeader,
      money: payHeader.slice(3).map((_, i) => i + 4),
      rules: [
        { column: 1, rule: { kind: 'list', range: RANGE.therapists } },
        { column: 2, rule: { kind: 'list', range: RANGE.disciplines } },
        { column: 3, rule: { kind: 'list', range: RANGE.agencies } },
      ],
    },
    {
      name: TAB.visits,
      header: [...VISIT_COLUMNS],
      dates: [col('Visit Date')],
      rules: [
        { column: col('Therapist'), rule: { kind: 'list', range: RANGE.therapists } },
        { column: col('Agency'), rule: { kind: 'list', range: RANGE.agencies } },
        { column: col('Discipline'), rule: { kind: 'list', range: RANGE.disciplines } },
        { column: col('Visit Type'), rule: { kind: 'list', range: RANGE.visitTypes } },
        { column: col('Note Done'), rule: { kind: 'checkbox' } },
      ],
    },
    { name: TAB.invoices, header: [...INVOICE_COLUMNS], money: [8], dates: [3, 4, 5, 6], readOnly: true },
    { name: TAB.payroll, header: [...PAYROLL_COLUMNS], money: [7], dates: [2, 3], readOnly: true },
    { name: TAB.tax1099, header: [...TAX_COLUMNS], money: [3, 4], readOnly: true },
    { name: TAB.lists, header: ['Disciplines', 'Visit Types', 'Patient Identifiers'], readOnly: true },
  ];
}

/** Tabs Set up does not make: Sync makes Receivables, turning reminders on makes Reminders. */
export const RECEIVABLES_LAYOUT: TabLayout = {
  name: TAB.receivables,
  header: [...RECEIVABLE_COLUMNS],
  money: [5, 6, 7],
  dates: [3, 4],
  readOnly: true,
};
export const REMINDERS_LAYOUT: TabLayout = { name: TAB.reminders, header: [...REMINDER_LOG_COLUMNS], money: [5], readOnly: true };

/** The Lists tab's values: the dropdowns' choices. */
export function listsTable(vocabulary: Vocabulary): string[][] {
  const labels = vocabulary.visitTypes.map((t) => t.label);
  const rows = Math.max(DISCIPLINES.length, labels.length, PATIENT_IDENTIFIERS.length);
  return Array.from({ length: rows }, (_, i) => [DISCIPLINES[i] ?? '', labels[i] ?? '', PATIENT_IDENTIFIERS[i] ?? '']);
}
