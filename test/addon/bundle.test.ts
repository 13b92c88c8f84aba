/** The build clasp pushes: one ES2019 script under the size budget, a real function per global, the manifest beside it. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon, manifestFor, MAX_SCRIPT_BYTES, type AddonBuild } from '../../addon/build.ts';
import { buildToTemp } from './support/build-once.ts';

const GLOBALS = [
  'applySetUp', 'checkHistory', 'connectService', 'generateInvoices', 'onFormSubmit', 'onInstall', 'onOpen', 'open1099', 'openInvoices', 'openPay', 'openPayroll',
  'openPortalLinks', 'openSetUp', 'openSync', 'payContractors', 'previewSetUp', 'report1099', 'runPayroll', 'sendPortalLinks', 'settleHistory', 'sidebarState', 'syncNow',
];

let build: AddonBuild;
let code: string;
beforeAll(async () => {
  build = await buildToTemp();
  code = readFileSync(build.scriptFile, 'utf8');
});

describe('the add-on build', () => {
  it('is one script under 250 KB with a top-level function for each global', () => {
    expect(build.files).toEqual(['Code.js', 'Sidebar.html', 'appsscript.json']);
    expect(build.scriptBytes).toBeLessThan(MAX_SCRIPT_BYTES);
    expect(build.scriptBytes).toBe(Buffer.byteLength(code));
    expect(build.globals).toEqual(GLOBALS);
    for (const name of GLOBALS) expect(code).toMatch(new RegExp(`^function ${name}\\(a, b, c\\) \\{ return VisitLedger\\.${name}\\(a, b, c\\); \\}$`, 'm'));
    // Every menu item and google.script.run target names a global that exists.
    const sidebar = readFileSync(join(build.outDir, 'Sidebar.html'), 'utf8');
    const called = [...sidebar.matchAll(/server\('(\w+)'|data-run="(\w+)"/g)].map((m) => m[1] ?? m[2]!);
    expect(called.length).toBeGreaterThan(5);
    for (const name of called) expect(GLOBALS).toContain(name);
  });

  it('is ES2019 with nothing from Node: no optional chaining, no ?? , no class fields, no require or process', () => {
    expect(code).not.toMatch(/[\w)\]]\?\.[\w[(]/);
    expect(code).not.toMatch(/ \?\? /);
    expect(code).not.toMatch(/^\s+static\s+\w+\s*=/m);
    expect(code).not.toMatch(/\brequire\(|\bprocess\.|from "node:|\bBuffer\./);
    expect(code).not.toMatch(/\bimport\s*\(|^export /m);
  });

  it('loads in a bare context without calling any Apps Script service', () => {
    const context = vm.createContext({});
    vm.runInContext(code, context);
    for (const name of GLOBALS) expect(typeof context[name]).toBe('function');
  });

  it('ships the manifest: V8, the scopes it needs and no more, the service on the URL allowlist', () => {
    const manifest = JSON.parse(readFileSync(join(build.outDir, 'appsscript.json'), 'utf8'));
    expect(manifest).toEqual(JSON.parse(readFileSync('appsscript.json', 'utf8')));
    expect(manifest.runtimeVersion).toBe('V8');
    expect([...manifest.oauthScopes].sort()).toEqual([
      'https://www.googleapis.com/auth/forms',
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.scriptapp',
      'https://www.googleapis.com/auth/script.send_mail',
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/userinfo.email',
      'openid',
    ]);
    expect(manifest.urlFetchWhitelist).toEqual(['https://*.a.run.app/']);
    // Built for one deployed service, the allowlist names only it.
    expect(manifestFor('https://visitledger-api-abc123-uc.a.run.app/v1').urlFetchWhitelist).toEqual(['https://visitledger-api-abc123-uc.a.run.app/']);
    expect(() => manifestFor('http://insecure.example')).toThrow(/must be https/);
    // The build folder is what clasp pushes.
    expect(JSON.parse(readFileSync('.clasp.json', 'utf8')).rootDir).toBe('dist/addon');
  });

  it('is what clasp would push from a clone: exactly the three built files under .clasp.json\'s rootDir (clasp reads this offline)', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'visitledger-clasp-'));
    copyFileSync('.clasp.json', join(clone, '.clasp.json'));
    await buildAddon(join(clone, 'dist/addon'));
    const status = JSON.parse(execFileSync(process.execPath, [join(process.cwd(), 'node_modules/@google/clasp/build/src/index.js'), 'show-file-status', '--json'], { cwd: clone, encoding: 'utf8', timeout: 60_000 }));
    expect(status.filesToPush.sort()).toEqual(['dist/addon/Code.js', 'dist/addon/Sidebar.html', 'dist/addon/appsscript.json']);
    expect(status.untrackedFiles).toEqual([]);
  });
});
