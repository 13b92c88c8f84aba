/** `visitledger onboard --all [--json]`: a connected account for every therapist, and each one's onboarding link. */
import { onboardAll } from '../usecases/payouts/onboarding.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, table, UsageError, type CliValues } from './output.ts';

export const onboardOptions = { all: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function runOnboard(rt: CliRuntime, values: CliValues<typeof onboardOptions>): Promise<number> {
  if (!values.all) throw new UsageError('onboard needs --all (every therapist of the org)');
  const result = await onboardAll(rt.payouts(), rt.orgId);
  if (!result.ok) return failureExit(result.error);
  if (values.json) {
    printJson({ therapists: result.value });
    return 0;
  }
  say(
    table([
      ['therapist', 'account', 'status', 'send this link'],
      ...result.value.map((v) => [
        v.therapistName,
        `${v.accountId}${v.account === 'created' ? ' (new)' : ''}`,
        v.ready ? 'ready' : `needs ${v.requirementsDue.join(', ') || 'onboarding'}`,
        v.onboardingUrl ?? '-',
      ]),
    ]),
  );
  if (result.value.some((v) => v.onboardingUrl))
    say("each link opens Stripe's onboarding for that therapist; it replaces any link printed before");
  return 0;
}
