/** Agencies, therapists and their rates: batches the sheet pushes, checked whole before anything is stored. */
import {
  listAgencies,
  listRates,
  listTherapists,
  putBillRates,
  putPayRates,
  upsertAgencies,
  upsertTherapists,
} from '../../usecases/directory.ts';
import { ok } from '../../../../shared/index.ts';
import { pageInMemory } from '../../usecases/paging.ts';
import { listed, pagedWhole, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import {
  listAgenciesSpec,
  listRatesSpec,
  listTherapistsSpec,
  putBillRatesSpec,
  putPayRatesSpec,
  upsertAgenciesSpec,
  upsertTherapistsSpec,
} from './directory.schema.ts';

export const directoryRoutes = [
  route(listAgenciesSpec, ({ params, query, ctx }) =>
    pagedWhole('agencies', listAgencies(ctx, params.orgId), (a) => [a.id], pageOf(query)),
  ),
  route(upsertAgenciesSpec, ({ params, body, ctx }) => listed('agencies', upsertAgencies(ctx, params.orgId, body.agencies))),
  route(listTherapistsSpec, ({ params, query, ctx }) =>
    pagedWhole('therapists', listTherapists(ctx, params.orgId), (t) => [t.id], pageOf(query)),
  ),
  route(upsertTherapistsSpec, ({ params, body, ctx }) => listed('therapists', upsertTherapists(ctx, params.orgId, body.therapists))),
  route(listRatesSpec, async ({ params, query, ctx }) => {
    const rates = await listRates(ctx, params.orgId);
    if (!rates.ok) return rates;
    // One page runs through the bill rates, then the pay rates: each keyed by its kind, then its own fields.
    const all = [
      ...rates.value.billRates.map((rate) => ({
        kind: 'bill' as const,
        rate,
        key: ['bill', rate.agencyId, rate.discipline, rate.visitType, rate.effectiveFrom],
      })),
      ...rates.value.payRates.map((rate) => ({
        kind: 'pay' as const,
        rate,
        key: ['pay', rate.therapistId, rate.agencyId ?? '', rate.discipline, rate.visitType, rate.effectiveFrom],
      })),
    ];
    const page = pageInMemory(all, (r) => r.key, pageOf(query));
    return ok({
      billRates: page.items.flatMap((r) => (r.kind === 'bill' ? [r.rate] : [])),
      payRates: page.items.flatMap((r) => (r.kind === 'pay' ? [r.rate] : [])),
      nextCursor: page.nextCursor,
    });
  }),
  route(putBillRatesSpec, ({ params, body, ctx }) => listed('rates', putBillRates(ctx, params.orgId, body.rates))),
  route(putPayRatesSpec, ({ params, body, ctx }) => listed('rates', putPayRates(ctx, params.orgId, body.rates))),
];
