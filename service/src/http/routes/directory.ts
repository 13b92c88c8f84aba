/** Agencies, therapists and their rates: batches the sheet pushes, checked whole before anything is stored. */
import { listAgencies, listRates, listTherapists, putBillRates, putPayRates, upsertAgencies, upsertTherapists } from '../../usecases/directory.ts';
import { listed, route } from '../route.ts';
import {
  listAgenciesSpec, listRatesSpec, listTherapistsSpec, putBillRatesSpec, putPayRatesSpec, upsertAgenciesSpec, upsertTherapistsSpec,
} from './directory.schema.ts';

export const directoryRoutes = [
  route(listAgenciesSpec, ({ params, ctx }) => listed('agencies', listAgencies(ctx, params.orgId))),
  route(upsertAgenciesSpec, ({ params, body, ctx }) => listed('agencies', upsertAgencies(ctx, params.orgId, body.agencies))),
  route(listTherapistsSpec, ({ params, ctx }) => listed('therapists', listTherapists(ctx, params.orgId))),
  route(upsertTherapistsSpec, ({ params, body, ctx }) => listed('therapists', upsertTherapists(ctx, params.orgId, body.therapists))),
  route(listRatesSpec, ({ params, ctx }) => listRates(ctx, params.orgId)),
  route(putBillRatesSpec, ({ params, body, ctx }) => listed('rates', putBillRates(ctx, params.orgId, body.rates))),
  route(putPayRatesSpec, ({ params, body, ctx }) => listed('rates', putPayRates(ctx, params.orgId, body.rates))),
];
