/**
 * The org the close benches seed through the use cases: agencies, therapists (one discipline
 * each), a bill rate for every agency, discipline and visit type, a pay rate for every
 * therapist and visit type, and a January of visits spread over them, no two alike.
 */
import type { UseCaseContext } from '../service/src/usecases/context.ts';
import { putBillRates, putPayRates, upsertAgencies, upsertTherapists } from '../service/src/usecases/directory.ts';
import { createOrg } from '../service/src/usecases/orgs.ts';
import type { VisitRow } from '../service/src/usecases/visits.ts';

const DISCIPLINES = ['PT', 'OT', 'ST', 'PTA', 'COTA'] as const;
const TYPES = ['EVAL', 'REEVAL', 'ROUTINE', 'DC'] as const;

export function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Creates the org (monthly payroll) with its agencies, therapists and rates; returns `visits` January visit rows over them. */
export async function seedOrg(
  ctx: UseCaseContext,
  orgId: string,
  size: { agencies: number; therapists: number; visits: number },
): Promise<VisitRow[]> {
  must(await createOrg(ctx, { id: orgId, settings: { name: `Org ${orgId}`, payrollCycle: { kind: 'monthly' } } }));
  const agencies = must(
    await upsertAgencies(
      ctx,
      orgId,
      Array.from({ length: size.agencies }, (_, i) => ({ name: `Agency ${i}` })),
    ),
  );
  const therapists = must(
    await upsertTherapists(
      ctx,
      orgId,
      Array.from({ length: size.therapists }, (_, i) => ({ name: `Therapist ${i}`, disciplines: [DISCIPLINES[i % 5]!] })),
    ),
  );
  must(
    await putBillRates(
      ctx,
      orgId,
      agencies.flatMap((a, i) =>
        DISCIPLINES.flatMap((d) =>
          TYPES.map((t) => ({ agencyId: a.id, discipline: d, visitType: t, cents: 8000 + i * 10, effectiveFrom: '2026-01-01' })),
        ),
      ),
    ),
  );
  must(
    await putPayRates(
      ctx,
      orgId,
      therapists.flatMap((th) =>
        TYPES.map((t) => ({ therapistId: th.id, discipline: th.disciplines[0]!, visitType: t, cents: 5000, effectiveFrom: '2026-01-01' })),
      ),
    ),
  );
  return Array.from({ length: size.visits }, (_, i) => {
    const therapist = therapists[i % size.therapists]!;
    return {
      clientId: `c${i}`,
      agencyId: agencies[(i * 7) % size.agencies]!.id,
      therapistId: therapist.id,
      patient: { name: `Patient ${i % 5000}`, mrn: `M${i % 5000}` },
      date: `2026-01-${String(1 + (i % 31)).padStart(2, '0')}`,
      discipline: therapist.disciplines[0]!,
      visitType: TYPES[i % 4]!,
      noteDone: true,
    };
  });
}
