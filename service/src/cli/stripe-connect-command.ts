/** `visitledger stripe-connect --key rk_... --webhook-secret whsec_... [--account-webhook-secret whsec_...] [--json]`: connects the org's own Stripe account. */
import { connectStripe } from '../usecases/payouts/connect.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, UsageError, type CliValues } from './output.ts';

export const stripeConnectOptions = { key: { type: 'string' }, 'webhook-secret': { type: 'string' }, 'account-webhook-secret': { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runStripeConnect(rt: CliRuntime, values: CliValues<typeof stripeConnectOptions>): Promise<number> {
  if (!values.key || !values['webhook-secret']) throw new UsageError('stripe-connect needs --key (the restricted key, rk_...) and --webhook-secret (whsec_...)');
  const result = await connectStripe(rt.payouts(), rt.orgId, {
    key: values.key, webhookSecret: values['webhook-secret'], ...(values['account-webhook-secret'] ? { accountWebhookSecret: values['account-webhook-secret'] } : {}),
  });
  if (!result.ok) return failureExit(result.error);
  if (values.json) printJson(result.value);
  else {
    say(`connected Stripe: key ...${result.value.keyLast4} (${result.value.livemode ? 'live' : 'test'} mode), stored encrypted`);
    say(`in Stripe, add a webhook endpoint for events on connected accounts at ${result.value.webhookUrl}`);
    say('  with account.updated, capability.updated, payout.paid and payout.failed, signed with the secret just saved');
    say('  and, for transfers reversed in the dashboard, an endpoint for your own account with transfer.reversed (--account-webhook-secret)');
  }
  return 0;
}
