/**
 * 1099-NEC: who reaches the reporting threshold in a calendar year, by when the forms are
 * due, and which payments count. Every rule is data in one place (DOMAIN.md, "Paying
 * contractors and 1099-NEC"); the report says which rules it applied.
 */
import { addDays, dayOfWeek, splitIsoDate, ymd, type IsoDate } from './dates.ts';
import { formatMoney, sumCents, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';
import { PAYMENT_METHODS, type OrgSettings, type Payment, type PaymentMethod, type Therapist, type W9Status } from './schemas.ts';
import { maskTin, normalizeTin } from './tin.ts';

// ---------------------------------------------------------------------------------------
// Threshold by year of payment

export type NecThresholdEntry = {
  /** The year of payment the figure applies to; with `andEarlier`, every year before it too. */
  readonly year: number;
  readonly andEarlier?: true;
  readonly cents: Cents;
  readonly source: string;
};

/**
 * The 1099-NEC reporting threshold by the calendar year the payments were made.
 * From 2027 the $2,000 is indexed for inflation: when the IRS publishes a year's figure,
 * add it here as one line `{ year, cents, source }`.
 */
export const NEC_THRESHOLDS: readonly NecThresholdEntry[] = [
  { year: 2025, andEarlier: true, cents: 60_000, source: '$600 (IRC section 6041(a)) for payments made through 2025' },
  { year: 2026, cents: 200_000, source: 'One Big Beautiful Bill Act (2025): $2,000 for payments made after December 31, 2025' },
];

export type ThresholdUnknownError = { code: 'threshold-unknown'; year: number; message: string };

export function necThreshold(year: number): Result<Cents, ThresholdUnknownError> {
  if (!Number.isInteger(year)) {
    return err({ code: 'threshold-unknown', year, message: `${year} is not a calendar year, so it has no 1099-NEC threshold.` });
  }
  const entry = NEC_THRESHOLDS.find((e) => e.year === year) ?? NEC_THRESHOLDS.find((e) => e.andEarlier && year < e.year);
  if (entry) return ok(entry.cents);
  return err({
    code: 'threshold-unknown',
    year,
    message:
      `The 1099-NEC threshold for payments made in ${year} is not in VisitLedger's table yet (from 2027 the $2,000 is indexed for inflation). ` +
      `Add the IRS figure as one line in NEC_THRESHOLDS in shared/tax1099.ts.`,
  });
}

/** The one place the threshold comparison lives: a total at or above the threshold is reported. */
export function isReportable(totalCents: Cents, thresholdCents: Cents): boolean {
  return totalCents >= thresholdCents;
}

// ---------------------------------------------------------------------------------------
// Due date

/**
 * Copies to the recipients and the IRS filing are both due January 31 of the year after
 * the tax year, moved to the next business day on a weekend. No federal holiday falls on
 * January 31 to February 2, so weekends are the only move.
 */
export function necDueDate(taxYear: number): IsoDate {
  if (!Number.isInteger(taxYear)) throw new Error(`necDueDate: ${taxYear} is not a year`, { cause: { code: 'bad-date' } });
  const due = ymd(taxYear + 1, 1, 31);
  const weekday = dayOfWeek(due);
  if (weekday === 6) return addDays(due, 2); // Saturday -> Monday
  if (weekday === 0) return addDays(due, 1); // Sunday -> Monday
  return due;
}

// ---------------------------------------------------------------------------------------
// Payment methods

export type PaymentMethodRule = {
  readonly label: string;
  /** `'org-setting'`: the org's `stripeTransfersCountFor1099` decides. */
  readonly countsTowardNec: boolean | 'org-setting';
  /** Why, as the report shows it. */
  readonly note: string;
};

export const PAYMENT_METHOD_RULES: Readonly<Record<PaymentMethod, PaymentMethodRule>> = {
  check: { label: 'Check', countsTowardNec: true, note: 'Paid directly by the org: reported on the 1099-NEC.' },
  ach: {
    label: 'Bank transfer (ACH, Zelle)',
    countsTowardNec: true,
    note: 'Paid directly by the org from its bank: reported on the 1099-NEC.',
  },
  cash: { label: 'Cash', countsTowardNec: true, note: 'Paid directly by the org: reported on the 1099-NEC.' },
  card: {
    label: 'Card or payment app (PayPal, Venmo)',
    countsTowardNec: false,
    note: 'The card processor or payment app reports these on a 1099-K, so they are left off the 1099-NEC.',
  },
  stripe: {
    label: 'Stripe Connect transfer',
    countsTowardNec: 'org-setting',
    note: "Counted by default (org setting 'Stripe transfers count for 1099'). Whether Stripe Connect transfers belong on the 1099-NEC is for the owner's accountant to decide.",
  },
};

export function countsTowardNec(method: PaymentMethod, settings: Pick<OrgSettings, 'stripeTransfersCountFor1099'>): boolean {
  const rule = PAYMENT_METHOD_RULES[method].countsTowardNec;
  return rule === 'org-setting' ? settings.stripeTransfersCountFor1099 : rule;
}

// ---------------------------------------------------------------------------------------
// W-9

/** The rate a payer withholds from payments to a payee without a usable TIN (IRC 3406); payroll.ts holds or withholds by it. */
export const BACKUP_WITHHOLDING_PERCENT = 24;

/** Only whether a W-9 is on file matters here, so a caller holding it sealed can ask too. */
export function w9Status(therapist: { w9?: unknown }): W9Status {
  return therapist.w9 ? 'on-file' : 'missing';
}

/** What stops a 1099-NEC being filed for this therapist, in words for the owner. Never contains TIN digits. */
export function filingBlockers(therapist: Pick<Therapist, 'w9'>): string[] {
  const w9 = therapist.w9;
  if (!w9) {
    return [
      `No W-9 on file: the 1099-NEC needs the therapist's legal name, address and TIN. ` +
        `Without a TIN, payments are subject to ${BACKUP_WITHHOLDING_PERCENT}% backup withholding.`,
    ];
  }
  const blockers: string[] = [];
  if (w9.legalName.trim() === '') blockers.push('The W-9 has no legal name.');
  if (w9.tin.trim() === '') {
    blockers.push(`The W-9 has no TIN. Without one, payments are subject to ${BACKUP_WITHHOLDING_PERCENT}% backup withholding.`);
  } else {
    const tin = normalizeTin(w9.tin, w9.tinType);
    if (!tin.ok) blockers.push(`The TIN on the W-9 is not valid: ${tin.error.message}`);
  }
  const a = w9.address;
  const missing = [
    a.line1.trim() === '' ? 'street' : null,
    a.city.trim() === '' ? 'city' : null,
    a.state.trim() === '' ? 'state' : null,
    a.zip.trim() === '' ? 'ZIP code' : null,
  ].filter((part) => part !== null);
  if (missing.length > 0) blockers.push(`The W-9 address has no ${missing.join(', ')}.`);
  return blockers;
}

// ---------------------------------------------------------------------------------------
// Electronic filing

/** 10 or more information returns in a year (all types together) must be e-filed. */
export const E_FILE_MIN_RETURNS = 10;
/** The IRS FIRE system is retired at the end of 2026: tax year 2026 returns go through IRIS only. */
const FIRE_LAST_TAX_YEAR = 2025;

// ---------------------------------------------------------------------------------------
// The year's summary

export type MethodTotal = {
  method: PaymentMethod;
  label: string;
  cents: Cents;
  payments: number;
  counted: boolean;
  /** Why this method counts or not. */
  note: string;
};

export type TherapistTaxYear = {
  therapistId: string;
  name: string;
  /** Paid in the year by methods that count toward 1099-NEC: Box 1. */
  totalCents: Cents;
  /** Paid in the year by methods that do not count (card, or Stripe when the org says so). */
  excludedCents: Cents;
  /** Backup withholding kept from the year's counted payments: Box 4. */
  withheldCents: Cents;
  /** Paid payments by method, in PAYMENT_METHODS order, only the methods used. */
  byMethod: MethodTotal[];
  reportable: boolean;
  w9Status: W9Status;
  /** "***-**-1234" or "**-***1234"; null without a W-9 or with a malformed TIN. */
  tinMasked: string | null;
  /** Only for reportable therapists: a blocker below the threshold stops nothing. */
  blockers: string[];
};

export type TaxYearSummary = {
  year: number;
  thresholdCents: Cents;
  dueDate: IsoDate;
  /** Every therapist with a paid payment in the year, by name. */
  therapists: TherapistTaxYear[];
  reportableCount: number;
  notes: string[];
  /** This org's own 1099-NECs alone reach the e-file count. */
  eFileRequired: boolean;
  /** Backup withholding kept from every payment paid in the year: what Form 945 reports. */
  form945TotalCents: Cents;
};

export type UnknownTherapistError = { code: 'unknown-therapist'; therapistIds: string[]; message: string };
export type TaxYearSummaryError = ThresholdUnknownError | UnknownTherapistError;

export type TaxYearInput = {
  year: number;
  payments: readonly Payment[];
  therapists: readonly Therapist[];
  settings: Pick<OrgSettings, 'stripeTransfersCountFor1099'>;
};

/** The calendar year a payment counts in: the year it was paid, not the year of the visits it pays for. */
export function paymentYear(payment: Pick<Payment, 'paidOn'>): number {
  return splitIsoDate(payment.paidOn).year;
}

/**
 * Totals per therapist for one calendar year of payment. Only payments with status
 * 'paid' count; among them, only methods that count toward 1099-NEC make up the total,
 * and the others are shown apart with the reason.
 */
export function summarizeTaxYear(input: TaxYearInput): Result<TaxYearSummary, TaxYearSummaryError> {
  const { year, payments, therapists, settings } = input;
  const threshold = necThreshold(year);
  if (!threshold.ok) return threshold;
  const thresholdCents = threshold.value;

  const inYear = payments.filter((p) => paymentYear(p) === year);
  const paid = inYear.filter((p) => p.status === 'paid');
  const byId = new Map(therapists.map((t) => [t.id, t]));
  const unknownIds = [...new Set(paid.map((p) => p.therapistId).filter((id) => !byId.has(id)))];
  if (unknownIds.length > 0) {
    return err({
      code: 'unknown-therapist',
      therapistIds: unknownIds,
      message:
        `Payments in ${year} are for ${unknownIds.length === 1 ? 'a therapist' : 'therapists'} not in the therapist list (id ${unknownIds.join(', ')}); ` +
        'the 1099-NEC totals would be wrong without them.',
    });
  }

  const paidByTherapist = new Map<string, Payment[]>();
  for (const p of paid) {
    const list = paidByTherapist.get(p.therapistId);
    if (list) list.push(p);
    else paidByTherapist.set(p.therapistId, [p]);
  }

  const rows = [...paidByTherapist].map(([id, list]) => therapistYear(byId.get(id)!, list, thresholdCents, settings));
  rows.sort(
    (a, b) =>
      a.name.localeCompare(b.name, 'en-US', { sensitivity: 'base' }) ||
      (a.therapistId < b.therapistId ? -1 : a.therapistId > b.therapistId ? 1 : 0),
  );

  const reportableCount = rows.filter((r) => r.reportable).length;
  return ok({
    year,
    thresholdCents,
    dueDate: necDueDate(year),
    therapists: rows,
    reportableCount,
    notes: yearNotes(year, paid, inYear, rows, reportableCount, settings),
    eFileRequired: reportableCount >= E_FILE_MIN_RETURNS,
    form945TotalCents: sumCents(paid.map((p) => p.withheldCents ?? 0)),
  });
}

function therapistYear(
  therapist: Therapist,
  paid: readonly Payment[],
  thresholdCents: Cents,
  settings: Pick<OrgSettings, 'stripeTransfersCountFor1099'>,
): TherapistTaxYear {
  const byMethod: MethodTotal[] = [];
  for (const method of PAYMENT_METHODS) {
    const ofMethod = paid.filter((p) => p.method === method);
    if (ofMethod.length === 0) continue;
    const counted = countsTowardNec(method, settings);
    byMethod.push({
      method,
      label: PAYMENT_METHOD_RULES[method].label,
      cents: sumCents(ofMethod.map((p) => p.amountCents)),
      payments: ofMethod.length,
      counted,
      note: methodNote(method, counted),
    });
  }
  const totalCents = sumCents(byMethod.filter((m) => m.counted).map((m) => m.cents));
  const excludedCents = sumCents(byMethod.filter((m) => !m.counted).map((m) => m.cents));
  const withheldCents = sumCents(paid.filter((p) => countsTowardNec(p.method, settings)).map((p) => p.withheldCents ?? 0));
  // Any backup withholding is reported, whatever the amount paid (IRS instructions for Form 1099-NEC).
  const reportable = isReportable(totalCents, thresholdCents) || withheldCents > 0;
  const w9 = therapist.w9;
  return {
    therapistId: therapist.id,
    name: therapist.name,
    totalCents,
    excludedCents,
    withheldCents,
    byMethod,
    reportable,
    w9Status: w9Status(therapist),
    tinMasked: w9 && /^\d{9}$/.test(w9.tin) ? maskTin(w9.tin, w9.tinType) : null,
    blockers: reportable ? filingBlockers(therapist) : [],
  };
}

/** Why a therapist paid in the year gets a 1099-NEC or not, in words for the owner's summary. */
export function reportableWhy(t: Pick<TherapistTaxYear, 'totalCents' | 'withheldCents'>, thresholdCents: Cents): string {
  if (isReportable(t.totalCents, thresholdCents)) return `at or above ${formatMoney(thresholdCents)}`;
  if (t.withheldCents > 0) return 'tax withheld: reported whatever the amount';
  return `below ${formatMoney(thresholdCents)}`;
}

/** The rule's note, unless the org turned Stripe transfers off: then the note says that instead. */
function methodNote(method: PaymentMethod, counted: boolean): string {
  const rule = PAYMENT_METHOD_RULES[method];
  if (rule.countsTowardNec !== 'org-setting' || counted) return rule.note;
  return "Not counted: the org setting 'Stripe transfers count for 1099' is off. Whether Stripe Connect transfers belong on the 1099-NEC is for the owner's accountant to decide.";
}

function yearNotes(
  year: number,
  paid: readonly Payment[],
  inYear: readonly Payment[],
  rows: readonly TherapistTaxYear[],
  reportableCount: number,
  settings: Pick<OrgSettings, 'stripeTransfersCountFor1099'>,
): string[] {
  const notes: string[] = [];
  const total = (list: readonly Payment[]) => formatMoney(sumCents(list.map((p) => p.amountCents)));

  const stripe = paid.filter((p) => p.method === 'stripe');
  if (stripe.length > 0) {
    notes.push(
      settings.stripeTransfersCountFor1099
        ? `Stripe Connect transfers (${total(stripe)}) are counted toward 1099-NEC, as the org setting says (the default). ` +
            "Whether they belong on the 1099-NEC is for the owner's accountant to decide."
        : `Stripe Connect transfers (${total(stripe)}) are not counted toward 1099-NEC, because the org setting says so. ` +
            "Whether they belong on the 1099-NEC is for the owner's accountant to decide.",
    );
  }
  const excludedByRule = paid.filter((p) => PAYMENT_METHOD_RULES[p.method].countsTowardNec === false);
  if (excludedByRule.length > 0) {
    notes.push(
      `Card and payment-app payments (${total(excludedByRule)}) are left off the 1099-NEC: the processor reports them on a 1099-K.`,
    );
  }
  const pending = inYear.filter((p) => p.status === 'pending');
  if (pending.length > 0) {
    notes.push(
      `${pending.length} pending ${pending.length === 1 ? 'payment' : 'payments'} dated in ${year} (${total(pending)}) ` +
        `${pending.length === 1 ? 'is' : 'are'} not counted: only payments marked paid are.`,
    );
  }
  const via =
    year <= FIRE_LAST_TAX_YEAR ? 'through IRIS (or FIRE, which closes at the end of 2026)' : 'through IRIS (the FIRE system is retired)';
  if (reportableCount >= E_FILE_MIN_RETURNS) {
    notes.push(
      `${reportableCount} therapists reach the threshold: ${E_FILE_MIN_RETURNS} or more information returns must be e-filed, ${via}.`,
    );
  } else if (reportableCount > 0) {
    notes.push(
      `${reportableCount} ${reportableCount === 1 ? 'therapist reaches' : 'therapists reach'} the threshold. ` +
        `E-filing is required at ${E_FILE_MIN_RETURNS} or more information returns, counting every kind the org files for ${year} (W-2s and other 1099s too): ask the accountant.`,
    );
  }
  const blocked = rows.filter((r) => r.blockers.length > 0);
  if (blocked.length > 0) {
    notes.push(
      `${blocked.length} ${blocked.length === 1 ? 'therapist who reaches' : 'therapists who reach'} the threshold cannot be filed yet: ${blocked.map((r) => r.name).join(', ')}.`,
    );
  }
  return notes;
}
