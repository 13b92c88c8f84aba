/**
 * `visitledger backup` and `visitledger restore` in real processes, next to a real service
 * (`node service/src/server.ts` on a SQLite file) that goes on taking visit batches through its
 * API while the backup is made: the backup holds every batch answered before it began, each
 * batch whole or not at all, and every invoice; restored into a new file it reads back the same,
 * patients opened with the original keys. Then each refusal, with its message.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cipherOf, readKeyFile } from '../../service/src/config/keys.ts';
import { KNOWN_SCHEMA_VERSION } from '../../service/src/store/sqlite/backup.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { CLIENT_ID, startFakeGoogle, type FakeGoogle } from '../api/harness.ts';
import { killableService } from '../faults/killable-service.ts';
import { numberedVisits, seedNumberedDirectory } from '../support/numbered-directory.ts';
import { visitledger } from './run-cli.ts';

const ORG = 'onebox';
const BATCH = 200;

let dir: string;
let dbFile: string;
let google: FakeGoogle;
let agencyIds: string[];
let therapistIds: string[];

const service = killableService(ORG, () => ({
  VISITLEDGER_DB: dbFile,
  PORT: '0',
  GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
  GOOGLE_CERTS_URL: google.certsUrl,
}));
const api = (method: string, path: string, body?: unknown) => service.api(method, path, body);
const batch = (n: number) => numberedVisits({ agencyIds, therapistIds }, `batch${n}`, '2026-02', 28, BATCH);
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The org's visits by client id, their invoices and the numbers of the batches they came in, read with plain SQL. */
function contents(file: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const clientIds = db
      .prepare('SELECT client_id FROM visits WHERE org_id = ? ORDER BY client_id')
      .all(ORG)
      .map((r) => String(r.client_id));
    const invoices = db
      .prepare('SELECT id, doc FROM invoices WHERE org_id = ? ORDER BY sequence')
      .all(ORG)
      .map((r) => ({ id: String(r.id), totalCents: JSON.parse(String(r.doc)).totalCents as number }));
    const perBatch = new Map<number, number>();
    for (const id of clientIds) {
      const n = /^batch(\d+)-/.exec(id)?.[1];
      if (n !== undefined) perBatch.set(Number(n), (perBatch.get(Number(n)) ?? 0) + 1);
    }
    return { clientIds, invoices, perBatch };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'visitledger-backup-'));
  dbFile = join(dir, 'data', 'visitledger.db');
  google = await startFakeGoogle();
  await service.start();
  await service.createOrg(google.idToken('owner@onebox.example'), 'One Box Staffing', 'form sync');
  ({ agencyIds, therapistIds } = await seedNumberedDirectory(api, { agencies: 3, therapists: 8 }, 5_000));
  await api('post', '/visits', { visits: numberedVisits({ agencyIds, therapistIds }, 'jan', '2026-01', 31, 600) });
  await api('post', '/cycles/close-month', { month: '2026-01' });
}, 120_000);

