/** `visitledger payer-tin --tin 12-3456789 --type EIN`: the org's own TIN for the 1099-NEC IRS file (stored encrypted, shown masked). */
import { setPayerTin } from '../usecases/orgs.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, say, UsageError, type CliValues } from './output.ts';

export const payerTinOptions = { tin: { type: 'string' }, type: { type: 'string' } } as const;

export async function runPayerTin(rt: CliRuntime, values: CliValues<typeof payerTinOptions>): Promise<number> {
  if (!values.tin || (values.type !== 'EIN' && values.type !== 'SSN')) throw new UsageError('payer-tin needs --tin and --type EIN or SSN');
  const result = await setPayerTin(rt.ctx, rt.orgId, { tin: values.tin, type: values.type });
  if (!result.ok) return failureExit(result.error);
  say(`payer TIN set: ${result.value.payerTin?.masked}`);
  return 0;
}
