/**
 * The directory merge's part of the Store contract: an agency or therapist made by a typo is
 * merged into the one it meant (visits with their new duplicate keys, rates, the kept record
 * written, the typo deleted) or deleted, all or nothing, and refused while anything it was
 * invoiced, paid or sent names it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredTherapist, StoredW9 } from './port.ts';
import { aPortalLink } from './portal.contract.ts';
import { anAgencyRecord, anInvoiceToIssue, anOrg, aPayRun, aPayStatement, aStoredVisit } from '../test-support/store-records.ts';
import type { StoreAdapter } from './adapter.contract.ts';

const ORG = 'org-a';
const OTHER = 'org-b';

const aTherapist = (id: string, overrides: Partial<StoredTherapist> = {}): StoredTherapist => ({
  id,
  name: `Therapist ${id}`,
  aliases: [],
  disciplines: ['PT'],
  active: true,
  ...overrides,
});

const billRate = (agencyId: string, cents: number, effectiveFrom = '2026-01-01') =>
  ({ agencyId, discipline: 'PT', visitType: 'ROUTINE', effectiveFrom, cents }) as const;

export function describeDirectoryMergeContract(name: string, make: () => Promise<StoreAdapter>): void {
  describe(`directory merge contract: ${name}`, () => {
    let store: StoreAdapter;
    beforeEach(async () => {
      store = await make();
      await store.insertOrg(anOrg(ORG));
      await store.insertOrg(anOrg(OTHER));
      await store.putAgencies(ORG, [anAgencyRecord('good', { name: 'Oakridge Home Health' }), anAgencyRecord('typo', { name: 'Oakrige' })]);
      await store.putTherapists(ORG, [aTherapist('th1'), aTherapist('th2')]);
    });

    it("moves an agency's visits with their new keys and its rates, writes the kept agency and deletes the typo", async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { agencyId: 'typo' }),
        aStoredVisit('v2', { agencyId: 'typo', therapistId: 'th2' }),
        aStoredVisit('v3', { agencyId: 'good' }),
      ]);
      await store.markSettledOutside(ORG, ['v2']); // history billed before VisitLedger moves too
      await store.putBillRates(ORG, [billRate('good', 9000), billRate('typo', 9000), billRate('typo', 9500, '2026-06-01')]);
      await store.putPayRates(ORG, [
        { therapistId: 'th1', agencyId: 'typo', discipline: 'PT', visitType: 'ROUTINE', effectiveFrom: '2026-01-01', cents: 5000 },
      ]);
      // The other org's agency of the same id is not touched.
      await store.putAgencies(OTHER, [anAgencyRecord('typo')]);
      await store.upsertVisits(OTHER, [aStoredVisit('v1', { agencyId: 'typo' })]);

      // Looked up once before: an adapter that keeps lookups of duplicate keys has built them.
      expect(await store.findVisitsByDupKey(ORG, ['dup-v1'])).toEqual([{ id: 'v1', dupKey: 'dup-v1' }]);
      const into = anAgencyRecord('good', { name: 'Oakridge Home Health', aliases: ['Oakrige'] });
      const outcome = await store.mergeAgency(ORG, {
        fromId: 'typo',
        into,
        moves: [
          { id: 'v1', dupKey: 'new-1' },
          { id: 'v2', dupKey: 'new-2' },
        ],
      });
      expect(outcome).toEqual({ status: 'merged', visits: 2, billRates: 1, payRates: 1 });
      expect(await store.listAgencies(ORG)).toEqual([into]);
      const visits = await store.listVisits(ORG, {});
      expect(visits.map((v) => [v.id, v.agencyId, v.dupKey])).toEqual([
        ['v1', 'good', 'new-1'],
        ['v2', 'good', 'new-2'],
        ['v3', 'good', 'dup-v3'],
      ]);
      expect(visits.find((v) => v.id === 'v2')).toMatchObject({ invoiceId: 'settled-outside', payRunId: 'settled-outside' });
      // The next import finds a moved visit by its new key, and no longer by its old one.
      expect(await store.findVisitsByDupKey(ORG, ['new-1'])).toEqual([{ id: 'v1', dupKey: 'new-1' }]);
      expect(await store.findVisitsByDupKey(ORG, ['dup-v1'])).toEqual([]);
      // A close reads visits by agency through the store's own keys: the moved ones are the kept agency's now.
      expect((await store.listBillingVisits(ORG, { agencyId: 'good' })).map((v) => v.id)).toEqual(['v1', 'v2', 'v3']);
      expect((await store.listBillingVisits(ORG, { agencyId: 'typo' })).map((v) => v.id)).toEqual([]);
      // The same rate at the same date is kept once; the typo's later one moves.
      expect(await store.listBillRates(ORG)).toEqual([billRate('good', 9000), billRate('good', 9500, '2026-06-01')]);
      expect((await store.listPayRates(ORG)).map((r) => r.agencyId)).toEqual(['good']);
      expect((await store.listAgencies(OTHER)).map((a) => a.id)).toEqual(['typo']);
      expect((await store.listVisits(OTHER, {})).map((v) => v.agencyId)).toEqual(['typo']);
    });

    it('merges more visits than one commit holds', async () => {
      const ids = Array.from({ length: 700 }, (_, i) => `v${String(i).padStart(4, '0')}`);
      await store.upsertVisits(
        ORG,
        ids.map((id) => aStoredVisit(id, { agencyId: 'typo' })),
      );
      const into = anAgencyRecord('good', { name: 'Oakridge Home Health', aliases: ['Oakrige'] });
      const moves = ids.map((id) => ({ id, dupKey: `new-${id}` }));
      expect(await store.findVisitsByDupKey(ORG, ['dup-v0000'])).toHaveLength(1);
      expect(await store.mergeAgency(ORG, { fromId: 'typo', into, moves })).toMatchObject({ status: 'merged', visits: 700 });
      const found = await store.findVisitsByDupKey(ORG, ['new-v0000', 'new-v0699']);
      expect(found.map((v) => v.id).sort()).toEqual(['v0000', 'v0699']);
      expect(await store.findVisitsByDupKey(ORG, ['dup-v0000', 'dup-v0699'])).toEqual([]);
      const visits = await store.listVisits(ORG, {});
      expect(visits.every((v) => v.agencyId === 'good' && v.dupKey === `new-${v.id}`)).toBe(true);
      expect((await store.listAgencies(ORG)).map((a) => a.id)).toEqual(['good']);
    });

    it('refuses, writing nothing, an agency that has been invoiced, received money or been sent a portal link', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1', { agencyId: 'typo' }), aStoredVisit('v2', { agencyId: 'typo' })]);
      const closed = await store.commitClose(ORG, {
        cycle: { id: 'c1', scope: { kind: 'agency', agencyId: 'typo' }, period: { start: '2026-01-01', end: '2026-01-31' } },
        invoices: [anInvoiceToIssue('i1', 'c1', ['v1'], { agencyId: 'typo' })],
        closedAt: '2026-02-01T12:00:00.000Z',
      });
      expect(closed.status).toBe('closed');
      await store.insertPortalLink(ORG, aPortalLink('l1', { agencyId: 'typo' }));
      await store.insertPortalLink(ORG, aPortalLink('l2', { agencyId: 'typo', revokedAt: '2026-02-02T00:00:00.000Z' }));
      const into = anAgencyRecord('good', { name: 'Oakridge Home Health', aliases: ['Oakrige'] });
      const moves = [
        { id: 'v1', dupKey: 'n1' },
        { id: 'v2', dupKey: 'n2' },
      ];
      expect(await store.mergeAgency(ORG, { fromId: 'typo', into, moves })).toEqual({
        status: 'blocked',
        blockers: [
          { kind: 'invoices', count: 1 },
          { kind: 'portal-links', count: 1 },
          { kind: 'billed-visits', count: 1 },
        ],
      });
      expect((await store.listAgencies(ORG)).map((a) => [a.id, a.aliases])).toEqual([
        ['good', []],
        ['typo', []],
      ]);
      expect((await store.listVisits(ORG, {})).map((v) => [v.agencyId, v.dupKey])).toEqual([
        ['typo', 'dup-v1'],
        ['typo', 'dup-v2'],
      ]);
      expect(await store.deleteAgency(ORG, 'typo')).toMatchObject({ status: 'blocked' });
    });

    it('answers changed when the visits are not the ones the caller read, and missing for an unknown record', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1', { agencyId: 'typo' }), aStoredVisit('v2', { agencyId: 'typo' })]);
      const into = anAgencyRecord('good', { name: 'Oakridge Home Health' });
      expect(await store.mergeAgency(ORG, { fromId: 'typo', into, moves: [{ id: 'v1', dupKey: 'n1' }] })).toEqual({ status: 'changed' });
      expect((await store.listVisits(ORG, { agencyId: 'typo' })).length).toBe(2);
      expect(await store.mergeAgency(ORG, { fromId: 'nobody', into, moves: [] })).toEqual({ status: 'missing', id: 'nobody' });
      expect(await store.mergeAgency(OTHER, { fromId: 'typo', into, moves: [] })).toEqual({ status: 'missing', id: 'typo' });
    });

    it('refuses a merge whose rates clash, and a therapist merge once the therapist has been paid', async () => {
      await store.putBillRates(ORG, [billRate('good', 9000), billRate('typo', 9900)]);
      const into = anAgencyRecord('good', { name: 'Oakridge Home Health' });
      expect(await store.mergeAgency(ORG, { fromId: 'typo', into, moves: [] })).toEqual({
        status: 'blocked',
        blockers: [{ kind: 'rate-clash', count: 1 }],
      });

      await store.upsertVisits(ORG, [aStoredVisit('v1', { therapistId: 'th2' })]);
      expect((await store.commitPayRun(ORG, aPayRun('payroll:2026-01-05', ['v1'], [aPayStatement('th2', 'T Two', ['v1'])]))).status).toBe(
        'created',
      );
      await store.insertPayment(ORG, {
        id: 'p1',
        therapistId: 'th2',
        amountCents: 5500,
        paidOn: '2026-01-20',
        method: 'check',
        status: 'paid',
      });
      expect(await store.mergeTherapist(ORG, { fromId: 'th2', into: aTherapist('th1'), moves: [{ id: 'v1', dupKey: 'n1' }] })).toEqual({
        status: 'blocked',
        blockers: [
          { kind: 'paid-visits', count: 1 },
          { kind: 'payments', count: 1 },
        ],
      });
    });

    it("moves a therapist's visits and pay rates, and refuses one with a W-9 on file", async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1', { therapistId: 'th2' }), aStoredVisit('v2', { therapistId: 'th1' })]);
      await store.putPayRates(ORG, [
        { therapistId: 'th2', discipline: 'PT', visitType: 'ROUTINE', effectiveFrom: '2026-01-01', cents: 5000 },
      ]);
      const into = aTherapist('th1', { aliases: ['Therapist th2'] });
      expect(await store.mergeTherapist(ORG, { fromId: 'th2', into, moves: [{ id: 'v1', dupKey: 'n1' }] })).toEqual({
        status: 'merged',
        visits: 1,
        billRates: 0,
        payRates: 1,
      });
      expect(await store.listTherapists(ORG)).toEqual([into]);
      expect((await store.listVisits(ORG, {})).map((v) => [v.id, v.therapistId])).toEqual([
        ['v1', 'th1'],
        ['v2', 'th1'],
      ]);
      expect((await store.listBillingVisits(ORG, { therapistId: 'th1' })).map((v) => v.id)).toEqual(['v1', 'v2']);
      expect((await store.listPayRates(ORG)).map((r) => r.therapistId)).toEqual(['th1']);

      const w9: StoredW9 = {
        legalName: 'T Three',
        taxClassification: 'individual',
        tinType: 'SSN',
        address: { line1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701' },
        tin: { sealed: 'sealed', last4: '6789', type: 'SSN' },
        signedOn: '2026-01-02',
      };
      await store.putTherapists(ORG, [aTherapist('th3', { w9 })]);
      expect(await store.mergeTherapist(ORG, { fromId: 'th3', into: aTherapist('th1'), moves: [] })).toEqual({
        status: 'blocked',
        blockers: [{ kind: 'w9', count: 1 }],
      });
    });

    it('deletes only what nothing names', async () => {
      await store.putAgencies(ORG, [anAgencyRecord('spare')]);
      await store.upsertVisits(ORG, [aStoredVisit('v1', { agencyId: 'typo' })]);
      await store.putBillRates(ORG, [billRate('typo', 9000)]);
      expect(await store.deleteAgency(ORG, 'typo')).toEqual({
        status: 'blocked',
        blockers: [
          { kind: 'visits', count: 1 },
          { kind: 'rates', count: 1 },
        ],
      });
      expect(await store.deleteAgency(ORG, 'spare')).toEqual({ status: 'deleted' });
      expect(await store.deleteAgency(ORG, 'spare')).toEqual({ status: 'missing', id: 'spare' });
      expect((await store.listAgencies(ORG)).map((a) => a.id)).toEqual(['good', 'typo']);
      await store.appendReceivables(ORG, [
        {
          kind: 'receipt',
          id: 'r1',
          agencyId: 'good',
          seq: 1,
          on: '2026-03-02',
          recordedAt: '2026-03-02T10:00:00.000Z',
          amountCents: 100,
          method: 'check',
        },
      ]);
      expect(await store.deleteAgency(ORG, 'good')).toEqual({ status: 'blocked', blockers: [{ kind: 'receipts', count: 1 }] });

      expect(await store.deleteTherapist(ORG, 'th2')).toEqual({ status: 'deleted' });
      expect(await store.deleteTherapist(ORG, 'th1')).toEqual({ status: 'blocked', blockers: [{ kind: 'visits', count: 1 }] });
      expect((await store.listTherapists(ORG)).map((t) => t.id)).toEqual(['th1']);
    });
    it('makes a close planned on the merged visits before the merge conflict, and keeps their marks', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1', { agencyId: 'typo' }), aStoredVisit('v2', { agencyId: 'typo' })]);
      await store.markSettledOutside(ORG, ['v2']);
      const planned = await store.listBillingVisits(ORG, { agencyId: 'typo', billed: false });
      expect(planned.map((v) => v.id)).toEqual(['v1']);
      const merged = await store.mergeAgency(ORG, {
        fromId: 'typo',
        into: anAgencyRecord('good', { name: 'Oakridge Home Health' }),
        moves: [
          { id: 'v1', dupKey: 'n1' },
          { id: 'v2', dupKey: 'n2' },
        ],
      });
      expect(merged.status).toBe('merged');
      const close = await store.commitClose(ORG, {
        cycle: { id: 'c1', scope: { kind: 'agency', agencyId: 'typo' }, period: { start: '2026-01-01', end: '2026-01-31' } },
        invoices: [anInvoiceToIssue('i1', 'c1', ['v1'], { agencyId: 'typo' })],
        closedAt: '2026-02-01T12:00:00.000Z',
        visitSeqs: [planned.map((v) => v.seq!)],
      });
      expect(close.status).toBe('conflict');
      expect(await store.listInvoices(ORG, {})).toEqual([]);
      const visits = await store.listVisits(ORG, {});
      expect(visits.map((v) => [v.id, v.agencyId, v.invoiceId, v.payRunId])).toEqual([
        ['v1', 'good', null, null],
        ['v2', 'good', 'settled-outside', 'settled-outside'],
      ]);
      expect((await store.listBillingVisits(ORG, { agencyId: 'good', billed: false })).map((v) => v.id)).toEqual(['v1']);
    });

    it("makes a pay run planned on a merged therapist's visits before the merge conflict", async () => {
      await store.putTherapists(ORG, [aTherapist('typo-th')]);
      await store.upsertVisits(ORG, [aStoredVisit('v1', { agencyId: 'good', therapistId: 'typo-th' })]);
      const planned = await store.listBillingVisits(ORG, { therapistId: 'typo-th', paid: false });
      expect(planned.map((v) => v.id)).toEqual(['v1']);
      const merged = await store.mergeTherapist(ORG, { fromId: 'typo-th', into: aTherapist('th1'), moves: [{ id: 'v1', dupKey: 'n1' }] });
      expect(merged.status).toBe('merged');
      const statement = aPayStatement('typo-th', 'Therapist typo-th', ['v1']);
      const payRun = aPayRun(
        'payroll:2026-01-05',
        ['v1'],
        [{ ...statement, lines: statement.lines.map((l) => ({ ...l, agencyId: 'good' })) }],
      );
      const outcome = await store.commitPayRun(
        ORG,
        payRun,
        planned.map((v) => v.seq!),
      );
      expect(outcome.status).toBe('conflict');
      expect(await store.listPayRuns(ORG)).toEqual([]);
    });
  });
}
