/**
 * An agency or a therapist made by a typo ("Oakrige Home Helth" from one row of an import):
 * merged into the one it meant, its visits, rates and spellings moved and every move audited,
 * or deleted when nothing names it. Refused once it has been invoiced, paid or received money
 * from: those records keep naming it (a void or a credit note corrects them instead).
 */
import * as z from 'zod/mini';
import { err, nameKey, ok, visitKey, type Agency, type Patient, type Result } from '../../../shared/index.ts';
import type { Blockers, DeleteOutcome, DirectoryBlocker, MergeOutcome, MovedVisit } from '../store/directory-merge-port.ts';
import type { StoredTherapist } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { findVisitsByDupText } from './keys.ts';
import { loadOrg } from './orgs.ts';

export type DirectoryKind = 'agency' | 'therapist';

export type MergeResult = {
  kind: DirectoryKind;
  from: { id: string; name: string };
  into: { id: string; name: string; aliases: string[] };
  /** Moved to `into`. */
  visits: number;
  billRates: number;
  payRates: number;
};

export type DeleteResult = { kind: DirectoryKind; id: string; name: string };

export const mergeInput = z.object({ into: z.string().check(z.trim(), z.minLength(1, { message: 'is required' })) });

/** Reading the visits again when they changed between the read and the store's check. */
const MAX_CHANGED_RETRIES = 3;

type Entry = Agency | StoredTherapist;

const listOf = (ctx: UseCaseContext, orgId: string, kind: DirectoryKind): Promise<Entry[]> =>
  kind === 'agency' ? ctx.store.listAgencies(orgId) : ctx.store.listTherapists(orgId);

export const mergeAgency = (ctx: UseCaseContext, orgId: string, fromId: string, input: unknown) =>
  mergeEntry(ctx, orgId, 'agency', fromId, input);
export const mergeTherapist = (ctx: UseCaseContext, orgId: string, fromId: string, input: unknown) =>
  mergeEntry(ctx, orgId, 'therapist', fromId, input);

async function mergeEntry(
  ctx: UseCaseContext,
  orgId: string,
  kind: DirectoryKind,
  fromId: string,
  input: unknown,
): Promise<Result<MergeResult, Failure>> {
  const parsed = mergeInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', `into ${parsed.error.issues[0]?.message}`, describeIssues(parsed.error.issues));
  const intoId = parsed.data.into;
  if (intoId === fromId)
    return fail('invalid-input', `${kind === 'agency' ? 'an agency' : 'a therapist'} cannot be merged into itself`, [
      { path: 'into', message: 'is the same' },
    ]);
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  for (let attempt = 0; attempt <= MAX_CHANGED_RETRIES; attempt++) {
    const entries = await listOf(ctx, orgId, kind);
    const from = entries.find((e) => e.id === fromId);
    const into = entries.find((e) => e.id === intoId);
    if (!from) return fail('not-found', `no ${kind} with id "${fromId}"`);
    if (!into) return fail('not-found', `no ${kind} with id "${intoId}"`, [{ path: 'into', message: 'not found' }]);
    const moves = await movedVisits(ctx, orgId, kind, fromId, intoId);
    if (!moves.ok) return fail('rule-broken', `"${from.name}" cannot be merged into "${into.name}": ${moves.error}`);
    const kept = { ...into, aliases: mergedAliases(into, from) };
    // A therapist's disciplines are what the visit form offers them: the typo's are theirs too.
    if ('disciplines' in kept) kept.disciplines = [...new Set([...kept.disciplines, ...(from as StoredTherapist).disciplines])];
    const outcome: MergeOutcome =
      kind === 'agency'
        ? await ctx.store.mergeAgency(orgId, { fromId, into: kept as Agency, moves: moves.value })
        : await ctx.store.mergeTherapist(orgId, { fromId, into: kept as StoredTherapist, moves: moves.value });
    if (outcome.status === 'changed') continue;
    if (outcome.status === 'missing') return fail('not-found', `no ${kind} with id "${outcome.id}"`);
    if (outcome.status === 'blocked') {
      const message = `"${from.name}" cannot be merged into "${into.name}": it has ${describeBlockers(outcome.blockers)}. ${BLOCKED_WHY[kind]}`;
      return fail('rule-broken', message, { blockers: outcome.blockers });
    }
    await audit(ctx, orgId, [
      {
        action: 'update',
        recordType: kind,
        recordId: intoId,
        detail: `merged ${kind} ${fromId} ("${from.name}") into it: ${outcome.visits} visits, ${outcome.billRates} bill rates, ${outcome.payRates} pay rates moved`,
      },
      { action: 'delete', recordType: kind, recordId: fromId, detail: `merged into ${kind} ${intoId} ("${into.name}")` },
      ...moves.value.map((m) => ({
        action: 'update' as const,
        recordType: 'visit' as const,
        recordId: m.id,
        detail: `${kind} ${fromId} -> ${intoId}`,
      })),
    ]);
    return ok({
      kind,
      from: { id: fromId, name: from.name },
      into: { id: intoId, name: into.name, aliases: kept.aliases },
      visits: outcome.visits,
      billRates: outcome.billRates,
      payRates: outcome.payRates,
    });
  }
  return fail('conflict', `the visits of "${fromId}" kept changing while it was being merged; try again`);
}

/**
 * Every visit of the merged record with its duplicate key under the kept one (the patient
 * opened here: the store never sees it), or why not: a visit that would repeat one the kept
 * record already has would be billed twice.
 */
