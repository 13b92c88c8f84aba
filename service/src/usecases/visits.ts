/**
 * Visits as an idempotent batch upsert keyed by the sheet's or form's client id. Every row
 * gets an answer. A malformed row rejects the whole batch (naming the row) before anything
 * is written; a visit that breaks a billing rule (no rate, a likely duplicate) is stored
 * and flagged, and a cycle close holds it until the owner fixes it.
 */
import * as z from 'zod/mini';
import {
  buildRateBook,
  buildVocabulary,
  describeMissingRate,
  ok,
  visitKey,
  type Patient,
  type Result,
  type Visit,
} from '../../../shared/index.ts';
import { MAX_VISITS_PER_BATCH, visitRow, withdrawVisitsBody } from '../../../shared/wire/visits.ts';
import type { StoredVisit, VisitSortKey } from '../store/port.ts';
import { DEFAULT_PAGE_SIZE, listReadDetail, pageFrom, type Page, type PageRequest } from './paging.ts';
import { crashPoint } from '../faults/crash-points.ts';
import { audit, type UseCaseContext } from './context.ts';
import { findVisitsByDupText } from './keys.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

/** The batch and its rows as the add-on sends them: shared/wire/visits.ts. */
export { MAX_VISITS_PER_BATCH };

export type VisitRow = z.infer<typeof visitRow>;

export type VisitProblem = {
  code: 'missing-bill-rate' | 'missing-pay-rate' | 'duplicate' | 'unknown-visit-type';
  message: string;
  duplicateOf?: string[];
};

export type VisitRowAnswer = {
  clientId: string;
  /** `locked`: the visit is on an issued invoice and the row differs; nothing was changed. */
  status: 'created' | 'updated' | 'unchanged' | 'locked';
  visitId: string;
  problems: VisitProblem[];
  invoiceId?: string;
};

const SAME_DAY_ROWS = 'the same therapist, agency, patient, date and visit type';

