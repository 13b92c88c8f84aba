/**
 * The build clasp pushes: one ES2019 script under the size budget, a real function per
 * global, the manifest beside it; built for one service origin, or not at all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon, MAX_SCRIPT_BYTES, type AddonBuild } from '../../addon/build.ts';
import { buildToTemp, NO_SERVICE_URL } from './support/build-once.ts';

const GLOBALS = [
  'applySetUp',
  'checkHistory',
  'connectService',
  'dailyMail',
  'generateInvoices',
  'manageBilling',
  'monthOverview',
  'onFormSubmit',
  'onInstall',
  'onOpen',
  'open1099',
  'openInvoices',
  'openOverview',
  'openPay',
  'openPayroll',
  'openPlan',
  'openPortalLinks',
  'openReceivables',
  'openSetUp',
  'openSync',
  'openTherapistLinks',
  'payContractors',
  'planStatus',
  'previewSetUp',
  'report1099',
  'runPayroll',
  'saveReminderSchedule',
  'sendCopyBNotices',
  'sendPortalLinks',
  'sendReminders',
  'sendTherapistLinkTo',
  'sendTherapistLinks',
  'settleHistory',
  'showBalances',
  'sidebarState',
  'syncNow',
  'turnOffReminders',
  'turnOnReminders',
  'upgradePlan',
];

let build: AddonBuild;
let code: string;
beforeAll(async () => {
  build = await buildToTemp(NO_SERVICE_URL);
  code = readFileSync(build.scriptFile, 'utf8');
});

describe('the add-on build', () => {
  it('is one script under 250 KB with a top-level function for each global', () => {
    expect(build.files).toEqual(['Code.js', 'Sidebar.html', 'appsscript.json']);
    expect(build.scriptBytes).toBeLessThan(MAX_SCRIPT_BYTES);
    expect(build.scriptBytes).toBe(Buffer.byteLength(code));
    expect(build.globals).toEqual(GLOBALS);
    for (const name of GLOBALS)
      expect(code).toMatch(new RegExp(`^function ${name}\\(a, b, c\\) \\{ return VisitLedger\\.${name}\\(a, b, c\\); \\}$`, 'm'));
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

  it('ships the manifest: V8, the scopes it needs and no more, the one service it was built for as the only URL it may fetch', () => {
    const manifest = JSON.parse(readFileSync(join(build.outDir, 'appsscript.json'), 'utf8'));
    expect(manifest).toEqual({ ...JSON.parse(readFileSync('appsscript.json', 'utf8')), urlFetchWhitelist: [`${NO_SERVICE_URL}/`] });
    expect(build.urlFetchWhitelist).toEqual([`${NO_SERVICE_URL}/`]);
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
    // The repository's manifest allows no URL of its own: only a build names one.
    expect(JSON.parse(readFileSync('appsscript.json', 'utf8')).urlFetchWhitelist).toBeUndefined();
    // The origin is compiled into the script: nothing is left to read it from at run time.
    expect(build.serviceOrigin).toBe(NO_SERVICE_URL);
    expect(code).toContain(JSON.stringify(NO_SERVICE_URL));
    expect(code).not.toMatch(/VISITLEDGER_SERVICE_ORIGIN|VL_SERVICE_URL/);
    // The build folder is what clasp pushes.
    expect(JSON.parse(readFileSync('.clasp.json', 'utf8')).rootDir).toBe('dist/addon');
  });

  it("is what clasp would push from a clone: exactly the three built files under .clasp.json's rootDir (clasp reads this offline)", async () => {
    const clone = mkdtempSync(join(tmpdir(), 'visitledger-clasp-'));
    copyFileSync('.clasp.json', join(clone, '.clasp.json'));
    await buildAddon(join(clone, 'dist/addon'), { serviceUrl: NO_SERVICE_URL });
    const status = JSON.parse(
      execFileSync(process.execPath, [join(process.cwd(), 'node_modules/@google/clasp/build/src/index.js'), 'show-file-status', '--json'], {
        cwd: clone,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    );
    expect(status.filesToPush.sort()).toEqual(['dist/addon/Code.js', 'dist/addon/Sidebar.html', 'dist/addon/appsscript.json']);
    expect(status.untrackedFiles).toEqual([]);
  });
});

describe('the service origin the add-on is built for', () => {
  const outDir = () => mkdtempSync(join(tmpdir(), 'visitledger-refused-'));
  const refused = async (serviceUrl: string | undefined, message: RegExp, allowLoopbackHttp = false) => {
    const dir = outDir();
    await expect(buildAddon(dir, { serviceUrl, allowLoopbackHttp })).rejects.toThrow(message);
    // Refused before anything is written: there is no script to push by mistake.
    expect(existsSync(join(dir, 'Code.js'))).toBe(false);
  };

  it('is required: no VISITLEDGER_SERVICE_URL, no build', async () => {
    await refused(undefined, /VISITLEDGER_SERVICE_URL is not set/);
    await refused('  ', /VISITLEDGER_SERVICE_URL is not set/);
  });

  it('is an https origin: http, a path, a query, a fragment or credentials are refused, and the error says what it must be', async () => {
    await refused('http://api.example.org', /must be https: it must be an https origin .* \(no path, no query\)/);
    await refused('api.example.org', /is not a URL: it must be an https origin/);
    await refused('https://api.example.org/v1', /has more than an origin: it must be an https origin .* \(no path, no query\)/);
    await refused('https://api.example.org/?org=sunrise', /has more than an origin/);
    await refused('https://api.example.org?', /has more than an origin/);
    await refused('https://api.example.org/#x', /has more than an origin/);
    await refused('https://someone:secret@api.example.org', /has more than an origin/);
  });

  it('is loopback http only for a test build that asks for it, never by default', async () => {
    await refused('http://127.0.0.1:8080', /must be https/);
    await refused('http://localhost:8080', /must be https/);
    await refused('http://10.1.2.3:8080', /must be https/, true);
    await refused('http://127.0.0.1.example.org', /must be https/, true);
    const loopback = await buildAddon(outDir(), { serviceUrl: 'http://127.0.0.1:8080', allowLoopbackHttp: true });
    expect(loopback.urlFetchWhitelist).toEqual(['http://127.0.0.1:8080/']);
  });

  it("is exactly the manifest's URL allowlist: the origin with its port, nothing wider", async () => {
    const built = await buildAddon(outDir(), { serviceUrl: 'https://API.example.org:8443/' });
    expect(JSON.parse(readFileSync(join(built.outDir, 'appsscript.json'), 'utf8')).urlFetchWhitelist).toEqual([
      'https://api.example.org:8443/',
    ]);
    expect(readFileSync(built.scriptFile, 'utf8')).toContain('"https://api.example.org:8443"');
  });

  it('is refused by `npm run build:addon` too, with its message and a failing exit', () => {
    const { VISITLEDGER_SERVICE_URL: _unset, ...env } = process.env;
    const dir = outDir();
    const missing = spawnSync(process.execPath, ['addon/build.ts', dir], { env, encoding: 'utf8', timeout: 60_000 });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/VISITLEDGER_SERVICE_URL is not set/);
    const loopback = spawnSync(process.execPath, ['addon/build.ts', dir], {
      env: { ...env, VISITLEDGER_SERVICE_URL: 'http://127.0.0.1:8080' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(loopback.status).toBe(1);
    expect(loopback.stderr).toMatch(/must be https/);
    expect(existsSync(join(dir, 'Code.js'))).toBe(false);
  });
});
