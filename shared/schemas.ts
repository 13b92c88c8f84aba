/**
 * The records of the billing core, as zod/mini schemas with their inferred types.
 * Money is integer cents, dates are ISO calendar days, instants are ISO strings passed in.
 * Ids are opaque strings chosen by the service; `clientId`s are chosen by the sheet or form.
 */
import * as z from 'zod/mini';
import { isIsoDate } from './dates.ts';
import { DISCIPLINES, PATIENT_IDENTIFIERS } from './vocabulary.ts';

export const isoDate = z.string().check(z.refine(isIsoDate, { message: 'must be a calendar date as YYYY-MM-DD' }));
export const cents = z.int().check(z.refine(Number.isSafeInteger, { message: 'must be a whole number of cents' }));
export const nonNegativeCents = cents.check(z.minimum(0, { message: 'must not be negative' }));
export const id = z
  .string()
  .check(z.minLength(1, { message: 'is required' }), z.maxLength(128, { message: 'is longer than 128 characters' }));
const name = z
  .string()
  .check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(200, { message: 'is longer than 200 characters' }));
const optionalText = (max: number) =>
  z.optional(z.string().check(z.trim(), z.maxLength(max, { message: `is longer than ${max} characters` })));

export const discipline = z.enum(DISCIPLINES, { message: `must be one of ${DISCIPLINES.join(', ')}` });
export const visitTypeCode = z
  .string()
  .check(z.regex(/^[A-Z][A-Z0-9_-]{0,31}$/, { message: 'must be a visit type code such as EVAL or ROUTINE' }));

export const address = z.object({
  line1: name,
  line2: optionalText(200),
  city: name,
  state: z.string().check(z.regex(/^[A-Z]{2}$/, { message: 'must be a two-letter state code' })),
  zip: z.string().check(z.regex(/^\d{5}(-\d{4})?$/, { message: 'must be a ZIP code (12345 or 12345-6789)' })),
});
export type Address = z.infer<typeof address>;

/** How an agency bills: its cycle. Biweekly cycles count from an anchor date (a cycle's first day). */
export const cycleRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('weekly'), weekStartsOn: z.int().check(z.minimum(0), z.maximum(6)) }),
  z.object({ kind: z.literal('biweekly'), anchor: isoDate }),
  z.object({ kind: z.literal('semi-monthly') }),
  z.object({ kind: z.literal('monthly') }),
]);
export type CycleRule = z.infer<typeof cycleRule>;

/** How a patient is named on an agency's invoices (defined zod-free in vocabulary.ts, for the add-on's bundle). */
export { PATIENT_IDENTIFIERS };
export const patientIdentifier = z.enum(PATIENT_IDENTIFIERS);
export type PatientIdentifier = z.infer<typeof patientIdentifier>;

export const visitTypeDefinition = z.object({
  code: visitTypeCode,
  label: name,
  synonyms: z.array(z.string().check(z.minLength(1))),
});

/**
 * How agencies may pay an invoice online, through the org's own Stripe account (Checkout):
 * US bank account (ACH Direct Debit) first, card as an option; none: not offered.
 */
export const ONLINE_PAYMENT_CHOICES = [[], ['us_bank_account'], ['us_bank_account', 'card']] as const;
export const onlinePaymentMethods = z.array(z.enum(['us_bank_account', 'card'])).check(
  z.refine((methods) => ONLINE_PAYMENT_CHOICES.some((c) => c.join() === methods.join()), {
    message: 'must be [] (not offered), ["us_bank_account"] or ["us_bank_account", "card"]',
  }),
);
export type OnlinePaymentMethod = 'us_bank_account' | 'card';

