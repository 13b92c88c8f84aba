/** Runs the `visitledger` CLI in a real child process on the given SQLite file, with only PATH from the environment. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;

export function visitledger(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return visitledgerWith({}, db, ...args);
}

/** `visitledger` with settings in its environment besides PATH (PORT, PORTAL_BASE_URL...). */
export async function visitledgerWith(
  env: Record<string, string>,
  db: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--db', db], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The command's --json answer; a non-zero exit fails with its stderr. */
export async function json(db: string, ...args: string[]) {
  const result = await visitledger(db, ...args, '--json');
  if (result.code !== 0) throw new Error(`visitledger ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const SAMPLE_SHEET = new URL('../../shared/fixtures/sample-owner-sheet/', import.meta.url).pathname;
/** `import` of the sample owner sheet's three files; a test adds --commit, --json or --map-agency. */
export const SAMPLE_IMPORT = [
  'import',
  '--visits',
  `${SAMPLE_SHEET}visits.csv`,
  '--rates',
  `${SAMPLE_SHEET}rates.csv`,
  '--pay-rates',
  `${SAMPLE_SHEET}pay-rates.csv`,
];

/** `import --commit` of the sample owner sheet, its two near agency names confirmed as the owner would. */
export const SAMPLE_IMPORT_CONFIRMED = [
  ...SAMPLE_IMPORT,
  '--map-agency',
  'Oakridge=Oakridge Home Health',
  '--map-agency',
  'Lakeside Home Care=Lakeside Home Care LLC',
  '--commit',
];

/** `visitledger payment` by check in the demo org; resolves to the exit code. */
export async function payDemoByCheck(db: string, therapist: string, amount: string, date: string): Promise<number> {
  const run = await visitledger(
    db,
    'payment',
    '--org',
    'demo',
    '--therapist',
    therapist,
    '--amount',
    amount,
    '--date',
    date,
    '--method',
    'check',
  );
  return run.code;
}
