/**
 * docs/cli.md's examples (the README's command line) as written, one after another in a fresh
 * folder, through bash and the real CLI: each must end with exit 0, whatever today's date is.
 * `npm run cli --` is the CLI under this Node, as the npm script runs it. Only what needs a
 * Stripe account, runs until stopped (serve) or writes outside the folder (backup, restore) is
 * left out, and `agency merge`, whose example merges an agency a Sync made of a typo: the walk
 * has none (an import proposes the agency meant instead of making one).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'service/src/cli.ts');
const NOT_WALKED = /stripe-connect|onboard|payrun|backup|restore|serve|agency merge/;

/** The shell block's commands, continuation lines joined. */
function examples(): string[] {
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)\n```/.exec(doc)![1]!;
  return block.replace(/\\\n\s*/g, ' ').split('\n');
}

describe("docs/cli.md's examples", () => {
  it('run as written on a fresh folder, each with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-docs-walk-'));
    symlinkSync(join(ROOT, 'shared'), join(dir, 'shared')); // the examples name the sample sheet from the repository's root
    const lines = examples();
    const walked = lines.filter((l) => !NOT_WALKED.test(l));
    expect(lines.filter((l) => NOT_WALKED.test(l)).length).toBeLessThanOrEqual(8);
    expect(walked.length).toBeGreaterThan(15);
    const script = [
      `npm() { shift 3; "${process.execPath}" "${CLI}" "$@"; }`,
      ...walked.flatMap((line, n) => [`echo "::start ${n}"`, line, `echo "::exit ${n} $?"`]),
    ].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const outcomes = walked.map((line, n) => {
      const output = stdout.slice(stdout.indexOf(`::start ${n}\n`) + `::start ${n}\n`.length, stdout.indexOf(`::exit ${n} `));
      const code = Number(new RegExp(`::exit ${n} (\\d+)`).exec(stdout)?.[1]);
      return { line, code, output: output.slice(0, 400) };
    });
    for (const o of outcomes) expect(o, o.line).toMatchObject({ code: 0 });
    const said = (pattern: RegExp) => outcomes.find((o) => pattern.test(o.line))!.output;
    expect(said(/close --org demo --period 2026-10/)).toMatch(/INV-\d{4} {2}Oakridge Home Health \(demo\)/);
    expect(said(/close --org demo/)).not.toContain('(closed before)');
    expect(said(/export-1099 --year 2026 --out/)).toContain('iris-1099-nec-2026-1.csv');
    expect(said(/export-accounting/)).toMatch(/^invoices chosen by service period/);
    expect(said(/export-accounting/)).toMatch(/\n\d+ invoices, /);
    expect(said(/portal-link/)).toMatch(/^http:\/\/localhost:8080\/portal\//);
  }, 180_000);
});
