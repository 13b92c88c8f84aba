/**
 * Past Starter's therapist limit (over it for 7 days), the owner cannot add therapists, but
 * the sheet's Sync still sends the visits of the therapists VisitLedger has: only a new row
 * on the Therapists tab, and its visits, wait for the upgrade, each saying why. The built
 * add-on in node:vm against the service billing orgs on the stand-in's Stripe.
 */
import { describe, expect, it } from 'vitest';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

const ORG = 'limit-sheet';
const startedAt = new Date();
const yesterday = new Date(startedAt.getTime() - 86_400_000).toISOString().slice(0, 10);

let org: SampleOrg;
let env: AddonEnv;
useSampleOrg(
  ORG,
  'owner@limit.example',
  (ready) => {
    org = ready;
    env = ready.env;
  },
  { billing: true, serviceTime: startedAt },
);

const path = (rest: string) => `/v1/orgs/${ORG}${rest}`;
const tab = (name: string) => env.book.tab(name)!;
const column = (tabName: string, header: string) => tab(tabName).table()[0]!.indexOf(header);

/** A new Visits row like row `like` (an OK row), for `therapist` on `date`; its row number. */
function addVisitRow(like: number, therapist: string, date: string): number {
  const visits = tab('Visits');
  const row = visits.table().length + 1;
  const copy = [...visits.table()[like - 1]!];
  copy[column('Visits', 'Visit ID')] = '';
  copy[column('Visits', 'Visit Date')] = date;
  copy[column('Visits', 'Therapist')] = therapist;
  copy[column('Visits', 'Status')] = '';
  copy[column('Visits', 'Sync')] = '';
  copy.forEach((value, i) => {
    visits.put(row, i + 1, value);
  });
  return row;
}

describe('Sync past the Starter therapist limit', () => {
  it('sends the known therapists’ visits, and holds a new Therapists row and its visits with the limit’s message', () => {
    expect(env.run('syncNow')).toMatchObject({ ok: true });
    const checkout = env.run('upgradePlan', 'starter');
    org.service.standin('billing.completeCheckout', checkout.url.split('/').at(-1));
    org.service.standin('flushWebhooks');
    expect(env.run('planStatus')).toMatchObject({ ok: true, plan: { plan: 'starter' } });

    // Nine therapists active in the period, over Starter's 8, seen today; adding therapists stops 7 days later.
    const [agency] = org.api('get', path('/agencies')).body.agencies as { id: string }[];
    const added = org.api('post', path('/therapists'), {
      therapists: Array.from({ length: 9 }, (_, i) => ({ name: `Extra Therapist ${i + 1}`, disciplines: ['PT'] })),
    });
    expect(added.status).toBe(200);
    const visits = (added.body.therapists as { id: string }[]).map((t, i) => ({
      clientId: `extra-${i}`,
      agencyId: agency!.id,
      therapistId: t.id,
      patient: { name: 'Demo Patient', mrn: `MRN-${i}` },
      date: yesterday,
      discipline: 'PT',
      visitType: 'ROUTINE',
      noteDone: true,
    }));
    expect(org.api('post', path('/visits'), { visits }).status).toBe(200);
    expect(org.api('get', path('/subscription')).body).toMatchObject({ plan: 'starter', therapistLimit: 8 });
    expect(org.api('get', path('/subscription')).body.activeTherapists).toBeGreaterThan(8);
    org.service.setClock(new Date(startedAt.getTime() + 8 * 86_400_000));
    expect(org.api('post', path('/therapists'), { therapists: [{ name: 'Refused Therapist', disciplines: ['PT'] }] }).status).toBe(402);

    // The owner adds a therapist on the sheet, and a visit for them and one for a known therapist.
    const therapists = tab('Therapists');
    const newRow = therapists.table().length + 1;
    therapists.put(newRow, column('Therapists', 'Name') + 1, 'Nina Newhire');
    therapists.put(newRow, column('Therapists', 'Disciplines') + 1, 'PT');
    therapists.put(newRow, column('Therapists', 'Active') + 1, true);
    const payRates = tab('Pay Rates');
    const rateRow = payRates.table().length + 1;
    [...payRates.table()[1]!].forEach((value, i) => {
      payRates.put(rateRow, i + 1, i === 0 ? 'Nina Newhire' : value);
    });
    const sent = tab('Visits')
      .table()
      .findIndex((r) => r[column('Visits', 'Sync')] === 'Sent');
    const known = String(tab('Visits').table()[sent]![column('Visits', 'Therapist')]);
    const knownRow = addVisitRow(sent + 1, known, yesterday);
    const newRowVisit = addVisitRow(sent + 1, 'Nina Newhire', yesterday);
    const before = org.api('get', path('/visits?limit=1000')).body.visits.length;

    const sync = env.run('syncNow');
    expect(sync).toMatchObject({ ok: true });
    expect(sync.lines.join('\n')).toMatch(
      /New therapists not added, and their 1 visit row not sent: The service refused: .*upgrade to Unlimited/,
    );
    const cell = (row: number) => String(tab('Visits').table()[row - 1]![column('Visits', 'Sync')]);
    expect(cell(knownRow)).toBe('Sent');
    expect(cell(newRowVisit)).toMatch(/^Not sent: .*upgrade to Unlimited/);
    expect(org.api('get', path('/visits?limit=1000')).body.visits).toHaveLength(before + 1);
    const names = (org.api('get', path('/therapists')).body.therapists as { name: string }[]).map((t) => t.name);
    expect(names).not.toContain('Nina Newhire');
  });
});
