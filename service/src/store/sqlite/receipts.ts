/** The receivables ledger in SQLite: one row per entry, keyed by (org, agency, seq) so two writes cannot take the same place. */
import type { ReceivableEntry } from '../../../../shared/receivables.ts';
import type { Store } from '../port.ts';
import type { SqliteConnection } from './connection.ts';

export type SqliteReceivables = Pick<Store, 'appendReceivables' | 'listReceivables'>;

/** Thrown inside the transaction when a seq or id is taken: everything written is rolled back. */
class Taken extends Error {}

export function sqliteReceivables({ all, run, docs, transaction }: SqliteConnection): SqliteReceivables {
  return {
    async appendReceivables(orgId, entries) {
      try {
        transaction(() => {
          for (const e of entries) {
            const inserted = run(
              'INSERT OR IGNORE INTO receivables (org_id, agency_id, seq, id, kind, doc) VALUES (?, ?, ?, ?, ?, ?)',
              orgId,
              e.agencyId,
              e.seq,
              e.id,
              e.kind,
              JSON.stringify(e),
            );
            if (Number(inserted.changes) !== 1) throw new Taken();
          }
        });
        return 'created';
      } catch (error) {
        if (error instanceof Taken) return 'conflict';
        throw error;
      }
    },
    async listReceivables(orgId, agencyId) {
      return agencyId === undefined
        ? docs<ReceivableEntry>(all('SELECT doc FROM receivables WHERE org_id = ? ORDER BY agency_id, seq', orgId))
        : docs<ReceivableEntry>(all('SELECT doc FROM receivables WHERE org_id = ? AND agency_id = ? ORDER BY seq', orgId, agencyId));
    },
  };
}
