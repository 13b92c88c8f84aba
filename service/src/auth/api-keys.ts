/**
 * Per-org API keys for automation: `vl_<orgId>_<keyId>_<secret>`. The secret is 256 random
 * bits, shown once when the key is made; the store keeps only its SHA-256 (a 256-bit random
 * secret needs no slow hash). The org id inside the key finds the key without a global
 * index, and a key only ever acts for that org.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ok, type Result } from '../../../shared/index.ts';
import { MEMBER_ROLES, type ApiKeyRecord, type AuditEntry, type IdentityStore, type MemberRole } from '../store/port.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';

export const API_KEY_PREFIX = 'vl_';
const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;
/** Org ids have no underscore (orgs.ts ORG_ID), key ids are hex, so the first three parts split cleanly. */
const API_KEY_FORMAT = /^vl_([a-z0-9][a-z0-9-]{0,62})_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type ParsedApiKey = { orgId: string; keyId: string; secret: string };

export function parseApiKey(token: string): ParsedApiKey | null {
  const match = API_KEY_FORMAT.exec(token);
  return match ? { orgId: match[1]!, keyId: match[2]!, secret: match[3]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

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

/** Makes a key; the answer is the only time the full key is ever shown. */
export async function createApiKey(deps: IdentityDeps, orgId: string, input: unknown): Promise<Result<{ key: string; apiKey: ApiKeyView }, Failure>> {
  const parsed = newApiKeyInput.safeParse(input);
  if (!parsed.success) return fail('invalid-input', 'the API key is not valid', describeIssues(parsed.error.issues));
  const id = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const record: ApiKeyRecord = { id, label: parsed.data.label, role: parsed.data.role, secretHash: hashSecret(secret), createdAt: deps.now().toISOString() };
  await deps.identity.insertApiKey(orgId, record);
  await deps.audit(orgId, { action: 'create', recordType: 'api-key', recordId: id, detail: `role ${record.role}` });
  return ok({ key: `${API_KEY_PREFIX}${orgId}_${id}_${secret}`, apiKey: view(record) });
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

/** The key's org, id and role when the token is a live key; null otherwise (wrong, unknown or revoked). */
export async function verifyApiKey(identity: IdentityStore, token: string): Promise<{ orgId: string; keyId: string; role: MemberRole } | null> {
  const parsed = parseApiKey(token);
  if (!parsed) return null;
  const key = await identity.getApiKey(parsed.orgId, parsed.keyId);
  if (!key || key.revokedAt) return null;
  const presented = Buffer.from(hashSecret(parsed.secret), 'hex');
  const stored = Buffer.from(key.secretHash, 'hex');
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return null;
  return { orgId: parsed.orgId, keyId: key.id, role: key.role };
}
