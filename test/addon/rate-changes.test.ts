/**
 * A rate changed in the sheet applies from the day it is synced, never back in time: the rate
 * tabs hold no dates, VisitLedger keeps each rate's history, and a visit is billed and paid at
 * the rate in force on its date. The built add-on in node:vm against the real service, on the
 * sample owner sheet.
 */
import { describe, expect, it } from 'vitest';
import { ratesToSend } from '../../addon/src/actions/rate-changes.ts';
import type { AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

let org: SampleOrg;
let env: AddonEnv;

useSampleOrg('rates', 'owner@rates.example', (ready) => {
  org = ready;
  env = ready.env;
});

type Rate = { agencyId?: string; therapistId?: string; discipline: string; visitType: string; cents: number; effectiveFrom: string };
const stored = () => org.api('get', '/v1/orgs/rates/rates').body as { billRates: Rate[]; payRates: Rate[] };
const idOf = (list: 'agencies' | 'therapists', name: string) =>
  (org.api('get', `/v1/orgs/rates/${list}`).body[list] as { id: string; name: string }[]).find((x) => x.name === name)!.id;
const putRate = (tab: string, rowName: string, header: string, value: number) => {
  const sheet = env.book.tab(tab)!;
  const table = sheet.table();
  sheet.put(table.findIndex((r) => r[0] === rowName) + 1, table[0]!.indexOf(header) + 1, value);
};

describe('a rate changed in the sheet', () => {
  it('is sent once: new rates from always, unchanged ones not again', () => {
    expect(env.run('syncNow').lines[0]).toBe('3 agencies, 3 therapists, 21 bill rates and 8 pay rates sent (new or changed).');
    const again = env.run('syncNow');
    expect(again.lines[0]).toBe('3 agencies, 3 therapists, 0 bill rates and 0 pay rates sent (new or changed).');
    const oakridge = idOf('agencies', 'Oakridge Home Health');
    expect(stored().billRates.filter((r) => r.agencyId === oakridge && r.visitType === 'ROUTINE' && r.discipline === 'PT')).toEqual([
      { agencyId: oakridge, discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2000-01-01' },
    ]);
  });

  it("applies from the day of the Sync, and the visits before keep their rate on the month's invoice and pay run", () => {
    putRate('Rates', 'Oakridge Home Health', 'PT Routine visit', 90);
    putRate('Pay Rates', 'Tom Becker', 'Routine visit', 58);
    const sync = env.run('syncNow');
    expect(sync.lines[0]).toBe('3 agencies, 3 therapists, 1 bill rates and 1 pay rates sent (new or changed).');
    const day = /from (\d{4}-\d{2}-\d{2})/.exec(sync.lines[1] ?? '')?.[1];
    expect(sync.lines.slice(1, 3)).toEqual([
      `Bill rate, Oakridge Home Health, PT Routine visit: $85.00 → $90.00 from ${day} (visits before keep $85.00).`,
      `Pay rate, Tom Becker, PT Routine visit: $55.00 → $58.00 from ${day} (visits before keep $55.00).`,
    ]);
    expect(day! > '2026-03-31').toBe(true); // the sample's visits are all before it
    const oakridge = idOf('agencies', 'Oakridge Home Health');
    const tom = idOf('therapists', 'Tom Becker');
    expect(
      stored()
        .billRates.filter((r) => r.agencyId === oakridge && r.visitType === 'ROUTINE' && r.discipline === 'PT')
        .map((r) => [r.effectiveFrom, r.cents]),
    ).toEqual([
      ['2000-01-01', 8500],
      [day, 9000],
    ]);
    expect(
      stored()
        .payRates.filter((r) => r.therapistId === tom && r.visitType === 'ROUTINE')
        .map((r) => [r.effectiveFrom, r.cents]),
    ).toEqual([
      ['2000-01-01', 5500],
      [day, 5800],
    ]);
    expect(env.run('syncNow').lines[0]).toBe('3 agencies, 3 therapists, 0 bill rates and 0 pay rates sent (new or changed).');

    expect(env.run('generateInvoices', '2026-03')).toMatchObject({ ok: true });
    expect(env.run('runPayroll', '2026-03')).toMatchObject({ ok: true });
    const invoices = org.api('get', '/v1/orgs/rates/invoices').body.invoices as { id: string; agencyId: string }[];
    const oakridgeLines = org.api('get', `/v1/orgs/rates/invoices/${invoices.find((i) => i.agencyId === oakridge)!.id}`).body.lines as {
      discipline: string;
      visitType: string;
      rateCents: number;
    }[];
    const routine = oakridgeLines.filter((l) => l.discipline === 'PT' && l.visitType === 'ROUTINE');
    expect(routine.length).toBeGreaterThan(0);
    for (const l of routine) expect(l.rateCents).toBe(8500);
    const payRun = (
      org.api('get', '/v1/orgs/rates/pay-runs').body.payRuns as {
        statements: { therapistId: string; lines: { visitType: string; rateCents: number }[] }[];
      }[]
    )[0]!;
    const tomRoutine = payRun.statements.find((s) => s.therapistId === tom)!.lines.filter((l) => l.visitType === 'ROUTINE');
    expect(tomRoutine.length).toBeGreaterThan(0);
    for (const l of tomRoutine) expect(l.rateCents).toBe(5500);
  });
});

describe('ratesToSend', () => {
  const names = {
    agency: (id: string) => `agency ${id}`,
    therapist: (id: string) => `therapist ${id}`,
    visitType: (code: string) => code.toLowerCase(),
  };
  const options = { today: '2026-11-27', ratesFrom: '2000-01-01', names };
  const bill = (cents: number, effectiveFrom = '2000-01-01') => ({
    agencyId: 'a',
    discipline: 'PT' as const,
    visitType: 'ROUTINE',
    cents,
    effectiveFrom,
  });

  it('compares with the rate in force today, not with a later one or an earlier one', () => {
    const stored = { billRates: [bill(8000), bill(8500, '2026-06-01'), bill(9500, '2027-01-01')], payRates: [] };
    expect(ratesToSend({ billRates: [bill(8500)], payRates: [] }, stored, options).billRates).toEqual([]);
    expect(ratesToSend({ billRates: [bill(9500)], payRates: [] }, stored, options)).toEqual({
      billRates: [bill(9500, '2026-11-27')],
      payRates: [],
      changes: ['Bill rate, agency a, PT routine: $85.00 → $95.00 from 2026-11-27 (visits before keep $85.00).'],
    });
    // Only a rate that starts later: nothing in force today, so the sheet's starts today.
    expect(
      ratesToSend({ billRates: [bill(7000)], payRates: [] }, { billRates: [bill(9500, '2027-01-01')], payRates: [] }, options),
    ).toEqual({
      billRates: [bill(7000, '2026-11-27')],
      payRates: [],
      changes: ['Bill rate, agency a, PT routine: none → $70.00 from 2026-11-27.'],
    });
  });

  it("keeps a therapist's general pay rate and an agency override apart", () => {
    const general = { therapistId: 't', discipline: 'PT' as const, visitType: 'ROUTINE', cents: 5500, effectiveFrom: '2000-01-01' };
    const override = { ...general, agencyId: 'a', cents: 6000 };
    const sent = ratesToSend(
      { billRates: [], payRates: [general, { ...override, cents: 6500 }] },
      { billRates: [], payRates: [general, override] },
      options,
    );
    expect(sent.payRates).toEqual([{ ...override, cents: 6500, effectiveFrom: '2026-11-27' }]);
    expect(sent.changes).toEqual([
      'Pay rate, therapist t, PT routine at agency a: $60.00 → $65.00 from 2026-11-27 (visits before keep $60.00).',
    ]);
  });
});
