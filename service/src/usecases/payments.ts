/**
 * Payments to therapists and the 1099-NEC ledger. Every payment, whatever its method, is
 * recorded with the day it was paid; the tax-year summary counts by that day and by the
 * billing core's rules on which methods count.
 */
import * as z from 'zod/mini';
import {
  backupWithholdingCents,
  isoDate,
  ok,
  paymentMethod,
  summarizeTaxYear,
  type Payment,
  type Result,
  type TaxYearSummary,
  type Therapist,
} from '../../../shared/index.ts';
import type { PaymentSortKey, StoredTherapist } from '../store/port.ts';
import { DEFAULT_PAGE_SIZE, pageFrom, type Page, type PageRequest } from './paging.ts';
import { audit, today, type UseCaseContext } from './context.ts';
import { describeIssues, fail, type Failure } from '../failure.ts';
import { loadOrg } from './orgs.ts';

export const manualPaymentInput = z.object({
  therapistId: z.string().check(z.minLength(1, { message: 'is required' })),
  amountCents: z
    .int()
    .check(z.positive({ message: 'must be more than zero cents' }), z.maximum(100_000_000_00, { message: 'is more than $100,000,000' })),
  paidOn: isoDate,
  method: paymentMethod,
  reference: z.optional(z.string().check(z.trim(), z.maxLength(200, { message: 'is longer than 200 characters' }))),
  /** The pay run this pays: its pay statement then shows the payment's date and method. */
  payRunId: z.optional(z.string().check(z.minLength(1, { message: 'is required' }))),
  /** 24% backup withholding kept from amountCents (the gross); the therapist received the rest. */
  backupWithholding: z.optional(z.boolean()),
});

/** Records a payment made outside a pay run's Stripe transfers: a check, a bank transfer, cash, a card or payment app. */
export async function recordManualPayment(ctx: UseCaseContext, orgId: string, input: unknown): Promise<Result<Payment, Failure>> {
  const parsed = manualPaymentInput.safeParse(input);
  if (!parsed.success) {
    const first = describeIssues(parsed.error.issues)[0]!;
    return fail('invalid-input', `${first.path} ${first.message}`, describeIssues(parsed.error.issues));
  }
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const day = today(ctx, org.value.settings.timeZone);
  if (parsed.data.paidOn > day) {
    const message = `is ${parsed.data.paidOn}, after today (${day} in ${org.value.settings.timeZone}): record a payment once it is made`;
    return fail('invalid-input', `paidOn ${message}`, [{ path: 'paidOn', message }]);
  }
  const therapists = await ctx.store.listTherapists(orgId);
  if (!therapists.some((t) => t.id === parsed.data.therapistId))
    return fail('not-found', `no therapist with id "${parsed.data.therapistId}"`);
  if (parsed.data.payRunId !== undefined) {
    const payRun = await ctx.store.getPayRun(orgId, parsed.data.payRunId);
    if (!payRun) return fail('not-found', `no pay run "${parsed.data.payRunId}"`);
    if (!payRun.statements.some((s) => s.therapistId === parsed.data.therapistId)) {
      return fail('rule-broken', `pay run "${payRun.id}" pays nothing to this therapist`);
    }
    const payments = await ctx.store.listPayments(orgId, { payRunId: payRun.id, therapistId: parsed.data.therapistId });
    if (
      payments.some(
        (p) => p.method === 'stripe' && p.status === 'pending' && p.payRunId === payRun.id && p.therapistId === parsed.data.therapistId,
      )
    ) {
      return fail(
        'rule-broken',
        `a Stripe transfer to this therapist for pay run "${payRun.id}" is waiting on Stripe: pay the run again to finish it first`,
      );
    }
  }
  const payment: Payment = {
    id: ctx.newId(),
    therapistId: parsed.data.therapistId,
    amountCents: parsed.data.amountCents,
    paidOn: parsed.data.paidOn,
    method: parsed.data.method,
    status: 'paid',
    ...(parsed.data.reference ? { reference: parsed.data.reference } : {}),
    ...(parsed.data.payRunId ? { payRunId: parsed.data.payRunId } : {}),
    ...(parsed.data.backupWithholding ? { withheldCents: backupWithholdingCents(parsed.data.amountCents) } : {}),
  };
  await ctx.store.insertPayment(orgId, payment);
  // A payment moves a 1099's Box 1: who recorded what, never the reference's free text.
  await audit(ctx, orgId, [
    {
      action: 'create',
      recordType: 'payment',
      recordId: payment.id,
      detail:
        `${payment.amountCents} cents to therapist ${payment.therapistId} by ${payment.method}, paid ${payment.paidOn}` +
        `${payment.withheldCents ? `, ${payment.withheldCents} cents backup withholding kept` : ''}${payment.payRunId ? `, pay run ${payment.payRunId}` : ''}`,
    },
  ]);
  return ok(payment);
}

