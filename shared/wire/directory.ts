/**
 * What the add-on and the service say about the org and its directory: the org, agencies,
 * therapists (W-9 TINs masked) and rates. Requests are what the use cases parse; answers
 * are what the routes send, as JSON.
 */
import * as z from 'zod/mini';
import {
  address,
  agency,
  billRate,
  cycleRule,
  discipline,
  isoDate,
  orgSettings,
  patientIdentifier,
  payRate,
  TAX_CLASSIFICATIONS,
  therapist,
  w9,
  WITHOUT_W9_CHOICES,
} from '../schemas.ts';
import { pagedAnswer } from './paging.ts';
import { ORG_ID_PATTERN } from './routes.ts';

export const ORG_ID = z.string().check(z.regex(ORG_ID_PATTERN, { message: 'must be 1 to 63 lowercase letters, digits or dashes' }));

export const createOrgBody = z.object({ id: ORG_ID, settings: z.optional(z.partial(orgSettings)) });

export const orgView = z.object({
  id: z.string(),
  settings: orgSettings,
  payerTin: z.optional(z.object({ type: z.enum(['SSN', 'EIN']), masked: z.string().check(z.describe('"***-**-1234" or "**-***1234"')) })),
  createdAt: z.string(),
});

const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max, { message: `is longer than ${max} characters` }));

/** An agency as the sheet sends it: by id, or by name when it has none yet; what is left out keeps its stored (or default) value. */
export const agencyInput = z.object({
  id: z.optional(text(128)),
  name: text(200),
  aliases: z.optional(z.array(text(200))),
  billingCycle: z.optional(cycleRule),
  termsDays: z.optional(
    z.int().check(z.minimum(0, { message: 'must not be negative' }), z.maximum(365, { message: 'must be at most 365 days' })),
  ),
  patientIdentifier: z.optional(patientIdentifier),
  contactEmail: z.optional(z.email({ message: 'must be an email address' })),
  address: z.optional(address),
  active: z.optional(z.boolean()),
});

export const w9Input = z.object({
  legalName: text(200),
  businessName: z.optional(text(200)),
  taxClassification: z.enum(TAX_CLASSIFICATIONS),
  address,
  tinType: z.enum(['SSN', 'EIN']),
  /** Any common layout: 123-45-6789, 12-3456789, 123456789. */
  tin: z.string().check(z.maxLength(20, { message: 'is too long' })),
  signedOn: isoDate,
});

export const therapistInput = z.object({
  id: z.optional(text(128)),
  name: text(200),
  aliases: z.optional(z.array(text(200))),
  email: z.optional(z.email({ message: 'must be an email address' })),
  disciplines: z.optional(z.array(discipline)),
  w9: z.optional(w9Input),
  active: z.optional(z.boolean()),
  /** Paying without a usable W-9: hold the pay (the default) or withhold 24%. */
  withoutW9: z.optional(z.enum(WITHOUT_W9_CHOICES)),
  /** The IRS says the TIN is wrong (CP2100 or B-notice); false clears it. */
  tinIncorrect: z.optional(z.boolean()),
});

/** A therapist as the service shows one: the W-9's TIN masked, never in clear. */
export const therapistView = z.extend(z.omit(therapist, { w9: true }), {
  w9: z.optional(z.extend(z.omit(w9, { tin: true }), { tinMasked: z.string().check(z.describe('"***-**-1234" or "**-***1234"')) })),
});

export const upsertAgenciesBody = z.object({ agencies: z.array(agencyInput) });
export const agenciesAnswer = z.object({ agencies: z.array(agency) });
export const upsertTherapistsBody = z.object({ therapists: z.array(therapistInput) });
export const therapistsAnswer = z.object({ therapists: z.array(therapistView) });
/** One page over the bill rates, then the pay rates. */
export const ratesAnswer = pagedAnswer(z.object({ billRates: z.array(billRate), payRates: z.array(payRate) }));
export const putBillRatesBody = z.object({ rates: z.array(billRate) });
export const billRatesAnswer = putBillRatesBody;
export const putPayRatesBody = z.object({ rates: z.array(payRate) });
export const payRatesAnswer = putPayRatesBody;
