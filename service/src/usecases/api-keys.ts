/**
 * Managing an org's API keys: make one (shown once), list them, revoke one. The key itself
 * (its format, its secret, checking a presented key) is auth/api-keys.ts.
 */
import * as z from 'zod';
import { ok, type Result } from '../../../shared/index.ts';
import { newApiKey } from '../auth/api-keys.ts';
import { tokenHash } from '../crypto/tokens.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { MEMBER_ROLES, type ApiKeyRecord, type AuditEntry, type IdentityStore } from '../store/port.ts';

/** An API key as shown: never its secret or hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

const view = ({ secretHash: _hash, ...rest }: ApiKeyRecord): ApiKeyView => rest;

/** `audit` records who changed access to the org (members, keys): the HIPAA audit trail covers that too. */
export type IdentityDeps = {
  identity: IdentityStore;
  now: () => Date;
  audit: (orgId: string, entry: Pick<AuditEntry, 'action' | 'recordType' | 'recordId' | 'detail'>) => Promise<void>;
};

export const newApiKeyInput = z.object({
  label: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
  role: z.enum(MEMBER_ROLES).default('staff'),
});

/**
 * Makes a key; the answer is the only time the full key is ever shown. `createdBy`: the
 * member behind it (their email; for a key made with another key, that key's member), whose
 * removal revokes it; absent for a key no member stands behind (the demo's).
 */
export async function createApiKey(
  deps: IdentityDeps,
  orgId: string,
  input: unknown,
  createdBy?: string,
): Promise<Result<{ key: string; apiKey: ApiKeyView }, Failure>> {
  const parsed = newApiKeyInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the API key is not valid', describeIssues(parsed.error.issues));
  const made = newApiKey(orgId);
  const record: ApiKeyRecord = {
    id: made.keyId,
    label: parsed.data.label,
    role: parsed.data.role,
    secretHash: tokenHash(made.secret),
    createdAt: deps.now().toISOString(),
    ...(createdBy !== undefined ? { createdBy } : {}),
  };
  await deps.identity.insertApiKey(orgId, record);
  await deps.audit(orgId, { action: 'create', recordType: 'api-key', recordId: record.id, detail: `role ${record.role}` });
  return ok({ key: made.key, apiKey: view(record) });
}

/** Who stands behind a key made by this caller: a Google account's email, or the member behind the API key it used. */
export async function keyMaker(
  deps: IdentityDeps,
  orgId: string,
  caller: { kind: 'google'; email: string } | { kind: 'api-key'; keyId: string },
): Promise<string | undefined> {
  if (caller.kind === 'google') return caller.email;
  return (await deps.identity.getApiKey(orgId, caller.keyId))?.createdBy;
}

export async function listApiKeys(deps: IdentityDeps, orgId: string): Promise<Result<ApiKeyView[], Failure>> {
  return ok((await deps.identity.listApiKeys(orgId)).map(view));
}

/** Revoking twice is not an error: the key stays revoked from the first time. */
export async function revokeApiKey(deps: IdentityDeps, orgId: string, keyId: string): Promise<Result<ApiKeyView, Failure>> {
  const key = await deps.identity.getApiKey(orgId, keyId);
  if (!key) return fail('not-found', `no API key "${keyId}"`);
  if (!key.revokedAt && (await deps.identity.revokeApiKey(orgId, keyId, deps.now().toISOString()))) {
    await deps.audit(orgId, { action: 'update', recordType: 'api-key', recordId: keyId, detail: 'revoked' });
  }
  return ok(view((await deps.identity.getApiKey(orgId, keyId))!));
}
