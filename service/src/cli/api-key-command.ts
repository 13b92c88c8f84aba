/**
 * `visitledger api-key create --role owner|staff --label TEXT [--json]`: an API key for the CLI's org, so automation
 * can reach it over HTTP (`Authorization: Bearer vl_...`). The key is printed once; the store keeps only its hash.
 */
import { createApiKey } from '../usecases/api-keys.ts';
import { audit } from '../usecases/context.ts';
import { hasIdentityStore } from '../server.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, UsageError, type CliValues } from './output.ts';

export const apiKeyOptions = { role: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean' } } as const;

export const API_KEY_USAGE =
  'api-key create --role owner|staff --label TEXT [--json]  an API key for this org over HTTP (printed once: keep it in a secret store)';

export async function runApiKey(rt: CliRuntime, values: CliValues<typeof apiKeyOptions>, positionals: readonly string[]): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'create') throw new UsageError(`usage: visitledger ${API_KEY_USAGE}`);
  const missing = (['role', 'label'] as const).filter((k) => !values[k]?.trim());
  if (missing.length) throw new UsageError(`api-key create needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const role = values.role!.trim().toLowerCase();
  if (role !== 'owner' && role !== 'staff') throw new UsageError(`--role: "${values.role}" is not one of owner, staff`);
  const { store } = rt.ctx;
  if (!hasIdentityStore(store)) throw new UsageError('this store keeps no API keys (IdentityStore)');
  const made = await createApiKey(
    { identity: store, now: rt.ctx.now, audit: (orgId, entry) => audit(rt.ctx, orgId, [entry]) },
    rt.orgId,
    { role, label: values.label },
    'cli',
  );
  if (!made.ok) return failureExit(made.error.details ? { ...made.error, message: '--label: the API key is not valid' } : made.error);
  const { key, apiKey } = made.value;
  if (values.json) {
    printJson({ key, apiKey: { ...apiKey, orgId: rt.orgId } });
    return 0;
  }
  say(`API key ${apiKey.id} (${apiKey.role}, "${apiKey.label}") for org ${rt.orgId}:`);
  say(`  ${key}`);
  say('  shown this once: keep it in a secret store. Send it as "Authorization: Bearer <key>" to the API (visitledger serve)');
  return 0;
}
