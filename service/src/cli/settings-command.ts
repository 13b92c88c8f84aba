/**
 * `visitledger settings [--name TEXT] [--address1 TEXT] ... [--time-zone ZONE] [--online-payments ach|ach,card|off] [--json]`:
 * the org's own details that invoices, Copy B and the IRS file print, and how agencies may pay
 * online, set through the same use case (and validation) as the API; with no option it prints them.
 * `--payroll-cycle weekly|biweekly|semi-monthly|monthly --payroll-anchor DATE` sets the pay periods of the pay runs not made yet.
 */
import { getOrg, updateOrgSettings } from '../usecases/orgs.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, printJson, say, table, UsageError, type CliValues } from './output.ts';
import {
  PAYMENT_INSTRUCTION_FLAGS,
  paymentInstructionJson,
  paymentInstructionOptions,
  paymentInstructionPatch,
  paymentInstructionRows,
} from './payment-instructions.ts';
import { failureExitAsTyped } from './typed-input.ts';
import { today } from '../usecases/context.ts';
import { payrollCycleJson, payrollCycleOptions, payrollCyclePatch, payrollCycleText } from './payroll-cycle.ts';

export const settingsOptions = {
  name: { type: 'string' },
  address1: { type: 'string' },
  address2: { type: 'string' },
  city: { type: 'string' },
  state: { type: 'string' },
  zip: { type: 'string' },
  phone: { type: 'string' },
  email: { type: 'string' },
  'time-zone': { type: 'string' },
  'online-payments': { type: 'string' },
  ...paymentInstructionOptions,
  ...payrollCycleOptions,
  json: { type: 'boolean' },
} as const;

/** `--online-payments` as typed, and the Stripe payment method types it means (ACH first). */
const ONLINE_PAYMENTS: Record<string, string[]> = { off: [], ach: ['us_bank_account'], 'ach,card': ['us_bank_account', 'card'] };
const onlinePaymentsText = (methods: readonly string[] | undefined) =>
  Object.entries(ONLINE_PAYMENTS).find(([, m]) => m.join() === (methods ?? []).join())?.[0] ?? 'off';

const ADDRESS_PARTS = ['address1', 'address2', 'city', 'state', 'zip'] as const;

export async function runSettings(rt: CliRuntime, values: CliValues<typeof settingsOptions>): Promise<number> {
  const current = await getOrg(rt.ctx, rt.orgId);
  if (!current.ok) return failureExit(current.error);
  const patch: Record<string, unknown> = {};
  if (values.name !== undefined) patch.name = values.name;
  if (values.phone !== undefined) patch.phone = values.phone;
  if (values.email !== undefined) patch.email = values.email;
  if (values['time-zone'] !== undefined) {
    if (!isTimeZone(values['time-zone']))
      throw new UsageError(`--time-zone: "${values['time-zone']}" is not an IANA time zone such as America/New_York`);
    patch.timeZone = values['time-zone'];
  }
  if (values['online-payments'] !== undefined) {
    const methods = ONLINE_PAYMENTS[values['online-payments'].replace(/\s/g, '').toLowerCase()];
    if (!methods)
      throw new UsageError(`--online-payments: "${values['online-payments']}" is not one of ${Object.keys(ONLINE_PAYMENTS).join(', ')}`);
    patch.onlinePaymentMethods = methods;
  }
  if (ADDRESS_PARTS.some((p) => values[p] !== undefined)) {
    const was = current.value.settings.address;
    const line2 = values.address2 ?? was?.line2;
    const address = {
      line1: values.address1 ?? was?.line1,
      city: values.city ?? was?.city,
      state: values.state?.toUpperCase() ?? was?.state,
      zip: values.zip ?? was?.zip,
      ...(line2 ? { line2 } : {}),
    };
    const missing = (['line1', 'city', 'state', 'zip'] as const)
      .filter((k) => !address[k])
      .map((k) => (k === 'line1' ? '--address1' : `--${k}`));
    if (missing.length > 0) throw new UsageError(`settings: the address also needs ${missing.join(', ')}`);
    patch.address = address;
  }
  Object.assign(patch, paymentInstructionPatch(values, current.value.settings));
  const payrollCycle = payrollCyclePatch(values, current.value.settings.payrollCycle);
  if (payrollCycle) patch.payrollCycle = payrollCycle;
  const result = Object.keys(patch).length === 0 ? current : await updateOrgSettings(rt.ctx, rt.orgId, patch);
  if (!result.ok) return failureExitAsTyped(result.error, PAYMENT_INSTRUCTION_FLAGS);
  const s = result.value.settings;
  const shown = {
    name: s.name,
    address: s.address ?? null,
    phone: s.phone ?? null,
    email: s.email ?? null,
    timeZone: s.timeZone,
    payerTin: result.value.payerTin?.masked ?? null,
    onlinePaymentMethods: s.onlinePaymentMethods ?? [],
    ...paymentInstructionJson(s),
    ...payrollCycleJson(s.payrollCycle, today(rt.ctx, s.timeZone)),
  };
  if (values.json) {
    printJson(shown);
    return 0;
  }
  const a = s.address;
  say(
    table([
      ['name', s.name],
      [
        'address',
        a
          ? [a.line1, a.line2, `${a.city}, ${a.state} ${a.zip}`].filter(Boolean).join(', ')
          : '(not set: visitledger settings --address1 ... --city ... --state XX --zip 12345)',
      ],
      ['phone', s.phone ?? ''],
      ['email', s.email ?? ''],
      ['time zone', s.timeZone],
      ['payroll cycle', payrollCycleText(s.payrollCycle)],
      ['pay period now', `${shown.currentPayPeriod.start}..${shown.currentPayPeriod.end}`],
      ['payer TIN', result.value.payerTin?.masked ?? '(not set: visitledger payer-tin --tin 12-3456789 --type EIN)'],
      ['online payments', onlinePaymentsText(s.onlinePaymentMethods)],
      ...paymentInstructionRows(s),
    ]),
  );
  return 0;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
