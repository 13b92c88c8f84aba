/**
 * What the payout use cases receive on top of the usual context: the PayoutStore, the
 * gateway factory (each org opens the gateway with its own key), the webhook verifier, and
 * the service's public address (onboarding URLs point back at it).
 */
import { ok, type Result } from '../../../../shared/index.ts';
import { GatewayUnavailable, type EventVerifier, type PayoutGateway, type PayoutGatewayFactory } from '../../payouts/gateway-port.ts';
import type { PayoutStore, StripeConnectionRecord } from '../../store/payouts-port.ts';
import type { UseCaseContext } from '../context.ts';
import { fail, type Failure } from '../../failure.ts';

export type PayoutContext = UseCaseContext & {
  payouts: PayoutStore;
  gateways: PayoutGatewayFactory;
  verifyEvent: EventVerifier;
  /** Where therapists' browsers reach the service (onboarding links), without a trailing slash. */
  publicBaseUrl: string;
};

/** What a process holds for payouts: the store, the gateway factory and the webhook check. */
export type PayoutDeps = { payouts: PayoutStore; payoutGateways: PayoutGatewayFactory; verifyStripeEvent: EventVerifier };

/** The payout context of a request acting as `ctx`, its URLs under `baseUrl`. */
export function payoutContextOf(ctx: UseCaseContext, deps: PayoutDeps, baseUrl: string): PayoutContext {
  return {
    ...ctx,
    payouts: deps.payouts,
    gateways: deps.payoutGateways,
    verifyEvent: deps.verifyStripeEvent,
    publicBaseUrl: baseUrl.replace(/\/+$/, ''),
  };
}

/** A fully reversed transfer's problem, left on its payment's transfer record (by the pay that finds it, or by the webhook). */
export const REVERSED_PROBLEM = {
  code: 'reversed',
  message: "the transfer was reversed in Stripe: the money is back on the org's balance",
};

/** The audit detail of a reversal, full or partial. */
export const reversalDetail = (transfer: { id: string; amountCents: number; amountReversedCents: number }) =>
  `transfer ${transfer.id} reversed: ${transfer.amountReversedCents} of ${transfer.amountCents} cents`;

export type OpenConnection = { connection: StripeConnectionRecord; gateway: PayoutGateway };

/** The org's gateway, opened with its sealed key; `rule-broken` until the owner connects Stripe. */
export async function openConnection(ctx: PayoutContext, orgId: string): Promise<Result<OpenConnection, Failure>> {
  const connection = await ctx.payouts.getStripeConnection(orgId);
  if (!connection)
    return fail(
      'rule-broken',
      'Stripe is not connected: the owner connects it first (visitledger stripe-connect, or PUT /v1/orgs/:orgId/stripe)',
    );
  return ok({ connection, gateway: ctx.gateways(ctx.cipher.open(connection.key)) });
}

/**
 * Runs a gateway call whose failure means "nothing happened" (a read, or a create guarded by
 * an idempotency key): Stripe's own failures become a `payment-provider` failure that names
 * no key, anything else is a fault.
 */
export async function viaStripe<T>(call: () => Promise<T>): Promise<Result<T, Failure>> {
  try {
    return ok(await call());
  } catch (error) {
    if (isProviderError(error))
      return fail('payment-provider', `Stripe did not answer as expected (${providerReason(error)}); nothing was changed, try again`);
    throw error;
  }
}

/** Errors from the Stripe SDK (they carry a Stripe `type`) or the gateway's own. */
export function isProviderError(error: unknown): boolean {
  return (
    error instanceof GatewayUnavailable ||
    (typeof error === 'object' &&
      error !== null &&
      typeof (error as { type?: unknown }).type === 'string' &&
      String((error as { type: string }).type).startsWith('Stripe'))
  );
}

/** A short reason without anything the request carried: the error's type and Stripe's code. */
export function providerReason(error: unknown): string {
  const e = error as { type?: string; code?: string; statusCode?: number };
  return [e.type, e.code, e.statusCode].filter((x) => x !== undefined).join(', ') || 'unknown';
}
