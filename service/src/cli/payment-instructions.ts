/**
 * `visitledger settings`'s payment instructions, which every invoice prints: who checks are made
 * payable to, where they are mailed (--remit-to, else the org's address), and the bank account
 * for ACH. Validated by the org settings schema, like the API's settings route.
 */
import type { OrgSettings } from '../../../shared/index.ts';
import { UsageError, type CliValues } from './output.ts';

export const paymentInstructionOptions = {
  'check-payable-to': { type: 'string' },
  'remit-to': { type: 'string' },
  'ach-bank': { type: 'string' },
  'ach-routing': { type: 'string' },
  'ach-account': { type: 'string' },
  'ach-account-name': { type: 'string' },
  'no-ach': { type: 'boolean' },
} as const;

const FIELD_FLAGS: Record<string, string> = {
  checkPayableTo: '--check-payable-to',
  remitTo: '--remit-to',
  'ach.bankName': '--ach-bank',
  'ach.routingNumber': '--ach-routing',
  'ach.accountNumber': '--ach-account',
  'ach.accountName': '--ach-account-name',
};
/** The settings' fields as the options that set them, for a refusal's details (a patch's own path, or under `settings.`). */
export const PAYMENT_INSTRUCTION_FLAGS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FIELD_FLAGS).flatMap(([path, flag]) => [
    [path, flag],
    [`settings.${path}`, flag],
  ]),
);

type Values = CliValues<typeof paymentInstructionOptions>;

/** The settings patch the options ask for; the ACH details are set together (or removed with --no-ach). */
export function paymentInstructionPatch(values: Values, current: OrgSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (values['check-payable-to'] !== undefined) patch.checkPayableTo = values['check-payable-to'];
  // "\n" typed in the option starts a new line of the address.
  if (values['remit-to'] !== undefined) patch.remitTo = values['remit-to'].replace(/\\n/g, '\n');
  const achGiven = (['ach-bank', 'ach-routing', 'ach-account', 'ach-account-name'] as const).filter((k) => values[k] !== undefined);
  if (values['no-ach'] && achGiven.length > 0)
    throw new UsageError(`--no-ach removes the ACH details: leave out ${achGiven.map((k) => `--${k}`).join(', ')}`);
  if (values['no-ach']) patch.ach = undefined;
  if (achGiven.length > 0) {
    const was = current.ach;
    const accountName = values['ach-account-name'] ?? was?.accountName;
    const ach = {
      bankName: values['ach-bank'] ?? was?.bankName,
      routingNumber: values['ach-routing']?.replace(/[\s-]/g, '') ?? was?.routingNumber,
      accountNumber: values['ach-account']?.replace(/[\s-]/g, '') ?? was?.accountNumber,
      ...(accountName ? { accountName } : {}),
    };
    const missing = (['bankName', 'routingNumber', 'accountNumber'] as const)
      .filter((k) => !ach[k])
      .map((k) => ({ bankName: '--ach-bank', routingNumber: '--ach-routing', accountNumber: '--ach-account' })[k]);
    if (missing.length > 0) throw new UsageError(`settings: the ACH details also need ${missing.join(', ')}`);
    patch.ach = ach;
  }
  return patch;
}

export function paymentInstructionJson(s: OrgSettings) {
  return { checkPayableTo: s.checkPayableTo ?? null, remitTo: s.remitTo ?? null, ach: s.ach ?? null };
}

export function paymentInstructionRows(s: OrgSettings): string[][] {
  return [
    ['checks payable to', s.checkPayableTo || `${s.name} (the org's name; --check-payable-to changes it)`],
    ['remit to', s.remitTo ? s.remitTo.split(/\r?\n/).join(', ') : "(the org's address; --remit-to changes it)"],
    [
      'ACH',
      s.ach
        ? `${s.ach.bankName}, routing ${s.ach.routingNumber}, account ${s.ach.accountNumber}${s.ach.accountName ? `, ${s.ach.accountName}` : ''}`
        : '(not on invoices: --ach-bank NAME --ach-routing 9DIGITS --ach-account DIGITS)',
    ],
  ];
}
