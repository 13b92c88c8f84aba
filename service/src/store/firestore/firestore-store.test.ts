import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WriteBatch, type Firestore } from 'firebase-admin/firestore';
import type { CloseCommit, InvoiceToIssue, PayRunRecord, Store, StoredInvoice } from '../port.ts';
import { describeStoreAdapter } from '../adapter.contract.ts';
import { anInvoiceToIssue, anOrg, aPayRun as aPayRunOf, aPayStatement, aStoredVisit } from '../../test-support/store-records.ts';
import { documentSize, MAX_WRITES_PER_COMMIT } from './documents.ts';
import { describeWithFirestoreEmulator, type FirestoreEmulator } from '../../test-support/firestore-emulator.ts';
import { openFirestoreStore, type FirestoreStoreOptions, type StepEvent } from './firestore-store.ts';
import { docId, orgPaths } from './paths.ts';

const ORG = 'org-a';
const SHORT_LEASE = { leaseMs: 400, pollMs: 25 } satisfies FirestoreStoreOptions;
const BIG = 180_000;

/**
 * Counts the writes of every commit (batch or transaction) of this file. The emulator does
 * not enforce the 500-writes limit, so the test has to. `_commit` and `_ops` are SDK
 * internals: if they change, `commits` stays 0 and the check below fails loudly.
 */
const writeSpy = { commits: 0, maxWrites: 0 };
const batchInternals = WriteBatch.prototype as unknown as { _commit(this: { _ops: unknown[] }, ...args: unknown[]): Promise<unknown> };
const originalCommit = batchInternals._commit;
batchInternals._commit = function (this: { _ops: unknown[] }, ...args: unknown[]) {
  writeSpy.commits += 1;
  writeSpy.maxWrites = Math.max(writeSpy.maxWrites, this._ops.length);
  return originalCommit.apply(this, args);
};

