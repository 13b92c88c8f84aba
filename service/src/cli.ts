#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node --max-semi-space-size=2
/**
 * visitledger: the command line of the service, on the same use cases and store as the
 * HTTP API. `--db FILE` picks the SQLite file (default ./data/visitledger.db); the CLI acts
 * for the file's local org unless `--org ID` names another. It runs node with the service's
 * V8 flag (a 2 MB young generation, see server.ts), as `npm run cli` does.
 */
import { parseArgs } from 'node:util';
import { SettingsError } from './config/settings.ts';
import { closeOptions, runClose } from './cli/close-command.ts';
import { demoOptions, runDemo } from './cli/demo-command.ts';
import { export1099Options, runExport1099 } from './cli/export-1099-command.ts';
import { exportAccountingOptions, runExportAccounting } from './cli/export-accounting-command.ts';
import { importOptions, runImport } from './cli/import-command.ts';
import { UsageError } from './cli/output.ts';
import { payerTinOptions, runPayerTin } from './cli/payer-tin-command.ts';
import { paymentOptions, runPayment } from './cli/payment-command.ts';
import { receiptOptions, runReceipt } from './cli/receipt-command.ts';
import { receivablesOptions, runReceivables } from './cli/receivables-command.ts';
import { overviewOptions, runOverview } from './cli/overview-command.ts';
import { portalLinkOptions, runPortalLink } from './cli/portal-link-command.ts';
import { openRuntime, type CliRuntime } from './cli/runtime.ts';
import { runServe, serveOptions } from './cli/serve-command.ts';
import { runSettings, settingsOptions } from './cli/settings-command.ts';
import { runTherapistLink, therapistLinkOptions } from './cli/therapist-link-command.ts';
import { runW9, w9Options } from './cli/w9-command.ts';
import { KEYS_USAGE, runKeys } from './cli/keys-command.ts';
import { runTaxYear, taxYearOptions } from './cli/tax-year-command.ts';
import { runStripeConnect, stripeConnectOptions } from './cli/stripe-connect-command.ts';
import { onboardOptions, runOnboard } from './cli/onboard-command.ts';
import { payrunOptions, runPayrun } from './cli/payrun-command.ts';
import { creditNoteOptions, invoicesOptions, runCreditNote, runInvoices, runVoid, voidOptions } from './cli/invoices-command.ts';
import { payRunsOptions, runPayRuns } from './cli/pay-runs-command.ts';
import {
  AGENCY_USAGE,
  agenciesOptions,
  agencyOptions,
  runAgencies,
  runAgency,
  runTherapist,
  runTherapists,
  THERAPIST_USAGE,
  therapistOptions,
} from './cli/directory-command.ts';
import { API_KEY_USAGE, apiKeyOptions, runApiKey } from './cli/api-key-command.ts';
import { backupOptions, runBackup, type FileCommandEdge } from './cli/backup-command.ts';
import { restoreOptions, runRestore } from './cli/restore-command.ts';

const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  org: { type: 'string' },
  'key-file': { type: 'string' },
  init: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Command = {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  usage: string;
  /** Takes words after the command (`agency set NAME`), handed to run. */
  positionals?: boolean;
} & (
  | { run(rt: CliRuntime, values: never, org: string | undefined, positionals: string[]): Promise<number> }
  /** A command on the SQLite file itself (backup, restore): no store is opened, so the file is neither created nor migrated. */
  | { runOnFile(values: never, edge: FileCommandEdge): Promise<number> }
);

