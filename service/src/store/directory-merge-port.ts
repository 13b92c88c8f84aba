/**
 * Undoing an agency or a therapist made by a typo: merged into the one it meant (its visits,
 * rates and spellings moved, the typo deleted) or, with nothing attached, deleted. Each is one
 * store method, so an adapter checks what would stop it in the same transaction that writes:
 * no invoice, receipt or pay is ever left naming a record that is gone.
 */
import type { Agency, BillRate, PayRate } from '../../../shared/index.ts';
import type { StoredTherapist } from './port.ts';

/**
 * What names the record and must keep naming it. Refuses a merge: `invoices` (issued to the
 * agency), `receipts`, `portal-links` and `therapist-links` (live ones), `billed-visits` and
 * `paid-visits` (on an invoice or in a pay run here; visits settled outside VisitLedger move),
 * `payments`, `stripe-account`, `w9` (on file or signed on the therapist's page), `rate-clash`
 * (a rate of both at the same key with different amounts) and `busy` (a close or a pay run is
 * in flight, where closes take more than one transaction). A delete is refused by all of these
 * and by `visits` and `rates`.
 */
export const DIRECTORY_BLOCKERS = [
  'invoices',
  'receipts',
  'portal-links',
  'therapist-links',
  'billed-visits',
  'paid-visits',
  'payments',
  'stripe-account',
  'w9',
  'rate-clash',
  'busy',
  'visits',
  'rates',
] as const;
export type DirectoryBlocker = (typeof DIRECTORY_BLOCKERS)[number];
export type Blockers = { kind: DirectoryBlocker; count: number }[];

/** A visit moved by a merge, with its duplicate key recomputed under its new agency or therapist (the store cannot: the patient is sealed). */
export type MovedVisit = { id: string; dupKey: string };

/** `moves`: every visit of the merged record, as the caller read them; a visit added or taken meanwhile makes the merge `changed`. */
export type AgencyMerge = { fromId: string; into: Agency; moves: readonly MovedVisit[] };
export type TherapistMerge = { fromId: string; into: StoredTherapist; moves: readonly MovedVisit[] };

export type MergeOutcome =
  | { status: 'merged'; visits: number; billRates: number; payRates: number }
  | { status: 'blocked'; blockers: Blockers }
  /** The merged record's visits are not the ones the caller read: read them again. */
  | { status: 'changed' }
  /** The record to merge (or the one to merge into) is not there. */
  | { status: 'missing'; id: string };

export type DeleteOutcome = { status: 'deleted' } | { status: 'blocked'; blockers: Blockers } | { status: 'missing'; id: string };

export interface DirectoryMergeStore {
  /**
   * Moves the visits (with their new duplicate keys), bill rates and per-agency pay rates of
   * agency `fromId` to `into.id`, writes `into` (its aliases already extended by the caller) and
   * deletes `fromId`, when nothing blocks it; otherwise writes nothing and says what blocks it.
   */
  mergeAgency(orgId: string, merge: AgencyMerge): Promise<MergeOutcome>;
  /** The same for a therapist: visits and pay rates move. */
  mergeTherapist(orgId: string, merge: TherapistMerge): Promise<MergeOutcome>;
  /** Deletes an agency that nothing names: no visit, rate, invoice, receipt or portal link. */
  deleteAgency(orgId: string, agencyId: string): Promise<DeleteOutcome>;
  /** Deletes a therapist that nothing names: no visit, pay rate, payment, link, Stripe account or W-9. */
  deleteTherapist(orgId: string, therapistId: string): Promise<DeleteOutcome>;
}

/** Counts as blockers, leaving out the zeros. */
export function blockersOf(counts: Partial<Record<DirectoryBlocker, number>>): Blockers {
  return DIRECTORY_BLOCKERS.flatMap((kind) => ((counts[kind] ?? 0) > 0 ? [{ kind, count: counts[kind]! }] : []));
}

type Rate = BillRate | PayRate;

/**
 * The rates of the merged record under the kept one: `moved` are the rewritten rates the kept
 * one lacks; a rate it has at the same key with the same amount is dropped; with another
 * amount it is a clash (nothing decides which amount is right).
 */
