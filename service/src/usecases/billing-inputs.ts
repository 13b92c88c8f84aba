/** The org data a close or a pay run computes from, loaded once per call. */
import {
  buildRateBook,
  buildVocabulary,
  type Agency,
  type HeldVisit,
  type OrgSettings,
  type RateBook,
  type Vocabulary,
} from '../../../shared/index.ts';
import type { BillingVisit, StoredTherapist } from '../store/port.ts';
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
    ctx.store.listAgencies(orgId),
    ctx.store.listTherapists(orgId),
    ctx.store.listBillRates(orgId),
    ctx.store.listPayRates(orgId),
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

/**
 * The store's seqs of the visits a draft put on its lines, for its commit: every visit passed
 * to the billing core but the held ones (it prices each visit or holds it). Undefined when a
 * visit came without a seq: the store then finds them by id.
 */
export function seqsOnLines(visits: readonly BillingVisit[], held: readonly HeldVisit[]): number[] | undefined {
  const heldIds = new Set(held.map((h) => h.visitId));
  const seqs: number[] = [];
  for (const v of visits) {
    if (v.seq === undefined) return undefined;
    if (heldIds.size === 0 || !heldIds.has(v.id)) seqs.push(v.seq);
  }
  return seqs;
}