/** ABA routing numbers carry a check digit: 3, 7 and 1 times the digits in turn sum to a multiple of 10. */
export function isRoutingNumber(text: string): boolean {
  if (!/^\d{9}$/.test(text)) return false;
  const d = [...text].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

/** The org's bank account that agencies pay by ACH (bank transfer), printed on its invoices. */
export const achDetails = z.object({
  bankName: name,
  routingNumber: z
    .string()
    .check(z.refine(isRoutingNumber, { message: 'must be a 9-digit ABA routing number (its check digit does not match)' })),
  accountNumber: z.string().check(z.regex(/^\d{4,17}$/, { message: 'must be 4 to 17 digits' })),
  /** The name on the account, when it is not the org's. */
  accountName: optionalText(200),
});
export type AchDetails = z.infer<typeof achDetails>;

export const orgSettings = z.object({
  name,
  address: z.optional(address),
  phone: optionalText(40),
  email: optionalText(200),
  /** Printed under "Remit to" on invoices: where agencies send payment. */
  remitTo: optionalText(500),
  /** Who checks are made payable to, on invoices (unset: the org's name). */
  checkPayableTo: optionalText(200),
  /** Bank details for paying by ACH, on invoices (unset: not printed). */
  ach: z.optional(achDetails),
  /** IANA zone of the owner's sheet: which calendar day a date cell or "today" is. */
  timeZone: z.string().check(z.minLength(1)),
  invoicePrefix: z.string().check(z.regex(/^[A-Z0-9-]{1,12}$/, { message: 'must be 1 to 12 capital letters, digits or dashes' })),
  payrollCycle: cycleRule,
  /** Hold a visit from payroll until its note is marked done (contracts often require it). */
  holdPayUntilNoteDone: z.boolean(),
  /** Whether payments through Stripe Connect count toward 1099-NEC (DOMAIN.md: default yes; the accountant decides). */
  stripeTransfersCountFor1099: z.boolean(),
  /** Pay online from the portal (unset: not offered). */
  onlinePaymentMethods: z.optional(onlinePaymentMethods),
  visitTypes: z.array(visitTypeDefinition),
  disciplineSynonyms: z.record(z.string(), discipline),
  visitTypeSynonyms: z.record(z.string(), visitTypeCode),
});
export type OrgSettings = z.infer<typeof orgSettings>;

export const agency = z.object({
  id,
  name,
  /** Other spellings the owner confirmed for this agency ("Oakridge" for "Oakridge Home Health"). */
  aliases: z.array(name),
  billingCycle: cycleRule,
  termsDays: z.int().check(z.minimum(0, { message: 'must not be negative' }), z.maximum(365, { message: 'must be at most 365 days' })),
  patientIdentifier,
  contactEmail: optionalText(200),
  address: z.optional(address),
  active: z.boolean(),
});
export type Agency = z.infer<typeof agency>;

export const TAX_CLASSIFICATIONS = [
  'individual',
  'c-corporation',
  's-corporation',
  'partnership',
  'trust-estate',
  'llc-c',
  'llc-s',
  'llc-p',
  'other',
] as const;

/** A W-9 as the therapist signed it. The TIN is 9 digits here; the service encrypts it at rest. */
export const w9 = z.object({
  legalName: name,
  businessName: optionalText(200),
  taxClassification: z.enum(TAX_CLASSIFICATIONS),
  address,
  tinType: z.enum(['SSN', 'EIN']),
  tin: z.string().check(z.regex(/^\d{9}$/, { message: 'must be 9 digits' })),
  /** The day the therapist signed the certification. */
  signedOn: isoDate,
});
export type W9 = z.infer<typeof w9>;

export const WITHOUT_W9_CHOICES = ['hold', 'withhold'] as const;
export type WithoutW9 = (typeof WITHOUT_W9_CHOICES)[number];

export const therapist = z.object({
  id,
  name,
  aliases: z.array(name),
  /** The Google account the therapist answers the visit form with. */
  email: optionalText(200),
  disciplines: z.array(discipline),
  w9: z.optional(w9),
  active: z.boolean(),
  /** Paying without a usable W-9 (none on file, or `tinIncorrect`): 'hold' the pay or 'withhold' 24% (shared/payroll.ts; absent: hold). */
  withoutW9: z.optional(z.enum(WITHOUT_W9_CHOICES)),
  /** The IRS says the TIN on file is wrong (a CP2100 or B-notice): paid as if there were no W-9 until the owner clears it. */
  tinIncorrect: z.optional(z.boolean()),
});
export type Therapist = z.infer<typeof therapist>;

export const billRate = z.object({
  agencyId: id,
  discipline,
  visitType: visitTypeCode,
  cents: nonNegativeCents,
  effectiveFrom: isoDate,
});
export type BillRate = z.infer<typeof billRate>;

/** A therapist's pay rate; with `agencyId` it overrides the general rate for visits at that agency. */
export const payRate = z.object({
  therapistId: id,
  agencyId: z.optional(id),
  discipline,
  visitType: visitTypeCode,
  cents: nonNegativeCents,
  effectiveFrom: isoDate,
});
export type PayRate = z.infer<typeof payRate>;

/** The patient as the visit names them. PHI: encrypted at rest by the service. */
export const patient = z.object({
  name,
  mrn: optionalText(64),
});
export type Patient = z.infer<typeof patient>;

export const visit = z.object({
  id,
  /** The sheet's or form's stable key for this visit: the batch upsert is idempotent on it. */
  clientId: id,
  agencyId: id,
  therapistId: id,
  patient,
  date: isoDate,
  discipline,
  visitType: visitTypeCode,
  /** The visit note is documented; an org may hold pay until it is. */
  noteDone: z.boolean(),
});
export type Visit = z.infer<typeof visit>;

/** One billing (or payroll) period: first and last day, both included. */
export const period = z.object({ start: isoDate, end: isoDate });
export type Period = z.infer<typeof period>;

export const CYCLE_STATUSES = ['open', 'closing', 'closed'] as const;
export const cycle = z.object({
  /** The agency billed, or `payroll` for the org's pay period. */
  scope: z.union([z.object({ kind: z.literal('agency'), agencyId: id }), z.object({ kind: z.literal('payroll') })]),
  start: isoDate,
  end: isoDate,
  status: z.enum(CYCLE_STATUSES),
});
export type Cycle = z.infer<typeof cycle>;

export const invoiceLine = z.object({
  visitId: id,
  date: isoDate,
  therapistId: id,
  therapistName: z.string(),
  discipline,
  visitType: visitTypeCode,
  visitTypeLabel: z.string(),
  /** The bill rate in force on the visit date, kept as issued. */
  rateCents: nonNegativeCents,
  amountCents: cents,
  /** A visit from an earlier, already closed period, billed now. */
  late: z.boolean(),
});
export type InvoiceLine = z.infer<typeof invoiceLine>;

export const INVOICE_STATUSES = ['issued', 'void'] as const;
export const invoice = z.object({
  id,
  number: z.string(),
  /** Position in the org's gapless invoice sequence. */
  sequence: z.int().check(z.minimum(1)),
  agencyId: id,
  agencyName: z.string(),
  /** How patients are printed on this invoice: the agency's setting when it was issued. */
  patientIdentifier,
  period,
  issueDate: isoDate,
  termsDays: z.int().check(z.minimum(0)),
  dueDate: isoDate,
  lines: z.array(invoiceLine),
  subtotals: z.array(z.object({ discipline, amountCents: cents, visits: z.int() })),
  totalCents: cents,
  status: z.enum(INVOICE_STATUSES),
  voidedOn: z.optional(isoDate),
  voidReason: optionalText(500),
});
export type Invoice = z.infer<typeof invoice>;

export const creditNote = z.object({
  id,
  /** "INV-0042-CN1": the corrected invoice's number and the note's position among its notes. */
  number: z.string(),
  invoiceId: id,
  invoiceNumber: z.string(),
  agencyId: id,
  issueDate: isoDate,
  reason: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(500)),
  lines: z.array(z.object({ visitId: z.optional(id), description: z.string(), amountCents: cents })),
  /** What is credited, as a positive amount. */
  totalCents: nonNegativeCents,
});
export type CreditNote = z.infer<typeof creditNote>;

