/**
 * Test builders with overridable defaults: `aVisit({ visitType: 'EVAL' })`. Ids come from
 * per-kind counters (agency-1, visit-2...), so a test file always builds the same records;
 * call resetIds() in a beforeEach when a test depends on the exact ids.
 */
import { expect } from 'vitest';
import { sumCents } from '../money.ts';
import type { BillableVisit } from '../invoicing.ts';
import type { Agency, BillRate, Invoice, PayRate, Therapist, Visit, W9 } from '../schemas.ts';

const counters = new Map<string, number>();

export function nextId(kind: string): string {
  const n = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, n);
  return `${kind}-${n}`;
}

export function resetIds(): void {
  counters.clear();
}

export function anAgency(overrides: Partial<Agency> = {}): Agency {
  return {
    id: overrides.id ?? nextId('agency'),
    name: 'Oakridge Home Health',
    aliases: [],
    billingCycle: { kind: 'monthly' },
    termsDays: 30,
    patientIdentifier: 'initials-mrn',
    active: true,
    ...overrides,
  };
}

export function aW9(overrides: Partial<W9> = {}): W9 {
  return {
    legalName: 'Dana Lee',
    taxClassification: 'individual',
    address: { line1: '12 Elm St', city: 'Columbus', state: 'OH', zip: '43004' },
    tinType: 'SSN',
    tin: '123456789',
    signedOn: '2025-12-01',
    ...overrides,
  };
}

export function aTherapist(overrides: Partial<Therapist> = {}): Therapist {
  return {
    id: overrides.id ?? nextId('therapist'),
    name: 'Dana Lee',
    aliases: [],
    disciplines: ['PT'],
    w9: aW9({ legalName: overrides.name ?? 'Dana Lee' }),
    active: true,
    ...overrides,
  };
}

export function aVisit(overrides: Partial<Visit> = {}): Visit {
  const id = overrides.id ?? nextId('visit');
  return {
    id,
    clientId: `row-${id}`,
    agencyId: 'agency-1',
    therapistId: 'therapist-1',
    patient: { name: 'Alvarez, Rosa', mrn: '123' },
    date: '2026-01-05',
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
    ...overrides,
  };
}

export function aBillRate(overrides: Partial<BillRate> = {}): BillRate {
  return { agencyId: 'agency-1', discipline: 'PT', visitType: 'ROUTINE', cents: 12_500, effectiveFrom: '2025-01-01', ...overrides };
}

export function aPayRate(overrides: Partial<PayRate> = {}): PayRate {
  return { therapistId: 'therapist-1', discipline: 'PT', visitType: 'ROUTINE', cents: 8_500, effectiveFrom: '2025-01-01', ...overrides };
}

/** The invoice's totals agree with its lines: total = sum of lines = sum of subtotals. */
export function expectInvoiceTotals(invoice: Pick<Invoice, 'lines' | 'subtotals' | 'totalCents'>, expectedTotal?: number): void {
  expect(invoice.totalCents).toBe(sumCents(invoice.lines.map((l) => l.amountCents)));
  expect(invoice.totalCents).toBe(sumCents(invoice.subtotals.map((s) => s.amountCents)));
  expect(sumCents(invoice.subtotals.map((s) => s.visits))).toBe(invoice.lines.length);
  if (expectedTotal !== undefined) expect(invoice.totalCents).toBe(expectedTotal);
}

/** A visit as the billing core bills it: without the patient, with whether an MRN exists. */
export function billable(visit: Visit): BillableVisit {
  const { patient, clientId: _c, noteDone: _n, ...rest } = visit;
  return { ...rest, patientHasMrn: Boolean(patient.mrn?.trim()) };
}
