/** The audit trail in SQLite: append-only rows, read back newest first up to a limit and returned in append order. */
import type { AuditEntry, Store } from '../port.ts';
import type { SqliteConnection } from './connection.ts';

export function sqliteAudit({ all, run }: SqliteConnection): Pick<Store, 'appendAudit' | 'listAudit'> {
  return {
    async appendAudit(orgId, entries) {
      // One statement for the whole list: a batch of 10,000 visits writes 10,000 entries.
      run(
        `INSERT INTO audit (org_id, id, at, actor, action, record_type, record_id, detail)
         SELECT ?, j.value ->> 'id', j.value ->> 'at', j.value ->> 'actor', j.value ->> 'action', j.value ->> 'recordType', j.value ->> 'recordId', j.value ->> 'detail'
         FROM json_each(?) j ORDER BY j.key`,
        orgId,
        JSON.stringify(entries),
      );
    },
    async listAudit(orgId, query) {
      const rows =
        query.recordId === undefined
          ? all('SELECT * FROM audit WHERE org_id = ? ORDER BY seq DESC LIMIT ?', orgId, query.limit ?? 1000)
          : all(
              'SELECT * FROM audit WHERE org_id = ? AND record_id = ? ORDER BY seq DESC LIMIT ?',
              orgId,
              query.recordId,
              query.limit ?? 1000,
            );
      return rows.reverse().map(
        (r): AuditEntry => ({
          id: r.id as string,
          at: r.at as string,
          actor: r.actor as string,
          action: r.action as AuditEntry['action'],
          recordType: r.record_type as AuditEntry['recordType'],
          recordId: r.record_id as string,
          ...(r.detail !== null ? { detail: r.detail as string } : {}),
        }),
      );
    },
  };
}
