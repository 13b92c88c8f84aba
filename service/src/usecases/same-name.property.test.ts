/**
 * One meaning of "the same name": spellings equal under nameKey (case, accents, spacing)
 * are one agency or therapist in the importer, in the rate sheets and in the directory
 * alike, so that an import never files as two what the directory keeps as one, or back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVocabulary, importLegacyVisits, nameKey, readAgencyRateMatrix, readTherapistPaySheet } from '../../../shared/index.ts';
import { expectOk } from '../../../shared/test-support/results.ts';
import { aUseCaseContext, type TestContext } from '../test-support/use-case-context.ts';
import { listAgencies, listTherapists, upsertAgencies, upsertTherapists } from './directory.ts';
import { importLegacy } from './import.ts';
import { ensureOrg } from './orgs.ts';

/** Ways to write each letter that nameKey reads as that letter. No t, p or h, so no name reads as a rate header ("PT Eval"). */
const SPELLINGS: Record<string, readonly string[]> = {
  a: ['a', 'A', 'á', 'Á', 'ä', 'à', 'a\u0301'],
  e: ['e', 'E', 'é', 'É', 'è', 'ê', 'e\u0301'],
  o: ['o', 'O', 'ó', 'Ö', 'ô'],
  i: ['i', 'I', 'í', 'Î'],
  u: ['u', 'U', 'ú', 'Ü'],
  n: ['n', 'N', 'ñ', 'Ñ'],
  c: ['c', 'C', 'ç', 'Ç'],
  r: ['r', 'R'],
  s: ['s', 'S'],
  d: ['d', 'D'],
  l: ['l', 'L'],
  m: ['m', 'M'],
};
const BETWEEN_WORDS = [' ', '  ', '\u00A0', ' \u200B', '\t'];

const word = fc.array(fc.constantFrom(...Object.keys(SPELLINGS)), { minLength: 3, maxLength: 8 });
const baseName = fc.array(word, { minLength: 1, maxLength: 3 });

function spelling(base: readonly (readonly string[])[]): fc.Arbitrary<string> {
  const words = base.map((letters) => fc.tuple(...letters.map((l) => fc.constantFrom(...SPELLINGS[l]!))).map((ls) => ls.join('')));
  const gaps = base.slice(1).map(() => fc.constantFrom(...BETWEEN_WORDS));
  return fc
    .tuple(fc.tuple(...words), fc.tuple(...gaps), fc.constantFrom('', ' '), fc.constantFrom('', '  '))
    .map(([ws, gs, before, after]) => before + ws.map((w, i) => (i === 0 ? w : gs[i - 1] + w)).join('') + after);
}

/** Two spellings of one name. */
const twoSpellings = baseName.chain((base) => fc.tuple(spelling(base), spelling(base)));

const vocabulary = buildVocabulary();
const VISIT_HEADER = ['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit'];
const visitRows = (first: string, second: string) => [
  VISIT_HEADER,
  [first, '3/2/2026', first, 'Alvarez, Rosa', 'PT', 'Eval'],
  [second, '3/3/2026', second, 'Nguyen, Bao', 'PT', 'Eval'],
];

/** Checks `check` on pairs of spellings, each pair in an org of its own, all in one real SQLite store. */
async function inFreshOrgs(
  numRuns: number,
  check: (ctx: TestContext, orgId: string, spellings: [string, string]) => Promise<void>,
): Promise<void> {
  const ctx = aUseCaseContext({ now: '2026-04-02T15:00:00.000Z' }); // after the visits of visitRows
  let run = 0;
  await fc.assert(
    fc.asyncProperty(twoSpellings, async (spellings) => {
      const orgId = `org-${++run}`;
      await ensureOrg(ctx, orgId, 'Test org');
      await check(ctx, orgId, spellings);
    }),
    { numRuns },
  );
}

