/**
 * The agencies and therapists from the command line, on the same use cases as the API:
 * `visitledger agencies [--json]` and `visitledger therapists [--json]` list them;
 * `visitledger agency set NAME [--billing-cycle TEXT] [--terms N] [--email E] [--address TEXT] [--patient-label name|initials-mrn|mrn]`
 * and `visitledger therapist set NAME [--email E] [--disciplines PT,OT] [--without-w9 hold|withhold]` change one;
 * `visitledger agency merge FROM INTO` (and `therapist merge`) folds one made by a typo into the one it meant;
 * `visitledger agency delete NAME` (and `therapist delete`) removes one with nothing attached.
 * Names are matched as every command matches them: a typo gets the names it may have meant.
 */
import {
  CYCLE_RULE_FORMS,
  cycleRuleFromText,
  cycleRuleText,
  DISCIPLINES,
  PATIENT_IDENTIFIERS,
  visitCount,
  WITHOUT_W9_CHOICES,
  type Address,
  type Agency,
} from '../../../shared/index.ts';
import { listAgencies, listTherapists, upsertAgencies, upsertTherapists, type TherapistView } from '../usecases/directory.ts';
import { deleteAgency, deleteTherapist, mergeAgency, mergeTherapist, type DirectoryKind } from '../usecases/directory-merge.ts';
import type { Failure } from '../failure.ts';
import { entryNamed } from './names.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, table, UsageError, type CliValues } from './output.ts';

export const agenciesOptions = { json: { type: 'boolean' } } as const;

const agencyRow = (a: Agency) => ({
  id: a.id,
  name: a.name,
  aliases: a.aliases,
  billingCycle: a.billingCycle,
  termsDays: a.termsDays,
  patientLabel: a.patientIdentifier,
  email: a.contactEmail ?? null,
  address: a.address ?? null,
  active: a.active,
});

const oneLine = (a: Address) => [a.line1, a.line2, `${a.city}, ${a.state} ${a.zip}`].filter(Boolean).join(', ');

function sayAgencies(agencies: readonly Agency[]): void {
  say(
    table([
      ['Agency', 'Billing cycle', 'Terms', 'Patients as', 'Email', 'Address', 'Also spelled'],
      ...agencies.map((a) => [
        a.active ? a.name : `${a.name} (inactive)`,
        cycleRuleText(a.billingCycle),
        `Net ${a.termsDays}`,
        a.patientIdentifier,
        a.contactEmail ?? '',
        a.address ? oneLine(a.address) : '',
        a.aliases.join('; '),
      ]),
    ]),
  );
}

export async function runAgencies(rt: CliRuntime, values: CliValues<typeof agenciesOptions>): Promise<number> {
  const result = await listAgencies(rt.ctx, rt.orgId);
  if (!result.ok) return failureExit(result.error);
  const agencies = [...result.value].sort((a, b) => a.name.localeCompare(b.name));
  if (values.json) printJson({ agencies: agencies.map(agencyRow) });
  else if (agencies.length === 0) say('no agencies yet (visitledger import brings them in with the visits)');
  else sayAgencies(agencies);
  return 0;
}

const therapistRow = (t: TherapistView) => ({
  id: t.id,
  name: t.name,
  aliases: t.aliases,
  email: t.email ?? null,
  disciplines: t.disciplines,
  active: t.active,
  w9: t.w9 ? { tinType: t.w9.tinType, tinMasked: t.w9.tinMasked, signedOn: t.w9.signedOn } : null,
  withoutW9: t.withoutW9,
  tinIncorrect: t.tinIncorrect === true,
});

function sayTherapists(therapists: readonly TherapistView[]): void {
  say(
    table([
      ['Therapist', 'Disciplines', 'Email', 'W-9', 'Without a W-9', 'Also spelled'],
      ...therapists.map((t) => [
        t.active ? t.name : `${t.name} (inactive)`,
        t.disciplines.join(', '),
        t.email ?? '',
        t.w9 ? `${t.w9.tinMasked}${t.tinIncorrect ? ' (TIN flagged incorrect)' : ''}` : 'none',
        t.withoutW9 === 'withhold' ? 'pay, 24% withheld' : 'pay held',
        t.aliases.join('; '),
      ]),
    ]),
  );
}

export async function runTherapists(rt: CliRuntime, values: CliValues<typeof agenciesOptions>): Promise<number> {
  const result = await listTherapists(rt.ctx, rt.orgId);
  if (!result.ok) return failureExit(result.error);
  const therapists = [...result.value].sort((a, b) => a.name.localeCompare(b.name));
  if (values.json) printJson({ therapists: therapists.map(therapistRow) });
  else if (therapists.length === 0) say('no therapists yet (visitledger import brings them in with the visits)');
  else sayTherapists(therapists);
  return 0;
}

