/**
 * Visits on the wire: the batch the sheet and the form push (keyed by the sheet's clientId),
 * the withdrawal of rows deleted from the sheet, an owner's settled history, and the answer
 * each row gets.
 */
import * as z from 'zod/mini';
import { discipline, isoDate, patient, visitTypeCode } from '../schemas.ts';

export const MAX_VISITS_PER_BATCH = 10_000;

export const visitRow = z.object({
  clientId: z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(128, { message: 'is longer than 128 characters' })),
  agencyId: z.string().check(z.minLength(1, { message: 'is required' })),
  therapistId: z.string().check(z.minLength(1, { message: 'is required' })),
  patient,
  date: isoDate,
  discipline,
  visitType: visitTypeCode,
  noteDone: z.optional(z.boolean()),
});

export const upsertVisitsBody = z.object({ visits: z.array(visitRow) });

const count = z.int().check(z.minimum(0));

export const visitRowAnswer = z.object({
  clientId: z.string(),
  status: z
    .enum(['created', 'updated', 'unchanged', 'locked'])
    .check(z.describe('locked: the visit is on an issued invoice and the row differs; nothing was changed')),
  visitId: z.string(),
  problems: z.array(
    z.object({
      code: z.enum(['missing-bill-rate', 'missing-pay-rate', 'duplicate', 'unknown-visit-type']),
      message: z.string(),
      duplicateOf: z.optional(z.array(z.string())),
    }),
  ),
  invoiceId: z.optional(z.string()),
});

export const upsertVisitsAnswer = z.object({
  counts: z.object({ created: count, updated: count, unchanged: count, locked: count, withProblems: count }),
  rows: z.array(visitRowAnswer),
});

export const withdrawVisitsBody = z.object({
  clientIds: z
    .array(visitRow.shape.clientId)
    .check(
      z.minLength(1, { message: 'names no visit' }),
      z.maxLength(MAX_VISITS_PER_BATCH, { message: `has more than ${MAX_VISITS_PER_BATCH} client ids; send them in smaller batches` }),
    ),
});

export const withdrawVisitsAnswer = z.object({
  counts: z.object({ withdrawn: count, locked: count, unknown: count }),
  rows: z.array(
    z.object({
      clientId: z.string(),
      status: z
        .enum(['withdrawn', 'locked', 'unknown'])
        .check(
          z.describe('locked: billed or paid, so it stays (a void or a credit note corrects it); unknown: no visit has this client id'),
        ),
      visitId: z.optional(z.string()),
      invoiceId: z.optional(z.string()),
      payRunId: z.optional(z.string()),
    }),
  ),
});

export const settleVisitsBody = z.object({ through: isoDate, preview: z.optional(z.boolean()) });

export const settledHistory = z.object({
  through: isoDate,
  preview: z.boolean().check(z.describe('True when nothing was written: what settling would do')),
  visits: count,
  firstDate: z.nullable(isoDate),
  lastDate: z.nullable(isoDate),
});
