/**
 * Agencies (the home health companies billed), therapists (the contractors paid) and their
 * rates. Each batch is checked whole before anything is written: one bad row names its
 * index and nothing of the batch is stored.
 */
import * as z from 'zod/mini';
import {
  agency as agencySchema,
  billRate,
  buildVocabulary,
  DEFAULT_WITHOUT_W9,
  maskTinLast4,
  nameKey,
  normalizeTin,
  ok,
  payRate,
  type Agency,
  type BillRate,
  type OrgSettings,
  type PayRate,
  type Result,
} from '../../../shared/index.ts';
import { agencyInput, therapistInput } from '../../../shared/wire/directory.ts';
import type { StoredTherapist, StoredW9 } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';
import { refuseNewTherapists } from './subscription.ts';

export type AgencyInput = z.infer<typeof agencyInput>;

/** Agencies created without terms bill monthly, Net 30, names printed in full, until the owner says otherwise. */
export const AGENCY_DEFAULTS = {
  billingCycle: { kind: 'monthly' },
  termsDays: 30,
  patientIdentifier: 'name',
} as const satisfies Partial<Agency>;

export type TherapistInput = z.infer<typeof therapistInput>;

/** A therapist as shown outside the service: the TIN masked, never in clear. */
export type TherapistView = Omit<StoredTherapist, 'w9'> & { w9?: Omit<StoredW9, 'tin'> & { tinType: 'SSN' | 'EIN'; tinMasked: string } };

/** The withholding setting is shown resolved (the default when never set), so the owner sees what payroll will do. */
export function therapistView(t: StoredTherapist): TherapistView {
  const shown = { ...t, withoutW9: withoutW9Of(t), tinIncorrect: t.tinIncorrect === true };
  if (!shown.w9) return shown as TherapistView;
  const { tin, ...rest } = shown.w9;
  return { ...shown, w9: { ...rest, tinType: tin.type, tinMasked: maskTinLast4(tin.last4, tin.type) } };
}

/** Two spellings of one agency or therapist: the importer and the rate sheets match names by the same nameKey. */
const sameName = (a: string, b: string) => nameKey(a) === nameKey(b);

function parseBatch<S extends z.ZodMiniType>(schema: S, rows: unknown, what: string, plural: string): Result<z.infer<S>[], Failure> {
  if (!Array.isArray(rows)) return fail('invalid-input', `expected a list of ${plural}`);
  const parsed = z.array(schema).safeParse(rows);
  if (parsed.success) return ok(parsed.data as z.infer<S>[]);
  const details = describeIssues(parsed.error.issues);
  const [row, ...field] = details[0]!.path.split('.');
  return fail('invalid-input', `${what} row ${row}: ${field.length ? `${field.join('.')} ` : ''}${details[0]!.message}`, details);
}

export async function upsertAgencies(ctx: UseCaseContext, orgId: string, rows: unknown): Promise<Result<Agency[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const inputs = parseBatch(agencyInput, rows, 'agency', 'agencies');
  if (!inputs.ok) return inputs;
  const existing = await ctx.store.listAgencies(orgId);
  const byId = new Map(existing.map((a) => [a.id, a]));
  const agencies: Agency[] = [];
  for (const [i, input] of inputs.value.entries()) {
    const current = input.id !== undefined ? byId.get(input.id) : existing.find((a) => sameName(a.name, input.name));
    if (input.id !== undefined && !current)
      return fail('not-found', `agency row ${i}: no agency with id "${input.id}"`, [{ path: `${i}.id`, message: 'not found' }]);
    const merged = agencySchema.safeParse({
      ...AGENCY_DEFAULTS,
      active: true,
      aliases: [],
      ...current,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      id: current?.id ?? ctx.newId(),
    });
    if (!merged.success)
      return fail(
        'invalid-input',
        `agency row ${i} is not valid`,
        describeIssues(merged.error.issues).map((d) => ({ ...d, path: `${i}.${d.path}` })),
      );
    agencies.push(merged.data);
  }
  const clash = findNameClash([...existing.filter((a) => !agencies.some((b) => b.id === a.id)), ...agencies]);
  if (clash) return fail('conflict', `two agencies would be called "${clash}"`);
  await ctx.store.putAgencies(orgId, agencies);
  return ok(agencies);
}

export async function listAgencies(ctx: UseCaseContext, orgId: string): Promise<Result<Agency[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok(await ctx.store.listAgencies(orgId));
}

