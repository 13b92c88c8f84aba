/**
 * The demo org: four home health agencies, six therapists, two months of visits, the first
 * month closed with its invoices and pay run, and that pay run paid by bank transfer.
 * Everything is made up and named as a demo; it is deterministic for a given start month.
 */
import {
  addDays,
  daysInMonth,
  dayOfWeek,
  monthBounds,
  ok,
  splitIsoDate,
  type Discipline,
  type IsoDate,
  type Result,
} from '../../../shared/index.ts';
import { audit, type UseCaseContext } from './context.ts';
import { closeMonth, type MonthCloseResult } from './cycles.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from './directory.ts';
import { fail, type Failure } from '../failure.ts';
import { createOrg } from './orgs.ts';
import { recordManualPayment } from './payments.ts';
import { upsertVisits } from './visits.ts';

export const DEMO_ORG = 'demo';

const AGENCIES = [
  {
    key: 'oak',
    name: 'Oakridge Home Health (demo)',
    billingCycle: { kind: 'monthly' },
    termsDays: 30,
    patientIdentifier: 'name',
    contactEmail: 'billing@oakridge.example',
  },
  {
    key: 'lake',
    name: 'Lakeside Home Care LLC (demo)',
    billingCycle: { kind: 'semi-monthly' },
    termsDays: 15,
    patientIdentifier: 'initials-mrn',
    contactEmail: 'ap@lakeside.example',
  },
  {
    key: 'summit',
    name: 'Summit Visiting Health (demo)',
    billingCycle: { kind: 'monthly' },
    termsDays: 30,
    patientIdentifier: 'mrn',
    contactEmail: 'accounts@summit.example',
  },
  {
    key: 'river',
    name: 'Riverbend Home Health (demo)',
    billingCycle: { kind: 'monthly' },
    termsDays: 30,
    patientIdentifier: 'name',
    contactEmail: 'billing@riverbend.example',
  },
] as const;

const THERAPISTS = [
  { key: 'tom', name: 'Tom Becker', discipline: 'PT', w9: { tinType: 'SSN', tin: '123-45-6781', classification: 'individual' } },
  { key: 'ana', name: 'Ana Morales', discipline: 'PT', w9: { tinType: 'EIN', tin: '12-3456782', classification: 'llc-s' } },
  { key: 'lena', name: 'Lena Fischer', discipline: 'OT', w9: { tinType: 'SSN', tin: '123-45-6783', classification: 'individual' } },
  { key: 'priya', name: 'Priya Raman', discipline: 'ST', w9: { tinType: 'SSN', tin: '123-45-6784', classification: 'individual' } },
  { key: 'omar', name: 'Omar Haddad', discipline: 'PTA', w9: null },
  { key: 'june', name: 'June Park', discipline: 'COTA', w9: { tinType: 'SSN', tin: '123-45-6786', classification: 'individual' } },
] as const;

/** Bill rates in cents by discipline and visit type; each agency pays a little more or less. */
const BASE_BILL: Record<Discipline, Partial<Record<string, number>>> = {
  PT: { EVAL: 12500, REEVAL: 11000, ROUTINE: 8500, DC: 9500 },
  OT: { EVAL: 12000, REEVAL: 10500, ROUTINE: 8200, DC: 9200 },
  ST: { EVAL: 13000, REEVAL: 11500, ROUTINE: 9000, DC: 9800 },
  PTA: { ROUTINE: 6000 },
  COTA: { ROUTINE: 5800 },
};
const AGENCY_ADJUST: Record<string, number> = { oak: 0, lake: 700, summit: -500, river: 300 };
const PAY_SHARE = 0.64;

const PATIENTS = [
  'Alvarez, Rosa',
  'Nguyen, Bao',
  'Okafor, Grace',
  'Kowalski, Jan',
  'Haddad, Leila',
  'Brooks, Walter',
  'Tanaka, Emi',
  'Schmidt, Greta',
  'Petrov, Ivan',
  'Oduya, Samuel',
  'García, Lucía',
  'Murphy, Sean',
  'Chen, Mei',
  'Dubois, Claire',
  'Singh, Harpreet',
  'Ortiz, Carmen',
];

