/**
 * The Dockerfile read instruction by instruction, and the files its final stage copies from
 * the build context (the working tree's files under its COPY sources that .dockerignore does not leave
 * out): what the image would hold, for tests that cannot run `docker build` here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

type Instruction = { op: string; args: string };
export type Stage = { from: string; name?: string; instructions: Instruction[] };

/** Instructions with continuation lines joined and comments dropped; `${ARG}` replaced by the ARG's default. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const expanded = rest.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => args[a ?? b] ?? m);
    const instruction = { op: op.toUpperCase(), args: expanded };
    if (instruction.op === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name!] = value;
    } else if (instruction.op === 'FROM') {
      const [from, as, name] = expanded.split(/\s+/);
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' ? { name: name! } : {}), instructions: [] });
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

export const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/**
 * Docker's rule, for the patterns used here: a pattern excludes the path it matches and everything
 * under it; a later `!pattern` takes back what it matches (the last pattern that matches decides).
 */
export const excluded = (path: string) => {
  const under = (p: string) => path.split('/').some((_, i, parts) => matchesGlob(parts.slice(0, i + 1).join('/'), p));
  let out = false;
  for (const p of ignored) if (under(p.replace(/^!/, ''))) out = !p.startsWith('!');
  return out;
};

/** The sources of the final stage's COPY instructions from the build context. */
export function copiedSources(): string[] {
  const final = dockerfile.stages.at(-1)!;
  return final.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
}

export function imageFiles(): string[] {
  const sources = copiedSources();
  // The build context is the working tree: files not yet committed go too, files .gitignore names do not.
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && existsSync(join(ROOT, f)));
  return tracked.filter((f) => sources.some((c) => f === c || f.startsWith(`${c}/`)) && !excluded(f));
}
