/** Members and API keys in SQLite: one row each, the record as a JSON doc. */
import type { ApiKeyRecord, IdentityStore, MemberRecord } from '../port.ts';
import type { SqliteConnection } from './connection.ts';

export function sqliteIdentity({ all, get, run, docs, doc, transaction }: SqliteConnection): IdentityStore {
  return {
    async putMember(orgId, member) {
      const m = { ...member, email: member.email.toLowerCase() };
      run('INSERT OR REPLACE INTO members (org_id, email, doc) VALUES (?, ?, ?)', orgId, m.email, JSON.stringify(m));
    },
    async getMember(orgId, email) {
      return doc<MemberRecord>(get('SELECT doc FROM members WHERE org_id = ? AND email = ?', orgId, email.toLowerCase()));
    },
    async listMembers(orgId) {
      return docs<MemberRecord>(all('SELECT doc FROM members WHERE org_id = ? ORDER BY email', orgId));
    },
    async removeMember(orgId, email) {
      return Number(run('DELETE FROM members WHERE org_id = ? AND email = ?', orgId, email.toLowerCase()).changes) === 1;
    },
    async insertApiKey(orgId, key) {
      run('INSERT INTO api_keys (org_id, id, doc) VALUES (?, ?, ?)', orgId, key.id, JSON.stringify(key));
    },
    async getApiKey(orgId, keyId) {
      return doc<ApiKeyRecord>(get('SELECT doc FROM api_keys WHERE org_id = ? AND id = ?', orgId, keyId));
    },
    async listApiKeys(orgId) {
      return docs<ApiKeyRecord>(all('SELECT doc FROM api_keys WHERE org_id = ? ORDER BY id', orgId));
    },
    async revokeApiKey(orgId, keyId, at) {
      return transaction(() => {
        const key = doc<ApiKeyRecord>(get('SELECT doc FROM api_keys WHERE org_id = ? AND id = ?', orgId, keyId));
        if (!key || key.revokedAt) return false;
        run('UPDATE api_keys SET doc = ? WHERE org_id = ? AND id = ?', JSON.stringify({ ...key, revokedAt: at }), orgId, keyId);
        return true;
      });
    },
  };
}