const COMMANDS: Record<string, Command> = {
  demo: {
    options: demoOptions,
    usage: 'demo [--month YYYY-MM] [--json]            seed the demo org (two months, the first closed)',
    run: (rt, v, org) => runDemo(rt, v, org),
  },
  import: {
    options: importOptions,
    usage:
      'import --visits FILE [--rates FILE] [--pay-rates FILE] [--rates-from DATE]\n         [--map-agency "typed=Known name"]... [--map-therapist ...] [--settled-through DATE] [--json [--show-phi]] [--commit]',
    run: (rt, v) => runImport(rt, v),
  },
  close: {
    options: closeOptions,
    usage:
      'close --period YYYY-MM [--json] [--out DIR] close the cycles and payroll ending in the month; --out writes the invoice and pay statement PDFs',
    run: (rt, v) => runClose(rt, v),
  },
  'export-1099': {
    options: export1099Options,
    usage:
      'export-1099 --year YYYY --out DIR [--tin-matching] [--json]  the IRIS 1099-NEC CSVs, recipient copies (Copy B), the year-end summary\n         and with --tin-matching the IRS bulk TIN Matching file; export-1099 --year YYYY --mark-filed FILE records FILE as filed',
    run: (rt, v) => runExport1099(rt, v),
  },
  'export-accounting': {
    options: exportAccountingOptions,
    usage:
      'export-accounting --month YYYY-MM | --from DATE --to DATE [--by invoice-date|service] --out DIR  invoices, payments and receipts for QuickBooks Online,\n         the payments ledger, refunds and write-offs; invoices by invoice date, or with --by service by the service period they bill',
    run: (rt, v) => runExportAccounting(rt, v),
  },
  payment: {
    options: paymentOptions,
    usage:
      'payment --therapist NAME --amount 1,234.56 --date 4/2/2026 --method check|ach|stripe|cash|card [--reference TEXT] [--pay-run ID] [--backup-withholding]',
    run: (rt, v) => runPayment(rt, v),
  },
  receipt: {
    options: receiptOptions,
    usage:
      'receipt --agency NAME --amount 1,234.56 --date 4/2/2026 --method check|ach|card|stripe|other [--reference TEXT] [--invoice NUMBER]... [--allow-repeat] [--json]\n         money received from an agency: to the invoices named, or the oldest due first; the rest is credit',
    run: (rt, v) => runReceipt(rt, v),
  },
  receivables: {
    options: receivablesOptions,
    usage: 'receivables [--as-of DATE] [--json]       what each agency owes, aged by days past the due date, and its credit',
    run: (rt, v) => runReceivables(rt, v),
  },
  overview: {
    options: overviewOptions,
    usage:
      "overview [--month YYYY-MM] [--json]        the month's billed, collected, open, payroll, paid and owed, margins, held visits,\n         missing W-9s and what blocks the next close or the year end (the current month unless --month)",
    run: (rt, v) => runOverview(rt, v),
  },
  'payer-tin': {
    options: payerTinOptions,
    usage: "payer-tin --tin 12-3456789 --type EIN|SSN        the org's TIN for the 1099-NEC IRS file (stored encrypted)",
    run: (rt, v) => runPayerTin(rt, v),
  },
  'portal-link': {
    options: portalLinkOptions,
    usage:
      'portal-link --agency NAME [--days N] [--passcode-stdin] [--json]  a portal link for the agency (90 days unless --days); the URL is printed once;\n         the passcode from stdin or VISITLEDGER_PORTAL_PASSCODE',
    run: (rt, v) => runPortalLink(rt, v),
  },
  'therapist-link': {
    options: therapistLinkOptions,
    usage:
      "therapist-link --therapist NAME [--days N] [--json]  a link to the therapist's own pages (W-9, pay, 1099-NEC; 90 days unless --days),\n         opened only by Google sign-in with the email on file; the URL is printed once",
    run: (rt, v) => runTherapistLink(rt, v),
  },
  serve: {
    options: serveOptions,
    usage: 'serve [--port N] [--host ADDRESS]            the HTTP API on this store (default port: PORT or 8080)',
    run: (rt, v) => runServe(rt, v),
  },
  'stripe-connect': {
    options: stripeConnectOptions,
    usage:
      "stripe-connect [--json]                   connect the org's Stripe account (checked, stored encrypted); the key and webhook secret\n         from VISITLEDGER_STRIPE_KEY and VISITLEDGER_STRIPE_WEBHOOK_SECRET, or stdin (one a line)",
    run: (rt, v) => runStripeConnect(rt, v),
  },
  onboard: {
    options: onboardOptions,
    usage: 'onboard --all [--json]                     a Stripe connected account per therapist, and the onboarding link to send each',
    run: (rt, v) => runOnboard(rt, v),
  },
  payrun: {
    options: payrunOptions,
    usage: "payrun --period YYYY-MM [--pay] [--json]   the month's pay runs; --pay approves and pays them through Stripe (never twice)",
    run: (rt, v) => runPayrun(rt, v),
  },
  invoices: {
    options: invoicesOptions,
    usage:
      'invoices [--period YYYY-MM] [--agency NAME] [--status open|partially-paid|paid|closed|void] [--json]\n         the issued invoices (those of cycles ending in the month) with what is paid, credited and open',
    run: (rt, v) => runInvoices(rt, v),
  },
  void: {
    options: voidOptions,
    usage:
      'void --invoice NUMBER --reason TEXT [--json]  void an issued invoice; its visits are billed again on the next close, as late visits',
    run: (rt, v) => runVoid(rt, v),
  },
  'credit-note': {
    options: creditNoteOptions,
    usage:
      'credit-note --invoice NUMBER (--visit ID... | --amount 1,234.56) --reason TEXT [--json]  a numbered credit note: what is left of each visit, or an amount',
    run: (rt, v) => runCreditNote(rt, v),
  },
  'pay-runs': {
    options: payRunsOptions,
    usage: "pay-runs [--period YYYY-MM] [--json]       every pay run (or the month's): status, each therapist's pay, what is held and paid",
    run: (rt, v) => runPayRuns(rt, v),
  },
  agencies: {
    options: agenciesOptions,
    usage:
      'agencies [--json]                          the agencies: billing cycle, terms, how patients are named, email, address, spellings',
    run: (rt, v) => runAgencies(rt, v),
  },
  therapists: {
    options: agenciesOptions,
    usage: 'therapists [--json]                        the therapists: disciplines, email, W-9 (TIN masked), pay without a W-9, spellings',
    run: (rt, v) => runTherapists(rt, v),
  },
  agency: { options: agencyOptions, positionals: true, usage: AGENCY_USAGE, run: (rt, v, _org, words) => runAgency(rt, v, words) },
  therapist: {
    options: therapistOptions,
    positionals: true,
    usage: THERAPIST_USAGE,
    run: (rt, v, _org, words) => runTherapist(rt, v, words),
  },
  'api-key': { options: apiKeyOptions, positionals: true, usage: API_KEY_USAGE, run: (rt, v, _org, words) => runApiKey(rt, v, words) },
  settings: {
    options: settingsOptions,
    usage:
      "settings [--name TEXT] [--address1 TEXT] [--address2 TEXT] [--city TEXT] [--state XX] [--zip 12345] [--phone TEXT]\n         [--email TEXT] [--time-zone America/New_York] [--online-payments ach|ach,card|off]\n         [--payroll-cycle weekly|biweekly|semi-monthly|monthly --payroll-anchor DATE]\n         [--check-payable-to TEXT] [--remit-to TEXT] [--ach-bank NAME --ach-routing 9DIGITS --ach-account DIGITS [--ach-account-name TEXT] | --no-ach] [--json]\n         the org's own details (invoices, Copy B, the IRS file), how agencies may pay online, the payroll cycle and the invoices' payment instructions; none: print them",
    run: (rt, v) => runSettings(rt, v),
  },
  w9: {
    options: w9Options,
    usage:
      'w9 --therapist NAME --legal-name TEXT [--business-name TEXT] --classification individual|sole-proprietor|llc-c|llc-s|llc-p|c-corp|s-corp|partnership\n         --tin-type SSN|EIN --tin 123-45-6789 --address1 TEXT [--address2 TEXT] --city TEXT --state XX --zip 12345 [--signed-on YYYY-MM-DD] [--json]  record a paper W-9',
    run: (rt, v) => runW9(rt, v),
  },
  backup: {
    options: backupOptions,
    usage:
      'backup --out FILE [--force] [--json]       a consistent copy of the SQLite file (--db), made while the service runs; owner-only,\n         never over an existing file unless --force; names the field keys to keep with it (never prints them)',
    runOnFile: (v, edge) => runBackup(v, edge),
  },
  restore: {
    options: restoreOptions,
    usage:
      'restore --from FILE [--force] [--json]     check a backup (integrity, schema version, the field keys open it) and put it in place of --db;\n         an existing database needs --force and is kept as FILE.before-restore-<time>; refused while the service holds it',
    runOnFile: (v, edge) => runRestore(v, edge),
  },
  'tax-year': {
    options: taxYearOptions,
    usage: 'tax-year --year YYYY [--json]               the 1099-NEC summary by payment date',
    run: (rt, v) => runTaxYear(rt, v),
  },
};

