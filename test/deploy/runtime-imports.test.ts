/**
 * The container installs `dependencies` only (`npm ci --omit=dev`): every package the service
 * and the core load at run time must be one of them. Reads every import, dynamic import and
 * require of service/src and shared (not tests, store contract suites or test support).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, stripTypeScriptTypes } from 'node:module';
import { join, relative } from 'node:path';
import { init, parse } from 'es-module-lexer';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }>;
};

/**
 * Packages the service loads that are not its own dependencies but a dependency's, installed
 * at the top of node_modules beside it: pdf-printer.ts takes pdfkit (and fontkit through it)
 * from the pdfmake it drives, so that both use one class of font.
 */
const THROUGH_A_DEPENDENCY: Record<string, string> = { pdfkit: 'pdfmake' };

const isTestCode = (path: string) => /\.(test|contract|bench)\.ts$/.test(path) || path.split('/').includes('test-support');

function runtimeFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => p.endsWith('.ts') && !isTestCode(p));
}

/** The package a specifier names (`@scope/name` or `name`), or null for a relative path or a Node built-in. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Every module specifier the file loads: static and dynamic imports (types stripped first), require() and require.resolve(). */
function specifiersOf(source: string): string[] {
  const js = stripTypeScriptTypes(source);
  const [imports] = parse(js);
  const found = imports.flatMap((i) => (i.n === undefined ? [] : [i.n]));
  for (const m of js.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

describe('what the service loads at run time', () => {
  it('is a Node built-in, a file of the project, or a package in dependencies', async () => {
    await init;
    const files = [...runtimeFiles('service/src'), ...runtimeFiles('shared')];
    expect(files).toContain('service/src/server.ts');
    expect(files).not.toContain('service/src/test-support/firestore-emulator.ts');
    const used = new Map<string, string[]>();
    for (const file of files) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), 'utf8'))) {
        const name = packageOf(spec);
        if (name !== null) used.set(name, [...(used.get(name) ?? []), relative(ROOT, join(ROOT, file))]);
      }
    }
    // The reading finds what the service is known to load.
    expect([...used.keys()]).toEqual(expect.arrayContaining(['express', 'firebase-admin', 'pdfmake', 'pino', 'stripe', 'zod']));
    for (const [name, parent] of Object.entries(THROUGH_A_DEPENDENCY)) {
      expect(pkg.dependencies).toHaveProperty(parent);
      expect(lock.packages[`node_modules/${parent}`]?.dependencies).toHaveProperty(name);
      expect(lock.packages[`node_modules/${name}`], `${name} is installed at the top of node_modules`).toBeDefined();
      expect(lock.packages[`node_modules/${name}`]?.dev).toBeUndefined();
    }
    const notInstalled = [...used]
      .filter(([name]) => !(name in pkg.dependencies) && !(name in THROUGH_A_DEPENDENCY))
      .map(([name, where]) => `${name} (${[...new Set(where)].join(', ')})`);
    expect(notInstalled).toEqual([]);
  });

  it('would catch a dev dependency: the reading sees imports, dynamic imports and requires', () => {
    const source =
      "import type { X } from 'vitest';\nimport { y } from 'fast-check';\nconst z = await import('esbuild');\nconst w = require('@google/clasp/x');\nimport './local.ts';\n";
    expect(specifiersOf(source).map(packageOf)).toEqual(['fast-check', 'esbuild', null, '@google/clasp']);
  });
});
