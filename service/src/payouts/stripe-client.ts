/**
 * The one place that builds Stripe clients, with the API version pinned: every request the
 * service makes says which version of Stripe's API it was written against, so an upgrade of
 * the account's default version changes nothing until this line changes.
 */
import Stripe from 'stripe';

/** The Stripe API version the payouts code is written and tested against. */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

/** Retries of network failures and 409s; POSTs carry idempotency keys, so a retry never acts twice. */
const MAX_NETWORK_RETRIES = 2;

export type StripeEndpoint = { host: string; port: number; protocol: 'http' | 'https' };

/** `STRIPE_API_BASE` (https://api.stripe.com, or a stand-in's http://127.0.0.1:PORT) as the SDK takes it. */
export function stripeEndpoint(apiBase: string): StripeEndpoint {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * Where Stripe's hosted payment pages are for `STRIPE_API_BASE`: Stripe's own Checkout, or the
 * stand-in itself (it serves its pages where it serves its API). The portal's pay form may
 * redirect there (its CSP's form-action).
 */
export function stripeCheckoutOrigin(apiBase: string): string {
  const url = new URL(apiBase);
  return url.hostname === 'api.stripe.com' ? 'https://checkout.stripe.com' : url.origin;
}

export function stripeClient(secretKey: string, endpoint: StripeEndpoint): Stripe {
  return new Stripe(secretKey, { apiVersion: STRIPE_API_VERSION, ...endpoint, maxNetworkRetries: MAX_NETWORK_RETRIES, timeout: 30_000 });
}

/** Webhook verification needs no key or network: a client without either. */
export const webhookVerifier = new Stripe('sk_verify_only', { apiVersion: STRIPE_API_VERSION }).webhooks;
