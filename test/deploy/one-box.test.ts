/**
 * deploy/one-box/: the systemd units, the settings file and the TLS proxies of a self-hosted
 * box, read for what must hold: the service runs the production start (never --demo) as its
 * own user, hardened, writing only its data folder, its settings and keys from root-only
 * environment files, restarted on failure; the timer runs the backup unit, whose command,
 * run here with the box's paths moved into a temporary folder, writes a backup. No systemd
 * runs here: `systemd-analyze verify` checks the units where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshKeySet, keySetEnvLines } from '../../service/src/config/keys.ts';
import { readSettings, settingsSchema } from '../../service/src/config/settings.ts';
import { ROOT } from './image-files.ts';

const ONE_BOX = join(ROOT, 'deploy', 'one-box');
const INSTALLED_AT = '/opt/visitledger';

type Unit = Record<string, Record<string, string[]>>;

/** A unit file's sections and their settings; a key set twice keeps both values, in order (as EnvironmentFile= does). */
function parseUnit(name: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of readFileSync(join(ONE_BOX, name), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      unit[section] ??= {};
      continue;
    }
    const [key, ...value] = line.split('=');
    (unit[section]![key!.trim()] ??= []).push(value.join('=').trim());
  }
  return unit;
}

/** KEY=value lines, comments and blanks left out. */
function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const service = parseUnit('visitledger.service');
const backup = parseUnit('visitledger-backup.service');
const timer = parseUnit('visitledger-backup.timer');
const settingsFile = parseEnvFile(readFileSync(join(ONE_BOX, 'visitledger.env'), 'utf8'));
const keys = parseEnvFile(keySetEnvLines(freshKeySet()).join('\n'));
const one = (unit: Unit, section: string, key: string) => {
  const values = unit[section]?.[key] ?? [];
  expect(values, `${section} ${key}=`).toHaveLength(1);
  return values[0]!;
};
const words = (unit: Unit, key: string) => (unit.Service![key] ?? []).flatMap((v) => v.split(/\s+/));
const dataFolder = dirname(settingsFile.VISITLEDGER_DB!);

