/**
 * The Dockerfile and .dockerignore, read instruction by instruction (no Docker engine runs
 * here, so nothing is built: docs/deploy.md says what that leaves unchecked).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copiedSources, dockerfile, excluded, imageFiles, ROOT, type Stage } from './image-files.ts';

const final = dockerfile.stages.at(-1)!;
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

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
    expect(copiedSources().sort()).toEqual([
      'addon/src/sidebar/Sidebar.html',
      'package-lock.json',
      'package.json',
      'service/src',
      'shared',
    ]);
    const shipped = imageFiles();
    expect(shipped).toContain('package-lock.json');
    expect(shipped).toContain('service/src/server.ts');
    expect(shipped).toContain('service/src/documents/render-worker.ts');
    // Of the add-on, only the sidebar the public demo serves.
    expect(shipped.filter((f) => f.startsWith('addon/'))).toEqual(['addon/src/sidebar/Sidebar.html']);
    expect(shipped.filter((f) => /\.(test|contract)\.ts$|test-support/.test(f))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('leaves out node_modules, .git, data, tests, secrets and the add-on', () => {
    for (const path of [
      'node_modules',
      'node_modules/express/index.js',
      '.git',
      '.git/HEAD',
      'data/visitledger.db',
      'test/api/harness.ts',
      'service/src/server.test.ts',
      'service/src/test-support/firestore-emulator.ts',
      '.env',
      'data/visitledger.db.keys.json',
      'addon/src/index.ts',
    ]) {
      expect(excluded(path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'service/src/server.ts', 'shared/index.ts', 'addon/src/sidebar/Sidebar.html'])
      expect(excluded(path), path).toBe(false);
  });
});
