/** Payments to therapists and the 1099-NEC year. */
import { listPayments, recordManualPayment, taxYearSummary } from '../../usecases/payments.ts';
import { paged, route } from '../route.ts';
import { pageOf } from './common.schema.ts';
import { listPaymentsSpec, recordPaymentSpec, taxYearSpec } from './payments.schema.ts';

export const paymentRoutes = [
  route(recordPaymentSpec, ({ params, body, ctx }) => recordManualPayment(ctx, params.orgId, body)),
  route(listPaymentsSpec, ({ params, query, ctx }) =>
    paged(
      'payments',
      listPayments(
        ctx,
        params.orgId,
        {
          ...(query.therapistId ? { therapistId: query.therapistId } : {}),
          ...(query.year ? { year: query.year } : {}),
        },
        pageOf(query),
      ),
    ),
  ),
  route(taxYearSpec, ({ params, ctx }) => taxYearSummary(ctx, params.orgId, params.year)),
];