export const agencyOptions = {
  'billing-cycle': { type: 'string' },
  terms: { type: 'string' },
  email: { type: 'string' },
  address: { type: 'string' },
  'patient-label': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const therapistOptions = {
  email: { type: 'string' },
  disciplines: { type: 'string' },
  'without-w9': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const AGENCY_USAGE =
  'agency set NAME [--billing-cycle TEXT] [--terms N] [--email E] [--address "12 Main St, Springfield, IL 62701"] [--patient-label name|initials-mrn|mrn]\n' +
  '         agency merge FROM INTO | agency delete NAME [--json]  change an agency; fold one made by a typo into the one it meant; delete one with nothing attached';
export const THERAPIST_USAGE =
  'therapist set NAME [--email E] [--disciplines PT,OT] [--without-w9 hold|withhold] | therapist merge FROM INTO | therapist delete NAME [--json]';

const NAMES_TAKEN: Readonly<Record<string, number>> = { set: 1, merge: 2, delete: 1 };

/** `agency set|merge|delete ...` and `therapist set|merge|delete ...`: the words after the command, checked. */
function subcommand(kind: DirectoryKind, positionals: readonly string[], setOptions: readonly string[]): { verb: string; names: string[] } {
  const [verb = '', ...names] = positionals;
  const wanted = NAMES_TAKEN[verb];
  if (wanted === undefined) throw new UsageError(`${kind} needs set, merge or delete: visitledger ${kind} set NAME ...`);
  if (names.length !== wanted)
    throw new UsageError(
      verb === 'merge'
        ? `${kind} merge needs two names: the ${kind} made by a typo, then the ${kind} it meant (quote names with spaces)`
        : `${kind} ${verb} needs one name (quote a name with spaces)`,
    );
  if (verb !== 'set' && setOptions.length > 0) throw new UsageError(`${setOptions.join(', ')}: only ${kind} set takes these`);
  return { verb, names };
}

/** The options of `set` given (the command's own, not --db or --json). */
const givenOptions = (values: Record<string, unknown>, options: Record<string, unknown>) =>
  Object.keys(options)
    .filter((k) => k !== 'json' && values[k] !== undefined)
    .map((k) => `--${k}`);

export async function runAgency(rt: CliRuntime, values: CliValues<typeof agencyOptions>, positionals: readonly string[]): Promise<number> {
  const { verb, names } = subcommand('agency', positionals, givenOptions(values, agencyOptions));
  const agencies = await rt.ctx.store.listAgencies(rt.orgId);
  const agency = entryNamed('agency', names[0]!, agencies);
  if (verb === 'merge') return merged(rt, 'agency', names, agency, entryNamed('agency', names[1]!, agencies), values.json);
  if (verb === 'delete') return deleted(rt, 'agency', agency.id, values.json);
  const change: Record<string, unknown> = { id: agency.id, name: agency.name };
  if (values['billing-cycle'] !== undefined) {
    const rule = cycleRuleFromText(values['billing-cycle']);
    if (!rule.ok)
      throw new UsageError(`--billing-cycle: "${values['billing-cycle']}" is not a billing cycle; write one of ${CYCLE_RULE_FORMS}`);
    change.billingCycle = rule.value;
  }
  if (values.terms !== undefined) {
    const typed = values.terms.trim().replace(/^net\s*/i, '');
    const days = Number(typed);
    if (!/^\d+$/.test(typed) || days > 365) throw new UsageError(`--terms: "${values.terms}" is not a number of days from 0 to 365`);
    change.termsDays = days;
  }
  if (values.email !== undefined) change.contactEmail = values.email.trim();
  if (values.address !== undefined) change.address = addressOption(values.address);
  if (values['patient-label'] !== undefined) {
    const label = PATIENT_IDENTIFIERS.find((p) => p === values['patient-label']!.trim().toLowerCase());
    if (!label) throw new UsageError(`--patient-label: "${values['patient-label']}" is not one of ${PATIENT_IDENTIFIERS.join(', ')}`);
    change.patientIdentifier = label;
  }
  const result = await upsertAgencies(rt.ctx, rt.orgId, [change]);
  if (!result.ok) return failureExit(asTyped(result.error, AGENCY_FLAGS));
  if (values.json) printJson({ agency: agencyRow(result.value[0]!) });
  else sayAgencies(result.value);
  return 0;
}

export async function runTherapist(
  rt: CliRuntime,
  values: CliValues<typeof therapistOptions>,
  positionals: readonly string[],
): Promise<number> {
  const { verb, names } = subcommand('therapist', positionals, givenOptions(values, therapistOptions));
  const therapists = await rt.ctx.store.listTherapists(rt.orgId);
  const therapist = entryNamed('therapist', names[0]!, therapists);
  if (verb === 'merge') return merged(rt, 'therapist', names, therapist, entryNamed('therapist', names[1]!, therapists), values.json);
  if (verb === 'delete') return deleted(rt, 'therapist', therapist.id, values.json);
  const change: Record<string, unknown> = { id: therapist.id, name: therapist.name };
  if (values.email !== undefined) change.email = values.email.trim();
  if (values.disciplines !== undefined) {
    const disciplines = values.disciplines
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((d) => d.toUpperCase());
    const unknown = disciplines.find((d) => !(DISCIPLINES as readonly string[]).includes(d));
    if (unknown !== undefined || disciplines.length === 0)
      throw new UsageError(`--disciplines: "${unknown ?? values.disciplines}" is not one of ${DISCIPLINES.join(', ')}`);
    change.disciplines = [...new Set(disciplines)];
  }
  if (values['without-w9'] !== undefined) {
    const choice = WITHOUT_W9_CHOICES.find((c) => c === values['without-w9']!.trim().toLowerCase());
    if (!choice) throw new UsageError(`--without-w9: "${values['without-w9']}" is not one of ${WITHOUT_W9_CHOICES.join(', ')}`);
    change.withoutW9 = choice;
  }
  const result = await upsertTherapists(rt.ctx, rt.orgId, [change]);
  if (!result.ok) return failureExit(asTyped(result.error, THERAPIST_FLAGS));
  if (values.json) printJson({ therapist: therapistRow(result.value[0]!) });
  else sayTherapists(result.value);
  return 0;
}

async function merged(
  rt: CliRuntime,
  kind: DirectoryKind,
  typed: readonly string[],
  from: { id: string; name: string },
  into: { id: string; name: string },
  json: boolean | undefined,
): Promise<number> {
  if (from.id === into.id) throw new UsageError(`"${typed[0]}" and "${typed[1]}" are both the ${kind} "${into.name}": nothing to merge`);
  const [fromId, intoId] = [from.id, into.id];
  const result =
    kind === 'agency'
      ? await mergeAgency(rt.ctx, rt.orgId, fromId, { into: intoId })
      : await mergeTherapist(rt.ctx, rt.orgId, fromId, { into: intoId });
  if (!result.ok) return failureExit(result.error);
  const m = result.value;
  if (json) {
    printJson(m);
    return 0;
  }
  const rates = m.billRates + m.payRates;
  say(
    `merged ${kind} "${m.from.name}" into "${m.into.name}": ${visitCount(m.visits)} moved${rates ? `, and ${rates} rate${rates === 1 ? '' : 's'}` : ''}`,
  );
  say(`  "${m.from.name}" is now one of the spellings of "${m.into.name}"; the next import matches it there`);
  return 0;
}

async function deleted(rt: CliRuntime, kind: DirectoryKind, id: string, json: boolean | undefined): Promise<number> {
  const result = kind === 'agency' ? await deleteAgency(rt.ctx, rt.orgId, id) : await deleteTherapist(rt.ctx, rt.orgId, id);
  if (!result.ok) return failureExit(result.error);
  if (json) printJson(result.value);
  else say(`deleted ${kind} "${result.value.name}"`);
  return 0;
}

/** `--address "12 Main St, Suite 4, Springfield, IL 62701"`: the line(s), the city, then the state and ZIP. */
function addressOption(text: string): Address {
  const parts = text.split(',').map((p) => p.trim());
  const stateZip = /^([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)$/.exec(parts.at(-1) ?? '');
  if (parts.length < 3 || !stateZip || parts.slice(0, -1).some((p) => p === ''))
    throw new UsageError(`--address: "${text}" is not an address written as "12 Main St[, Suite 4], Springfield, IL 62701"`);
  const line2 = parts.slice(1, -2).join(', ');
  return { line1: parts[0]!, ...(line2 ? { line2 } : {}), city: parts.at(-2)!, state: stateZip[1]!.toUpperCase(), zip: stateZip[2]! };
}

const AGENCY_FLAGS: Record<string, string> = {
  billingCycle: '--billing-cycle',
  termsDays: '--terms',
  contactEmail: '--email',
  address: '--address',
  patientIdentifier: '--patient-label',
};
const THERAPIST_FLAGS: Record<string, string> = { email: '--email', disciplines: '--disciplines', withoutW9: '--without-w9' };

/** A refusal of the one-row batch, its field named as the option that gave it: "agency row 0: contactEmail ..." -> "--email ...". */
function asTyped(failure: Failure, flags: Readonly<Record<string, string>>): Failure {
  const details = Array.isArray(failure.details) ? (failure.details as { path?: string; message?: string }[]) : [];
  const first = details.find((d) => d.path !== undefined);
  if (!first?.path) return failure;
  const field = first.path.replace(/^\d+\./, '').split('.')[0]!;
  return { code: failure.code, message: `${flags[field] ?? field}: ${first.message}` };
}
