/**
 * `visitledger stripe-connect [--json]`: connects the org's own Stripe account. The restricted
 * key and the webhook signing secret come from VISITLEDGER_STRIPE_KEY and
 * VISITLEDGER_STRIPE_WEBHOOK_SECRET, or from standard input (one a line); the transfer.reversed
 * endpoint's secret, when there is one, from VISITLEDGER_STRIPE_ACCOUNT_WEBHOOK_SECRET.
 * `--key`, `--webhook-secret` and `--account-webhook-secret` still work, with a warning.
 */
import { connectStripe } from '../usecases/payouts/connect.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, type CliValues } from './output.ts';
import { readSecretLines, secretFromFlagOrEnv } from './secrets.ts';

export const stripeConnectOptions = {
  key: { type: 'string' },
  'webhook-secret': { type: 'string' },
  'account-webhook-secret': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const warn = (line: string) => process.stderr.write(`${line}\n`);

export async function runStripeConnect(rt: CliRuntime, values: CliValues<typeof stripeConnectOptions>): Promise<number> {
  const { settings } = rt;
  let key = secretFromFlagOrEnv(
    { flag: values.key, flagName: '--key', env: settings.VISITLEDGER_STRIPE_KEY, envName: 'VISITLEDGER_STRIPE_KEY' },
    warn,
  );
  let webhookSecret = secretFromFlagOrEnv(
    {
      flag: values['webhook-secret'],
      flagName: '--webhook-secret',
      env: settings.VISITLEDGER_STRIPE_WEBHOOK_SECRET,
      envName: 'VISITLEDGER_STRIPE_WEBHOOK_SECRET',
    },
    warn,
  );
  const accountWebhookSecret = secretFromFlagOrEnv(
    {
      flag: values['account-webhook-secret'],
      flagName: '--account-webhook-secret',
      env: settings.VISITLEDGER_STRIPE_ACCOUNT_WEBHOOK_SECRET,
      envName: 'VISITLEDGER_STRIPE_ACCOUNT_WEBHOOK_SECRET',
    },
    warn,
  );
  if (key === undefined || webhookSecret === undefined) {
    const prompts = [
      ...(key === undefined ? ['restricted key (rk_...): '] : []),
      ...(webhookSecret === undefined ? ['webhook signing secret (whsec_...): '] : []),
    ];
    const lines = await readSecretLines(process.stdin, prompts, (text) => process.stderr.write(text));
    if (key === undefined) key = lines.shift()!;
    if (webhookSecret === undefined) webhookSecret = lines.shift()!;
  }
  const result = await connectStripe(rt.payouts(), rt.orgId, {
    key,
    webhookSecret,
    ...(accountWebhookSecret ? { accountWebhookSecret } : {}),
  });
  if (!result.ok) return failureExit(result.error);
  if (values.json) printJson(result.value);
  else {
    say(`connected Stripe: key ...${result.value.keyLast4} (${result.value.livemode ? 'live' : 'test'} mode), stored encrypted`);
    say(`in Stripe, add a webhook endpoint for events on connected accounts at ${result.value.webhookUrl}`);
    say('  with account.updated, capability.updated, payout.paid and payout.failed, signed with the secret just saved');
    say(
      '  and, for transfers reversed in the dashboard, an endpoint for your own account with transfer.reversed (VISITLEDGER_STRIPE_ACCOUNT_WEBHOOK_SECRET)',
    );
  }
  return 0;
}
