/** Key maintenance in SQLite (migration 12): the orgs of the file and one record of how far sealing and rotation got. */
import type { KeyMaintenanceRecord, KeyMaintenanceStore } from '../port.ts';
import type { SqliteConnection } from './connection.ts';

export function sqliteKeyMaintenance({
  all,
  get,
  run,
  doc,
}: SqliteConnection): Pick<KeyMaintenanceStore, 'listOrgIds' | 'getKeyMaintenance' | 'putKeyMaintenance'> {
  return {
    async listOrgIds() {
      return all('SELECT id FROM orgs ORDER BY id').map((r) => r.id as string);
    },
    async getKeyMaintenance() {
      return doc<KeyMaintenanceRecord>(get("SELECT doc FROM key_maintenance WHERE name = 'keys'"));
    },
    async putKeyMaintenance(record) {
      run("INSERT OR REPLACE INTO key_maintenance (name, doc) VALUES ('keys', ?)", JSON.stringify(record));
    },
  };
}
