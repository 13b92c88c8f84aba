/** What agencies owe, on the wire: the aged receivables report (open invoices only; no patient, no visit). */
import * as z from 'zod/mini';
import { RECEIVABLE_STATUSES } from '../receivables.ts';
import { nextCursor } from './paging.ts';

const cents = z.int();

export const receivablesReport = z.object({
  asOf: z.string(),
  agencies: z.array(
    z.object({
      agency: z.string(),
      openCents: cents,
      creditCents: cents,
      buckets: z.object({
        currentCents: cents,
        days1to30Cents: cents,
        days31to60Cents: cents,
        days61to90Cents: cents,
        over90Cents: cents,
      }),
      invoices: z.array(
        z.object({
          number: z.string(),
          issueDate: z.string(),
          dueDate: z.string(),
          totalCents: cents,
          paidCents: cents,
          openCents: cents,
          status: z.enum(RECEIVABLE_STATUSES),
        }),
      ),
    }),
  ),
  /** The agencies come a page at a time, by name. */
  nextCursor,
});
