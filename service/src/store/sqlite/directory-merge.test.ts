/**
 * A merge in SQLite moves visits under new seqs: a close that read the merged agency's visits
 * before the merge, and commits by their seqs, meets a conflict and reads again, instead of
 * issuing an invoice to an agency that is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anAgencyRecord, anInvoiceToIssue, anOrg, aPayRun, aPayStatement, aStoredVisit } from '../../test-support/store-records.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'visitledger-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a merge beside a close in SQLite', () => {
  it('makes a close planned on the merged visits conflict, and keeps their marks', async () => {
    const store = openSqliteStore(join(dir, 'merge.db'));
    try {
      await store.insertOrg(anOrg('o1'));
      await store.putAgencies('o1', [anAgencyRecord('good'), anAgencyRecord('typo')]);
      await store.upsertVisits('o1', [aStoredVisit('v1', { agencyId: 'typo' }), aStoredVisit('v2', { agencyId: 'typo' })]);
      await store.markSettledOutside('o1', ['v2']);
      const planned = await store.listBillingVisits('o1', { agencyId: 'typo', billed: false });
      expect(planned.map((v) => v.id)).toEqual(['v1']);

      const merged = await store.mergeAgency('o1', {
        fromId: 'typo',
        into: anAgencyRecord('good'),
        moves: [
          { id: 'v1', dupKey: 'n1' },
          { id: 'v2', dupKey: 'n2' },
        ],
      });
      expect(merged.status).toBe('merged');
      const close = await store.commitClose('o1', {
        cycle: { id: 'c1', scope: { kind: 'agency', agencyId: 'typo' }, period: { start: '2026-01-01', end: '2026-01-31' } },
        invoices: [anInvoiceToIssue('i1', 'c1', ['v1'], { agencyId: 'typo' })],
        closedAt: '2026-02-01T12:00:00.000Z',
        visitSeqs: [planned.map((v) => v.seq!)],
      });
      expect(close.status).toBe('conflict');
      expect(await store.listInvoices('o1', {})).toEqual([]);
      // Read again, the visit is the kept agency's, and the settled one is still settled.
      const visits = await store.listVisits('o1', {});
      expect(visits.map((v) => [v.id, v.agencyId, v.invoiceId, v.payRunId])).toEqual([
        ['v1', 'good', null, null],
        ['v2', 'good', 'settled-outside', 'settled-outside'],
      ]);
      expect((await store.listBillingVisits('o1', { agencyId: 'good', billed: false })).map((v) => v.id)).toEqual(['v1']);
    } finally {
      await store.close();
    }
  });

  it("makes a pay run planned on a merged therapist's visits conflict", async () => {
    const store = openSqliteStore(join(dir, 'merge-pay.db'));
    try {
      await store.insertOrg(anOrg('o1'));
      await store.putAgencies('o1', [anAgencyRecord('ag1')]);
      const therapist = (id: string) => ({ id, name: `T ${id}`, aliases: [], disciplines: ['PT' as const], active: true });
      await store.putTherapists('o1', [therapist('th1'), therapist('typo')]);
      await store.upsertVisits('o1', [aStoredVisit('v1', { therapistId: 'typo' })]);
      const planned = await store.listBillingVisits('o1', { therapistId: 'typo', paid: false });
      expect(
        (await store.mergeTherapist('o1', { fromId: 'typo', into: therapist('th1'), moves: [{ id: 'v1', dupKey: 'n1' }] })).status,
      ).toBe('merged');
      const payRun = aPayRun('payroll:2026-01-05', ['v1'], [aPayStatement('typo', 'T typo', ['v1'])]);
      expect(
        (
          await store.commitPayRun(
            'o1',
            payRun,
            planned.map((v) => v.seq!),
          )
        ).status,
      ).toBe('conflict');
      expect(await store.listPayRuns('o1')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
