/**
 * Builders of the records a store keeps, with overridable defaults: `anOrg('o1')`,
 * `anInvoiceToIssue('i1', 'c1', ['v1', 'v2'], { agencyId: 'ag2' })`. Fixed values, no clock:
 * a test builds the same records on every run.
 */
import type { Agency, InvoiceLine, PayStatement } from '../../../shared/index.ts';
import type { InvoiceToIssue, OrgRecord, PayRunRecord, StoredInvoice, StoredVisit } from '../store/port.ts';
import { defaultOrgSettings } from '../usecases/orgs.ts';

export function anOrg(id: string, overrides: Partial<OrgRecord['settings']> = {}): OrgRecord {
  return {
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    settings: { ...defaultOrgSettings(`Org ${id}`), ...overrides },
  };
}

export function anAgencyRecord(id: string, overrides: Partial<Agency> = {}): Agency {
  return {
    id,
    name: `Agency ${id}`,
    aliases: [],
    billingCycle: { kind: 'monthly' },
    termsDays: 30,
    patientIdentifier: 'name',
    active: true,
    ...overrides,
  };
}

export function aStoredVisit(id: string, overrides: Partial<StoredVisit> = {}): StoredVisit {
  return {
    id,
    clientId: `client-${id}`,
    agencyId: 'ag1',
    therapistId: 'th1',
    date: '2026-01-10',
    discipline: 'PT',
    visitType: 'ROUTINE',
    noteDone: true,
    patient: `sealed-${id}`,
    patientHasMrn: false,
    dupKey: `dup-${id}`,
    receivedAt: '2026-01-11T00:00:00.000Z',
    invoiceId: null,
    payRunId: null,
    ...overrides,
  };
}

/** A line billing one visit, a PT routine visit at $85. */
export function anInvoiceLine(visitId: string, overrides: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    visitId,
    date: '2026-01-10',
    therapistId: 'th1',
    therapistName: 'T One',
    discipline: 'PT',
    visitType: 'ROUTINE',
    visitTypeLabel: 'Routine visit',
    rateCents: 8500,
    amountCents: 8500,
    late: false,
    ...overrides,
  };
}

/**
 * An invoice of January ready to issue, one line per visit (each built with `line`); its
 * subtotal and total are the lines' sum, and its agency's name follows its agencyId.
 */
export function anInvoiceToIssue(
  id: string,
  cycleId: string,
  visitIds: readonly string[],
  overrides: Partial<InvoiceToIssue> = {},
  line: Partial<InvoiceLine> = {},
): InvoiceToIssue {
  const agencyId = overrides.agencyId ?? 'ag1';
  const lines = visitIds.map((visitId) => anInvoiceLine(visitId, line));
  const totalCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  return {
    id,
    cycleId,
    agencyId,
    agencyName: `Agency ${agencyId}`,
    period: { start: '2026-01-01', end: '2026-01-31' },
    issueDate: '2026-02-01',
    termsDays: 30,
    dueDate: '2026-03-03',
    patientIdentifier: 'name',
    lines,
    subtotals: lines.length === 0 ? [] : [{ discipline: lines[0]!.discipline, amountCents: totalCents, visits: lines.length }],
    totalCents,
    status: 'issued',
    ...overrides,
  };
}

/** An issued invoice as the store keeps it, numbered `INV-<id>`, of cycle c1 and no lines unless told. */
export function anInvoice(id: string, overrides: Partial<StoredInvoice> = {}): StoredInvoice {
  return { ...anInvoiceToIssue(id, 'c1', []), number: `INV-${id}`, sequence: 1, ...overrides };
}

/** A therapist's statement in a pay run, each visit at $55. */
export function aPayStatement(therapistId: string, therapistName: string, visitIds: readonly string[]): PayStatement {
  return {
    therapistId,
    therapistName,
    period: { start: '2026-01-05', end: '2026-01-18' },
    w9Status: 'on-file',
    totalCents: 5500 * visitIds.length,
    withheldCents: 0,
    netCents: 5500 * visitIds.length,
    held: false,
    lines: visitIds.map((visitId) => ({
      visitId,
      date: '2026-01-10',
      agencyId: 'ag1',
      agencyName: 'A',
      discipline: 'PT' as const,
      visitType: 'ROUTINE',
      visitTypeLabel: 'Routine visit',
      rateCents: 5500,
      amountCents: 5500,
      late: false,
    })),
  };
}

/** A pay run of the given statements (one therapist, th1, by default) paying each visit $55. */
export function aPayRun(id: string, visitIds: readonly string[], statements = [aPayStatement('th1', 'T One', visitIds)]): PayRunRecord {
  return {
    id,
    period: { start: '2026-01-05', end: '2026-01-18' },
    status: 'open',
    createdAt: '2026-01-19T00:00:00.000Z',
    totalCents: 5500 * visitIds.length,
    statements,
  };
}
