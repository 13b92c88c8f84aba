/**
 * Connecting the org's own Stripe account: its restricted key and its webhook endpoint's
 * signing secret, checked with one call to Stripe and stored sealed. Neither is ever shown
 * again; the org sees the key's last four characters and whether it is live.
 */
import * as z from 'zod/mini';
import { ok, type Result } from '../../../../shared/index.ts';
import { audit } from '../context.ts';
import { describeIssues, fail, type Failure } from '../../failure.ts';
import { loadOrg } from '../orgs.ts';
import { viaStripe, type PayoutContext } from './context.ts';
import type { ConnectedAccountRecord } from '../../store/payouts-port.ts';

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9]{8,250}$/;

export const stripeConnectInput = z.object({
  key: z.string().check(
    z.regex(/^(rk|sk)_(live|test)_[A-Za-z0-9]{8,250}$/, {
      message: 'must be a Stripe restricted key (rk_live_... or rk_test_...) or secret key',
    }),
  ),
  webhookSecret: z
    .string()
    .check(z.regex(WEBHOOK_SECRET, { message: "must be the Connect webhook endpoint's signing secret (whsec_...)" })),
  /** Optional: an endpoint for the org's own account, so a transfer reversed in the dashboard reaches the service. */
  accountWebhookSecret: z.optional(
    z.string().check(z.regex(WEBHOOK_SECRET, { message: "must be that webhook endpoint's signing secret (whsec_...)" })),
  ),
});

export type StripeConnectionView = { keyLast4: string; livemode: boolean; connectedAt: string; webhookUrl: string };

export const webhookUrl = (ctx: PayoutContext, orgId: string) => `${ctx.publicBaseUrl}/v1/stripe/webhooks/${encodeURIComponent(orgId)}`;

export async function connectStripe(ctx: PayoutContext, orgId: string, input: unknown): Promise<Result<StripeConnectionView, Failure>> {
  const parsed = stripeConnectInput.safeParse(input);
  // The issues name the field, never its value: it is a secret.
  if (!parsed.success)
    return fail(
      'invalid-input',
      `${describeIssues(parsed.error.issues)[0]!.path} ${parsed.error.issues[0]!.message}`,
      describeIssues(parsed.error.issues),
    );
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const checked = await viaStripe(() => ctx.gateways(parsed.data.key).checkKey());
  if (!checked.ok) return checked;
  if (!checked.value.ok)
    return fail('rule-broken', `the key was not saved: ${checked.value.message}`, [{ path: 'key', message: checked.value.message }]);
  const { key, webhookSecret, accountWebhookSecret } = parsed.data;
  if (checked.value.livemode !== key.includes('_live_'))
    return fail('rule-broken', 'the key was not saved: Stripe says its mode differs from its name');
  const connection = {
    key: ctx.cipher.seal(key),
    keyLast4: key.slice(-4),
    livemode: checked.value.livemode,
    webhookSecret: ctx.cipher.seal(webhookSecret),
    connectedAt: ctx.now().toISOString(),
    ...(accountWebhookSecret ? { accountWebhookSecret: ctx.cipher.seal(accountWebhookSecret) } : {}),
  };
  await ctx.payouts.putStripeConnection(orgId, connection);
  await audit(ctx, orgId, [
    {
      action: 'update',
      recordType: 'stripe-connection',
      recordId: orgId,
      detail: `key ...${connection.keyLast4}${connection.livemode ? ' (live)' : ' (test)'}`,
    },
  ]);
  return ok({
    keyLast4: connection.keyLast4,
    livemode: connection.livemode,
    connectedAt: connection.connectedAt,
    webhookUrl: webhookUrl(ctx, orgId),
  });
}

export type StripeOverview = { connection: StripeConnectionView | null; accounts: Omit<ConnectedAccountRecord, 'onboardingTokenHash'>[] };

/** What the owner sees of Stripe: the connection (never its secrets) and each therapist's account and readiness. */
export async function stripeOverview(ctx: PayoutContext, orgId: string): Promise<Result<StripeOverview, Failure>> {
  const org = await loadOrg(ctx, orgId);
  if (!org.ok) return org;
  const c = await ctx.payouts.getStripeConnection(orgId);
  const accounts = (await ctx.payouts.listConnectedAccounts(orgId)).map(({ onboardingTokenHash: _hash, ...account }) => account);
  return ok({
    connection: c ? { keyLast4: c.keyLast4, livemode: c.livemode, connectedAt: c.connectedAt, webhookUrl: webhookUrl(ctx, orgId) } : null,
    accounts,
  });
}
