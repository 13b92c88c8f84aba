/**
 * A visit row deleted from the sheet, or one that stops passing the check, is withdrawn from
 * the service by the next Sync, so no close bills it; a billed one stays and Sync says how to
 * correct it. The built add-on in node:vm against the real service, on the sample owner sheet.
 */
import { describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

let org: SampleOrg;
let env: AddonEnv;
const api: SampleOrg['api'] = (...args) => org.api(...args);

useSampleOrg('withdraw', 'owner@withdraw.example', (ready) => {
  org = ready;
  env = ready.env;
});

const visitsTab = () => env.book.tab('Visits')!;
const visitsTable = () => visitsTab().table();
const column = (name: string) => visitsTable()[0]!.indexOf(name);
const rowOf = (visitId: string) => visitsTable().findIndex((r) => r[0] === visitId) + 1;
const sentTab = () => env.book.tab('VisitLedger Sent');
const sentIds = () =>
  sentTab()!
    .table()
    .slice(1)
    .map((r) => String(r[0]));
const okIds = () =>
  visitsTable()
    .slice(1)
    .filter((r) => r[column('Status')] === 'OK')
    .map((r) => String(r[0]));

describe('visits removed from the sheet', () => {
  it('keeps the Visit IDs it sent in a hidden tab, and a second Sync withdraws nothing', () => {
    expect(env.run('syncNow')).toMatchObject({ ok: true });
    expect(sentTab()?.hidden).toBe(true);
    expect(sentIds()).toEqual([...okIds()].sort());
    const again = env.run('syncNow');
    expect(again.lines.join('\n')).not.toMatch(/withdrawn/);
    expect(api('get', '/v1/orgs/withdraw/visits').body.visits).toHaveLength(okIds().length);
  });

  it('withdraws a deleted row and a row that stopped passing the check; the month bills neither', () => {
    const [deleted, broken, kept] = okIds().filter((id) =>
      String(visitsTable()[rowOf(id) - 1]![column('Visit Date')]).startsWith('2026-03'),
    );
    expect(kept).toBeDefined();
    const total = okIds().length;
    visitsTab().deleteRowByHand(rowOf(deleted!));
    visitsTab().put(rowOf(broken!), column('Agency') + 1, 'Nobody Home Health');
    const sync = env.run('syncNow');
    expect(sync).toMatchObject({ ok: true });
    expect(sync.lines).toContain(
      '2 visits deleted from the Visits tab, or no longer passing the check, withdrawn from VisitLedger: no close bills or pays them.',
    );
    expect(visitsTable()[rowOf(broken!) - 1]![column('Sync')]).toBe(
      'Not sent: fix the Status first. Withdrawn from VisitLedger until then, so no close bills it',
    );
    expect(sentIds()).toEqual([...okIds()].sort());
    expect(sentIds()).not.toContain(deleted);
    expect(api('get', '/v1/orgs/withdraw/visits').body.visits).toHaveLength(total - 2);
    // Nothing left to withdraw: the next Sync says nothing of it.
    expect(env.run('syncNow').lines.join('\n')).not.toMatch(/withdrawn/);

    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    const invoices = api('get', '/v1/orgs/withdraw/invoices').body.invoices as { id: string }[];
    const billed = invoices.flatMap((i) => api('get', `/v1/orgs/withdraw/invoices/${i.id}`).body.lines as { visitId: string }[]);
    const marchOk = okIds().filter((id) => String(visitsTable()[rowOf(id) - 1]![column('Visit Date')]).startsWith('2026-03'));
    expect(billed).toHaveLength(marchOk.length);

    // Fixed, the broken row is sent again, as a new visit.
    visitsTab().put(rowOf(broken!), column('Agency') + 1, String(visitsTable()[rowOf(kept!) - 1]![column('Agency')]));
    const fixed = env.run('syncNow');
    expect(fixed.lines.join('\n')).toMatch(/Visits: 1 new/);
    expect(visitsTable()[rowOf(broken!) - 1]![column('Sync')]).toBe('Sent');
  });

  it('keeps a billed visit whose row was deleted, and says how to correct it', () => {
    const billedVisits = api('get', '/v1/orgs/withdraw/visits?billed=true').body.visits as { clientId: string }[];
    const billedRow = billedVisits[0]!.clientId;
    expect(rowOf(billedRow)).toBeGreaterThan(1);
    visitsTab().deleteRowByHand(rowOf(billedRow));
    const sync = env.run('syncNow');
    expect(sync.lines).toContain(
      `1 visit deleted from the Visits tab, or no longer passing the check, is already billed or paid and stays in VisitLedger: void the invoice or issue a credit note to correct it (Visit ID ${billedRow}).`,
    );
    expect(api('get', '/v1/orgs/withdraw/visits?billed=true').body.visits).toHaveLength(billedVisits.length);
    expect(sentIds()).toContain(billedRow); // still tracked: once its invoice is voided, a Sync withdraws it
  });
});
