/**
 * A directory of numbered agencies and therapists put through the API (the load bench, the
 * service crash walk): "Agency i" and "Therapist i", PT only, routine and evaluation rates.
 */

type Api = (method: string, path: string, body?: unknown) => Promise<any>;

/** An agency's bill rate by visit type, from its index. */
export const NUMBERED_BILL = { ROUTINE: (agency: number) => 8_000 + agency * 100, EVAL: (agency: number) => 12_500 + agency * 100 };

/** The agencies and therapists, their bill rates (NUMBERED_BILL) and one pay rate for all, from 2026-01-01; their ids in index order. */
export async function seedNumberedDirectory(
  api: Api,
  counts: { agencies: number; therapists: number },
  payCents: number,
): Promise<{ agencyIds: string[]; therapistIds: string[] }> {
  const agencies = await api('post', '/agencies', {
    agencies: Array.from({ length: counts.agencies }, (_, i) => ({ name: `Agency ${i}` })),
  });
  const agencyIds = (agencies.agencies as { id: string }[]).map((a) => a.id);
  const therapists = await api('post', '/therapists', {
    therapists: Array.from({ length: counts.therapists }, (_, i) => ({ name: `Therapist ${i}`, disciplines: ['PT'] })),
  });
  const therapistIds = (therapists.therapists as { id: string }[]).map((t) => t.id);
  await putPtRates(api, { agencyIds, therapistIds }, { bill: (visitType, i) => NUMBERED_BILL[visitType](i), pay: () => payCents });
  return { agencyIds, therapistIds };
}

type VisitType = 'ROUTINE' | 'EVAL';

/** PT bill rates for each agency and pay rates for each therapist, routine and evaluation, from 2026-01-01; each rate from the visit type and the index. */
export async function putPtRates(
  api: Api,
  ids: { agencyIds: readonly string[]; therapistIds: readonly string[] },
  cents: { bill(visitType: VisitType, agency: number): number; pay(visitType: VisitType, therapist: number): number },
): Promise<void> {
  const rates = <K extends string>(key: K, ids: readonly string[], centsOf: (visitType: VisitType, i: number) => number) =>
    ids.flatMap((id, i) =>
      (['ROUTINE', 'EVAL'] as const).map((visitType) => ({
        [key]: id,
        discipline: 'PT',
        visitType,
        cents: centsOf(visitType, i),
        effectiveFrom: '2026-01-01',
      })),
    );
  await api('post', '/rates/bill', { rates: rates('agencyId', ids.agencyIds, cents.bill) });
  await api('post', '/rates/pay', { rates: rates('therapistId', ids.therapistIds, cents.pay) });
}

/** `count` visits of a month of `days` days: agencies in turn, therapists 7 apart, every 10th an evaluation, 700 patients; client ids `<prefix>-<month>-<i>`. */
export function numberedVisits(
  ids: { agencyIds: readonly string[]; therapistIds: readonly string[] },
  prefix: string,
  month: string,
  days: number,
  count: number,
) {
  return Array.from({ length: count }, (_, i) => ({
    clientId: `${prefix}-${month}-${i}`,
    agencyId: ids.agencyIds[i % ids.agencyIds.length]!,
    therapistId: ids.therapistIds[(i * 7) % ids.therapistIds.length]!,
    patient: { name: `Patient ${i % 700}, Test`, mrn: `MR${i % 700}` },
    date: `${month}-${String(1 + (i % days)).padStart(2, '0')}`,
    discipline: 'PT',
    visitType: i % 10 === 0 ? 'EVAL' : 'ROUTINE',
    noteDone: true,
  }));
}
