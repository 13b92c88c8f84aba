/**
 * Opens the Firestore store from the settings: a firebase-admin app for the project, with
 * credentials from the environment (Application Default Credentials on Cloud Run, or the
 * emulator when FIRESTORE_EMULATOR_HOST is set). Closing the store deletes the app.
 */
import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import type { Settings } from '../../config/settings.ts';
import type { DocumentStore, IdentityStore, KeyMaintenanceStore, PortalStore, Store } from '../port.ts';
import type { PayoutStore } from '../payouts-port.ts';
import { openFirestoreStore } from './firestore-store.ts';

export function openFirestoreFromSettings(
  settings: Settings,
): Store & IdentityStore & DocumentStore & PortalStore & PayoutStore & KeyMaintenanceStore {
  const projectId = settings.GOOGLE_CLOUD_PROJECT;
  if (projectId === undefined) throw new Error('GOOGLE_CLOUD_PROJECT is required with the firestore store');
  // A named app of its own, so the store never collides with another firebase-admin app of the process.
  const app = initializeApp({ projectId }, `visitledger-store-${randomUUID()}`);
  const store = openFirestoreStore(getFirestore(app));
  return { ...store, close: () => deleteApp(app) };
}