export function ratesMoved<R extends Rate>(
  from: readonly R[],
  into: readonly R[],
  rewrite: (rate: R) => R,
  key: (rate: R) => string,
): { moved: R[]; clashes: number } {
  const kept = new Map(into.map((r) => [key(r), r.cents]));
  const moved: R[] = [];
  let clashes = 0;
  for (const rate of from.map(rewrite)) {
    const cents = kept.get(key(rate));
    if (cents === undefined) {
      moved.push(rate);
      kept.set(key(rate), rate.cents);
    } else if (cents !== rate.cents) clashes += 1;
  }
  return { moved, clashes };
}

export const billRateKey = (r: BillRate) => [r.agencyId, r.discipline, r.visitType, r.effectiveFrom].join('|');
export const payRateKey = (r: PayRate) => [r.therapistId, r.agencyId ?? '', r.discipline, r.visitType, r.effectiveFrom].join('|');

/** What an adapter reads, in its transaction, of the records that name the agency or therapist to merge or delete. */
export type Attached = {
  /** Its visits; `billed` and `paid` here (a visit settled outside VisitLedger is neither). */
  visits: readonly { id: string; billed: boolean; paid: boolean }[];
  invoices: number;
  receipts: number;
  /** Live links only: a revoked one opens nothing. */
  portalLinks: number;
  therapistLinks: number;
  payments: number;
  stripeAccount: boolean;
  w9: boolean;
  busy: boolean;
  billRates: readonly BillRate[];
  payRates: readonly PayRate[];
};

/** Everything the two adapters read that may be absent for a kind (a therapist has no invoices). */
export const NOTHING_ATTACHED: Attached = {
  visits: [],
  invoices: 0,
  receipts: 0,
  portalLinks: 0,
  therapistLinks: 0,
  payments: 0,
  stripeAccount: false,
  w9: false,
  busy: false,
  billRates: [],
  payRates: [],
};

function issuedBlockers(a: Attached): Partial<Record<DirectoryBlocker, number>> {
  return {
    invoices: a.invoices,
    receipts: a.receipts,
    'portal-links': a.portalLinks,
    'therapist-links': a.therapistLinks,
    'billed-visits': a.visits.filter((v) => v.billed).length,
    'paid-visits': a.visits.filter((v) => v.paid).length,
    payments: a.payments,
    'stripe-account': a.stripeAccount ? 1 : 0,
    w9: a.w9 ? 1 : 0,
    busy: a.busy ? 1 : 0,
  };
}

export type MergePlan =
  | { status: 'go'; billRates: BillRate[]; payRates: PayRate[] }
  | Extract<MergeOutcome, { status: 'blocked' } | { status: 'changed' }>;

/**
 * Whether a merge may go ahead, from what the adapter read of the merged record (`from`) and
 * the kept one's rates (`into`), and the rates it then writes under the kept one.
 */
export function planMerge(
  kind: 'agency' | 'therapist',
  intoId: string,
  moves: readonly MovedVisit[],
  from: Attached,
  into: Pick<Attached, 'billRates' | 'payRates'>,
): MergePlan {
  const moving = new Set(moves.map((m) => m.id));
  if (moving.size !== from.visits.length || from.visits.some((v) => !moving.has(v.id))) return { status: 'changed' };
  const bill = ratesMoved(from.billRates, into.billRates, (r) => ({ ...r, agencyId: intoId }), billRateKey);
  const pay = ratesMoved(
    from.payRates,
    into.payRates,
    (r) => (kind === 'agency' ? { ...r, agencyId: intoId } : { ...r, therapistId: intoId }),
    payRateKey,
  );
  const blockers = blockersOf({ ...issuedBlockers(from), 'rate-clash': bill.clashes + pay.clashes });
  return blockers.length ? { status: 'blocked', blockers } : { status: 'go', billRates: bill.moved, payRates: pay.moved };
}

/** What stops a delete: anything attached at all. */
export function deleteBlockers(a: Attached): Blockers {
  return blockersOf({ ...issuedBlockers(a), visits: a.visits.length, rates: a.billRates.length + a.payRates.length });
}
