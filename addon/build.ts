/**
 * Builds the add-on for Apps Script: esbuild bundles addon/src/index.ts (and the shared/
 * code it imports) into one ES2019 IIFE under the global `VisitLedger`, then appends one
 * real top-level `function` per export, because Apps Script only sees function
 * declarations as menu handlers, triggers and `google.script.run` targets. The sidebar
 * HTML and appsscript.json are copied next to it, into `.clasp.json`'s rootDir.
 *
 * The service's origin is fixed here: compiled into the script and made the manifest's
 * only `urlFetchWhitelist` entry, so nothing an editor of the sheet can write decides where
 * the owner's ID token goes. The build refuses without it.
 *
 *   VISITLEDGER_SERVICE_URL=https://api.example.org npm run build:addon            # into dist/addon
 *   VISITLEDGER_SERVICE_URL=https://api.example.org npm run build:addon -- OUT_DIR
 *   VISITLEDGER_SERVICE_URL=http://127.0.0.1:8080 npm run build:addon -- --allow-loopback-http   # tests only
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLOBAL = 'VisitLedger';
/** Apps Script refuses a project whose files pass this; the brief keeps us well under it. */
export const MAX_SCRIPT_BYTES = 250 * 1024;

export type AddonBuild = {
  outDir: string;
  scriptFile: string;
  scriptBytes: number;
  globals: string[];
  files: string[];
  serviceOrigin: string;
  urlFetchWhitelist: string[];
};

/** `allowLoopbackHttp`: a test's service on this machine over http; never for a build that is pushed. */
export type AddonBuildOptions = { serviceUrl: string | undefined; allowLoopbackHttp?: boolean };

const DEFAULT_OUT = join(ROOT, JSON.parse(readFileSync(join(ROOT, '.clasp.json'), 'utf8')).rootDir);
/** The name the add-on's code reads the origin by (addon/src/service-client/client.ts declares it). */
const ORIGIN_GLOBAL = 'VISITLEDGER_SERVICE_ORIGIN';
const SHAPE = 'an https origin such as https://visitledger-api-abc123-uc.a.run.app (no path, no query)';

/**
 * The service origin the add-on is built for, from `VISITLEDGER_SERVICE_URL`: https, a host and
 * at most a port; a path, query, fragment or credentials are refused, not dropped, so that what
 * was meant is never guessed. Plain http only to 127.0.0.1 or localhost, and only when allowed.
 */
export function serviceOriginOf(options: AddonBuildOptions): string {
  const raw = options.serviceUrl?.trim();
  if (!raw) throw new Error(`VISITLEDGER_SERVICE_URL is not set: the add-on is built for one service, ${SHAPE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`VISITLEDGER_SERVICE_URL "${raw}" is not a URL: it must be ${SHAPE}`);
  }
  const loopback = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  if (url.protocol !== 'https:' && !(loopback && options.allowLoopbackHttp))
    throw new Error(`VISITLEDGER_SERVICE_URL "${raw}" must be https: it must be ${SHAPE}`);
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    raw.endsWith('?') ||
    raw.endsWith('#') ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new Error(`VISITLEDGER_SERVICE_URL "${raw}" has more than an origin: it must be ${SHAPE}`);
  }
  return url.origin;
}

/** The repository's manifest with the service as the only URL the script may fetch. */
export function manifestFor(serviceOrigin: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'appsscript.json'), 'utf8')) as Record<string, unknown>;
  return { ...manifest, urlFetchWhitelist: [`${serviceOrigin}/`] };
}

export async function buildAddon(outDir: string, options: AddonBuildOptions): Promise<AddonBuild> {
  const serviceOrigin = serviceOriginOf(options);
  const entry = join(ROOT, 'addon/src/index.ts');
  const define = { [ORIGIN_GLOBAL]: JSON.stringify(serviceOrigin) };
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
    define,
  });
  // An IIFE's metafile lists no exports: an ESM pass over the same entry names them.
  const esm = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    logLevel: 'silent',
    define,
  });
  const output = Object.values(esm.metafile.outputs)[0]!;
  const nodeInputs = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('node:'));
  if (nodeInputs.length > 0) throw new Error(`the add-on bundle imports Node built-ins: ${nodeInputs.join(', ')}`);
  const globals = [...output.exports].sort();
  const wrappers = globals.map((name) => `function ${name}(a, b, c) { return ${GLOBAL}.${name}(a, b, c); }`).join('\n');
  const script = `${result.outputFiles[0]!.text}\n${wrappers}\n`;
  if (new RegExp(`\\b${ORIGIN_GLOBAL}\\b`).test(script))
    throw new Error(`the add-on bundle still names ${ORIGIN_GLOBAL}: the build did not fix the service origin`);
  const scriptBytes = Buffer.byteLength(script);
  if (scriptBytes > MAX_SCRIPT_BYTES)
    throw new Error(`the add-on script is ${scriptBytes} bytes, over the ${MAX_SCRIPT_BYTES}-byte budget`);

  mkdirSync(outDir, { recursive: true });
  const scriptFile = join(outDir, 'Code.js');
  writeFileSync(scriptFile, script);
  copyFileSync(join(ROOT, 'addon/src/sidebar/Sidebar.html'), join(outDir, 'Sidebar.html'));
  const manifest = manifestFor(serviceOrigin);
  writeFileSync(join(outDir, 'appsscript.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir,
    scriptFile,
    scriptBytes,
    globals,
    files: ['Code.js', 'Sidebar.html', 'appsscript.json'],
    serviceOrigin,
    urlFetchWhitelist: manifest.urlFetchWhitelist as string[],
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const allowLoopbackHttp = args.includes('--allow-loopback-http');
  const outArg = args.find((a) => !a.startsWith('--'));
  try {
    const built = await buildAddon(outArg ? resolve(outArg) : DEFAULT_OUT, {
      serviceUrl: process.env.VISITLEDGER_SERVICE_URL,
      allowLoopbackHttp,
    });
    console.log(
      `built ${built.scriptFile}: ${(built.scriptBytes / 1024).toFixed(1)} KB; globals: ${built.globals.join(', ')}; service: ${built.serviceOrigin}; URL allowlist: ${built.urlFetchWhitelist.join(', ')}`,
    );
  } catch (e) {
    console.error(`build:addon: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