describe('deploy/one-box/visitledger.service', () => {
  it('runs the production start: server.ts with the flags of npm run start:prod, in production, without --demo', () => {
    const start = one(service, 'Service', 'ExecStart').split(/\s+/);
    expect(start[0]).toBe('/usr/bin/node');
    expect(start.at(-1)).toBe(`${INSTALLED_AT}/service/src/server.ts`);
    expect(existsSync(join(ROOT, start.at(-1)!.slice(INSTALLED_AT.length + 1)))).toBe(true);
    expect(start).not.toContain('--demo');
    const startProd = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['start:prod'] as string;
    for (const flag of start.slice(1, -1)) expect(startProd).toContain(flag);
    expect(service.Service!.Environment).toContain('NODE_ENV=production');
    for (const tunable of startProd.split(/\s+/).filter((w) => w.startsWith('GLIBC_TUNABLES=')))
      expect(service.Service!.Environment).toContain(tunable);
  });

  it('runs as its own user, hardened, writing only the data folder, with settings and keys from environment files, restarted on failure', () => {
    expect(one(service, 'Service', 'User')).toBe('visitledger');
    expect(one(service, 'Service', 'ProtectSystem')).toBe('strict');
    expect(words(service, 'ReadWritePaths')).toEqual([dataFolder]);
    expect(one(service, 'Service', 'StateDirectory')).toBe(dataFolder.replace('/var/lib/', ''));
    expect(one(service, 'Service', 'StateDirectoryMode')).toBe('0700');
    expect(service.Service!.EnvironmentFile).toEqual(['/etc/visitledger/visitledger.env', '/etc/visitledger/keys.env']);
    expect(one(service, 'Service', 'Restart')).toBe('on-failure');
    for (const [key, value] of Object.entries({ NoNewPrivileges: 'yes', ProtectHome: 'yes', PrivateTmp: 'yes', CapabilityBoundingSet: '' }))
      expect(one(service, 'Service', key), key).toBe(value);
    expect(service.Service!.MemoryDenyWriteExecute).toBeUndefined(); // V8's JIT needs it off
    expect(one(service, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('is started by production settings: the example file with a key set passes the production checks, on SQLite behind the proxy', () => {
    const settings = readSettings({ ...settingsFile, ...keys, NODE_ENV: 'production' });
    expect(settings).toMatchObject({ VISITLEDGER_STORE: 'sqlite', HOST: '127.0.0.1', TRUST_PROXY_HOPS: 1 });
    expect(settings.PORTAL_BASE_URL).toMatch(/^https:\/\//);
    expect(Object.keys(settingsFile).filter((k) => !(k in settingsSchema.shape))).toEqual([]);
    expect(Object.keys(settingsFile).some((k) => k.startsWith('VISITLEDGER_FIELD_KEY') || k.startsWith('VISITLEDGER_INDEX_KEY'))).toBe(
      false,
    );
  });

  it('has the TLS proxies pass to the port it listens on and take a full visit batch', () => {
    const upstream = `127.0.0.1:${settingsFile.PORT}`;
    const caddy = readFileSync(join(ONE_BOX, 'Caddyfile'), 'utf8');
    expect(caddy).toContain(`reverse_proxy ${upstream}`);
    const nginx = readFileSync(join(ONE_BOX, 'nginx.conf'), 'utf8');
    expect(nginx).toContain(`proxy_pass http://${upstream};`);
    const batchLimit = settingsSchema.shape.HTTP_BATCH_BODY_LIMIT_BYTES.parse(undefined);
    expect(Number(/client_max_body_size (\d+)m;/.exec(nginx)![1]) * 1024 * 1024).toBeGreaterThan(batchLimit);
    expect(Number(/max_size (\d+)MB/.exec(caddy)![1]) * 1000 * 1000).toBeGreaterThan(batchLimit);
    expect(nginx).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
  });
});

describe('deploy/one-box: the nightly backup', () => {
  it('has the timer run the backup unit every night, caught up after the box was off', () => {
    expect(one(timer, 'Timer', 'Unit')).toBe('visitledger-backup.service');
    expect(one(timer, 'Timer', 'OnCalendar')).toMatch(/^\*-\*-\* \d\d:\d\d:\d\d$/);
    expect(one(timer, 'Timer', 'Persistent')).toBe('true');
    expect(one(timer, 'Install', 'WantedBy')).toBe('timers.target');
  });

  it('backs up the database the service serves, as the same user, writing only its folders', () => {
    const command = one(backup, 'Service', 'ExecStart');
    expect(command).toContain(`${INSTALLED_AT}/service/src/cli.ts backup --db ${settingsFile.VISITLEDGER_DB} --out `);
    expect(one(backup, 'Service', 'Type')).toBe('oneshot');
    expect(one(backup, 'Service', 'User')).toBe(one(service, 'Service', 'User'));
    expect(backup.Service!.EnvironmentFile).toEqual(service.Service!.EnvironmentFile);
    expect(one(backup, 'Service', 'ProtectSystem')).toBe('strict');
    expect(words(backup, 'ReadWritePaths')).toEqual([dataFolder, '/var/backups/visitledger']);
  });

  it("runs its command: with the box's paths moved to a temporary folder it writes an owner-only, dated backup and names the keys", () => {
    const box = mkdtempSync(join(tmpdir(), 'visitledger-one-box-'));
    const data = join(box, 'var-lib');
    const backups = join(box, 'var-backups');
    for (const folder of [data, backups]) mkdirSync(folder, { recursive: true, mode: 0o700 }); // systemd makes both (StateDirectory=, the install step)
    const db = join(data, 'visitledger.db');
    const env = { PATH: process.env.PATH ?? '', ...settingsFile, ...keys, VISITLEDGER_DB: db };
    // The database, sealed with the keys of the environment, made as `demo` makes it.
    execFileSync(process.execPath, [join(ROOT, 'service/src/cli.ts'), 'demo', '--db', db], {
      env: { ...env, VISITLEDGER_ENV: 'development' },
      stdio: 'ignore',
    });
    const moved = one(backup, 'Service', 'ExecStart')
      .replaceAll('%%', '%')
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll(INSTALLED_AT, ROOT)
      .replaceAll(settingsFile.VISITLEDGER_DB!, db)
      .replaceAll('/var/backups/visitledger', backups);
    const [shell, flag, script] = /^(\S+) (-c) '(.*)'$/.exec(moved)!.slice(1) as [string, string, string];
    const run = spawnSync(shell, [flag, script], { env: { ...env, NODE_ENV: 'production' }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const made = readdirSync(backups);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^visitledger-\d{8}T\d{6}Z\.db$/);
    expect(statSync(join(backups, made[0]!)).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain('field keys: the environment (VISITLEDGER_FIELD_KEYS) (this copy is sealed with k1)');
    expect(run.stdout).not.toContain(keys.VISITLEDGER_INDEX_KEY!);
  }, 60_000);
});

describe('deploy/one-box units, as systemd reads them', () => {
  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const available = analyze.status === 0;
  if (!available) console.warn('systemd-analyze is not installed here: the units are not verified by systemd itself');
  it.skipIf(!available)('pass systemd-analyze verify without a warning', () => {
    const files = ['visitledger.service', 'visitledger-backup.service', 'visitledger-backup.timer'].map((f) => join(ONE_BOX, f));
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr).toBe('');
  });
});