/** A small deterministic generator (mulberry32): the same demo every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type DemoResult = {
  orgId: string;
  months: [string, string];
  agencies: number;
  therapists: number;
  visits: number;
  closed: MonthCloseResult;
};

/** Seeds the demo org with visits in `firstMonth` and the month after, and closes `firstMonth`. */
export async function seedDemo(ctx: UseCaseContext, firstMonth: string, orgId = DEMO_ORG): Promise<Result<DemoResult, Failure>> {
  const first = monthBounds(firstMonth);
  if (!first.ok) return fail('invalid-input', first.error.message);
  const secondMonth = monthBounds(addDays(first.value.end, 1).slice(0, 7));
  if (!secondMonth.ok) return fail('invalid-input', secondMonth.error.message);
  if (await ctx.store.getOrg(orgId)) return fail('conflict', `the org "${orgId}" already exists; the demo is seeded into a new org only`);

  const created = await createOrg(
    ctx,
    {
      id: orgId,
      settings: {
        name: 'Bright Path Therapy Staffing (demo)',
        address: { line1: '100 Demo Way', line2: 'Suite 200', city: 'Columbus', state: 'OH', zip: '43215' },
        phone: '(614) 555-0100',
        email: 'owner@brightpath.example',
        remitTo: 'Bright Path Therapy Staffing, 100 Demo Way, Suite 200, Columbus, OH 43215',
        timeZone: 'America/New_York',
        payrollCycle: { kind: 'semi-monthly' },
      },
    },
    'cli',
  );
  if (!created.ok) return created;

  const agencies = await upsertAgencies(
    ctx,
    orgId,
    AGENCIES.map(({ key: _k, ...a }) => a),
  );
  if (!agencies.ok) return agencies;
  const agencyId = new Map(AGENCIES.map((a, i) => [a.key, agencies.value[i]!.id]));
  const therapists = await upsertTherapists(
    ctx,
    orgId,
    THERAPISTS.map((t) => ({
      name: t.name,
      disciplines: [t.discipline],
      email: `${t.key}@therapists.example`,
      ...(t.w9
        ? {
            w9: {
              legalName: t.name,
              taxClassification: t.w9.classification,
              tinType: t.w9.tinType,
              tin: t.w9.tin,
              signedOn: first.value.start,
              address: { line1: `${10 + t.name.length} Elm Street`, city: 'Columbus', state: 'OH', zip: '43215' },
              ...(t.w9.tinType === 'EIN' ? { businessName: `${t.name} Therapy LLC` } : {}),
            },
          }
        : {}),
    })),
  );
  if (!therapists.ok) return therapists;
  const therapistId = new Map(THERAPISTS.map((t, i) => [t.key, therapists.value[i]!.id]));

  const since = first.value.start;
  const billRates = AGENCIES.flatMap((a) =>
    Object.entries(BASE_BILL).flatMap(([discipline, types]) =>
      Object.entries(types).map(([visitType, cents]) => ({
        agencyId: agencyId.get(a.key)!,
        discipline,
        visitType,
        cents: cents! + AGENCY_ADJUST[a.key]!,
        effectiveFrom: since,
      })),
    ),
  );
  const bill = await putBillRates(ctx, orgId, billRates);
  if (!bill.ok) return bill;
  const payRates = THERAPISTS.flatMap((t) =>
    Object.entries(BASE_BILL[t.discipline]).map(([visitType, cents]) => ({
      therapistId: therapistId.get(t.key)!,
      discipline: t.discipline,
      visitType,
      cents: Math.round((cents! * PAY_SHARE) / 100) * 100,
      effectiveFrom: since,
    })),
  );
  const pay = await putPayRates(ctx, orgId, payRates);
  if (!pay.ok) return pay;

  const rows = demoVisits(first.value.start, agencyId, therapistId);
  const visits = await upsertVisits(ctx, orgId, rows);
  if (!visits.ok) return visits;

  const closed = await closeMonth(ctx, orgId, firstMonth);
  if (!closed.ok) return closed;
  for (const run of closed.value.payRuns) {
    for (const statement of run.payRun.statements) {
      const paid = await recordManualPayment(ctx, orgId, {
        therapistId: statement.therapistId,
        amountCents: statement.totalCents,
        paidOn: addDays(run.payRun.period.end, 5),
        method: 'ach',
        reference: `demo ${run.payRun.id}`,
        payRunId: run.payRun.id,
      });
      if (!paid.ok) return paid;
    }
  }
  await audit(ctx, orgId, [{ action: 'create', recordType: 'org', recordId: orgId, detail: 'demo seeded' }]);
  return ok({
    orgId,
    months: [firstMonth, secondMonth.value.start.slice(0, 7)],
    agencies: AGENCIES.length,
    therapists: THERAPISTS.length,
    visits: rows.length,
    closed: closed.value,
  });
}

/** Each therapist sees a few patients at two or three agencies, on weekdays, for two months. */
function demoVisits(start: IsoDate, agencyId: Map<string, string>, therapistId: Map<string, string>) {
  const next = random(20260101);
  const { year, month } = splitIsoDate(start);
  const days = daysInMonth(year, month) + daysInMonth(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1);
  const rows: {
    clientId: string;
    agencyId: string;
    therapistId: string;
    patient: { name: string; mrn: string };
    date: IsoDate;
    discipline: Discipline;
    visitType: string;
    noteDone: boolean;
  }[] = [];
  THERAPISTS.forEach((t, ti) => {
    const caseload = Array.from({ length: 4 }, (_, i) => {
      const patient = (ti * 5 + i * 3) % PATIENTS.length;
      return { patient, agency: AGENCIES[(ti + i) % AGENCIES.length]!.key, visits: 0 };
    });
    const assistant = t.discipline === 'PTA' || t.discipline === 'COTA';
    for (let d = 0; d < days; d++) {
      const date = addDays(start, d);
      const weekday = dayOfWeek(date);
      if (weekday === 0 || weekday === 6 || next() < 0.35) continue;
      const c = caseload[Math.floor(next() * caseload.length)]!;
      c.visits += 1;
      const visitType = assistant ? 'ROUTINE' : c.visits === 1 ? 'EVAL' : c.visits === 9 ? 'DC' : c.visits === 6 ? 'REEVAL' : 'ROUTINE';
      if (!assistant && c.visits > 9) continue; // discharged
      rows.push({
        clientId: `demo:${t.key}:${date}`,
        agencyId: agencyId.get(c.agency)!,
        therapistId: therapistId.get(t.key)!,
        patient: { name: PATIENTS[c.patient]!, mrn: `MR${String(100231 + c.patient * 17)}` },
        date,
        discipline: t.discipline,
        visitType,
        noteDone: next() < 0.95,
      });
    }
  });
  return rows;
}