/** A page of payments by date paid, then id. */
export async function listPayments(
  ctx: UseCaseContext,
  orgId: string,
  query: { therapistId?: string; year?: number } = {},
  page: PageRequest<PaymentSortKey> = { limit: DEFAULT_PAGE_SIZE },
): Promise<Result<Page<Payment>, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const rows = await ctx.store.listPayments(
    orgId,
    {
      ...(query.therapistId ? { therapistId: query.therapistId } : {}),
      ...(query.year ? { paidFrom: `${query.year}-01-01`, paidTo: `${query.year}-12-31` } : {}),
    },
    { ...page, limit: page.limit + 1 },
  );
  return ok(pageFrom(rows, page.limit, (p) => [p.paidOn, p.id]));
}

/** The therapist with the TIN opened, for the core's filing checks. The summary shows it masked only. */
function withOpenedTin(ctx: UseCaseContext, t: StoredTherapist): Therapist {
  const { w9, ...rest } = t;
  return w9 ? { ...rest, w9: { ...w9, tin: ctx.cipher.open(w9.tin.sealed) } } : rest;
}

const taxYearInput = z
  .int()
  .check(z.minimum(2000, { message: 'must be 2000 or later' }), z.maximum(2100, { message: 'must be 2100 or earlier' }));

/** The 1099-NEC summary of a calendar year of payments. */
export async function taxYearSummary(ctx: UseCaseContext, orgId: string, year: unknown): Promise<Result<TaxYearSummary, Failure>> {
  const summary = await summarizeTaxYearOf(ctx, orgId, year);
  if (!summary.ok) return summary;
  await audit(ctx, orgId, [
    {
      action: 'read',
      recordType: 'tax-year',
      recordId: String(summary.value.year),
      detail: `${summary.value.therapists.length} therapists`,
    },
  ]);
  return summary;
}

/** The year's summary, TINs opened, not audited: for a caller that audits what it hands out (the year-end export). */
export async function summarizeTaxYearOf(ctx: UseCaseContext, orgId: string, year: unknown): Promise<Result<TaxYearSummary, Failure>> {
  const parsedYear = taxYearInput.safeParse(year);
  if (!parsedYear.success)
    return fail(
      'invalid-input',
      `year ${parsedYear.error.issues[0]?.message}`,
      describeIssues(parsedYear.error.issues).map((d) => ({ ...d, path: 'year' })),
    );
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const [payments, therapists] = await Promise.all([
    ctx.store.listPayments(orgId, { paidFrom: `${parsedYear.data}-01-01`, paidTo: `${parsedYear.data}-12-31` }),
    ctx.store.listTherapists(orgId),
  ]);
  const paidTherapists = new Set(payments.map((p) => p.therapistId));
  const summary = summarizeTaxYear({
    year: parsedYear.data,
    payments,
    therapists: therapists.map((t) => (paidTherapists.has(t.id) ? withOpenedTin(ctx, t) : { ...t, w9: undefined })),
    settings: org.value.settings,
  });
  if (!summary.ok) return fail(summary.error.code === 'threshold-unknown' ? 'rule-broken' : 'conflict', summary.error.message);
  return ok(summary.value);
}