const ids = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${String(from + i).padStart(6, '0')}`);

/** Long names, as real ones can be: 5,000 such lines are more than one document holds. */
const LONG_NAMED_LINE = {
  therapistId: 'therapist-0001',
  therapistName: 'Alexandra Montgomery-Fitzgerald, PT, DPT',
  visitTypeLabel: 'Routine follow-up visit (home, 45 to 60 minutes)',
};
const anInvoice = (id: string, cycleId: string, visitIds: readonly string[]): InvoiceToIssue =>
  anInvoiceToIssue(id, cycleId, visitIds, { agencyName: 'Sunrise Home Health of Central Texas' }, LONG_NAMED_LINE);

function aClose(cycleId: string, invoices: InvoiceToIssue[]): CloseCommit {
  return {
    cycle: { id: cycleId, scope: { kind: 'agency', agencyId: 'ag1' }, period: { start: '2026-01-01', end: '2026-01-31' } },
    invoices,
    closedAt: '2026-02-01T12:00:00.000Z',
  };
}

/** Invoices of `perInvoice` visits each over the given visits, ids `${cycleId}-inv-N`. */
function invoicesOver(cycleId: string, visitIds: string[], perInvoice: number): InvoiceToIssue[] {
  const invoices: InvoiceToIssue[] = [];
  for (let i = 0; i * perInvoice < visitIds.length; i++)
    invoices.push(anInvoice(`${cycleId}-inv-${i}`, cycleId, visitIds.slice(i * perInvoice, (i + 1) * perInvoice)));
  return invoices;
}

/** A pay run of three therapists sharing the visits in turn. */
function aPayRun(id: string, visitIds: readonly string[]): PayRunRecord {
  const therapists = ['th1', 'th2', 'th3'];
  const statements = therapists.map((therapistId, t) =>
    aPayStatement(
      therapistId,
      `Therapist ${t}`,
      visitIds.filter((_, i) => i % therapists.length === t),
    ),
  );
  return aPayRunOf(id, visitIds, statements);
}

class SimulatedCrash extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A store whose close or pay run "crashes" (throws, leaving its state as is) after the step `at`. */
function crashingStore(db: Firestore, at: (event: StepEvent) => boolean): Store {
  return openFirestoreStore(db, {
    ...SHORT_LEASE,
    afterStep: (event) => {
      if (at(event)) throw new SimulatedCrash(`crash after ${event.step} ${event.batch ?? ''}`);
    },
  });
}

/** Every collection name the adapter writes to, at any depth. */
const COLLECTION_NAMES = [
  'orgs',
  'agencies',
  'therapists',
  'billRates',
  'payRates',
  'visits',
  'cycles',
  'invoices',
  'creditNotes',
  'payRuns',
  'payments',
  'audit',
  'counters',
  'plans',
  'items',
  'lineChunks',
];

/** Every document of the database, with its size as Firestore counts it (collection group queries: a walk is too slow). */
async function documentSizes(db: Firestore): Promise<Map<string, number>> {
  const snapshots = await Promise.all(COLLECTION_NAMES.map((name) => db.collectionGroup(name).get()));
  return new Map(snapshots.flatMap((q) => q.docs).map((doc) => [doc.ref.path, documentSize(doc.ref, doc.data())]));
}

const numbersOf = (invoices: readonly StoredInvoice[]) => invoices.map((i) => i.number);

describeWithFirestoreEmulator('firestore store', 'visitledger-firestore-store-test', (emulator) => {
  describeStoreAdapter('firestore', {
    make: async () => {
      await emulator().reset();
      return openFirestoreStore(emulator().client());
    },
  });

  describe('within Firestore limits', () => {
    let env: FirestoreEmulator;
    let db: Firestore;
    let store: Store;
    beforeAll(() => {
      env = emulator();
      db = env.client();
    });
    beforeEach(async () => {
      await env.reset();
      store = openFirestoreStore(db, SHORT_LEASE);
      await store.insertOrg(anOrg(ORG));
    });

    it(
      'round-trips an invoice of 5,000 lines through chunk docs, no document near 1 MiB',
      async () => {
        const visitIds = ids('v', 5000);
        await store.upsertVisits(
          ORG,
          visitIds.map((id) => aStoredVisit(id)),
        );
        const draft = anInvoice('big', 'c1', visitIds);
        const outcome = await store.commitClose(ORG, aClose('c1', [draft]));
        expect(outcome.status).toBe('closed');

        const stored = await store.getInvoice(ORG, 'big');
        expect(stored).toEqual({ ...draft, number: 'INV-0001', sequence: 1 });
        expect((await store.listInvoices(ORG, { agencyId: 'ag1' }))[0]?.lines).toHaveLength(5000);

        const sizes = await documentSizes(db);
        expect(sizes.size).toBeGreaterThan(5000);
        const invoicePath = orgPaths(db, ORG).invoice('big').path;
        const chunks = [...sizes.keys()].filter((path) => path.startsWith(`${invoicePath}/lineChunks/`));
        expect(chunks).toHaveLength(5);
        const invoiceBytes = [...sizes].filter(([path]) => path.startsWith(invoicePath)).reduce((sum, [, size]) => sum + size, 0);
        expect(invoiceBytes).toBeGreaterThan(1024 * 1024); // one document could not have held it
        expect(Math.max(...sizes.values())).toBeLessThan(1024 * 1024);
      },
      BIG,
    );

    it(
      'upserts 2,000 visits (more than one commit) and reports billed ones as locked',
      async () => {
        const visitIds = ids('v', 2000);
        const first = await store.upsertVisits(
          ORG,
          visitIds.map((id) => aStoredVisit(id)),
        );
        expect(first).toEqual({ written: visitIds, locked: [] });
        await store.commitClose(ORG, aClose('c1', [anInvoice('i1', 'c1', visitIds.slice(0, 600))]));

        const again = await store.upsertVisits(
          ORG,
          visitIds.map((id) => aStoredVisit(id, { noteDone: false })),
        );
        expect(again.locked).toEqual(visitIds.slice(0, 600));
        expect(again.written).toEqual(visitIds.slice(600));
        const visits = await store.listVisits(ORG, {});
        expect(visits).toHaveLength(2000);
        expect(visits.filter((v) => v.noteDone).map((v) => v.id)).toEqual(visitIds.slice(0, 600));
      },
      BIG,
    );

    it(
      'closes a cycle of 1,500 visits over several invoices, gapless, each visit billed once',
      async () => {
        const visitIds = ids('v', 1500);
        await store.upsertVisits(
          ORG,
          visitIds.map((id) => aStoredVisit(id)),
        );
        const outcome = await store.commitClose(ORG, aClose('c1', invoicesOver('c1', visitIds, 400)));
        if (outcome.status === 'conflict') throw new Error('unexpected conflict');
        expect(numbersOf(outcome.invoices)).toEqual(['INV-0001', 'INV-0002', 'INV-0003', 'INV-0004']);
        expect(outcome.invoices.map((i) => i.lines.length)).toEqual([400, 400, 400, 300]);
        await expectBilledOnce(store, outcome.invoices, 1500);
        expect(await store.listVisits(ORG, { billed: false })).toEqual([]);
      },
      BIG,
    );

    it(
      'voids an invoice of 1,000 lines and frees all of its visits',
      async () => {
        const visitIds = ids('v', 1000);
        await store.upsertVisits(
          ORG,
          visitIds.map((id) => aStoredVisit(id)),
        );
        await store.commitClose(ORG, aClose('c1', [anInvoice('i1', 'c1', visitIds)]));
        expect((await store.voidInvoice(ORG, 'i1', { on: '2026-02-03', reason: 'wrong agency' }))?.status).toBe('void');
        expect(await store.listVisits(ORG, { billed: true })).toEqual([]);
        expect(await store.voidInvoice(ORG, 'i1', { on: '2026-02-09', reason: 'again' })).toMatchObject({ voidedOn: '2026-02-03' });
      },
      BIG,
    );

    it('keys rates by their natural key, escaping "/" in ids', async () => {
      const rate = { agencyId: 'ag/1|x', discipline: 'PT' as const, visitType: 'EVAL', cents: 12500, effectiveFrom: '2026-01-01' };
      await store.putBillRates(ORG, [rate, { ...rate, agencyId: 'ag', visitType: 'EVAL' }]);
      await store.putBillRates(ORG, [{ ...rate, cents: 13000 }]);
      expect((await store.listBillRates(ORG)).map((r) => [r.agencyId, r.cents])).toEqual([
        ['ag', 12500],
        ['ag/1|x', 13000],
      ]);
      expect(docId('a/b', 'c')).toBe('a%2Fb|c');
      expect(docId('.')).toBe('%2E');
      expect(docId('__x__')).toBe('%5F_x__');
    });

    it('lists audit entries in append order, the most recent N with a limit', async () => {
      const entries = ids('a', 600).map((id, i) => ({
        id,
        at: '2026-01-01T00:00:00.000Z',
        actor: 'cli',
        action: 'read' as const,
        recordType: 'visit' as const,
        recordId: `v${i % 3}`,
      }));
      await store.appendAudit(ORG, entries);
      expect((await store.listAudit(ORG, {})).map((e) => e.id)).toEqual(ids('a', 600));
      expect((await store.listAudit(ORG, { limit: 2 })).map((e) => e.id)).toEqual(['a000598', 'a000599']);
      expect((await store.listAudit(ORG, { recordId: 'v1', limit: 2 })).map((e) => e.id)).toEqual(['a000595', 'a000598']);
    });
  });

  describe('visit lookups by client id and duplicate key', () => {
    let env: FirestoreEmulator;
    let db: Firestore;
    let store: ReturnType<typeof openFirestoreStore>;
    beforeAll(() => {
      env = emulator();
      db = env.client();
    });
    beforeEach(async () => {
      await env.reset();
      store = openFirestoreStore(db);
      await store.insertOrg(anOrg(ORG));
    });

    const dupEntries = async (dupKey: string) => ((await orgPaths(db, ORG).visitDupKey(dupKey).get()).get('visitIds') as string[]) ?? [];

    it(
      'reads an org stored before the lookups existed: the first lookup builds them from its 1,500 visits, once',
      async () => {
        // As the previous version stored them: visit docs only, no lookup docs, no marker.
        const paths = orgPaths(db, ORG);
        const old = ids('v', 1500).map((id, i) => aStoredVisit(id, { dupKey: `dup-${i % 700}` }));
        for (const slice of [old.slice(0, 450), old.slice(450, 900), old.slice(900, 1350), old.slice(1350)]) {
          const batch = db.batch();
          for (const v of slice) batch.set(paths.visit(v.id), { ...v });
          await batch.commit();
        }
        expect((await paths.visitLookups.get()).exists).toBe(false);

        const found = await store.getVisitsByClientId(ORG, ['client-v000001', 'client-v001499', 'client-nope']);
        expect(found.map((v) => v.id).sort()).toEqual(['v000001', 'v001499']);
        expect((await paths.visitLookups.get()).exists).toBe(true);
        expect((await paths.visitClients.count().get()).data().count).toBe(1500);
        expect((await store.findVisitsByDupKey(ORG, ['dup-1', 'dup-699', 'dup-none'])).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
          { id: 'v000001', dupKey: 'dup-1' },
          { id: 'v000699', dupKey: 'dup-699' },
          { id: 'v000701', dupKey: 'dup-1' },
          { id: 'v001399', dupKey: 'dup-699' },
          { id: 'v001401', dupKey: 'dup-1' },
        ]);

        // Built once: an entry removed by hand stays removed, so the next lookup did not build again.
        await paths.visitClient('client-v000002').delete();
        expect(await store.getVisitsByClientId(ORG, ['client-v000002'])).toEqual([]);
        // Deleting the marker has the next lookup build them again.
        await paths.visitLookups.delete();
        expect((await store.getVisitsByClientId(ORG, ['client-v000002'])).map((v) => v.id)).toEqual(['v000002']);
      },
      BIG,
    );

    it('keeps the lookups with the visits: a changed key moves, a withdrawn visit leaves, a re-sealed key moves', async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { dupKey: 'k1' }),
        aStoredVisit('v2', { dupKey: 'k2' }),
        aStoredVisit('v3', { dupKey: 'k1' }),
      ]);
      expect((await dupEntries('k1')).sort()).toEqual(['v1', 'v3']);
      // In one transaction: v1 leaves k1 for k2 while v2 leaves k2 for k1 (two writes to each key's doc).
      await store.upsertVisits(ORG, [aStoredVisit('v1', { dupKey: 'k2' }), aStoredVisit('v2', { dupKey: 'k1' })]);
      expect((await dupEntries('k1')).sort()).toEqual(['v2', 'v3']);
      expect(await dupEntries('k2')).toEqual(['v1']);
      expect((await store.findVisitsByDupKey(ORG, ['k2'])).map((v) => v.id)).toEqual(['v1']);

      await store.withdrawVisits(ORG, ['v3']);
      expect(await dupEntries('k1')).toEqual(['v2']);
      expect((await orgPaths(db, ORG).visitClient('client-v3').get()).exists).toBe(false);

      await store.resealVisits(ORG, [{ id: 'v2', patient: 'sealed-again', dupKey: 'k3' }]);
      expect(await dupEntries('k1')).toEqual([]);
      expect((await store.findVisitsByDupKey(ORG, ['k1', 'k3'])).map((v) => [v.id, v.dupKey])).toEqual([['v2', 'k3']]);
    });

    it('answers what the visits say when an entry outlived its visit or names another', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1', { dupKey: 'k1' }), aStoredVisit('v2', { dupKey: 'k2' })]);
      const paths = orgPaths(db, ORG);
      // Entries that no write of the adapter leaves behind, as a previous version's write during a rollout could.
      await paths.visit('v1').delete();
      await paths.visitClient('client-v2').set({ visitId: 'v1' });
      await paths.visitDupKey('k2').set({ visitIds: ['v1', 'v2', 'v9'] });
      expect(await store.getVisitsByClientId(ORG, ['client-v1', 'client-v2'])).toEqual([]);
      expect(await store.findVisitsByDupKey(ORG, ['k1', 'k2'])).toEqual([{ id: 'v2', dupKey: 'k2' }]);
    });
  });

  describe('crashes and races of a close', () => {
    let env: FirestoreEmulator;
    beforeAll(() => {
      env = emulator();
    });
    beforeEach(async () => {
      await env.reset();
      await openFirestoreStore(env.client()).insertOrg(anOrg(ORG));
    });

    async function seedVisits(n: number): Promise<string[]> {
      const visitIds = ids('v', n);
      await openFirestoreStore(env.client()).upsertVisits(
        ORG,
        // Therapists in turn, as aPayRun shares the visits among them.
        visitIds.map((id, i) => aStoredVisit(id, { therapistId: `th${1 + (i % 3)}` })),
      );
      return visitIds;
    }

    /** Crash points; the mid-way ones use plans of many commits (4 run at a time), so some are left undone. */
    const crashPoints: Array<{
      after: string;
      visits: number;
      perInvoice: number;
      at: (e: StepEvent) => boolean;
      leftUndone?: (db: Firestore) => Promise<number>;
    }> = [
      { after: 'reserving the numbers', visits: 1500, perInvoice: 300, at: (e) => e.step === 'reserved' },
      {
        after: 'the first of 5 batches writing 1,000 invoices',
        visits: 4000,
        perInvoice: 4,
        at: (e) => e.step === 'write-batch',
        leftUndone: async (db) => 1000 - (await orgPaths(db, ORG).invoices.listDocuments()).length,
      },
      {
        after: 'the second of 9 batches claiming 4,000 visits',
        visits: 4000,
        perInvoice: 500,
        at: (e) => e.step === 'claim-batch' && e.batch === 1,
        leftUndone: async (db) => (await orgPaths(db, ORG).visits.where('invoiceId', '==', null).count().get()).data().count,
      },
      { after: 'claiming, before closing the cycle', visits: 1500, perInvoice: 300, at: (e) => e.step === 'claimed' },
    ];

    it.each(crashPoints)(
      'completes a close that crashed after $after, with the same numbers',
      async ({ visits, perInvoice, at, leftUndone }) => {
        const visitIds = await seedVisits(visits);
        const commit = aClose('c1', invoicesOver('c1', visitIds, perInvoice));
        await expect(crashingStore(env.client(), at).commitClose(ORG, commit)).rejects.toBeInstanceOf(SimulatedCrash);

        const db = env.client();
        if (leftUndone) expect(await leftUndone(db)).toBeGreaterThan(0);
        const other = openFirestoreStore(db, SHORT_LEASE);
        expect((await other.getCycle(ORG, 'c1'))?.status).toBe('closing');
        expect(await other.listInvoices(ORG, {})).toEqual([]); // nothing visible half way
        expect(await other.getInvoice(ORG, 'c1-inv-0')).toBeNull();

        // The retry brings no plan (visits claimed half way would look billed): it completes the one in flight.
        const resumed = await other.commitClose(ORG, aClose('c1', []));
        if (resumed.status !== 'already-closed') throw new Error(`expected already-closed, got ${resumed.status}`);
        const expectedNumbers = commit.invoices.map((_, i) => `INV-${String(i + 1).padStart(4, '0')}`);
        expect(numbersOf(resumed.invoices)).toEqual(expectedNumbers);
        expect(resumed.invoices.map((i) => i.lines.map((l) => l.visitId))).toEqual(
          commit.invoices.map((i) => i.lines.map((l) => l.visitId)),
        );
        await expectBilledOnce(other, resumed.invoices, visits);
        await expectNoStagedPlans(db);

        await other.upsertVisits(ORG, [aStoredVisit('late')]);
        const next = await other.commitClose(ORG, aClose('c2', [anInvoice('c2-inv', 'c2', ['late'])]));
        expect(next.status === 'closed' && numbersOf(next.invoices)).toEqual([
          `INV-${String(commit.invoices.length + 1).padStart(4, '0')}`,
        ]);
      },
      BIG,
    );

    it(
      "completes another cycle's crashed close before closing the next one",
      async () => {
        const visitIds = await seedVisits(1000);
        await expect(
          crashingStore(env.client(), (e) => e.step === 'claim-batch').commitClose(
            ORG,
            aClose('c1', invoicesOver('c1', visitIds.slice(0, 900), 450)),
          ),
        ).rejects.toBeInstanceOf(SimulatedCrash);
        const other = openFirestoreStore(env.client(), SHORT_LEASE);
        const next = await other.commitClose(ORG, aClose('c2', [anInvoice('c2-inv', 'c2', visitIds.slice(900))]));
        expect(next.status === 'closed' && numbersOf(next.invoices)).toEqual(['INV-0003']);
        expect(numbersOf(await other.listInvoices(ORG, {}))).toEqual(['INV-0001', 'INV-0002', 'INV-0003']);
        expect((await other.getCycle(ORG, 'c1'))?.status).toBe('closed');
        await expectBilledOnce(other, await other.listInvoices(ORG, {}), 1000);
      },
      BIG,
    );

    it(
      'takes a close over from a runner stalled past its lease, which then stops',
      async () => {
        const visitIds = await seedVisits(2000);
        const commit = aClose('c1', invoicesOver('c1', visitIds, 500));
        let reserved = () => {};
        const reservedOnce = new Promise<void>((resolve) => {
          reserved = resolve;
        });
        const stalling = openFirestoreStore(env.client(), {
          ...SHORT_LEASE,
          afterStep: async (e) => {
            if (e.step === 'reserved') reserved();
            if (e.step === 'claim-batch') await sleep(1500); // every claiming worker stalls well past the lease
          },
        });
        const first = stalling.commitClose(ORG, commit);
        await reservedOnce;
        const second = await openFirestoreStore(env.client(), SHORT_LEASE).commitClose(ORG, aClose('c1', []));
        const firstOutcome = await first;
        expect([firstOutcome.status, second.status]).toEqual(['closed', 'already-closed']);
        if (second.status === 'conflict' || firstOutcome.status === 'conflict') throw new Error('unexpected conflict');
        expect(firstOutcome.invoices).toEqual(second.invoices);
        expect(numbersOf(second.invoices)).toEqual(['INV-0001', 'INV-0002', 'INV-0003', 'INV-0004']);
        await expectBilledOnce(stalling, second.invoices, 2000);
      },
      BIG,
    );

    it(
      'gives one set of invoices when two instances close the same cycle at once',
      async () => {
        const visitIds = await seedVisits(1200);
        const [a, b] = [openFirestoreStore(env.client()), openFirestoreStore(env.client())];
        const outcomes = await Promise.all([
          a.commitClose(ORG, aClose('c1', invoicesOver('c1', visitIds, 500))),
          b.commitClose(
            ORG,
            aClose(
              'c1',
              invoicesOver('c1', visitIds, 300).map((i) => ({ ...i, id: `b-${i.id}` })),
            ),
          ),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['already-closed', 'closed']);
        const [first, second] = outcomes.map((o) => (o.status === 'conflict' ? [] : o.invoices));
        expect(first).toEqual(second);
        const invoices = await a.listInvoices(ORG, {});
        expect(invoices).toEqual(first);
        expect(numbersOf(invoices)).toEqual(invoices.map((_, i) => `INV-000${i + 1}`));
        await expectBilledOnce(a, invoices, 1200);
        await expectNoStagedPlans(env.client());
      },
      BIG,
    );

    it(
      'rolls a close back, releasing its numbers, when a visit is billed behind its back after the reservation',
      async () => {
        const visitIds = await seedVisits(1000);
        const db = env.client();
        const store = openFirestoreStore(db, {
          ...SHORT_LEASE,
          afterStep: async (e) => {
            // A writer outside the adapter: the only way a claimed-for visit can change hands.
            if (e.step === 'reserved') await orgPaths(db, ORG).visit('v000700').update({ invoiceId: 'foreign' });
          },
        });
        const outcome = await store.commitClose(ORG, aClose('c1', invoicesOver('c1', visitIds, 450)));
        expect(outcome).toEqual({ status: 'conflict', visitIds: ['v000700'] });
        expect(await store.getCycle(ORG, 'c1')).toBeNull();
        expect(await store.listInvoices(ORG, {})).toEqual([]);
        expect((await store.listVisits(ORG, { billed: true })).map((v) => v.id)).toEqual(['v000700']);
        await expectNoStagedPlans(db);
        const next = await store.commitClose(ORG, aClose('c2', [anInvoice('c2-inv', 'c2', visitIds.slice(0, 10))]));
        expect(next.status === 'closed' && numbersOf(next.invoices)).toEqual(['INV-0001']);
      },
      BIG,
    );

    it(
      "rolls back a crashed close whose staged plan is lost, then applies the caller's plan on the released numbers",
      async () => {
        const visitIds = await seedVisits(600);
        const commit = aClose('c1', invoicesOver('c1', visitIds, 200));
        await expect(crashingStore(env.client(), (e) => e.step === 'reserved').commitClose(ORG, commit)).rejects.toBeInstanceOf(
          SimulatedCrash,
        );
        const db = env.client();
        for (const plan of await orgPaths(db, ORG).plans.listDocuments()) await db.recursiveDelete(plan);

        const outcome = await openFirestoreStore(db, SHORT_LEASE).commitClose(ORG, commit);
        if (outcome.status !== 'closed') throw new Error(`expected closed, got ${outcome.status}`);
        expect(numbersOf(outcome.invoices)).toEqual(['INV-0001', 'INV-0002', 'INV-0003']);
        await expectBilledOnce(openFirestoreStore(db), outcome.invoices, 600);
      },
      BIG,
    );

    it(
      'completes a pay run of 1,200 visits that crashed half way through its claims',
      async () => {
        const visitIds = await seedVisits(1200);
        const payRun = aPayRun('pr1', visitIds);
        await expect(
          crashingStore(env.client(), (e) => e.step === 'claim-batch' && e.batch === 1).commitPayRun(ORG, payRun),
        ).rejects.toBeInstanceOf(SimulatedCrash);
        const other = openFirestoreStore(env.client(), SHORT_LEASE);
        expect(await other.getPayRun(ORG, 'pr1')).toBeNull();
        expect(await other.commitPayRun(ORG, aPayRun('pr1', []))).toEqual({ status: 'already-exists', payRun });
        expect(await other.listVisits(ORG, { paid: false })).toEqual([]);
        expect(await other.commitPayRun(ORG, aPayRun('pr2', visitIds.slice(0, 3)))).toEqual({
          status: 'conflict',
          visitIds: visitIds.slice(0, 3),
        });
        expect(await other.setPayRunStatus(ORG, 'pr1', 'open', 'approved', '2026-01-20T00:00:00.000Z')).toBe(true);
        expect((await other.getPayRun(ORG, 'pr1'))?.statements).toEqual(payRun.statements);
      },
      BIG,
    );
  });

  // Runs last (tests of a file run in order): every commit above stayed within Firestore's limit.
  it('kept every commit of this file within 500 writes', () => {
    expect(writeSpy.commits).toBeGreaterThan(0);
    expect(writeSpy.maxWrites).toBeLessThanOrEqual(MAX_WRITES_PER_COMMIT);
  });
});

async function expectBilledOnce(store: Store, invoices: readonly StoredInvoice[], expectedVisits: number): Promise<void> {
  const lines = invoices.flatMap((invoice) => invoice.lines.map((line) => [line.visitId, invoice.id] as const));
  expect(new Set(lines.map(([visitId]) => visitId)).size).toBe(expectedVisits);
  const visits = await store.getVisits(
    ORG,
    lines.map(([visitId]) => visitId),
  );
  const billedOn = new Map(visits.map((v) => [v.id, v.invoiceId]));
  expect(lines.filter(([visitId, invoiceId]) => billedOn.get(visitId) !== invoiceId)).toEqual([]);
}

async function expectNoStagedPlans(db: Firestore): Promise<void> {
  expect((await orgPaths(db, ORG).plans.listDocuments()).map((d) => d.path)).toEqual([]);
}