describe('names equal under nameKey are one directory entry', () => {
  it('the generator writes one name two ways', () => {
    fc.assert(
      fc.property(twoSpellings, ([a, b]) => {
        expect(nameKey(a)).toBe(nameKey(b));
      }),
    );
  });

  it('in the importer: two rows with the two spellings create one agency and one therapist', () => {
    fc.assert(
      fc.property(twoSpellings, ([a, b]) => {
        const report = expectOk(importLegacyVisits(visitRows(a, b), { vocabulary, agencies: [], therapists: [], unknownNames: 'create' }));
        expect(report.newAgencies.map((e) => e.rows)).toEqual([[2, 3]]);
        expect(report.newTherapists.map((e) => e.rows)).toEqual([[2, 3]]);
        expect(report.rows.map((r) => r.outcome)).toEqual(['visit', 'visit']);
      }),
    );
  });

  it('in the rate sheets: the second spelling is the same agency or therapist, not a new one', () => {
    fc.assert(
      fc.property(twoSpellings, ([a, b]) => {
        const options = { vocabulary, effectiveFrom: '2026-01-01' };
        const matrix = readAgencyRateMatrix(
          [
            ['Agency', 'PT Eval'],
            [a, '95'],
            [b, '96'],
          ],
          options,
        );
        expect(matrix.agencies).toEqual([a.trim()]);
        expect(matrix.errors.map((e) => [e.code, e.row])).toEqual([['duplicate-agency', 3]]);
        const pay = readTherapistPaySheet(
          [
            ['Therapist', 'PT Eval', 'PT Visit'],
            [a, '60', ''],
            [b, '', '45'],
          ],
          options,
        );
        expect(pay.therapists).toEqual([{ name: a.trim(), disciplines: ['PT'] }]);
        expect(pay.rates.map((r) => [r.therapistName, r.visitType])).toEqual([
          [a.trim(), 'EVAL'],
          [b.trim(), 'ROUTINE'],
        ]);
      }),
    );
  });

  it('in the directory: saving the second spelling updates the entry saved under the first', async () => {
    await inFreshOrgs(30, async (ctx, orgId, [a, b]) => {
      const agency = expectOk(await upsertAgencies(ctx, orgId, [{ name: a }]), 'first agency')[0]!;
      expect(expectOk(await upsertAgencies(ctx, orgId, [{ name: b, termsDays: 45 }]), 'second agency')).toMatchObject([
        { id: agency.id, termsDays: 45 },
      ]);
      expect(expectOk(await listAgencies(ctx, orgId))).toHaveLength(1);
      const therapist = expectOk(await upsertTherapists(ctx, orgId, [{ name: a }]), 'first therapist')[0]!;
      expect(expectOk(await upsertTherapists(ctx, orgId, [{ name: b }]), 'second therapist')).toMatchObject([{ id: therapist.id }]);
      expect(expectOk(await listTherapists(ctx, orgId))).toHaveLength(1);
    });
  });

  it("through the import use case: the sheets' two spellings and the stored one are one agency and one therapist", async () => {
    await inFreshOrgs(20, async (ctx, orgId, [a, b]) => {
      const [therapist] = expectOk(await upsertTherapists(ctx, orgId, [{ name: a }]));
      const imported = expectOk(
        await importLegacy(ctx, orgId, {
          visits: visitRows(b, a),
          rates: [
            ['Agency', 'PT Eval'],
            [a, '95'],
            [b, '95'],
          ],
          payRates: [
            ['Therapist', 'PT Eval'],
            [b, '60'],
          ],
          commit: true,
        }),
      );
      expect(imported.sheetProblems.map((p) => [p.sheet, p.row])).toEqual([['rates', 3]]);
      expect(imported.committed).toMatchObject({ agencies: 1, therapists: 0, billRates: 1, payRates: 1, visits: 2 });
      expect(await ctx.store.listAgencies(orgId)).toHaveLength(1);
      expect((await ctx.store.listTherapists(orgId)).map((e) => e.id)).toEqual([therapist!.id]);
    });
  });
});