export async function upsertVisits(ctx: UseCaseContext, orgId: string, rows: unknown): Promise<Result<VisitRowAnswer[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const parsed = z
    .array(visitRow)
    .check(z.maxLength(MAX_VISITS_PER_BATCH, { message: `has more than ${MAX_VISITS_PER_BATCH} rows; send it in smaller batches` }))
    .safeParse(rows);
  if (!parsed.success) {
    // A row's problem is named by its row and field ("3.date"); one of the whole batch (too many rows) by the batch.
    const details = describeIssues(parsed.error.issues).map((d) => (d.path === '' ? { ...d, path: 'visits' } : d));
    const first = details[0]!;
    const [row, ...field] = first.path.split('.');
    return fail(
      'invalid-input',
      field.length ? `visit row ${row}: ${field.join('.')} ${first.message}` : `the visit batch ${first.message}`,
      details,
    );
  }
  const input = parsed.data;
  const seenClientIds = new Set<string>();
  const repeated = input.findIndex((r) => seenClientIds.size === seenClientIds.add(r.clientId).size);
  if (repeated >= 0)
    return fail('invalid-input', `visit row ${repeated}: clientId "${input[repeated]!.clientId}" appears twice in the batch`, [
      { path: `${repeated}.clientId`, message: 'appears twice' },
    ]);

  const [agencies, therapists, billRates, payRates] = await Promise.all([
    ctx.store.listAgencies(orgId),
    ctx.store.listTherapists(orgId),
    ctx.store.listBillRates(orgId),
    ctx.store.listPayRates(orgId),
  ]);
  const agencyNames = new Map(agencies.map((a) => [a.id, a.name]));
  const therapistNames = new Map(therapists.map((t) => [t.id, t.name]));
  for (const [i, r] of input.entries()) {
    if (!agencyNames.has(r.agencyId))
      return fail('invalid-input', `visit row ${i}: agencyId "${r.agencyId}" is not an agency of this org`, [
        { path: `${i}.agencyId`, message: 'not found' },
      ]);
    if (!therapistNames.has(r.therapistId))
      return fail('invalid-input', `visit row ${i}: therapistId "${r.therapistId}" is not a therapist of this org`, [
        { path: `${i}.therapistId`, message: 'not found' },
      ]);
  }

  const vocabulary = buildVocabulary(org.value.settings);
  const knownTypes = new Set(vocabulary.visitTypes.map((t) => t.code));
  const rates = buildRateBook(billRates, payRates);
  const names = {
    agencyName: (id: string) => agencyNames.get(id) ?? id,
    therapistName: (id: string) => therapistNames.get(id) ?? id,
    visitTypeLabel: (code: string) => vocabulary.visitTypeLabel(code),
  };

  const existing = new Map(
    (
      await ctx.store.getVisitsByClientId(
        orgId,
        input.map((r) => r.clientId),
      )
    ).map((v) => [v.clientId, v]),
  );
  const receivedAt = ctx.now().toISOString();
  const candidates = input.map((r): StoredVisit => {
    const current = existing.get(r.clientId);
    const patient: Patient = r.patient.mrn ? { name: r.patient.name, mrn: r.patient.mrn } : { name: r.patient.name };
    return {
      id: current?.id ?? ctx.newId(),
      clientId: r.clientId,
      agencyId: r.agencyId,
      therapistId: r.therapistId,
      date: r.date,
      discipline: r.discipline,
      visitType: r.visitType,
      noteDone: r.noteDone ?? false,
      patient: current && samePatient(ctx, current.patient, patient) ? current.patient : ctx.cipher.sealJson(patient),
      patientHasMrn: Boolean(patient.mrn),
      dupKey: ctx.cipher.blindIndex(visitKey({ ...r, patientName: r.patient.name })),
      receivedAt: current?.receivedAt ?? receivedAt,
      invoiceId: current?.invoiceId ?? null,
      payRunId: current?.payRunId ?? null,
    };
  });

  const changed = candidates.filter((v) => {
    const current = existing.get(v.clientId);
    return !current || !sameVisit(current, v);
  });
  const billedChanged = new Set(changed.filter((v) => existing.get(v.clientId)?.invoiceId).map((v) => v.id));
  const outcome = await ctx.store.upsertVisits(
    orgId,
    changed.filter((v) => !billedChanged.has(v.id)),
  );
  crashPoint('visits.committed');
  const locked = new Set([...billedChanged, ...outcome.locked]);

  // Duplicates: against every stored visit with the same key, and within the batch.
  const sameKey = await findVisitsByDupText(
    ctx,
    orgId,
    input.map((r) => visitKey({ ...r, patientName: r.patient.name })),
  );
  const byKey = new Map<string, string[]>();
  for (const v of [...sameKey, ...candidates]) {
    const ids = byKey.get(v.dupKey) ?? [];
    if (!ids.includes(v.id)) ids.push(v.id);
    byKey.set(v.dupKey, ids);
  }

  const answers = candidates.map((v): VisitRowAnswer => {
    const current = existing.get(v.clientId);
    const problems: VisitProblem[] = [];
    if (!knownTypes.has(v.visitType))
      problems.push({ code: 'unknown-visit-type', message: `"${v.visitType}" is not a visit type of this org` });
    const bill = rates.billRate({ agencyId: v.agencyId, discipline: v.discipline, visitType: v.visitType, date: v.date });
    if (!bill.ok) problems.push({ code: 'missing-bill-rate', message: describeMissingRate(bill.error, names) });
    const pay = rates.payRate({
      agencyId: v.agencyId,
      therapistId: v.therapistId,
      discipline: v.discipline,
      visitType: v.visitType,
      date: v.date,
    });
    if (!pay.ok) problems.push({ code: 'missing-pay-rate', message: describeMissingRate(pay.error, names) });
    const others = (byKey.get(v.dupKey) ?? []).filter((id) => id !== v.id);
    if (others.length > 0) problems.push({ code: 'duplicate', message: `another visit has ${SAME_DAY_ROWS}`, duplicateOf: others });
    const status = locked.has(v.id) ? 'locked' : !current ? 'created' : sameVisit(current, v) ? 'unchanged' : 'updated';
    const invoiceId = current?.invoiceId;
    return { clientId: v.clientId, status, visitId: v.id, problems, ...(invoiceId ? { invoiceId } : {}) };
  });

  const written = changed.filter((v) => !locked.has(v.id));
  await audit(
    ctx,
    orgId,
    written.map((v) => ({
      action: existing.has(v.clientId) ? ('update' as const) : ('create' as const),
      recordType: 'visit' as const,
      recordId: v.id,
    })),
  );
  return ok(answers);
}

function samePatient(ctx: UseCaseContext, sealed: string, patient: Patient): boolean {
  const stored = ctx.cipher.openJson<Patient>(sealed);
  return stored.name === patient.name && (stored.mrn ?? '') === (patient.mrn ?? '');
}

