/**
 * `visitledger w9 --therapist NAME --legal-name TEXT --classification WORD --tin-type SSN|EIN
 * --tin 123-45-6789 --address1 TEXT --city TEXT --state XX --zip 12345 [...]`: records a
 * paper W-9 through the same use case as the sheet's (the TIN checked, sealed, audited, and
 * shown masked from then on).
 */
import type { TAX_CLASSIFICATIONS } from '../../../shared/index.ts';
import { nameKey } from '../../../shared/index.ts';
import { today } from '../usecases/context.ts';
import { upsertTherapists } from '../usecases/directory.ts';
import { loadOrg } from '../usecases/orgs.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, UsageError, type CliValues } from './output.ts';

export const w9Options = {
  therapist: { type: 'string' },
  'legal-name': { type: 'string' },
  'business-name': { type: 'string' },
  classification: { type: 'string' },
  'tin-type': { type: 'string' },
  tin: { type: 'string' },
  address1: { type: 'string' },
  address2: { type: 'string' },
  city: { type: 'string' },
  state: { type: 'string' },
  zip: { type: 'string' },
  'signed-on': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The W-9's line 3a boxes as the command line names them. */
export const W9_CLASSIFICATION_WORDS: Readonly<Record<string, (typeof TAX_CLASSIFICATIONS)[number]>> = {
  individual: 'individual',
  'sole-proprietor': 'individual',
  'llc-c': 'llc-c',
  'llc-s': 'llc-s',
  'llc-p': 'llc-p',
  'c-corp': 'c-corporation',
  's-corp': 's-corporation',
  partnership: 'partnership',
};

export async function runW9(rt: CliRuntime, values: CliValues<typeof w9Options>): Promise<number> {
  const required = ['therapist', 'legal-name', 'classification', 'tin-type', 'tin', 'address1', 'city', 'state', 'zip'] as const;
  const missing = required.filter((k) => !values[k]);
  if (missing.length > 0) throw new UsageError(`w9 needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const classification = W9_CLASSIFICATION_WORDS[values.classification!];
  if (!classification) throw new UsageError(`--classification must be one of ${Object.keys(W9_CLASSIFICATION_WORDS).join(', ')}`);
  if (values['tin-type'] !== 'SSN' && values['tin-type'] !== 'EIN') throw new UsageError('--tin-type must be SSN or EIN');
  const org = await loadOrg(rt.ctx, rt.orgId);
  if (!org.ok) return failureExit(org.error);
  const therapist = (await rt.ctx.store.listTherapists(rt.orgId)).find((t) =>
    [t.name, ...t.aliases].some((n) => nameKey(n) === nameKey(values.therapist!)),
  );
  if (!therapist) throw new UsageError(`no therapist called "${values.therapist}" (import or sync the therapists first)`);
  const result = await upsertTherapists(rt.ctx, rt.orgId, [
    {
      id: therapist.id,
      name: therapist.name,
      w9: {
        legalName: values['legal-name'],
        ...(values['business-name'] ? { businessName: values['business-name'] } : {}),
        taxClassification: classification,
        address: {
          line1: values.address1,
          ...(values.address2 ? { line2: values.address2 } : {}),
          city: values.city,
          state: values.state!.toUpperCase(),
          zip: values.zip,
        },
        tinType: values['tin-type'],
        tin: values.tin,
        signedOn: values['signed-on'] ?? today(rt.ctx, org.value.settings.timeZone),
      },
    },
  ]);
  if (!result.ok) return failureExit(result.error);
  const w9 = result.value[0]!.w9!;
  if (values.json) {
    printJson({
      therapist: therapist.name,
      legalName: w9.legalName,
      taxClassification: w9.taxClassification,
      tinType: w9.tinType,
      tin: w9.tinMasked,
      signedOn: w9.signedOn,
    });
    return 0;
  }
  say(`W-9 recorded for ${therapist.name}: ${w9.legalName}, ${w9.tinType} ${w9.tinMasked}, signed ${w9.signedOn}`);
  return 0;
}
