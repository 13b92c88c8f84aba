/**
 * Builds the add-on for Apps Script: esbuild bundles addon/src/index.ts (and the shared/
 * code it imports) into one ES2019 IIFE under the global `VisitLedger`, then appends one
 * real top-level `function` per export, because Apps Script only sees function
 * declarations as menu handlers, triggers and `google.script.run` targets. The sidebar
 * HTML and appsscript.json are copied next to it, into `.clasp.json`'s rootDir.
 *
 *   npm run build:addon                                   # into dist/addon
 *   npm run build:addon -- OUT_DIR
 *   VISITLEDGER_SERVICE_URL=https://api.example.org npm run build:addon   # allowlist that service only
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLOBAL = 'VisitLedger';
/** Apps Script refuses a project whose files pass this; the brief keeps us well under it. */
export const MAX_SCRIPT_BYTES = 250 * 1024;

export type AddonBuild = { outDir: string; scriptFile: string; scriptBytes: number; globals: string[]; files: string[]; urlFetchWhitelist: string[] };

const DEFAULT_OUT = join(ROOT, JSON.parse(readFileSync(join(ROOT, '.clasp.json'), 'utf8')).rootDir);

/**
 * The manifest's URL allowlist: the repository's (any Cloud Run service, where the service
 * runs) unless `serviceUrl` names the deployed service, which narrows it to that origin.
 */
export function manifestFor(serviceUrl: string | undefined): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'appsscript.json'), 'utf8')) as Record<string, unknown>;
  if (!serviceUrl) return manifest;
  const url = new URL(serviceUrl);
  if (url.protocol !== 'https:') throw new Error(`the service URL must be https: ${serviceUrl}`);
  return { ...manifest, urlFetchWhitelist: [`${url.origin}/`] };
}

export async function buildAddon(outDir: string = DEFAULT_OUT, options: { serviceUrl?: string } = {}): Promise<AddonBuild> {
  const entry = join(ROOT, 'addon/src/index.ts');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: GLOBAL,
    target: 'es2019',
    // Neutral: no Node built-ins can be resolved, so none can slip into the bundle.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    charset: 'utf8',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  // An IIFE's metafile lists no exports: an ESM pass over the same entry names them.
  const esm = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'neutral', metafile: true, logLevel: 'silent' });
  const output = Object.values(esm.metafile.outputs)[0]!;
  const nodeInputs = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('node:'));
  if (nodeInputs.length > 0) throw new Error(`the add-on bundle imports Node built-ins: ${nodeInputs.join(', ')}`);
  const globals = [...output.exports].sort();
  const wrappers = globals.map((name) => `function ${name}(a, b, c) { return ${GLOBAL}.${name}(a, b, c); }`).join('\n');
  const script = `${result.outputFiles[0]!.text}\n${wrappers}\n`;
  const scriptBytes = Buffer.byteLength(script);
  if (scriptBytes > MAX_SCRIPT_BYTES) throw new Error(`the add-on script is ${scriptBytes} bytes, over the ${MAX_SCRIPT_BYTES}-byte budget`);

  mkdirSync(outDir, { recursive: true });
  const scriptFile = join(outDir, 'Code.js');
  writeFileSync(scriptFile, script);
  copyFileSync(join(ROOT, 'addon/src/sidebar/Sidebar.html'), join(outDir, 'Sidebar.html'));
  const manifest = manifestFor(options.serviceUrl);
  writeFileSync(join(outDir, 'appsscript.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, scriptFile, scriptBytes, globals, files: ['Code.js', 'Sidebar.html', 'appsscript.json'], urlFetchWhitelist: manifest.urlFetchWhitelist as string[] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const serviceUrl = process.env.VISITLEDGER_SERVICE_URL;
  const built = await buildAddon(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT, serviceUrl ? { serviceUrl } : {});
  console.log(`built ${built.scriptFile}: ${(built.scriptBytes / 1024).toFixed(1)} KB; globals: ${built.globals.join(', ')}; URL allowlist: ${built.urlFetchWhitelist.join(', ')}`);
}
