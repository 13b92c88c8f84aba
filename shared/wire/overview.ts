/**
 * The owner's overview of a month on the wire: what `visitledger overview --json` prints and
 * GET /v1/orgs/:orgId/overview answers (docs/cli.md defines each figure). No patients: a held
 * visit is named by its id, date, agency, therapist and kind.
 */
import * as z from 'zod/mini';
import { cents, discipline, isoDate } from '../schemas.ts';

const margin = { billedCents: cents, payrollCents: cents, marginCents: cents };

export const overviewMonthFigures = z.object({ month: z.string(), billedCents: cents, collectedCents: cents, payrollCents: cents });

export const overviewAnswer = z.object({
  month: z.string().check(z.describe('YYYY-MM')),
  billedCents: cents.check(z.describe("The month's invoices (cycles ending in it), net of voids and credit notes")),
  collectedCents: cents.check(z.describe('Receipts from agencies dated in the month, less those reversed by asOf')),
  openReceivablesCents: cents.check(z.describe('What agencies owed at asOf: the receivables report as of that day')),
  payrollCents: cents.check(z.describe("The gross of the month's pay runs (pay periods ending in it)")),
  paidToTherapistsCents: cents.check(z.describe('Payments to therapists paid in the month, by asOf')),
  owedToTherapistsCents: cents.check(
    z.describe('What pay runs of periods ended by asOf still owe, after the payments recorded against them'),
  ),
  marginCents: cents.check(z.describe('billedCents - payrollCents')),
  byAgency: z.array(z.object({ agency: z.string(), ...margin })),
  held: z.array(
    z.object({
      visitId: z.string(),
      date: isoDate,
      agency: z.string(),
      therapist: z.string(),
      discipline,
      visitType: z.string(),
      heldFrom: z.array(z.enum(['invoice', 'pay'])),
      reasons: z.array(z.string()),
    }),
  ),
  missingW9: z.array(z.object({ therapist: z.string(), reason: z.string(), paidThisYearCents: cents, payrollThisYearCents: cents })),
  asOf: isoDate.check(z.describe("The day the balances are taken: the month's last day, or today in the month still running")),
  receivablesByAge: z.object({
    currentCents: cents,
    days1to30Cents: cents,
    days31to60Cents: cents,
    days61to90Cents: cents,
    over90Cents: cents,
  }),
  byTherapist: z.array(z.object({ therapist: z.string(), ...margin })),
  byDiscipline: z.array(z.object({ discipline, ...margin })),
  blockers: z.array(z.object({ blocks: z.enum(['close', 'year-end']), message: z.string() })),
  months: z
    .array(overviewMonthFigures)
    .check(z.describe('The twelve months ending with this one (months not begun left out), oldest first')),
});
export type OverviewAnswer = z.infer<typeof overviewAnswer>;
