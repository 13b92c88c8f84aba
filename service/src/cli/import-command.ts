/**
 * `visitledger import --visits visits.csv [--rates rates.csv] [--pay-rates pay-rates.csv] [--settled-through YYYY-MM-DD] [--json [--show-phi]] [--commit]`.
 * The JSON names no patient unless --show-phi asks: a terminal's scrollback and a CI log are not places for PHI.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../../shared/index.ts';
import { importLegacy, type ImportOutcome, type ImportRow } from '../usecases/import.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, table, UsageError, type CliValues } from './output.ts';
import { dateOption } from './typed-input.ts';

export const importOptions = {
  visits: { type: 'string' },
  rates: { type: 'string' },
  'pay-rates': { type: 'string' },
  'rates-from': { type: 'string' },
  'map-agency': { type: 'string', multiple: true },
  'map-therapist': { type: 'string', multiple: true },
  'settled-through': { type: 'string' },
  commit: { type: 'boolean' },
  json: { type: 'boolean' },
  'show-phi': { type: 'boolean' },
} as const;

function readCsv(file: string, what: string): string[][] {
  try {
    return parseCsv(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** "Typed text=Known name" pairs from --map-agency / --map-therapist. */
function mappings(pairs: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--${flag} takes "typed text=known name", got "${pair}"`);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

export async function runImport(rt: CliRuntime, values: CliValues<typeof importOptions>): Promise<number> {
  if (!values.visits) throw new UsageError('import needs --visits FILE (the visit log as CSV)');
  const result = await importLegacy(rt.ctx, rt.orgId, {
    visits: readCsv(values.visits, 'visits'),
    ...(values.rates ? { rates: readCsv(values.rates, 'rates') } : {}),
    ...(values['pay-rates'] ? { payRates: readCsv(values['pay-rates'], 'pay rates') } : {}),
    ...(values['rates-from'] ? { ratesFrom: dateOption('--rates-from', values['rates-from']) } : {}),
    mappings: { agencies: mappings(values['map-agency'], 'map-agency'), therapists: mappings(values['map-therapist'], 'map-therapist') },
    ...(values['settled-through'] ? { settledThrough: dateOption('--settled-through', values['settled-through']) } : {}),
    commit: values.commit ?? false,
  });
  if (!result.ok) return failureExit(result.error);
  if (values.json) printJson(values['show-phi'] ? result.value : withoutPatients(result.value));
  else printReport(result.value, values.commit ?? false);
  return 0;
}

/** The report with each visit's patient (name and MRN) left out. */
function withoutPatients(report: ImportOutcome): ImportOutcome {
  return {
    ...report,
    rows: report.rows.map((r) =>
      r.visit ? { ...r, visit: (({ patient: _p, mrn: _m, ...visit }) => visit)(r.visit) as ImportRow['visit'] } : r,
    ),
  };
}

function printReport(report: ImportOutcome, commit: boolean): void {
  const { summary } = report;
  say(
    table([
      ['row', 'outcome', 'date', 'therapist', 'agency', 'disc', 'type', 'bill', 'pay', 'reason'],
      ...report.rows.map((r) => [
        String(r.row),
        r.outcome,
        r.visit?.date ?? '',
        r.visit?.therapist ?? '',
        r.visit?.agency ?? '',
        r.visit?.discipline ?? '',
        r.visit?.visitType ?? '',
        r.visit?.billRateCents != null ? money(r.visit.billRateCents) : '',
        r.visit?.payRateCents != null ? money(r.visit.payRateCents) : '',
        r.reason ?? '',
      ]),
    ]),
  );
  say();
  for (const r of report.rows) {
    for (const p of r.proposals ?? [])
      say(
        `row ${r.row}: did "${p.text}" mean ${p.field} "${p.suggestion}"? (${p.reason}) Confirm with --map-${p.field} "${p.text}=${p.suggestion}"`,
      );
  }
  for (const p of report.sheetProblems)
    say(`${p.sheet} sheet${p.row ? ` row ${p.row}` : ''}${p.column ? ` column ${p.column}` : ''}: ${p.message}`);
  if (report.rateChanges.length) {
    say(`rates that change${commit ? '' : ' (with --commit)'}; visits before keep the rate they were done at:`);
    for (const change of report.rateChanges) say(`  ${change}`);
  }
  if (report.newAgencies.length) say(`new agencies: ${report.newAgencies.join(', ')} (billed monthly, Net 30, until you change them)`);
  if (report.newTherapists.length) say(`new therapists: ${report.newTherapists.join(', ')}`);
  say(
    `${summary.dataRows} rows: ${summary.visits} visits, ${summary.duplicates} duplicates, ${summary.needsReview} need review, ${summary.skipped} skipped`,
  );
  if (report.committed) {
    const c = report.committed;
    say(
      `stored: ${c.visits} visits, ${c.agencies} new agencies, ${c.therapists} new therapists, ${c.billRates} bill rates, ${c.payRates} pay rates`,
    );
    if (c.settledOutside > 0)
      say(`settled outside VisitLedger (billed and paid before it, never billed or paid here): ${c.settledOutside} visits`);
  } else if (!commit) {
    say('nothing stored yet: run again with --commit to store the visits (rows that need review are never stored)');
  }
}
