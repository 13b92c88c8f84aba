/** The org data a close or a pay run computes from, loaded once per call. */
import { buildRateBook, buildVocabulary, type Agency, type OrgSettings, type RateBook, type Vocabulary } from '../../../shared/index.ts';
import type { StoredTherapist } from '../store/port.ts';
import type { UseCaseContext } from './context.ts';

export type BillingInputs = {
  agencies: Map<string, Agency>;
  therapists: Map<string, StoredTherapist>;
  rates: RateBook;
  vocabulary: Vocabulary;
  agencyName: (id: string) => string;
  therapistName: (id: string) => string;
};

export async function loadBillingInputs(ctx: UseCaseContext, orgId: string, settings: OrgSettings): Promise<BillingInputs> {
  const [agencies, therapists, billRates, payRates] = await Promise.all([
    ctx.store.listAgencies(orgId), ctx.store.listTherapists(orgId), ctx.store.listBillRates(orgId), ctx.store.listPayRates(orgId),
  ]);
  const agencyMap = new Map(agencies.map((a) => [a.id, a]));
  const therapistMap = new Map(therapists.map((t) => [t.id, t]));
  return {
    agencies: agencyMap,
    therapists: therapistMap,
    rates: buildRateBook(billRates, payRates),
    vocabulary: buildVocabulary(settings),
    agencyName: (id) => agencyMap.get(id)?.name ?? id,
    therapistName: (id) => therapistMap.get(id)?.name ?? id,
  };
}