afterAll(async () => {
  await service.kill();
  await google?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('visitledger backup while the service writes, then restore', () => {
  it('copies every batch answered before it began, each batch whole or not at all, and restores it into a new file', async () => {
    const invoices = (await api('get', '/invoices')).invoices as { id: string; totalCents: number }[];
    expect(invoices).toHaveLength(3);

    // Batches sent one after another until the backup has finished: some answered before it, some while it runs.
    const answered: number[] = [];
    let backupDone = false;
    const writer = (async () => {
      for (let n = 0; n < 2 || !backupDone; n += 1) {
        const result = await api('post', '/visits', { visits: batch(n) });
        expect(result.counts.created).toBe(BATCH);
        answered.push(n);
      }
    })();
    while (answered.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const answeredBefore = [...answered];
    const out = join(dir, 'backups', 'nightly.db');
    const made = await visitledger(dbFile, 'backup', '--out', out, '--json');
    backupDone = true;
    await writer;
    expect(made.code, made.stderr).toBe(0);
    const report = JSON.parse(made.stdout);
    expect(report).toMatchObject({
      out,
      schemaVersion: KNOWN_SCHEMA_VERSION,
      keys: { source: 'key-file', file: `${dbFile}.keys.json`, exists: true, sealedWith: ['k1'], notOpened: [] },
    });
    expect(report.pages).toBeGreaterThan(0);
    expect(report.bytes).toBe(statSync(out).size);
    expect(made.stdout).not.toContain(readKeyFile(`${dbFile}.keys.json`).keys[0]!.key);
    expect(modeOf(out)).toBe(0o600);
    expect(existsSync(`${out}-wal`)).toBe(false);

    const copied = contents(out);
    for (const n of answeredBefore) expect(copied.perBatch.get(n), `batch ${n}, answered before the backup began`).toBe(BATCH);
    for (const [n, count] of copied.perBatch) expect(count, `batch ${n} is whole`).toBe(BATCH);
    expect(copied.invoices).toEqual(invoices.map((i) => ({ id: i.id, totalCents: i.totalCents })));
    const integrity = new DatabaseSync(out, { readOnly: true });
    expect(integrity.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    integrity.close();

    // Into a new file, with the key file the database was sealed with.
    const restoredDb = join(dir, 'restored', 'visitledger.db');
    const restored = await visitledger(restoredDb, 'restore', '--from', out, '--key-file', `${dbFile}.keys.json`, '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ db: restoredDb, keptAs: null, schemaVersion: KNOWN_SCHEMA_VERSION });
    expect(modeOf(restoredDb)).toBe(0o600);
    expect(contents(restoredDb)).toEqual(copied);
    const store = openSqliteStore(restoredDb);
    try {
      const cipher = cipherOf(readKeyFile(`${dbFile}.keys.json`));
      const visits = await store.listVisits(ORG, {});
      expect(visits).toHaveLength(copied.clientIds.length);
      expect(cipher.openJson<{ name: string }>(visits[0]!.patient).name).toMatch(/^Patient \d+, Test$/);
      const storedInvoices = await store.listInvoices(ORG, {});
      expect(storedInvoices.map((i) => [i.id, i.totalCents])).toEqual(invoices.map((i) => [i.id, i.totalCents]));
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('what backup and restore refuse', () => {
  const fresh = (name: string) => join(mkdtempSync(join(dir, `${name}-`)), 'visitledger.db');
  const keyFile = () => `${dbFile}.keys.json`;

  it('backup: an existing output without --force, and a database that does not exist (made by nobody)', async () => {
    const out = join(dir, 'taken.db');
    writeFileSync(out, 'yesterday');
    const refused = await visitledger(dbFile, 'backup', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${out} exists already: name a new file, or add --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('yesterday');
    const forced = await visitledger(dbFile, 'backup', '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 15).toString()).toBe('SQLite format 3');

    const missing = join(dir, 'nowhere', 'visitledger.db');
    const none = await visitledger(missing, 'backup', '--out', join(dir, 'none.db'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`the database ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);

    expect((await visitledger(dbFile, 'backup')).stderr).toContain('backup needs --out FILE');
  });

  it('restore: a missing backup, a file that is not SQLite, a SQLite file not VisitLedger’s, a damaged one, a newer schema, other keys', async () => {
    const good = join(dir, 'good.db');
    expect((await visitledger(dbFile, 'backup', '--out', good)).code).toBe(0);
    const restore = (from: string, ...extra: string[]) =>
      visitledger(fresh('target'), 'restore', '--from', from, '--key-file', keyFile(), ...extra);

    const missing = await restore(join(dir, 'no-such-backup.db'));
    expect([missing.code, missing.stderr]).toEqual([1, `error: the backup ${join(dir, 'no-such-backup.db')} does not exist\n`]);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all');
    expect((await restore(text)).stderr).toContain(`the backup ${text} is not a SQLite database`);

    const other = join(dir, 'other.sqlite');
    const otherDb = new DatabaseSync(other);
    otherDb.exec('CREATE TABLE notes (body TEXT)');
    otherDb.close();
    expect((await restore(other)).stderr).toContain(`${other} is a SQLite database, but not a VisitLedger one`);

    const damaged = join(dir, 'damaged.db');
    copyFileSync(good, damaged);
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, 4096 * 3, 4096 * 12); // pages 4 to 12 overwritten
    writeFileSync(damaged, bytes);
    const broken = await restore(damaged);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/damaged|fails SQLite's integrity check/);

    const newer = join(dir, 'newer.db');
    copyFileSync(good, newer);
    const newerDb = new DatabaseSync(newer);
    newerDb.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(KNOWN_SCHEMA_VERSION + 1, 'from the future');
    newerDb.close();
    const future = await restore(newer);
    expect(future.code).toBe(1);
    expect(future.stderr).toContain(
      `has schema version ${KNOWN_SCHEMA_VERSION + 1}, newer than this VisitLedger knows (${KNOWN_SCHEMA_VERSION}): use the VisitLedger that wrote it`,
    );

    const otherKeys = join(dir, 'other-keys.json');
    expect((await visitledger(dbFile, 'keys', 'new', '--key-file', otherKeys)).code).toBe(0);
    const target = fresh('wrong-keys');
    const wrong = await visitledger(target, 'restore', '--from', good, '--key-file', otherKeys);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`the keys in the key file ${otherKeys} do not open this backup's values sealed with k1`);
    expect(existsSync(target)).toBe(false);

    const noKeys = fresh('no-keys');
    const keyless = await visitledger(noKeys, 'restore', '--from', good);
    expect(keyless.stderr).toContain(`the key file ${noKeys}.keys.json does not exist, and this backup's values are sealed with k1`);
    expect(existsSync(noKeys)).toBe(false);
    expect(existsSync(`${noKeys}.keys.json`)).toBe(false);
  }, 60_000);

  it('restore: an existing database without --force, and with --force the one the running service holds; a stopped one is kept aside', async () => {
    const good = join(dir, 'before-replace.db');
    expect((await visitledger(dbFile, 'backup', '--out', good)).code).toBe(0);
    const before = contents(dbFile).clientIds.length;

    const exists = await visitledger(dbFile, 'restore', '--from', good);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain(`${dbFile} exists: add --force to replace it`);

    expect(service.running).toBe(true);
    const held = await visitledger(dbFile, 'restore', '--from', good, '--force');
    expect(held.code).toBe(1);
    expect(held.stderr).toContain(`${dbFile} is open in another process (the service?): stop it first`);

    // The service goes on: a batch after the backup, then it stops; the restore puts the file back as it was at the backup.
    await api('post', '/visits', { visits: batch(900) });
    await service.kill();
    const replaced = await visitledger(dbFile, 'restore', '--from', good, '--force', '--json');
    expect(replaced.code, replaced.stderr).toBe(0);
    const { keptAs } = JSON.parse(replaced.stdout);
    expect(keptAs).toMatch(/visitledger\.db\.before-restore-\d{8}T\d{6}Z$/);
    expect(contents(dbFile).clientIds).toHaveLength(before);
    expect(contents(keptAs).perBatch.get(900)).toBe(BATCH);
    expect(modeOf(keptAs)).toBe(0o600);

    // The service starts on the restored file and serves it.
    await service.start();
    expect((await api('get', '/invoices')).invoices).toHaveLength(3);
  }, 60_000);
});
