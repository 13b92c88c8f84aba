/**
 * The contract of the Store port: the same behaviour from SQLite and from the Firestore
 * emulator. Run with the other parts' contracts by describeStoreAdapter (adapter.contract.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { CreditNote, Payment } from '../../../shared/index.ts';
import { anAgencyRecord, anInvoiceToIssue, anOrg, aPayRun, aStoredVisit } from '../test-support/store-records.ts';
import {
  SETTLED_OUTSIDE,
  type InvoiceSortKey,
  type InvoiceToIssue,
  type ListPage,
  type PaymentSortKey,
  type Store,
  type StoredInvoice,
  type StoredVisit,
  type VisitSortKey,
} from './port.ts';

const ORG = 'org-a';
const OTHER = 'org-b';

function aPayment(id: string, overrides: Partial<Payment> = {}): Payment {
  return { id, therapistId: 'th1', amountCents: 10000, paidOn: '2026-01-20', method: 'check', status: 'paid', ...overrides };
}

const commitFor = (cycleId: string, invoices: InvoiceToIssue[]) => ({
  cycle: { id: cycleId, scope: { kind: 'agency' as const, agencyId: 'ag1' }, period: { start: '2026-01-01', end: '2026-01-31' } },
  invoices,
  closedAt: '2026-02-01T12:00:00.000Z',
});

export function describeStoreContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
      await store.insertOrg(anOrg(ORG));
      await store.insertOrg(anOrg(OTHER));
    });

    it('creates an org once and reads it back', async () => {
      expect(await store.insertOrg(anOrg(ORG, { name: 'changed' }))).toBe('exists');
      expect((await store.getOrg(ORG))?.settings.name).toBe(`Org ${ORG}`);
      expect(await store.getOrg('nope')).toBeNull();
      const updated = anOrg(ORG, { name: 'Renamed' });
      await store.updateOrg(updated);
      expect((await store.getOrg(ORG))?.settings.name).toBe('Renamed');
    });

    it('keeps each org to itself', async () => {
      await store.putAgencies(ORG, [anAgencyRecord('ag1')]);
      await store.upsertVisits(ORG, [aStoredVisit('v1')]);
      await store.putBillRates(ORG, [
        { agencyId: 'ag1', discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2026-01-01' },
      ]);
      await store.insertPayment(ORG, aPayment('p1'));
      expect(await store.listAgencies(OTHER)).toEqual([]);
      expect(await store.listVisits(OTHER, {})).toEqual([]);
      expect(await store.getVisits(OTHER, ['v1'])).toEqual([]);
      expect(await store.getVisitsByClientId(OTHER, ['client-v1'])).toEqual([]);
      expect(await store.listBillRates(OTHER)).toEqual([]);
      expect(await store.listPayments(OTHER, {})).toEqual([]);
      expect(await store.getPayment(OTHER, 'p1')).toBeNull();
    });

    it('upserts agencies, therapists and rates by their keys', async () => {
      await store.putAgencies(ORG, [anAgencyRecord('ag1'), anAgencyRecord('ag2')]);
      await store.putAgencies(ORG, [anAgencyRecord('ag1', { termsDays: 15 })]);
      const agencies = await store.listAgencies(ORG);
      expect(agencies.map((a) => [a.id, a.termsDays])).toEqual([
        ['ag1', 15],
        ['ag2', 30],
      ]);

      await store.putTherapists(ORG, [
        {
          id: 'th1',
          name: 'T One',
          aliases: [],
          disciplines: ['PT'],
          active: true,
          w9: {
            legalName: 'T One',
            taxClassification: 'individual',
            address: { line1: '1 Main', city: 'Austin', state: 'TX', zip: '78701' },
            tinType: 'SSN',
            tin: { sealed: 'sealed-tin', last4: '6789', type: 'SSN' },
            signedOn: '2026-01-02',
          },
        },
      ]);
      expect((await store.listTherapists(ORG))[0]?.w9?.tin.last4).toBe('6789');

      const rate = { agencyId: 'ag1', discipline: 'PT' as const, visitType: 'EVAL', cents: 12500, effectiveFrom: '2026-01-01' };
      await store.putBillRates(ORG, [rate, { ...rate, effectiveFrom: '2026-07-01', cents: 13000 }]);
      await store.putBillRates(ORG, [{ ...rate, cents: 12600 }]);
      expect((await store.listBillRates(ORG)).map((r) => [r.effectiveFrom, r.cents])).toEqual([
        ['2026-01-01', 12600],
        ['2026-07-01', 13000],
      ]);

      const pay = { therapistId: 'th1', discipline: 'PT' as const, visitType: 'EVAL', cents: 8000, effectiveFrom: '2026-01-01' };
      await store.putPayRates(ORG, [pay, { ...pay, agencyId: 'ag1', cents: 8500 }]);
      const payRates = await store.listPayRates(ORG);
      expect(payRates).toHaveLength(2);
      expect(payRates.find((r) => r.agencyId === 'ag1')?.cents).toBe(8500);
      expect(payRates.find((r) => r.agencyId === undefined)?.cents).toBe(8000);
    });

    it('upserts visits idempotently and finds them by client id, id and duplicate key', async () => {
      const first = await store.upsertVisits(ORG, [
        aStoredVisit('v1'),
        aStoredVisit('v2', { dupKey: 'same' }),
        aStoredVisit('v3', { dupKey: 'same' }),
      ]);
      expect(first).toEqual({ written: ['v1', 'v2', 'v3'], locked: [] });
      await store.upsertVisits(ORG, [aStoredVisit('v1', { date: '2026-01-12', noteDone: false })]);
      const [v1] = await store.getVisitsByClientId(ORG, ['client-v1']);
      expect(v1).toMatchObject({
        id: 'v1',
        date: '2026-01-12',
        noteDone: false,
        invoiceId: null,
        payRunId: null,
        receivedAt: '2026-01-11T00:00:00.000Z',
      });
      expect((await store.getVisits(ORG, ['v2', 'v3', 'zz'])).map((v) => v.id).sort()).toEqual(['v2', 'v3']);
      expect((await store.findVisitsByDupKey(ORG, ['same'])).map((v) => v.id).sort()).toEqual(['v2', 'v3']);
      expect(await store.listVisits(ORG, {})).toHaveLength(3);
    });

    it('filters visits by agency, therapist, date and billing state', async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { date: '2026-01-05' }),
        aStoredVisit('v2', { date: '2026-02-05' }),
        aStoredVisit('v3', { date: '2026-01-20', agencyId: 'ag2', therapistId: 'th2' }),
      ]);
      const ids = async (q: Parameters<Store['listVisits']>[1]) => (await store.listVisits(ORG, q)).map((v) => v.id);
      expect(await ids({ agencyId: 'ag1' })).toEqual(['v1', 'v2']);
      expect(await ids({ therapistId: 'th2' })).toEqual(['v3']);
      expect(await ids({ dateTo: '2026-01-31' })).toEqual(['v1', 'v3']);
      expect(await ids({ dateFrom: '2026-01-06', dateTo: '2026-02-28' })).toEqual(['v3', 'v2']);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1'])]));
      expect(await ids({ billed: false })).toEqual(['v3', 'v2']);
      expect(await ids({ billed: true })).toEqual(['v1']);
      expect(await ids({ paid: false })).toHaveLength(3);
    });

    it('reads a visit for billing under the agency and therapist it was last written with, in its own org only', async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { date: '2026-01-05' }),
        aStoredVisit('v2', { date: '2026-01-06', agencyId: 'ag2', therapistId: 'th2' }),
      ]);
      // The same agency and therapist ids in another org name that org's own records.
      await store.upsertVisits(OTHER, [aStoredVisit('v9', { date: '2026-01-07', agencyId: 'ag2', therapistId: 'th1' })]);
      await store.upsertVisits(ORG, [aStoredVisit('v1', { date: '2026-01-05', agencyId: 'ag2', therapistId: 'th3' })]);
      const read = (q: Parameters<Store['listBillingVisits']>[1]) =>
        store.listBillingVisits(ORG, q).then((vs) => vs.map((v) => [v.id, v.agencyId, v.therapistId]));
      expect(await read({})).toEqual([
        ['v1', 'ag2', 'th3'],
        ['v2', 'ag2', 'th2'],
      ]);
      expect(await read({ agencyId: 'ag1' })).toEqual([]);
      expect(await read({ agencyId: 'ag2', therapistId: 'th3' })).toEqual([['v1', 'ag2', 'th3']]);
      expect((await store.listUnsettledVisits(OTHER, '2026-01-31')).map((v) => [v.id, v.agencyId, v.therapistId])).toEqual([
        ['v9', 'ag2', 'th1'],
      ]);
    });

    it('lists the visits still waiting for an invoice or a pay run, saying which they have', async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { date: '2026-01-05' }),
        aStoredVisit('v2', { date: '2026-01-06' }),
        aStoredVisit('v3', { date: '2026-01-07' }),
        aStoredVisit('v4', { date: '2026-01-08' }),
        aStoredVisit('v5', { date: '2026-02-05' }),
      ]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1', 'v3'])]));
      await store.commitPayRun(ORG, aPayRun('pr1', ['v2', 'v3']));
      const unsettled = (await store.listUnsettledVisits(ORG, '2026-01-31')).sort((a, b) => a.id.localeCompare(b.id));
      expect(unsettled.map(({ id, billed, paid }) => ({ id, billed, paid }))).toEqual([
        { id: 'v1', billed: true, paid: false },
        { id: 'v2', billed: false, paid: true },
        { id: 'v4', billed: false, paid: false },
      ]);
      expect(unsettled[0]).toMatchObject({
        agencyId: 'ag1',
        therapistId: 'th1',
        date: '2026-01-05',
        discipline: 'PT',
        visitType: 'ROUTINE',
        noteDone: true,
        patientHasMrn: false,
      });
      expect(await store.listUnsettledVisits(OTHER, '2026-01-31')).toEqual([]);
    });

    it('marks visits settled outside VisitLedger: never unsettled again, locked like billed ones; a visit billed here is left as it is', async () => {
      await store.upsertVisits(ORG, [
        aStoredVisit('v1', { date: '2026-01-05' }),
        aStoredVisit('v2', { date: '2026-01-06' }),
        aStoredVisit('v3', { date: '2026-01-07' }),
        aStoredVisit('v4', { date: '2026-01-08' }),
      ]);
      await store.upsertVisits(OTHER, [aStoredVisit('v1', { date: '2026-01-05' })]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v2'])]));
      await store.markSettledOutside(ORG, ['v1', 'v2', 'v3', 'nope']);
      const byId = new Map((await store.listVisits(ORG, {})).map((v) => [v.id, [v.invoiceId, v.payRunId]]));
      expect(Object.fromEntries(byId)).toEqual({
        v1: [SETTLED_OUTSIDE, SETTLED_OUTSIDE],
        v2: ['i1', null],
        v3: [SETTLED_OUTSIDE, SETTLED_OUTSIDE],
        v4: [null, null],
      });
      expect((await store.listUnsettledVisits(ORG, '2026-01-31')).map((v) => v.id).sort()).toEqual(['v2', 'v4']);
      // Another org's visit with the same id is untouched.
      expect((await store.listVisits(OTHER, {})).map((v) => [v.id, v.invoiceId, v.payRunId])).toEqual([['v1', null, null]]);
      // Settled, the visit no longer changes; again, nothing changes.
      expect((await store.upsertVisits(ORG, [aStoredVisit('v1', { date: '2026-01-20' })])).locked).toEqual(['v1']);
      await store.markSettledOutside(ORG, ['v1']);
      expect((await store.getVisits(ORG, ['v1']))[0]).toMatchObject({
        date: '2026-01-05',
        invoiceId: SETTLED_OUTSIDE,
        payRunId: SETTLED_OUTSIDE,
      });
    });

    it('withdraws visits neither billed nor paid, deleting them; keeps billed and paid ones; a close or a pay run naming a withdrawn visit conflicts', async () => {
      await store.upsertVisits(
        ORG,
        ['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => aStoredVisit(id)),
      );
      await store.upsertVisits(OTHER, [aStoredVisit('v1')]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v2'])]));
      await store.commitPayRun(ORG, aPayRun('pr1', ['v3']));
      const answer = await store.withdrawVisits(ORG, ['v1', 'v2', 'v3', 'v4', 'nope', 'v4']);
      expect({ withdrawn: [...answer.withdrawn].sort(), locked: [...answer.locked].sort() }).toEqual({
        withdrawn: ['v1', 'v4'],
        locked: ['v2', 'v3'],
      });
      expect((await store.listVisits(ORG, {})).map((v) => v.id).sort()).toEqual(['v2', 'v3', 'v5']);
      expect(await store.getVisitsByClientId(ORG, ['client-v1'])).toEqual([]);
      expect((await store.listUnsettledVisits(ORG, '2026-01-31')).map((v) => v.id).sort()).toEqual(['v2', 'v3', 'v5']);
      expect((await store.listVisits(OTHER, {})).map((v) => v.id)).toEqual(['v1']);
      // Planned before the withdrawal: the visit is gone when they commit.
      expect(await store.commitClose(ORG, commitFor('c2', [anInvoiceToIssue('i2', 'c2', ['v5', 'v4'])]))).toEqual({
        status: 'conflict',
        visitIds: ['v4'],
      });
      expect(await store.commitPayRun(ORG, aPayRun('pr2', ['v1']))).toEqual({ status: 'conflict', visitIds: ['v1'] });
      expect((await store.listVisits(ORG, {})).map((v) => [v.id, v.invoiceId, v.payRunId]).sort()).toEqual([
        ['v2', 'i1', null],
        ['v3', null, 'pr1'],
        ['v5', null, null],
      ]);
      // The row sent again is a new visit.
      expect(await store.upsertVisits(ORG, [aStoredVisit('v1b', { clientId: 'client-v1' })])).toEqual({ written: ['v1b'], locked: [] });
      expect(await store.withdrawVisits(ORG, [])).toEqual({ withdrawn: [], locked: [] });
    });

    it('reads a pay run stored before withholding existed as withholding nothing and holding nothing', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1')]);
      const old = aPayRun('pr-old', ['v1']);
      // As stored before the statements carried withheldCents, netCents and held.
      const statements = old.statements.map(({ withheldCents: _w, netCents: _n, held: _h, ...s }) => s) as unknown as typeof old.statements;
      await store.commitPayRun(ORG, { ...old, statements });
      const read = await store.getPayRun(ORG, 'pr-old');
      expect(read?.statements.map((s) => [s.totalCents, s.withheldCents, s.netCents, s.held])).toEqual([[5500, 0, 5500, false]]);
    });

    it('issues a cycle atomically with gapless numbers, and a second close returns the same invoices', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2'), aStoredVisit('v3', { agencyId: 'ag2' })]);
      const first = await store.commitClose(
        ORG,
        commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1', 'v2']), anInvoiceToIssue('i2', 'c1', ['v3'], { agencyId: 'ag2' })]),
      );
      expect(first.status).toBe('closed');
      if (first.status === 'conflict') throw new Error('unexpected');
      expect(first.invoices.map((i) => [i.number, i.sequence])).toEqual([
        ['INV-0001', 1],
        ['INV-0002', 2],
      ]);
      expect(first.cycle).toMatchObject({ id: 'c1', status: 'closed', invoiceIds: ['i1', 'i2'] });
      expect((await store.getVisits(ORG, ['v1', 'v2', 'v3'])).map((v) => v.invoiceId).sort()).toEqual(['i1', 'i1', 'i2']);

      const again = await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('other', 'c1', [])]));
      expect(again.status).toBe('already-closed');
      if (again.status !== 'already-closed') throw new Error('unexpected');
      expect(again.invoices.map((i) => i.id)).toEqual(['i1', 'i2']);

      await store.upsertVisits(ORG, [aStoredVisit('v4')]);
      const next = await store.commitClose(ORG, commitFor('c2', [anInvoiceToIssue('i3', 'c2', ['v4'])]));
      if (next.status === 'conflict') throw new Error('unexpected');
      expect(next.invoices[0]?.number).toBe('INV-0003');
      expect((await store.getCycle(ORG, 'c2'))?.status).toBe('closed');
      expect((await store.listCycles(ORG)).map((c) => c.id)).toEqual(['c1', 'c2']);
      expect((await store.listInvoices(ORG, {})).map((i) => i.number)).toEqual(['INV-0001', 'INV-0002', 'INV-0003']);
      expect((await store.listInvoices(ORG, { agencyId: 'ag2' })).map((i) => i.id)).toEqual(['i2']);
      expect((await store.listInvoices(ORG, { cycleId: 'c2' })).map((i) => i.id)).toEqual(['i3']);
      expect(await store.listInvoices(OTHER, {})).toEqual([]);
    });

    it('numbers each org on its own', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1')]);
      await store.upsertVisits(OTHER, [aStoredVisit('v1')]);
      const a = await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1'])]));
      const b = await store.commitClose(OTHER, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1'])]));
      expect(a.status === 'closed' && a.invoices[0]?.number).toBe('INV-0001');
      expect(b.status === 'closed' && b.invoices[0]?.number).toBe('INV-0001');
    });

    it('writes nothing when a visit of the close was billed meanwhile', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2')]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v2'])]));
      const outcome = await store.commitClose(
        ORG,
        commitFor('c2', [anInvoiceToIssue('i2', 'c2', ['v1']), anInvoiceToIssue('i3', 'c2', ['v2'])]),
      );
      expect(outcome).toEqual({ status: 'conflict', visitIds: ['v2'] });
      expect(await store.getCycle(ORG, 'c2')).toBeNull();
      expect(await store.getInvoice(ORG, 'i2')).toBeNull();
      expect((await store.getVisits(ORG, ['v1']))[0]?.invoiceId).toBeNull();
      await store.upsertVisits(ORG, [aStoredVisit('v5')]);
      const next = await store.commitClose(ORG, commitFor('c3', [anInvoiceToIssue('i4', 'c3', ['v5'])]));
      expect(next.status === 'closed' && next.invoices[0]?.number).toBe('INV-0002'); // no number was skipped
    });

    it('refuses to change a billed visit', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1')]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1'])]));
      const outcome = await store.upsertVisits(ORG, [aStoredVisit('v1', { date: '2026-01-11' }), aStoredVisit('v2')]);
      expect(outcome).toEqual({ written: ['v2'], locked: ['v1'] });
      expect((await store.getVisits(ORG, ['v1']))[0]?.date).toBe('2026-01-10');
    });

    it('voids an invoice and frees its visits, once', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2')]);
      await store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1', 'v2'])]));
      const voided = await store.voidInvoice(ORG, 'i1', { on: '2026-02-03', reason: 'wrong rate' });
      expect(voided).toMatchObject({ id: 'i1', status: 'void', voidedOn: '2026-02-03', voidReason: 'wrong rate', number: 'INV-0001' });
      expect((await store.getVisits(ORG, ['v1', 'v2'])).map((v) => v.invoiceId)).toEqual([null, null]);
      expect((await store.getInvoice(ORG, 'i1'))?.status).toBe('void');
      expect(await store.voidInvoice(OTHER, 'i1', { on: '2026-02-03', reason: 'x' })).toBeNull();
      expect(await store.voidInvoice(ORG, 'nope', { on: '2026-02-03', reason: 'x' })).toBeNull();
    });

    it("voids through the invoice's own lines: its visits are unbilled again, another invoice's stay billed", async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2'), aStoredVisit('v3'), aStoredVisit('v4', { agencyId: 'ag2' })]);
      await store.commitClose(
        ORG,
        commitFor('c1', [
          anInvoiceToIssue('i1', 'c1', ['v1', 'v2']),
          anInvoiceToIssue('i2', 'c1', ['v3']),
          anInvoiceToIssue('i3', 'c1', ['v4'], { agencyId: 'ag2' }),
        ]),
      );
      await store.voidInvoice(ORG, 'i1', { on: '2026-02-03', reason: 'wrong rate' });
      expect((await store.getVisits(ORG, ['v1', 'v2', 'v3', 'v4'])).map((v) => [v.id, v.invoiceId])).toEqual([
        ['v1', null],
        ['v2', null],
        ['v3', 'i2'],
        ['v4', 'i3'],
      ]);
      expect((await store.listBillingVisits(ORG, { billed: false })).map((v) => v.id).sort()).toEqual(['v1', 'v2']);
      expect((await store.listBillingVisits(ORG, { billed: true })).map((v) => v.id).sort()).toEqual(['v3', 'v4']);
      // The freed visits bill again on a later close; the others are still locked to their invoices.
      const next = await store.commitClose(ORG, commitFor('c2', [anInvoiceToIssue('i4', 'c2', ['v1', 'v2'])]));
      expect(next.status).toBe('closed');
      expect(await store.commitClose(ORG, commitFor('c3', [anInvoiceToIssue('i5', 'c3', ['v3'])]))).toEqual({
        status: 'conflict',
        visitIds: ['v3'],
      });
    });

    it('gives each credit note number once', async () => {
      const note: CreditNote = {
        id: 'cn1',
        number: 'INV-0001-CN1',
        invoiceId: 'i1',
        invoiceNumber: 'INV-0001',
        agencyId: 'ag1',
        issueDate: '2026-02-05',
        reason: 'rate',
        lines: [{ description: 'x', amountCents: 100 }],
        totalCents: 100,
      };
      expect(await store.insertCreditNote(ORG, note)).toBe('created');
      expect(await store.insertCreditNote(ORG, { ...note, id: 'cn2' })).toBe('number-taken');
      expect(await store.insertCreditNote(ORG, { ...note, id: 'cn3', number: 'INV-0001-CN2' })).toBe('created');
      expect((await store.listCreditNotes(ORG, 'i1')).map((n) => n.id)).toEqual(['cn1', 'cn3']);
      expect(await store.listCreditNotes(ORG, 'other')).toEqual([]);
      expect(await store.listCreditNotes(OTHER)).toEqual([]);
    });

    it('creates a pay run once and claims its visits atomically', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2')]);
      const created = await store.commitPayRun(ORG, aPayRun('pr1', ['v1']));
      expect(created.status).toBe('created');
      expect((await store.commitPayRun(ORG, aPayRun('pr1', ['v2']))).status).toBe('already-exists');
      expect((await store.getVisits(ORG, ['v2']))[0]?.payRunId).toBeNull();
      expect(await store.commitPayRun(ORG, aPayRun('pr2', ['v2', 'v1']))).toEqual({ status: 'conflict', visitIds: ['v1'] });
      expect(await store.getPayRun(ORG, 'pr2')).toBeNull();
      expect((await store.getVisits(ORG, ['v2']))[0]?.payRunId).toBeNull();
      expect(await store.setPayRunStatus(ORG, 'pr1', 'open', 'approved', '2026-01-20T00:00:00.000Z')).toBe(true);
      expect(await store.setPayRunStatus(ORG, 'pr1', 'open', 'approved', '2026-01-20T00:00:00.000Z')).toBe(false);
      expect(await store.getPayRun(ORG, 'pr1')).toMatchObject({ status: 'approved', approvedAt: '2026-01-20T00:00:00.000Z' });
      expect((await store.listPayRuns(ORG)).map((r) => r.id)).toEqual(['pr1']);
      expect(await store.listPayRuns(OTHER)).toEqual([]);
    });

    it('records payments once, updates them by compare-and-set, and lists by paid date', async () => {
      expect(await store.insertPayment(ORG, aPayment('p1', { status: 'pending', paidOn: '2026-12-31' }))).toBe('created');
      expect(await store.insertPayment(ORG, aPayment('p1', { amountCents: 1 }))).toBe('exists');
      expect((await store.getPayment(ORG, 'p1'))?.amountCents).toBe(10000);
      expect(await store.updatePayment(ORG, aPayment('p1', { status: 'paid', paidOn: '2027-01-02' }), 'pending')).toBe(true);
      expect(await store.updatePayment(ORG, aPayment('p1', { status: 'failed' }), 'pending')).toBe(false);
      await store.insertPayment(ORG, aPayment('p2', { paidOn: '2026-06-01', therapistId: 'th2', payRunId: 'pr1' }));
      expect((await store.listPayments(ORG, { paidFrom: '2027-01-01', paidTo: '2027-12-31' })).map((p) => p.id)).toEqual(['p1']);
      expect((await store.listPayments(ORG, { therapistId: 'th2' })).map((p) => p.id)).toEqual(['p2']);
      expect((await store.listPayments(ORG, { payRunId: 'pr1' })).map((p) => p.id)).toEqual(['p2']);
      expect((await store.listPayments(ORG, {})).map((p) => p.id)).toEqual(['p2', 'p1']);
    });

    it('pages visits, invoices and payments: paging through returns every row once, in the list order, filters and all', async () => {
      /** Every page of a list, following each page's last sort key, until a page comes back short. */
      async function allPages<T, K extends readonly (string | number)[]>(
        read: (page: ListPage<K>) => Promise<T[]>,
        keyOf: (row: T) => K,
        limit: number,
      ): Promise<T[][]> {
        const pages: T[][] = [];
        let after: K | undefined;
        for (;;) {
          const page = await read(after === undefined ? { limit } : { limit, after });
          pages.push(page);
          if (page.length < limit) return pages;
          after = keyOf(page[page.length - 1]!);
        }
      }
      // Dates out of id order, several visits a day, two agencies and some billed: the filtered pages skip rows.
      const visits = Array.from({ length: 23 }, (_, i) =>
        aStoredVisit(`v${String(i).padStart(2, '0')}`, {
          date: `2026-01-${String(10 + ((i * 7) % 5)).padStart(2, '0')}`,
          agencyId: i % 3 === 0 ? 'ag2' : 'ag1',
        }),
      );
      await store.upsertVisits(ORG, visits);
      await store.upsertVisits(OTHER, [aStoredVisit('v00'), aStoredVisit('zz', { date: '2026-01-01' })]);
      const visitKey = (v: StoredVisit): VisitSortKey => [v.date, v.id];
      const invoiceKey = (i: StoredInvoice): InvoiceSortKey => [i.sequence];
      const paymentKey = (p: Payment): PaymentSortKey => [p.paidOn, p.id];
      for (const query of [
        {},
        { agencyId: 'ag1' },
        { dateFrom: '2026-01-11', dateTo: '2026-01-13' },
        { agencyId: 'ag2', dateFrom: '2026-01-12' },
      ]) {
        const whole = (await store.listVisits(ORG, query)).map((v) => v.id);
        const pages = await allPages((page) => store.listVisits(ORG, query, page), visitKey, 4);
        expect(
          pages.flat().map((v) => v.id),
          JSON.stringify(query),
        ).toEqual(whole);
        expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
      }
      expect((await allPages((page) => store.listVisits(ORG, {}, page), visitKey, 5)).flat()).toHaveLength(23);
      // A position from another org's rows starts there among this org's rows, never shows the other's.
      expect((await store.listVisits(ORG, {}, { limit: 100, after: ['2026-01-01', 'zz'] })).map((v) => v.id)).toEqual(
        (await store.listVisits(ORG, {})).map((v) => v.id),
      );
      expect((await store.listVisits(OTHER, {}, { limit: 100, after: ['2026-01-10', 'v00'] })).map((v) => v.id)).toEqual([]);

      const invoices = Array.from({ length: 7 }, (_, i) =>
        anInvoiceToIssue(`i${i}`, 'c1', [visits[i]!.id], { agencyId: visits[i]!.agencyId }),
      );
      await store.commitClose(ORG, commitFor('c1', invoices));
      for (const query of [{}, { agencyId: 'ag2' }]) {
        const pages = await allPages((page) => store.listInvoices(ORG, query, page), invoiceKey, 2);
        expect(pages.flat().map((i) => i.number)).toEqual((await store.listInvoices(ORG, query)).map((i) => i.number));
      }
      expect((await allPages((page) => store.listInvoices(ORG, {}, page), invoiceKey, 3)).flat().map((i) => i.sequence)).toEqual([
        1, 2, 3, 4, 5, 6, 7,
      ]);

      for (let i = 0; i < 9; i++)
        await store.insertPayment(ORG, aPayment(`p${i}`, { paidOn: `2026-0${1 + (i % 3)}-15`, therapistId: i % 2 === 0 ? 'th1' : 'th2' }));
      for (const query of [{}, { therapistId: 'th2' }, { paidFrom: '2026-02-01' }]) {
        const pages = await allPages((page) => store.listPayments(ORG, query, page), paymentKey, 2);
        expect(pages.flat().map((p) => p.id)).toEqual((await store.listPayments(ORG, query)).map((p) => p.id));
      }
      expect(await store.listPayments(OTHER, {}, { limit: 10 })).toEqual([]);
    });

    it('appends audit entries in order and lists them by record', async () => {
      await store.appendAudit(ORG, [
        { id: 'a1', at: '2026-01-01T00:00:00.000Z', actor: 'owner@example.com', action: 'read', recordType: 'visit', recordId: 'v1' },
        { id: 'a2', at: '2026-01-01T00:00:01.000Z', actor: 'cli', action: 'update', recordType: 'visit', recordId: 'v2', detail: 'date' },
      ]);
      await store.appendAudit(ORG, [
        { id: 'a3', at: '2026-01-01T00:00:02.000Z', actor: 'cli', action: 'read', recordType: 'visit', recordId: 'v1' },
      ]);
      expect((await store.listAudit(ORG, {})).map((e) => e.id)).toEqual(['a1', 'a2', 'a3']);
      expect((await store.listAudit(ORG, { recordId: 'v1' })).map((e) => e.id)).toEqual(['a1', 'a3']);
      expect((await store.listAudit(ORG, { limit: 1 })).map((e) => e.id)).toEqual(['a3']);
      expect((await store.listAudit(ORG, {}))[1]).toEqual({
        id: 'a2',
        at: '2026-01-01T00:00:01.000Z',
        actor: 'cli',
        action: 'update',
        recordType: 'visit',
        recordId: 'v2',
        detail: 'date',
      });
      expect(await store.listAudit(OTHER, {})).toEqual([]);
    });

    it('lets concurrent closes of one cycle issue one set of invoices', async () => {
      await store.upsertVisits(ORG, [aStoredVisit('v1'), aStoredVisit('v2')]);
      const outcomes = await Promise.all([
        store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i1', 'c1', ['v1', 'v2'])])),
        store.commitClose(ORG, commitFor('c1', [anInvoiceToIssue('i9', 'c1', ['v1', 'v2'])])),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['already-closed', 'closed']);
      const invoices = await store.listInvoices(ORG, {});
      expect(invoices).toHaveLength(1);
      expect(invoices[0]?.number).toBe('INV-0001');
    });
  });
}