export const payStatementLine = z.object({
  visitId: id,
  date: isoDate,
  agencyId: id,
  agencyName: z.string(),
  discipline,
  visitType: visitTypeCode,
  visitTypeLabel: z.string(),
  rateCents: nonNegativeCents,
  amountCents: cents,
  late: z.boolean(),
});
export type PayStatementLine = z.infer<typeof payStatementLine>;

export const W9_STATUSES = ['on-file', 'missing'] as const;
export type W9Status = (typeof W9_STATUSES)[number];

export const payStatement = z.object({
  therapistId: id,
  therapistName: z.string(),
  period,
  lines: z.array(payStatementLine),
  /** The gross: the sum of the lines. */
  totalCents: cents,
  w9Status: z.enum(W9_STATUSES),
  /** Backup withholding kept from the gross (24%, rounded once); 0 when paid in full or held. */
  withheldCents: nonNegativeCents,
  /** What the therapist is paid: totalCents - withheldCents. */
  netCents: cents,
  /** Not paid: no usable W-9 and the therapist's setting says hold; paid in full once a W-9 is on file. */
  held: z.boolean(),
});
export type PayStatement = z.infer<typeof payStatement>;

/**
 * How a therapist was paid. Card and payment-app payments (PayPal and the like) are
 * reported by the processor on a 1099-K, so they do not count toward 1099-NEC (tax1099.ts).
 */
export const PAYMENT_METHODS = ['check', 'ach', 'stripe', 'cash', 'card'] as const;
export const paymentMethod = z.enum(PAYMENT_METHODS, { message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
export type PaymentMethod = z.infer<typeof paymentMethod>;

export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'canceled'] as const;
export const payment = z.object({
  id,
  therapistId: id,
  amountCents: nonNegativeCents.check(z.positive({ message: 'must be more than zero' })),
  /** The day the money was paid: what 1099-NEC counts by. */
  paidOn: isoDate,
  method: paymentMethod,
  status: z.enum(PAYMENT_STATUSES),
  payRunId: z.optional(id),
  /** Check number, transfer id: never PHI. */
  reference: optionalText(200),
  /**
   * Backup withholding kept from this payment (IRC 3406): `amountCents` is the gross, the
   * therapist received `amountCents - withheldCents`, and the withheld cents go to the IRS
   * (1099-NEC Box 4, Form 945).
   */
  withheldCents: z.optional(nonNegativeCents),
});
export type Payment = z.infer<typeof payment>;