export async function upsertTherapists(ctx: UseCaseContext, orgId: string, rows: unknown): Promise<Result<TherapistView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const inputs = parseBatch(therapistInput, rows, 'therapist', 'therapists');
  if (!inputs.ok) return inputs;
  const existing = await ctx.store.listTherapists(orgId);
  const byId = new Map(existing.map((t) => [t.id, t]));
  const therapists: StoredTherapist[] = [];
  for (const [i, input] of inputs.value.entries()) {
    const current = input.id !== undefined ? byId.get(input.id) : existing.find((t) => sameName(t.name, input.name));
    if (input.id !== undefined && !current)
      return fail('not-found', `therapist row ${i}: no therapist with id "${input.id}"`, [{ path: `${i}.id`, message: 'not found' }]);
    let w9: StoredW9 | undefined = current?.w9;
    if (input.w9) {
      const tin = normalizeTin(input.w9.tin, input.w9.tinType);
      if (!tin.ok)
        return fail('invalid-input', `therapist row ${i}: W-9 TIN: ${tin.error.message}`, [
          { path: `${i}.w9.tin`, message: tin.error.message },
        ]);
      const { tin: _plain, ...rest } = input.w9;
      w9 = { ...rest, tin: { sealed: ctx.cipher.seal(tin.value), last4: tin.value.slice(-4), type: input.w9.tinType } };
    }
    therapists.push({
      id: current?.id ?? ctx.newId(),
      name: input.name,
      aliases: input.aliases ?? current?.aliases ?? [],
      disciplines: input.disciplines ?? current?.disciplines ?? [],
      active: input.active ?? current?.active ?? true,
      ...((input.email ?? current?.email) !== undefined ? { email: input.email ?? current?.email } : {}),
      ...(w9 ? { w9 } : {}),
      ...((input.withoutW9 ?? current?.withoutW9) !== undefined ? { withoutW9: input.withoutW9 ?? current?.withoutW9 } : {}),
      ...((input.tinIncorrect ?? current?.tinIncorrect) ? { tinIncorrect: true } : {}),
    });
  }
  const clash = findNameClash([...existing.filter((t) => !therapists.some((u) => u.id === t.id)), ...therapists]);
  if (clash) return fail('conflict', `two therapists would be called "${clash}"`);
  // Over the plan's therapist limit past its grace days, existing therapists still update; new ones wait for an upgrade.
  if (therapists.some((t) => !byId.has(t.id))) {
    const refused = await refuseNewTherapists(ctx, orgId);
    if (refused) return refused;
  }
  await ctx.store.putTherapists(orgId, therapists);
  const withW9 = therapists.filter((t) => inputs.value.some((input) => input.w9 && sameName(input.name, t.name)));
  await audit(
    ctx,
    orgId,
    withW9.map((t) => ({ action: 'update' as const, recordType: 'therapist' as const, recordId: t.id, detail: 'W-9' })),
  );
  await audit(
    ctx,
    orgId,
    therapists.flatMap((t) => auditWithholdingChange(t, byId.get(t.id))),
  );
  return ok(therapists.map(therapistView));
}

/** The withholding setting and the TIN flag decide whether pay is held or 24% kept: each change is audited. */
function auditWithholdingChange(after: StoredTherapist, before: StoredTherapist | undefined) {
  const was = { withoutW9: withoutW9Of(before), tinIncorrect: before?.tinIncorrect === true };
  const now = { withoutW9: withoutW9Of(after), tinIncorrect: after.tinIncorrect === true };
  if (before !== undefined && was.withoutW9 === now.withoutW9 && was.tinIncorrect === now.tinIncorrect) return [];
  if (before === undefined && now.withoutW9 === DEFAULT_WITHOUT_W9 && !now.tinIncorrect) return [];
  return [
    {
      action: 'update' as const,
      recordType: 'therapist' as const,
      recordId: after.id,
      detail: `without W-9: ${now.withoutW9}; TIN flagged incorrect: ${now.tinIncorrect ? 'yes' : 'no'}`,
    },
  ];
}

const withoutW9Of = (t: StoredTherapist | undefined) => t?.withoutW9 ?? DEFAULT_WITHOUT_W9;

export async function listTherapists(ctx: UseCaseContext, orgId: string): Promise<Result<TherapistView[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok((await ctx.store.listTherapists(orgId)).map(therapistView));
}

function findNameClash(entries: readonly { name: string; active?: boolean }[]): string | null {
  const seen = new Set<string>();
  for (const e of entries) {
    const key = nameKey(e.name);
    if (seen.has(key)) return e.name;
    seen.add(key);
  }
  return null;
}