async function movedVisits(
  ctx: UseCaseContext,
  orgId: string,
  kind: DirectoryKind,
  fromId: string,
  intoId: string,
): Promise<Result<MovedVisit[], string>> {
  const visits = await ctx.store.listVisits(orgId, kind === 'agency' ? { agencyId: fromId } : { therapistId: fromId });
  const texts = visits.map((v) =>
    visitKey({
      therapistId: kind === 'therapist' ? intoId : v.therapistId,
      agencyId: kind === 'agency' ? intoId : v.agencyId,
      patientName: ctx.cipher.openJson<Patient>(v.patient).name,
      date: v.date,
      visitType: v.visitType,
    }),
  );
  const moves = visits.map((v, i) => ({ id: v.id, dupKey: ctx.cipher.blindIndex(texts[i]!) }));
  const moving = new Set(moves.map((m) => m.id));
  const repeated = (await findVisitsByDupText(ctx, orgId, texts)).filter((v) => !moving.has(v.id));
  if (repeated.length === 0) return ok(moves);
  const dates = new Map(visits.map((v, i) => [moves[i]!.dupKey, v]));
  const pairs = repeated.slice(0, 5).map((r) => `visit ${dates.get(r.dupKey)?.id} (${dates.get(r.dupKey)?.date}) repeats visit ${r.id}`);
  return err(
    `${repeated.length} of its visits would repeat visits already stored under the other (same therapist, agency, patient, date and visit type): ${pairs.join('; ')}${repeated.length > 5 ? '; ...' : ''}. Remove the repeated rows first`,
  );
}

/** The kept record's spellings: its own, then the merged one's name and spellings, each once and never its own name. */
export function mergedAliases(
  into: { name: string; aliases: readonly string[] },
  from: { name: string; aliases: readonly string[] },
): string[] {
  const seen = new Set([nameKey(into.name)]);
  const aliases: string[] = [];
  for (const alias of [...into.aliases, from.name, ...from.aliases]) {
    if (seen.has(nameKey(alias))) continue;
    seen.add(nameKey(alias));
    aliases.push(alias);
  }
  return aliases;
}

export const deleteAgency = (ctx: UseCaseContext, orgId: string, agencyId: string) => deleteEntry(ctx, orgId, 'agency', agencyId);
export const deleteTherapist = (ctx: UseCaseContext, orgId: string, therapistId: string) =>
  deleteEntry(ctx, orgId, 'therapist', therapistId);

async function deleteEntry(ctx: UseCaseContext, orgId: string, kind: DirectoryKind, id: string): Promise<Result<DeleteResult, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const entry = (await listOf(ctx, orgId, kind)).find((e) => e.id === id);
  if (!entry) return fail('not-found', `no ${kind} with id "${id}"`);
  const outcome: DeleteOutcome = kind === 'agency' ? await ctx.store.deleteAgency(orgId, id) : await ctx.store.deleteTherapist(orgId, id);
  if (outcome.status === 'missing') return fail('not-found', `no ${kind} with id "${id}"`);
  if (outcome.status === 'blocked') {
    const message = `"${entry.name}" cannot be deleted: it has ${describeBlockers(outcome.blockers)}. Only ${kind === 'agency' ? 'an agency' : 'a therapist'} with nothing attached is deleted; one made by a typo is merged into the ${kind} it meant`;
    return fail('rule-broken', message, { blockers: outcome.blockers });
  }
  await audit(ctx, orgId, [{ action: 'delete', recordType: kind, recordId: id, detail: `"${entry.name}", nothing attached` }]);
  return ok({ kind, id, name: entry.name });
}

const BLOCKED_WHY: Record<DirectoryKind, string> = {
  agency: 'An agency that has been invoiced or paid keeps its records as they are: correct an invoice with a void or a credit note',
  therapist:
    'A therapist whose visits have been invoiced or paid keeps their records as they are: correct them with a void or a credit note',
};

const BLOCKER_WORDS: Record<DirectoryBlocker, [one: string, many: string]> = {
  invoices: ['invoice', 'invoices'],
  receipts: ['receipt', 'receipts'],
  'portal-links': ['live portal link', 'live portal links'],
  'therapist-links': ['live therapist link', 'live therapist links'],
  'billed-visits': ['visit on an invoice', 'visits on invoices'],
  'paid-visits': ['visit in a pay run', 'visits in pay runs'],
  payments: ['payment', 'payments'],
  'stripe-account': ['Stripe account', 'Stripe accounts'],
  w9: ['W-9 on file', 'W-9s on file'],
  'rate-clash': ['rate that differs from the other one at the same date', 'rates that differ from the other one at the same dates'],
  busy: ['close or pay run in progress (try again when it ends)', 'closes or pay runs in progress (try again when they end)'],
  visits: ['visit', 'visits'],
  rates: ['rate', 'rates'],
};

/** Said with "a", not "1": "a W-9 on file". */
const SAID_WITH_A: ReadonlySet<DirectoryBlocker> = new Set(['stripe-account', 'w9', 'busy']);

/** "2 invoices, 1 receipt and 3 visits on invoices" */
export function describeBlockers(blockers: Blockers): string {
  const parts = blockers.map((b) => {
    const [one, many] = BLOCKER_WORDS[b.kind];
    if (b.count !== 1) return `${b.count} ${many}`;
    return `${SAID_WITH_A.has(b.kind) ? 'a' : '1'} ${one}`;
  });
  return parts.length <= 1 ? (parts[0] ?? 'something attached') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