function usage(): string {
  return [
    'usage: visitledger COMMAND [--db FILE] [--org ID] [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    `  ${KEYS_USAGE}`,
    '',
    '  --db FILE   the SQLite file (default ./data/visitledger.db; its field keys are kept in FILE.keys.json)',
    '  --key-file FILE  keep the field keys in FILE instead (or VISITLEDGER_KEY_FILE); keys in the environment come first',
    "  --org ID    act for this org instead of the file's local org",
    '  --init      create the folder of --db when it does not exist (otherwise refused: a mistyped path makes no new, empty store)',
  ].join('\n');
}

/**
 * The command is the first word that is not a global option or its value: `--db FILE close ...`
 * works as well as `close --db FILE ...`, with either form of each option, in any order.
 */
function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  let i = 0;
  while (i < argv.length) {
    if (argv[i] === '--db' || argv[i] === '--org' || argv[i] === '--key-file') i += 2;
    else if (argv[i] === '--init') i += 1;
    else if (/^--(db|org|key-file)=/.test(argv[i]!)) i += 1;
    else break;
  }
  return { name: argv[i], rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
}

export async function main(argv: readonly string[]): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command && name !== 'keys') {
    process.stderr.write(`error: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  let runtime: CliRuntime | undefined;
  try {
    // `keys new` needs no store, and `keys rotate` opens it its own way.
    if (!command) return await runKeys(rest, process.env);
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: command.positionals === true,
    });
    if (values.help) {
      process.stdout.write(`usage: visitledger ${command.usage}\n`);
      return 0;
    }
    if ('runOnFile' in command) return await command.runOnFile(values as never, { env: process.env, now: new Date() });
    const org = values.org as string | undefined;
    const keyFile = values['key-file'] as string | undefined;
    runtime = await openRuntime({
      ...(values.db ? { db: values.db as string } : {}),
      ...(org ? { org } : {}),
      ...(keyFile ? { keyFile } : {}),
      ...(values.init ? { init: true } : {}),
    });
    return await command.run(runtime, values as never, org, positionals);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingsError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await runtime?.close();
  }
}

if (import.meta.main) {
  // `visitledger close ... | head`: a reader that stops early must not abort the work mid-way; the rest of the output is dropped.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}