/** Checks the visit type codes of rates against the org's vocabulary. */
function unknownVisitType(settings: OrgSettings, codes: Iterable<string>): string | null {
  const known = new Set(buildVocabulary(settings).visitTypes.map((t) => t.code));
  for (const c of codes) if (!known.has(c)) return c;
  return null;
}

export async function putBillRates(ctx: UseCaseContext, orgId: string, rows: unknown): Promise<Result<BillRate[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const rates = parseBatch(billRate, rows, 'bill rate', 'bill rates');
  if (!rates.ok) return rates;
  const agencies = new Set((await ctx.store.listAgencies(orgId)).map((a) => a.id));
  const stranger = rates.value.findIndex((r) => !agencies.has(r.agencyId));
  if (stranger >= 0)
    return fail('not-found', `bill rate row ${stranger}: no agency with id "${rates.value[stranger]!.agencyId}"`, [
      { path: `${stranger}.agencyId`, message: 'not found' },
    ]);
  const badType = unknownVisitType(
    org.value.settings,
    rates.value.map((r) => r.visitType),
  );
  if (badType) return fail('invalid-input', `"${badType}" is not a visit type of this org`);
  const before = new Map((await ctx.store.listBillRates(orgId)).map((r) => [billRateKey(r), r.cents]));
  await ctx.store.putBillRates(orgId, rates.value);
  await auditRateChanges(
    ctx,
    orgId,
    'bill-rate',
    rates.value.map((r) => ({ key: billRateKey(r), cents: r.cents })),
    before,
  );
  return ok(rates.value);
}

export async function putPayRates(ctx: UseCaseContext, orgId: string, rows: unknown): Promise<Result<PayRate[], Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const rates = parseBatch(payRate, rows, 'pay rate', 'pay rates');
  if (!rates.ok) return rates;
  const therapists = new Set((await ctx.store.listTherapists(orgId)).map((t) => t.id));
  const agencies = new Set((await ctx.store.listAgencies(orgId)).map((a) => a.id));
  for (const [i, r] of rates.value.entries()) {
    if (!therapists.has(r.therapistId))
      return fail('not-found', `pay rate row ${i}: no therapist with id "${r.therapistId}"`, [
        { path: `${i}.therapistId`, message: 'not found' },
      ]);
    if (r.agencyId !== undefined && !agencies.has(r.agencyId))
      return fail('not-found', `pay rate row ${i}: no agency with id "${r.agencyId}"`, [{ path: `${i}.agencyId`, message: 'not found' }]);
  }
  const badType = unknownVisitType(
    org.value.settings,
    rates.value.map((r) => r.visitType),
  );
  if (badType) return fail('invalid-input', `"${badType}" is not a visit type of this org`);
  const before = new Map((await ctx.store.listPayRates(orgId)).map((r) => [payRateKey(r), r.cents]));
  await ctx.store.putPayRates(orgId, rates.value);
  await auditRateChanges(
    ctx,
    orgId,
    'pay-rate',
    rates.value.map((r) => ({ key: payRateKey(r), cents: r.cents })),
    before,
  );
  return ok(rates.value);
}

const billRateKey = (r: BillRate) => `${r.agencyId}:${r.discipline}:${r.visitType}:${r.effectiveFrom}`;
const payRateKey = (r: PayRate) => `${r.therapistId}:${r.agencyId ?? 'any agency'}:${r.discipline}:${r.visitType}:${r.effectiveFrom}`;

/** A rate is money on every later invoice or pay statement: each one set or changed is audited with its amount before and after. */
async function auditRateChanges(
  ctx: UseCaseContext,
  orgId: string,
  recordType: 'bill-rate' | 'pay-rate',
  after: readonly { key: string; cents: number }[],
  before: ReadonlyMap<string, number>,
): Promise<void> {
  const changed = after.filter((r) => before.get(r.key) !== r.cents);
  await audit(
    ctx,
    orgId,
    changed.map((r) => {
      const was = before.get(r.key);
      return {
        action: was === undefined ? ('create' as const) : ('update' as const),
        recordType,
        recordId: r.key,
        detail: `${was === undefined ? 'none' : `${was} cents`} -> ${r.cents} cents`,
      };
    }),
  );
}

export async function listRates(
  ctx: UseCaseContext,
  orgId: string,
): Promise<Result<{ billRates: BillRate[]; payRates: PayRate[] }, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  return ok({ billRates: await ctx.store.listBillRates(orgId), payRates: await ctx.store.listPayRates(orgId) });
}
