/**
 * The default store: one SQLite file through node:sqlite (connection.ts). This file only
 * assembles it: each kind of record has its module, every one running its SQL through the
 * same connection, and closes and pay runs claiming visits through the same marks (marks.ts).
 */
import type { DocumentStore, IdentityStore, KeyMaintenanceStore, PortalStore, Store } from '../port.ts';
import type { PayoutStore } from '../payouts-port.ts';
import { openSqliteConnection } from './connection.ts';
import { visitClaims } from './marks.ts';
import { sqliteDirectory } from './directory.ts';
import { sqliteDirectoryMerge } from './directory-merge.ts';
import { sqliteVisits } from './visits.ts';
import { sqliteCloses } from './closes.ts';
import { sqlitePayRuns } from './pay-runs.ts';
import { sqliteAudit } from './audit.ts';
import { sqliteIdentity } from './identity.ts';
import { sqliteDocuments } from './documents.ts';
import { sqlitePortal } from './portal.ts';
import { sqlitePayouts } from './payouts.ts';
import { sqliteTherapistLinks } from './therapist-links.ts';
import { sqliteReceivables } from './receipts.ts';
import { sqliteCheckout } from './checkout.ts';
import { sqliteKeyMaintenance } from './key-maintenance.ts';
import { sqliteSubscriptions } from './subscriptions.ts';

export function openSqliteStore(file: string): Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore {
  const connection = openSqliteConnection(file);
  const claims = visitClaims(connection);
  return {
    kind: 'sqlite',
    ...sqliteDocuments(connection.db),
    ...sqlitePortal(connection.db),
    ...sqlitePayouts(connection.db),
    ...sqliteTherapistLinks(connection.db),
    ...sqliteSubscriptions(connection.db),
    close: connection.close,
    ...sqliteDirectory(connection),
    ...sqliteDirectoryMerge(connection),
    ...sqliteVisits(connection),
    ...sqliteCloses(connection, claims),
    ...sqlitePayRuns(connection, claims),
    ...sqliteAudit(connection),
    ...sqliteIdentity(connection),
    ...sqliteReceivables(connection),
    ...sqliteCheckout(connection),
    ...sqliteKeyMaintenance(connection),
  };
}
