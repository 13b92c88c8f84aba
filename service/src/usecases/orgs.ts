/** Org set-up and settings. An org is one staffing agency: the tenant. */
import * as z from 'zod/mini';
import { maskTinLast4, normalizeTin, ok, orgSettings, type OrgSettings, type Result } from '../../../shared/index.ts';
import { ORG_ID } from '../../../shared/wire/directory.ts';
import type { OrgMaker, OrgRecord } from '../store/port.ts';
import { audit, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';

/**
 * The ids the command line acts on without being told (its local org) and the demo's. Only
 * the command line and the demo make them: were anyone able to make `local` over HTTP, a CLI
 * import into a store the server shares would land in their org.
 */
export const RESERVED_ORG_IDS: readonly string[] = ['local', 'demo'];

/** What a new org starts with; the owner changes any of it later. */
export function defaultOrgSettings(name: string): OrgSettings {
  return {
    name,
    timeZone: 'America/New_York',
    invoicePrefix: 'INV',
    payrollCycle: { kind: 'biweekly', anchor: '2026-01-05' },
    holdPayUntilNoteDone: false,
    stripeTransfersCountFor1099: true,
    visitTypes: [],
    disciplineSynonyms: {},
    visitTypeSynonyms: {},
  };
}

export type OrgView = { id: string; settings: OrgSettings; payerTin?: { type: 'SSN' | 'EIN'; masked: string }; createdAt: string };

function view(org: OrgRecord): OrgView {
  return {
    id: org.id,
    settings: org.settings,
    createdAt: org.createdAt,
    ...(org.payerTin ? { payerTin: { type: org.payerTin.type, masked: maskTinLast4(org.payerTin.last4, org.payerTin.type) } } : {}),
  };
}

const settingsPatch = z.partial(orgSettings);

/** Issues of one field of the body, named from the body's top: `id`, `settings.name`. */
const under = (field: string, issues: { path: string; message: string }[]) =>
  issues.map((i) => ({ ...i, path: i.path ? `${field}.${i.path}` : field }));

/** Creates the org, or answers `conflict` when the id is taken. Over HTTP (`madeBy` 'api') a reserved id is refused. */
export async function createOrg(
  ctx: UseCaseContext,
  input: { id: unknown; settings: unknown },
  madeBy: OrgMaker = 'api',
): Promise<Result<OrgView, Failure>> {
  const id = ORG_ID.safeParse(input.id);
  if (!id.success) return fail('invalid-input', `org id ${id.error.issues[0]?.message}`, under('id', describeIssues(id.error.issues)));
  // `demo-<day>`: the public demo's daily orgs (http/demo/daily-org.ts).
  if (madeBy === 'api' && (RESERVED_ORG_IDS.includes(id.data) || id.data.startsWith('demo-'))) {
    const message = `org id "${id.data}" is reserved for the command line and the demo; choose another`;
    return fail('invalid-input', message, [{ path: 'id', message: 'is reserved' }]);
  }
  const patch = settingsPatch.safeParse(input.settings ?? {});
  if (!patch.success) return fail('invalid-input', 'the org settings are not valid', under('settings', describeIssues(patch.error.issues)));
  const settings = orgSettings.safeParse({ ...defaultOrgSettings(patch.data.name ?? id.data), ...patch.data });
  if (!settings.success)
    return fail('invalid-input', 'the org settings are not valid', under('settings', describeIssues(settings.error.issues)));
  const org: OrgRecord = { id: id.data, settings: settings.data, createdAt: ctx.now().toISOString(), madeBy };
  if ((await ctx.store.insertOrg(org)) === 'exists') return fail('conflict', `an org with id "${id.data}" already exists`);
  await audit(ctx, org.id, [{ action: 'create', recordType: 'org', recordId: org.id }]);
  return ok(view(org));
}

/** The command line's own org, created with default settings the first time. */
export async function ensureOrg(ctx: UseCaseContext, id: string, name: string): Promise<OrgRecord> {
  const existing = await ctx.store.getOrg(id);
  if (existing) return existing;
  const org: OrgRecord = { id, settings: defaultOrgSettings(name), createdAt: ctx.now().toISOString(), madeBy: 'cli' };
  if ((await ctx.store.insertOrg(org)) === 'created') await audit(ctx, id, [{ action: 'create', recordType: 'org', recordId: id }]);
  return (await ctx.store.getOrg(id))!;
}

export async function loadOrg(ctx: UseCaseContext, orgId: string): Promise<Result<OrgRecord, Failure>> {
  const org = await ctx.store.getOrg(orgId);
  return org ? ok(org) : fail('not-found', `no org "${orgId}"`);
}

export async function getOrg(ctx: UseCaseContext, orgId: string): Promise<Result<OrgView, Failure>> {
  const org = await loadOrg(ctx, orgId);
  return org.ok ? ok(view(org.value)) : org;
}

export async function updateOrgSettings(ctx: UseCaseContext, orgId: string, patch: unknown): Promise<Result<OrgView, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const parsedPatch = settingsPatch.safeParse(patch);
  if (!parsedPatch.success) return fail('invalid-input', 'the org settings are not valid', describeIssues(parsedPatch.error.issues));
  const settings = orgSettings.safeParse({ ...org.value.settings, ...parsedPatch.data });
  if (!settings.success)
    return fail('invalid-input', 'the org settings are not valid', under('settings', describeIssues(settings.error.issues)));
  const updated = { ...org.value, settings: settings.data };
  await ctx.store.updateOrg(updated);
  await audit(ctx, orgId, [
    {
      action: 'update',
      recordType: 'org',
      recordId: orgId,
      detail: settingsChanges(org.value.settings, settings.data, Object.keys(parsedPatch.data)),
    },
  ]);
  return ok(view(updated));
}

/**
 * What a settings change changed, each named setting before and after (settings hold no
 * secret): `stripeTransfersCountFor1099 true -> false` moves 1099 totals, so it is kept whole.
 */
function settingsChanges(before: OrgSettings, after: OrgSettings, keys: readonly string[]): string {
  const show = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));
  return (
    keys
      .map((key) => [key, show(before[key as keyof OrgSettings]), show(after[key as keyof OrgSettings])] as const)
      .filter(([, was, now]) => was !== now)
      .map(([key, was, now]) => `${key} ${was} -> ${now}`)
      .join('; ') || 'no change'
  );
}

/** The payer's own TIN, for the IRS export. Sealed at once; shown masked from then on. */
export async function setPayerTin(
  ctx: UseCaseContext,
  orgId: string,
  input: { tin: string; type: 'SSN' | 'EIN' },
): Promise<Result<OrgView, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const tin = normalizeTin(input.tin, input.type);
  if (!tin.ok) return fail('invalid-input', tin.error.message, [{ path: 'tin', message: tin.error.message }]);
  const updated: OrgRecord = {
    ...org.value,
    payerTin: { sealed: ctx.cipher.seal(tin.value), last4: tin.value.slice(-4), type: input.type },
  };
  await ctx.store.updateOrg(updated);
  // Masked before and after: the audit never holds a whole TIN.
  const was = org.value.payerTin ? maskTinLast4(org.value.payerTin.last4, org.value.payerTin.type) : 'none';
  await audit(ctx, orgId, [
    {
      action: 'update',
      recordType: 'org',
      recordId: orgId,
      detail: `payer TIN ${was} -> ${maskTinLast4(updated.payerTin!.last4, input.type)}`,
    },
  ]);
  return ok(view(updated));
}
