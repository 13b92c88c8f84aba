/**
 * The layers of DESIGN.md, checked on every import of the code: use cases never reach an
 * adapter or the HTTP layer, security (auth, crypto) sits below the use cases, the failure
 * type below both, and the billing core imports nothing but zod/mini. Tests and test
 * support are left out: like server.ts, they wire real adapters in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a module imports: each `from '...'`, side-effect `import '...'` and `import('...')`. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [
    /^\s*(?:import|export)\b[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** A relative import as a path from the repository root (`service/src/http/app.ts`); a package as its name. */
function target(file: string, specifier: string): string {
  return specifier.startsWith('.')
    ? relative(ROOT, join(ROOT, dirname(file), specifier))
        .split(sep)
        .join('/')
    : specifier;
}

const isPackage = (t: string, ...names: string[]) => names.some((n) => t === n || t.startsWith(`${n}/`));

type Rule = { files: string; why: string; forbids: (target: string) => boolean };

const RULES: Rule[] = [
  {
    files: 'service/src/usecases/',
    why: 'a use case speaks to ports, never to HTTP, an adapter or a provider SDK',
    forbids: (t) =>
      t.startsWith('service/src/http/') ||
      t.startsWith('service/src/store/sqlite/') ||
      t.startsWith('service/src/store/firestore/') ||
      t.startsWith('service/src/payouts/stripe') ||
      isPackage(t, 'express', 'stripe', 'firebase-admin', '@google-cloud/firestore') ||
      t === 'node:sqlite',
  },
  {
    files: 'service/src/usecases/',
    why: "from the adapters' folders a use case imports only their ports (`*port.ts`) and the pure file-name helpers",
    forbids: (t) =>
      /^service\/src\/(store|payouts|documents)\//.test(t) && !/port\.ts$/.test(t) && t !== 'service/src/documents/file-names.ts',
  },
  {
    files: 'service/src/auth/',
    why: 'authentication sits below the use cases and HTTP',
    forbids: (t) => t.startsWith('service/src/usecases/') || t.startsWith('service/src/http/'),
  },
  {
    files: 'service/src/crypto/',
    why: 'crypto sits below the use cases and HTTP',
    forbids: (t) => t.startsWith('service/src/usecases/') || t.startsWith('service/src/http/'),
  },
  {
    files: 'service/src/failure.ts',
    why: 'the failure type sits below use cases and auth: it needs only zod and the core',
    forbids: (t) => t.startsWith('service/src/'),
  },
  { files: 'shared/', why: 'the billing core imports nothing but zod/mini', forbids: (t) => t !== 'zod/mini' && !t.startsWith('shared/') },
];

/** Each import of the file that breaks a rule, with the rules it breaks. */
function violations(file: string, specifiers: readonly string[]): { file: string; target: string; why: string[] }[] {
  const rules = RULES.filter((r) => file.startsWith(r.files));
  return specifiers
    .map((s) => target(file, s))
    .flatMap((t) => {
      const why = rules.filter((r) => r.forbids(t)).map((r) => r.why);
      return why.length === 0 ? [] : [{ file, target: t, why }];
    });
}

const forbiddenTargets = (file: string, specifiers: readonly string[]) => violations(file, specifiers).map((v) => v.target);

const isCode = (path: string) =>
  path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.contract.ts') && !path.split('/').includes('test-support');

function codeFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((p) => `${dir}/${p.split(sep).join('/')}`)
    .filter(isCode)
    .sort();
}

describe('layering', () => {
  it('reads every kind of import, one line or many', () => {
    const source = [
      "import * as z from 'zod/mini';",
      "import {\n  a,\n  type B,\n} from '../http/app.ts';",
      "export { c } from './c.ts';",
      "import './side-effect.ts';",
      "const later = await import('node:sqlite');",
      "const text = 'this is not imported from here';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['../http/app.ts', './c.ts', './side-effect.ts', 'node:sqlite', 'zod/mini']);
  });

  it('catches each kind of forbidden import', () => {
    expect(
      forbiddenTargets('service/src/usecases/payouts/pay.ts', [
        '../../http/app.ts',
        '../../store/sqlite/sqlite-store.ts',
        '../../store/firestore/open.ts',
        '../../payouts/stripe-gateway.ts',
        'express',
        'stripe',
        'firebase-admin/firestore',
        'node:sqlite',
        '../../documents/render.ts',
        '../../store/port.ts',
        '../../payouts/gateway-port.ts',
        '../../documents/renderer-port.ts',
        '../../documents/file-names.ts',
        '../../failure.ts',
        '../../crypto/tokens.ts',
        '../context.ts',
        'zod/mini',
      ]),
    ).toEqual([
      'service/src/http/app.ts',
      'service/src/store/sqlite/sqlite-store.ts',
      'service/src/store/firestore/open.ts',
      'service/src/payouts/stripe-gateway.ts',
      'express',
      'stripe',
      'firebase-admin/firestore',
      'node:sqlite',
      'service/src/documents/render.ts',
    ]);
    expect(
      forbiddenTargets('service/src/auth/principal.ts', [
        '../usecases/api-keys.ts',
        '../http/route.ts',
        '../crypto/tokens.ts',
        '../store/port.ts',
      ]),
    ).toEqual(['service/src/usecases/api-keys.ts', 'service/src/http/route.ts']);
    expect(forbiddenTargets('service/src/crypto/tokens.ts', ['../usecases/portal.ts', 'node:crypto'])).toEqual([
      'service/src/usecases/portal.ts',
    ]);
    expect(forbiddenTargets('service/src/failure.ts', ['./usecases/context.ts', 'zod', '../../shared/index.ts'])).toEqual([
      'service/src/usecases/context.ts',
    ]);
    expect(
      forbiddenTargets('shared/import/pipeline.ts', ['zod/mini', '../money.ts', 'zod', 'node:fs', '../../service/src/failure.ts']),
    ).toEqual(['zod', 'node:fs', 'service/src/failure.ts']);
  });

  it('holds for every file of the service and the core', () => {
    const files = [...codeFiles('service/src'), ...codeFiles('shared')];
    for (const rule of RULES)
      expect(
        files.some((f) => f.startsWith(rule.files)),
        `no file under ${rule.files}`,
      ).toBe(true);
    const imports = files.map((f) => ({ file: f, specifiers: importsOf(readFileSync(join(ROOT, f), 'utf8')) }));
    expect(imports.flatMap((i) => i.specifiers).length).toBeGreaterThan(files.length);
    expect(imports.flatMap((i) => violations(i.file, i.specifiers)).map((v) => `${v.file} -> ${v.target}: ${v.why.join('; ')}`)).toEqual(
      [],
    );
  });
});
