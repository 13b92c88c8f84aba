/**
 * The directory from the command line: `agencies`, `therapists`, `agency set`, `therapist set`,
 * and an agency or therapist made by a typo (as the add-on's Sync makes one) merged into the
 * one it meant, or deleted, as real processes on a real SQLite file. The typo records are
 * made through the same use cases the API's Sync calls, on the same file and keys.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Patient } from '../../shared/index.ts';
import { openRuntime } from '../../service/src/cli/runtime.ts';
import { upsertAgencies, upsertTherapists } from '../../service/src/usecases/directory.ts';
import { upsertVisits, withdrawVisits } from '../../service/src/usecases/visits.ts';
import { json, SAMPLE_IMPORT_CONFIRMED, visitledger } from './run-cli.ts';

const importArgs = [...SAMPLE_IMPORT_CONFIRMED, '--init'];

type Named = { id: string; name: string; aliases: string[] };

/** Acts on the CLI's file as the CLI does (its local org, its key file), with the environment the CLI runs with. */
async function onFile<T>(db: string, act: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>): Promise<T> {
  const rt = await openRuntime({ db, env: { PATH: process.env.PATH ?? '' } });
  try {
    return await act(rt);
  } finally {
    await rt.close();
  }
}

describe('visitledger agencies, therapists, agency and therapist', () => {
  let db: string;
  let repeatOf: { id: string; date: string };

  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'owner.db');
    await json(db, ...importArgs);
    await json(db, 'close', '--period', '2026-03');
    // As a Sync from a sheet with typos would: a new agency "Oakrige Home Helth", a new therapist "Tom Beckr", their visits.
    repeatOf = await onFile(db, async (rt) => {
      const { store, cipher } = rt.ctx;
      const agencies = await upsertAgencies(rt.ctx, rt.orgId, [{ name: 'Oakrige Home Helth' }, { name: 'Spare Agency' }]);
      const therapists = await upsertTherapists(rt.ctx, rt.orgId, [{ name: 'Tom Beckr', disciplines: ['PT'] }]);
      if (!agencies.ok || !therapists.ok) throw new Error('the typo records were refused');
      const typoAgency = agencies.value[0]!.id;
      const tom = (await store.listTherapists(rt.orgId)).find((t) => t.name === 'Tom Becker')!;
      const march = (await store.listVisits(rt.orgId, { therapistId: tom.id }))[0]!;
      const patient = cipher.openJson<Patient>(march.patient);
      const visit = (clientId: string, therapistId: string, date: string) => ({
        clientId,
        agencyId: typoAgency,
        therapistId,
        patient,
        date,
        discipline: march.discipline,
        visitType: march.visitType,
        noteDone: true,
      });
      const stored = await upsertVisits(rt.ctx, rt.orgId, [
        visit('typo-1', tom.id, '2026-04-02'),
        visit('typo-2', therapists.value[0]!.id, '2026-04-03'),
        // The same visit as one already billed under Oakridge Home Health, only under the typo.
        { ...visit('typo-3', tom.id, march.date), agencyId: typoAgency },
      ]);
      if (!stored.ok) throw new Error(stored.error.message);
      return { id: stored.value[2]!.visitId, date: march.date };
    });
  });

  it('lists the agencies and therapists, the typos among them', async () => {
    const { agencies } = await json(db, 'agencies');
    expect(agencies.map((a: Named) => a.name)).toEqual([
      'Lakeside Home Care LLC',
      'Oakridge Home Health',
      'Oakrige Home Helth',
      'Spare Agency',
      'Summit Visiting Health',
    ]);
    expect(agencies[1]).toMatchObject({
      aliases: ['Oakridge'],
      billingCycle: { kind: 'monthly' },
      termsDays: 30,
      patientLabel: 'name',
      email: null,
      address: null,
      active: true,
    });
    const text = await visitledger(db, 'agencies');
    expect(text.stdout).toMatch(/^Agency\s+Billing cycle\s+Terms\s+Patients as\s+Email\s+Address\s+Also spelled$/m);
    expect(text.stdout).toMatch(/^Oakridge Home Health\s+Monthly\s+Net 30\s+name\s+Oakridge$/m);
    const { therapists } = await json(db, 'therapists');
    expect(therapists.map((t: Named) => t.name)).toEqual(['Lena Fischer', 'Omar Haddad', 'Tom Becker', 'Tom Beckr']);
    expect(therapists[2]).toMatchObject({ disciplines: ['PT'], email: null, w9: null, withoutW9: 'hold', tinIncorrect: false });
    expect((await visitledger(db, 'therapists')).stdout).toMatch(/^Tom Becker\s+PT\s+none\s+pay held\s*$/m);
  });

  it('changes an agency and a therapist, naming a bad option as typed', async () => {
    const set = await json(
      db,
      'agency',
      'set',
      'oakridge home health',
      '--billing-cycle',
      'Biweekly from 2026-01-05',
      '--terms',
      'Net 45',
      '--email',
      'ap@oakridge.example',
      '--address',
      '12 Main St, Suite 4, Springfield, il 62701',
      '--patient-label',
      'initials-mrn',
    );
    expect(set.agency).toMatchObject({
      name: 'Oakridge Home Health',
      billingCycle: { kind: 'biweekly', anchor: '2026-01-05' },
      termsDays: 45,
      email: 'ap@oakridge.example',
      address: { line1: '12 Main St', line2: 'Suite 4', city: 'Springfield', state: 'IL', zip: '62701' },
      patientLabel: 'initials-mrn',
      aliases: ['Oakridge'],
    });
    const text = await visitledger(
      db,
      'agency',
      'set',
      'Oakridge Home Health',
      '--billing-cycle',
      'monthly',
      '--terms',
      '30',
      '--patient-label',
      'name',
    );
    expect(text.stdout).toMatch(
      /^Oakridge Home Health\s+Monthly\s+Net 30\s+name\s+ap@oakridge\.example\s+12 Main St, Suite 4, Springfield, IL 62701/m,
    );
    const refusals: [string[], string][] = [
      [
        ['--billing-cycle', 'fortnightly'],
        'error: --billing-cycle: "fortnightly" is not a billing cycle; write one of Monthly, Semi-monthly',
      ],
      [['--email', 'not-an-email'], 'error: --email: must be an email address'],
      [['--terms', '400'], 'error: --terms: "400" is not a number of days from 0 to 365'],
      [
        ['--address', '12 Main St'],
        'error: --address: "12 Main St" is not an address written as "12 Main St[, Suite 4], Springfield, IL 62701"',
      ],
      [['--patient-label', 'initials'], 'error: --patient-label: "initials" is not one of name, initials-mrn, mrn'],
    ];
    for (const [options, message] of refusals) {
      const refused = await visitledger(db, 'agency', 'set', 'Oakridge Home Health', ...options);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.startsWith(message)).toBe(true);
    }
    const typo = await visitledger(db, 'agency', 'set', 'Lakeside Home Cre', '--terms', '15');
    expect(typo.stderr).toMatch(/^error: no agency called "Lakeside Home Cre"\. Did you mean "Lakeside Home Care LLC"\?/);

    const therapist = await json(db, 'therapist', 'set', 'Tom Becker', '--email', 'tom@example.com', '--without-w9', 'withhold');
    expect(therapist.therapist).toMatchObject({ name: 'Tom Becker', email: 'tom@example.com', withoutW9: 'withhold', disciplines: ['PT'] });
    const badDiscipline = await visitledger(db, 'therapist', 'set', 'Tom Becker', '--disciplines', 'PT,XX');
    expect(badDiscipline.stderr).toMatch(/^error: --disciplines: "XX" is not one of PT, /);
    const unknownVerb = await visitledger(db, 'agency', 'rename', 'Spare Agency');
    expect(unknownVerb.stderr).toBe('error: agency needs set, merge or delete: visitledger agency set NAME ...\n');
    const oneName = await visitledger(db, 'agency', 'merge', 'Oakrige Home Helth');
    expect(oneName.stderr).toMatch(/^error: agency merge needs two names/);
    const setOption = await visitledger(db, 'agency', 'delete', 'Spare Agency', '--terms', '15');
    expect(setOption.stderr).toBe('error: --terms: only agency set takes these\n');
  });

  it('merges a typo agency and a typo therapist into the ones they meant, audited, and the next close bills them there', async () => {
    const wrongInto = await visitledger(db, 'agency', 'merge', 'Oakrige Home Helth', 'Oakridge Home Helth');
    expect(wrongInto.code).toBe(2);
    expect(wrongInto.stderr).toMatch(/^error: no agency called "Oakridge Home Helth"\. Did you mean "Oakridge Home Health"/);

    // One of its visits repeats a visit Oakridge Home Health already has: merged, it would be billed twice.
    const repeated = await visitledger(db, 'agency', 'merge', 'Oakrige Home Helth', 'Oakridge Home Health');
    expect(repeated.code).toBe(1);
    expect(repeated.stderr).toContain(
      `error: "Oakrige Home Helth" cannot be merged into "Oakridge Home Health": 1 of its visits would repeat visits already stored under the other`,
    );
    expect(repeated.stderr).toContain(`visit ${repeatOf.id} (${repeatOf.date}) repeats visit`);
    await onFile(db, async (rt) => {
      const withdrawn = await withdrawVisits(rt.ctx, rt.orgId, { clientIds: ['typo-3'] });
      if (!withdrawn.ok) throw new Error(withdrawn.error.message);
    });

    const merged = await visitledger(db, 'agency', 'merge', 'Oakrige Home Helth', 'Oakridge Home Health');
    expect(merged.stderr).toBe('');
    expect(merged.stdout).toBe(
      'merged agency "Oakrige Home Helth" into "Oakridge Home Health": 2 visits moved\n' +
        '  "Oakrige Home Helth" is now one of the spellings of "Oakridge Home Health"; the next import matches it there\n',
    );
    const agencies = (await json(db, 'agencies')).agencies as Named[];
    const oakridge = agencies.find((a) => a.name === 'Oakridge Home Health')!;
    expect(oakridge.aliases).toEqual(['Oakridge', 'Oakrige Home Helth']);
    expect(agencies.map((a) => a.name)).not.toContain('Oakrige Home Helth');

    const therapist = await json(db, 'therapist', 'merge', 'Tom Beckr', 'Tom Becker');
    expect(therapist).toMatchObject({
      kind: 'therapist',
      from: { name: 'Tom Beckr' },
      into: { name: 'Tom Becker', aliases: ['Tom Beckr'] },
      visits: 1,
      billRates: 0,
      payRates: 0,
    });

    const audit = await onFile(db, async (rt) => ({
      agency: await rt.ctx.store.listAudit(rt.orgId, { recordId: oakridge.id }),
      therapist: await rt.ctx.store.listAudit(rt.orgId, { recordId: therapist.into.id }),
      typo: await rt.ctx.store.listAudit(rt.orgId, { recordId: therapist.from.id }),
    }));
    expect(audit.agency).toContainEqual(
      expect.objectContaining({
        actor: 'cli',
        action: 'update',
        recordType: 'agency',
        detail: expect.stringMatching(/^merged agency .* \("Oakrige Home Helth"\) into it: 2 visits, 0 bill rates, 0 pay rates moved$/),
      }),
    );
    expect(audit.therapist).toContainEqual(expect.objectContaining({ action: 'update', recordType: 'therapist', actor: 'cli' }));
    expect(audit.typo).toContainEqual(
      expect.objectContaining({
        action: 'delete',
        recordType: 'therapist',
        detail: `merged into therapist ${therapist.into.id} ("Tom Becker")`,
      }),
    );

    // April's close bills the moved visits to Oakridge Home Health and pays Tom Becker for them.
    const april = await json(db, 'close', '--period', '2026-04');
    const invoice = april.invoices.find((i: { agency: string }) => i.agency === 'Oakridge Home Health');
    expect(invoice.lines.map((l: { date: string; therapist: string }) => [l.date, l.therapist])).toEqual([
      ['2026-04-02', 'Tom Becker'],
      ['2026-04-03', 'Tom Becker'],
    ]);
  });

  it('refuses a merge or a delete once invoices or pay name the record, and deletes one with nothing attached', async () => {
    const invoiced = await visitledger(db, 'agency', 'merge', 'Summit Visiting Health', 'Oakridge Home Health');
    expect(invoiced.code).toBe(1);
    expect(invoiced.stderr).toMatch(
      /^error: "Summit Visiting Health" cannot be merged into "Oakridge Home Health": it has 1 invoice, 1 visit on an invoice, 1 visit in a pay run and 5 rates that differ from the other one at the same dates\. An agency that has been invoiced or paid keeps its records as they are/,
    );
    const paid = await visitledger(db, 'therapist', 'merge', 'Lena Fischer', 'Tom Becker');
    expect(paid.stderr).toMatch(
      /^error: "Lena Fischer" cannot be merged into "Tom Becker": it has 2 visits on invoices and 2 visits in pay runs\./,
    );
    const withVisits = await visitledger(db, 'agency', 'delete', 'Summit Visiting Health');
    expect(withVisits.stderr).toMatch(
      /^error: "Summit Visiting Health" cannot be deleted: it has 1 invoice, 1 visit on an invoice, 1 visit in a pay run, 1 visit and 5 rates\. Only an agency with nothing attached/,
    );
    expect(withVisits.stderr).toContain('merged into the agency it meant');

    const deleted = await visitledger(db, 'agency', 'delete', 'Spare Agency');
    expect(deleted.stdout).toBe('deleted agency "Spare Agency"\n');
    expect((await json(db, 'agencies')).agencies.map((a: Named) => a.name)).not.toContain('Spare Agency');
    const gone = await visitledger(db, 'agency', 'delete', 'Spare Agency');
    expect(gone.stderr).toMatch(/^error: no agency called "Spare Agency"/);
  });
});