function sameVisit(a: StoredVisit, b: StoredVisit): boolean {
  return (
    a.agencyId === b.agencyId &&
    a.therapistId === b.therapistId &&
    a.date === b.date &&
    a.discipline === b.discipline &&
    a.visitType === b.visitType &&
    a.noteDone === b.noteDone &&
    a.patient === b.patient
  );
}

/** A stored visit with its patient opened, for the few places that show PHI: the caller audits the read. */
function openVisits(ctx: UseCaseContext, visits: readonly StoredVisit[]): Visit[] {
  return visits.map(({ patient, patientHasMrn: _m, dupKey: _d, receivedAt: _r, invoiceId: _i, payRunId: _p, ...v }) => ({
    ...v,
    patient: ctx.cipher.openJson<Patient>(patient),
  }));
}

/**
 * A page of visits in (date, id) order with their patients opened. The read is audited as one
 * entry: who, the filter, where the page began and how many visits it showed.
 */
export async function listVisits(
  ctx: UseCaseContext,
  orgId: string,
  query: { agencyId?: string; therapistId?: string; dateFrom?: string; dateTo?: string; billed?: boolean },
  page: PageRequest<VisitSortKey> = { limit: DEFAULT_PAGE_SIZE },
): Promise<Result<Page<Visit & { invoiceId: string | null; payRunId: string | null }>, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const stored = pageFrom(await ctx.store.listVisits(orgId, query, { ...page, limit: page.limit + 1 }), page.limit, (v) => [v.date, v.id]);
  await audit(ctx, orgId, [
    { action: 'read', recordType: 'visit', recordId: '*', detail: listReadDetail('visits', query, page, stored.items.length) },
  ]);
  const opened = openVisits(ctx, stored.items);
  return ok({
    items: opened.map((v, i) => ({ ...v, invoiceId: stored.items[i]!.invoiceId, payRunId: stored.items[i]!.payRunId })),
    nextCursor: stored.nextCursor,
  });
}

export type WithdrawAnswer = {
  clientId: string;
  /** `locked`: billed or paid, so it stays (a void or a credit note corrects it); `unknown`: no visit has this client id. */
  status: 'withdrawn' | 'locked' | 'unknown';
  visitId?: string;
  invoiceId?: string;
  payRunId?: string;
};

/**
 * Removes visits entered by mistake, by the client ids they were sent with (a row the owner
 * deleted from the sheet): each one neither billed nor paid is deleted, patient and all, so no
 * close bills or pays it. Every client id gets an answer. The deletion of each is audited.
 */
export async function withdrawVisits(ctx: UseCaseContext, orgId: string, input: unknown): Promise<Result<WithdrawAnswer[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const parsed = withdrawVisitsBody.safeParse(input);
  if (!parsed.success) {
    const details = describeIssues(parsed.error.issues).map((d) => (d.path === '' ? { ...d, path: 'clientIds' } : d));
    return fail('invalid-input', `${details[0]!.path} ${details[0]!.message}`, details);
  }
  const { clientIds } = parsed.data;
  const seen = new Set<string>();
  const repeated = clientIds.findIndex((id) => seen.size === seen.add(id).size);
  if (repeated >= 0)
    return fail('invalid-input', `clientIds ${repeated}: "${clientIds[repeated]}" appears twice`, [
      { path: `clientIds.${repeated}`, message: 'appears twice' },
    ]);

  const stored = new Map((await ctx.store.getVisitsByClientId(orgId, clientIds)).map((v) => [v.clientId, v]));
  const { withdrawn, locked } = await ctx.store.withdrawVisits(
    orgId,
    [...stored.values()].map((v) => v.id),
  );
  const gone = new Set(withdrawn);
  const kept = new Set(locked);
  await audit(
    ctx,
    orgId,
    withdrawn.map((id) => ({
      action: 'delete' as const,
      recordType: 'visit' as const,
      recordId: id,
      detail: 'withdrawn: neither billed nor paid',
    })),
  );
  return ok(
    clientIds.map((clientId): WithdrawAnswer => {
      const visit = stored.get(clientId);
      if (visit && gone.has(visit.id)) return { clientId, status: 'withdrawn', visitId: visit.id };
      if (visit && kept.has(visit.id)) {
        return {
          clientId,
          status: 'locked',
          visitId: visit.id,
          ...(visit.invoiceId ? { invoiceId: visit.invoiceId } : {}),
          ...(visit.payRunId ? { payRunId: visit.payRunId } : {}),
        };
      }
      return { clientId, status: 'unknown' }; // never sent, or withdrawn already (by another request meanwhile too)
    }),
  );
}
