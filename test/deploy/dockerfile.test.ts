/**
 * The Dockerfile and .dockerignore, read instruction by instruction (no Docker engine runs
 * here, so nothing is built: docs/deploy.md says what that leaves unchecked).
 */
import { readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

type Instruction = { op: string; args: string };
type Stage = { from: string; name?: string; instructions: Instruction[] };

/** Instructions with continuation lines joined and comments dropped; `${ARG}` replaced by the ARG's default. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter(Boolean);
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

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const final = dockerfile.stages.at(-1)!;
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
/** Docker's rule, for the patterns used here: a pattern excludes the path it matches and everything under it. */
const excluded = (path: string) => ignored.some((p) => path === p || path.startsWith(`${p}/`) || matchesGlob(path, p) || path.split('/').some((_, i, parts) => matchesGlob(parts.slice(0, i + 1).join('/'), p)));

describe('the Dockerfile', () => {
  it('builds on the official Node 24 slim image in every stage, and is multi-stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.from).toBe('node:24-slim');
  });

  it('installs production dependencies from the lockfile only, without scripts, and keeps no package manager in the image', () => {
    const runs = dockerfile.stages.flatMap((s) => ops(s, 'RUN'));
    const installs = runs.filter((r) => /\bnpm\s+(ci|install|i)\b|\b(yarn|pnpm)\s+(install|add)\b/.test(r));
    expect(installs).toEqual([expect.stringMatching(/^npm ci --omit=dev --ignore-scripts\b/)]);
    expect(runs.join('\n')).not.toMatch(/apt-get|apk add|build-essential|python3|g\+\+/);
    expect(ops(final, 'RUN').join(' ')).toMatch(/rm -rf .*\/usr\/local\/lib\/node_modules .*\/usr\/local\/bin\/npm /);
    expect(ops(final, 'COPY')).toContain('--from=deps /app/node_modules ./node_modules');
  });

  it('runs as a user that is not root, in production, with the production start as its command', () => {
    const users = ops(final, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    const env = ops(final, 'ENV').join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    const cmd = JSON.parse(ops(final, 'CMD').at(-1)!) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('service/src/server.ts');
    expect(cmd).not.toContain('--demo');
    // The same start as `npm run start:prod`.
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts['start:prod']).toContain(`node ${cmd.slice(1).join(' ')}`);
  });

  it('copies what the service runs and nothing .dockerignore leaves out', () => {
    const copied = ops(final, 'COPY').filter((c) => !c.startsWith('--from')).flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(copied.sort()).toEqual(['package-lock.json', 'package.json', 'service/src', 'shared']);
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const shipped = tracked.filter((f) => copied.some((c) => f === c || f.startsWith(`${c}/`)) && !excluded(f));
    expect(shipped).toContain('service/src/server.ts');
    expect(shipped).toContain('service/src/documents/render-worker.ts');
    expect(shipped.filter((f) => /\.(test|contract)\.ts$|test-support/.test(f))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('leaves out node_modules, .git, data, tests, secrets and the add-on', () => {
    for (const path of ['node_modules', 'node_modules/express/index.js', '.git', '.git/HEAD', 'data/visitledger.db', 'test/api/harness.ts', 'service/src/server.test.ts', 'service/src/test-support/firestore-emulator.ts', '.env', 'data/visitledger.db.keys.json', 'addon/src/index.ts']) {
      expect(excluded(path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'service/src/server.ts', 'shared/index.ts']) expect(excluded(path), path).toBe(false);
  });
});
