/**
 * deploy/cloud-run.sh: its dry run prints every gcloud command of docs/deploy.md and runs
 * none; a run against a stand-in gcloud (which records its calls and keeps what is piped
 * into `secrets create`) puts fresh field keys from `visitledger keys new` into Secret
 * Manager without printing them. Nothing here reaches Google.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_SETTINGS } from '../../service/src/config/settings.ts';
import { ROOT } from './image-files.ts';

const SETTINGS = {
  PROJECT_ID: 'acme-vl',
  DOMAIN: 'app.example.com',
  OAUTH_CLIENT_ID: '123-abc.apps.googleusercontent.com',
  CONTACT: 'privacy@example.com',
};
const KEY_SECRETS = ['visitledger-field-keys', 'visitledger-field-key-current', 'visitledger-index-key'];

/** A directory of stand-ins for gcloud, npx and curl that log each call to `calls.log` (a `describe` fails: nothing exists yet). */
function standIns(): string {
  const dir = mkdtempSync(join(tmpdir(), 'visitledger-gcloud-'));
  const script = (name: string) => `#!/bin/sh
echo "${name} $*" >> "${dir}/calls.log"
case "$*" in *describe*) exit 1 ;; esac
if [ "${name} $1 $2" = "gcloud secrets create" ]; then cat > "${dir}/secret-$3"; fi
exit 0
`;
  for (const name of ['gcloud', 'npx', 'curl']) {
    writeFileSync(join(dir, name), script(name));
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

function deploy(args: string[], env: Record<string, string>, path = process.env.PATH!) {
  return spawnSync('bash', ['deploy/cloud-run.sh', ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: path, NODE_ENV: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const commands = (out: string) => out.split('\n').filter((l) => /^(gcloud|npx|curl) /.test(l));
const flag = (command: string, name: string) => new RegExp(`--${name}=(\\S+)`).exec(command)?.[1]?.replace(/\\,/g, ',');

describe('deploy/cloud-run.sh --dry-run', () => {
  const calls = standIns();
  const run = deploy(['--dry-run'], { ...SETTINGS, IMAGE_TAG: 'v1' }, `${calls}:${process.env.PATH}`);
  const printed = commands(run.stdout);

  it('prints every command and runs none', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(calls, 'calls.log'))).toBe(false);
    expect(printed.length).toBeGreaterThan(20);
  });

  it("makes a Firestore database in Native mode with point-in-time recovery, its rules and indexes, and the token indexes' TTL policies", () => {
    expect(printed).toContain('gcloud firestore databases create --database=\\(default\\) --location=us-central1 --type=firestore-native');
    expect(printed).toContain('gcloud firestore databases update --database=\\(default\\) --enable-pitr');
    expect(printed.some((c) => c.includes('firebase-tools') && c.includes('firestore:rules\\,firestore:indexes'))).toBe(true);
    const ttls = printed.filter((c) => c.startsWith('gcloud firestore fields ttls update'));
    expect(ttls).toEqual(
      ['portalTokens', 'therapistTokens'].map(
        (group) => `gcloud firestore fields ttls update expireAt --collection-group=${group} --enable-ttl --database=\\(default\\)`,
      ),
    );
    // Each policy is the one firestore.indexes.json declares, on the field the adapter writes.
    const declared = JSON.parse(readFileSync(join(ROOT, 'firestore.indexes.json'), 'utf8')).fieldOverrides as {
      collectionGroup: string;
      ttl?: boolean;
    }[];
    expect(declared.filter((o) => o.ttl).map((o) => o.collectionGroup)).toEqual(['portalTokens', 'therapistTokens']);
  });

  it("gives the service's account Firestore data access and the three key secrets, nothing more", () => {
    const sa = 'serviceAccount:visitledger-run@acme-vl.iam.gserviceaccount.com';
    const grants = printed.filter((c) => c.includes(`--member=${sa}`));
    expect(grants.filter((c) => c.startsWith('gcloud projects add-iam-policy-binding')).map((c) => flag(c, 'role'))).toEqual([
      'roles/datastore.user',
    ]);
    const secretGrants = grants.filter((c) => c.startsWith('gcloud secrets add-iam-policy-binding'));
    expect(secretGrants.map((c) => c.split(' ')[3])).toEqual(KEY_SECRETS);
    for (const c of secretGrants) expect(flag(c, 'role')).toBe('roles/secretmanager.secretAccessor');
    expect(grants).toHaveLength(4);
  });

  it('deploys the service with every production setting, the keys from Secret Manager and a startup probe on /readyz', () => {
    const deployCmd = printed.find((c) => c.startsWith('gcloud run deploy visitledger '))!;
    const env = Object.fromEntries(
      flag(deployCmd, 'set-env-vars')!
        .split(',')
        .map((kv) => kv.split('=', 2) as [string, string]),
    );
    const secrets = Object.fromEntries(
      flag(deployCmd, 'set-secrets')!
        .split(',')
        .map((kv) => kv.split('=', 2) as [string, string]),
    );
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      VISITLEDGER_STORE: 'firestore',
      GOOGLE_CLOUD_PROJECT: 'acme-vl',
      PORTAL_BASE_URL: 'https://app.example.com',
      GOOGLE_OAUTH_CLIENT_ID: SETTINGS.OAUTH_CLIENT_ID,
      TRUST_PROXY_HOPS: '1',
    });
    expect(Object.values(secrets)).toEqual(KEY_SECRETS.map((s) => `${s}:latest`));
    for (const setting of PRODUCTION_SETTINGS) expect([...Object.keys(env), ...Object.keys(secrets)]).toContain(setting);
    expect(flag(deployCmd, 'startup-probe')).toMatch(/^httpGet\.path=\/readyz,/);
    expect(flag(deployCmd, 'image')).toBe('us-central1-docker.pkg.dev/acme-vl/visitledger/visitledger:v1');
    for (const name of ['concurrency', 'memory', 'min-instances', 'service-account']) expect(flag(deployCmd, name), name).toBeDefined();
  });

  it('maps the custom domain and schedules the daily Firestore export', () => {
    expect(printed).toContain('gcloud beta run domain-mappings create --service=visitledger --domain=app.example.com --region=us-central1');
    expect(printed.some((c) => c.startsWith('gcloud scheduler jobs create http') && c.includes(':exportDocuments'))).toBe(true);
  });
});

describe('deploy/cloud-run.sh', () => {
  it('refuses to run without its settings, naming each', () => {
    const run = deploy(['--dry-run'], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('set PROJECT_ID DOMAIN OAUTH_CLIENT_ID CONTACT');
  });

  it('puts the keys of `visitledger keys new` into their secrets and never prints them', () => {
    const calls = standIns();
    const run = deploy([], SETTINGS, `${calls}:${process.env.PATH}`);
    expect(run.status, run.stderr).toBe(0);
    const secret = (name: string) => readFileSync(join(calls, `secret-${name}`), 'utf8');
    const [id, key] = secret('visitledger-field-keys').split(':');
    expect(id).toBe('k1');
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(secret('visitledger-field-key-current')).toBe('k1');
    expect(Buffer.from(secret('visitledger-index-key'), 'base64')).toHaveLength(32);
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(secret('visitledger-index-key'));
    expect(readFileSync(join(calls, 'calls.log'), 'utf8')).toContain('gcloud run deploy visitledger');
  }, 60_000);
});
