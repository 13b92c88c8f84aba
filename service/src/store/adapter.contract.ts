/**
 * One harness for every store adapter (unstorage's `test/drivers/utils.ts`): each adapter's
 * test calls `describeStoreAdapter` once, and every part's contract runs against it, on a
 * fresh store per test that is closed when the test ends.
 */
import { afterAll, afterEach, describe } from 'vitest';
import type { DocumentStore, IdentityStore, PortalStore, Store } from './port.ts';
import type { PayoutStore } from './payouts-port.ts';
import { describeStoreContract } from './store.contract.ts';
import { describeIdentityContract } from './identity.contract.ts';
import { describeDocumentContract } from './document.contract.ts';
import { describePortalContract } from './portal.contract.ts';
import { describePayoutContract } from './payouts.contract.ts';
import { describeReceivablesContract } from './receivables.contract.ts';
import { describeCheckoutContract } from './checkout.contract.ts';
import { describeTherapistPortalContract } from './therapist-links.contract.ts';
import { describeDirectoryMergeContract } from './directory-merge.contract.ts';
import { describeSubscriptionContract } from './subscription.contract.ts';

export type StoreAdapter = Store & IdentityStore & DocumentStore & PortalStore & PayoutStore;

export type StoreAdapterHarness = {
  /** A fresh, empty store for each test. */
  make(): Promise<StoreAdapter>;
  /** Called once, after every contract has run. */
  teardown?(): Promise<void>;
};

export function describeStoreAdapter(name: string, harness: StoreAdapterHarness): void {
  describe(`store adapter: ${name}`, () => {
    const opened: StoreAdapter[] = [];
    const make = async () => {
      const store = await harness.make();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    afterAll(async () => {
      await harness.teardown?.();
    });

    describeStoreContract(name, make);
    describeIdentityContract(name, make);
    describeDocumentContract(name, make);
    describePortalContract(name, make);
    describePayoutContract(name, make);
    describeReceivablesContract(name, make);
    describeCheckoutContract(name, make);
    describeTherapistPortalContract(name, make);
    describeDirectoryMergeContract(name, make);
    describeSubscriptionContract(name, make);
  });
}
