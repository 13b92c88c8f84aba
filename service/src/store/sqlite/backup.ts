/**
 * A consistent copy of the SQLite file while the service runs, and putting one back.
 *
 * The copy is SQLite's online backup (node:sqlite `backup`) of a read-only connection, all
 * pages in one step: one read transaction, so the copy is the database as of one commit,
 * while the service goes on writing (WAL lets it). It is made under a temporary name beside
 * the output, owner-only from its creation, switched to a rollback journal (one file, no
 * `-wal` beside it), checked with `PRAGMA integrity_check`, synced, and only then given its
 * name: a failed or interrupted backup never leaves a file that looks like a backup.
 *
 * A restore copies the backup the same way into a temporary file beside the database, syncs
 * it and renames it over the database; the database it replaces stays as
 * `FILE.before-restore-<time>`. It refuses a database a process holds open (the service):
 * that process would go on writing to the file the rename took away.
 *
 * Refusals are errors with `cause.code` (`BackupRefusal`); their messages name the files.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';

const REFUSAL_CODES = ['missing', 'not-sqlite', 'not-visitledger', 'damaged', 'newer-schema', 'exists', 'same-file', 'in-use'] as const;
export type BackupRefusalCode = (typeof REFUSAL_CODES)[number];

/** The newest schema version this build knows: a file with a newer one was written by a newer VisitLedger. */
export const KNOWN_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

const SQLITE_HEADER = 'SQLite format 3\0';
/** All pages in one step: one read transaction, so a writer elsewhere never makes the copy start over. */
const ALL_PAGES = 2 ** 31 - 1;

function refuse(code: BackupRefusalCode, message: string): never {
  throw new Error(message, { cause: { code } });
}

/** The refusal's code, when `error` is one of this module's refusals. */
export function refusalCode(error: unknown): BackupRefusalCode | undefined {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause?.code;
  return REFUSAL_CODES.find((c) => c === code);
}

/** What a VisitLedger SQLite file holds, as far as a backup or restore checks it. */
export type SqliteFileFacts = {
  schemaVersion: number;
  /** The field keys its sealed patients were sealed with, and one sealed value for each (to try the keys on). */
  sealedWith: { keyId: string; sample: string }[];
};

/** Refuses unless `file` is an existing regular file that starts with SQLite's header. */
function expectSqliteFile(file: string, what: string): void {
  if (!existsSync(file)) refuse('missing', `${what} ${file} does not exist`);
  if (!statSync(file).isFile()) refuse('not-sqlite', `${what} ${file} is not a file`);
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) refuse('not-sqlite', `${what} ${file} is not a SQLite database`);
}

function openReadOnly(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { readOnly: true });
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}

/** The schema version, the integrity check and the sealed values' keys of an open database. */
function factsOf(db: DatabaseSync, file: string): SqliteFileFacts {
  const problems = db
    .prepare('PRAGMA integrity_check(20)')
    .all()
    .map((r) => String(Object.values(r)[0]));
  if (problems.length !== 1 || problems[0] !== 'ok')
    refuse('damaged', `${file} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
  const hasMigrations = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasMigrations)
    refuse('not-visitledger', `${file} is a SQLite database, but not a VisitLedger one (it has no schema_migrations table)`);
  const schemaVersion = Number(db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get()!.v);
  const hasVisits = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'visits'").get();
  // A sealed value reads `v1.<keyId>.<sealed bytes>` (crypto/field-cipher.ts): one sample per key id.
  const sealedWith = hasVisits
    ? db
        .prepare(
          "SELECT substr(patient, 4, instr(substr(patient, 4), '.') - 1) AS key_id, min(patient) AS sample FROM visits WHERE patient LIKE 'v1.%' GROUP BY key_id ORDER BY key_id",
        )
        .all()
        .map((r) => ({ keyId: String(r.key_id), sample: String(r.sample) }))
    : [];
  return { schemaVersion, sealedWith };
}

/** Opens `file` read-only and checks it: a SQLite file, whole, VisitLedger's, with a schema this build knows. */
export function inspectSqliteFile(file: string, what: string): SqliteFileFacts {
  expectSqliteFile(file, what);
  let facts: SqliteFileFacts;
  try {
    const db = openReadOnly(file);
    try {
      facts = factsOf(db, file);
    } finally {
      db.close();
    }
  } catch (error) {
    // SQLITE_CORRUPT and SQLITE_NOTADB: damage bad enough that SQLite stops before its integrity check can say where.
    const errcode = (error as { errcode?: number }).errcode;
    if (errcode === 11 || errcode === 26)
      refuse('damaged', `${what} ${file} is damaged: ${(error as { errstr?: string }).errstr ?? 'unreadable'}`);
    throw error;
  }
  if (facts.schemaVersion > KNOWN_SCHEMA_VERSION)
    refuse(
      'newer-schema',
      `${file} has schema version ${facts.schemaVersion}, newer than this VisitLedger knows (${KNOWN_SCHEMA_VERSION}): use the VisitLedger that wrote it`,
    );
  return facts;
}

/**
 * Whether another connection holds `file` open: an exclusive lock, asked for without waiting,
 * is refused while any other process (the service) has it open, in WAL mode even when idle.
 */
export function sqliteFileInUse(file: string): boolean {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch (error) {
    if ((error as { errcode?: number }).errcode === 5 || /locked|busy/i.test((error as Error).message)) return true;
    throw error;
  } finally {
    db.close();
  }
}

/** Flushes a file to the disk, or a folder's entries (a rename or link done in it). */
function syncToDisk(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the database `source` (open read-only) into a new owner-only file `temp`, as one
 * self-contained file (rollback journal), checked and synced. Returns the pages copied and
 * what the copy holds.
 */
async function copyInto(source: string, temp: string): Promise<{ pages: number; facts: SqliteFileFacts }> {
  mkdirSync(dirname(temp), { recursive: true, mode: 0o700 });
  // Created here, owner-only, before SQLite opens it: SQLite keeps an existing file's mode (and gives its journal the same).
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    const src = openReadOnly(source);
    let pages: number;
    try {
      pages = await backup(src, temp, { rate: ALL_PAGES });
    } finally {
      src.close();
    }
    const copy = new DatabaseSync(temp);
    let facts: SqliteFileFacts;
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
      facts = factsOf(copy, temp);
    } finally {
      copy.close();
    }
    syncToDisk(temp);
    return { pages, facts };
  } catch (error) {
    rmSync(temp, { force: true });
    rmSync(`${temp}-journal`, { force: true });
    throw error;
  }
}

const sameFile = (a: string, b: string) =>
  resolve(a) === resolve(b) || (existsSync(b) && statSync(a).ino === statSync(b).ino && statSync(a).dev === statSync(b).dev);

export type BackupResult = { out: string; pages: number; bytes: number; facts: SqliteFileFacts };

/**
 * A consistent copy of `source` at `out` (owner-only). An existing `out` is refused unless
 * `overwrite`; without it the name is taken with a hard link, which fails rather than
 * replace a file that appeared meanwhile.
 */
export async function backupSqliteFile(source: string, out: string, options: { overwrite: boolean }): Promise<BackupResult> {
  expectSqliteFile(source, 'the database');
  if (sameFile(source, out)) refuse('same-file', `the backup ${out} would be the database itself`);
  if (existsSync(out) && !options.overwrite) refuse('exists', `${out} exists already: name a new file, or add --force to replace it`);
  const temp = `${out}.partial-${process.pid}`;
  const { pages, facts } = await copyInto(source, temp);
  try {
    if (options.overwrite) renameSync(temp, out);
    else {
      try {
        linkSync(temp, out);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          refuse('exists', `${out} exists already: name a new file, or add --force to replace it`);
        throw error;
      }
    }
  } finally {
    rmSync(temp, { force: true });
  }
  syncToDisk(dirname(resolve(out)));
  return { out, pages, bytes: statSync(out).size, facts };
}

export type RestoreResult = { db: string; pages: number; bytes: number; facts: SqliteFileFacts; keptAs: string | null };

/** `FILE.before-restore-20261207T101500Z` */
export function keptName(db: string, now: Date): string {
  return `${db}.before-restore-${now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '')}`;
}

/**
 * Puts the backup `from` (checked already: inspectSqliteFile) in place of `db`: copied into a
 * temporary file in the same folder, synced, renamed over `db`. An existing `db` is refused
 * unless `overwrite`, and always while a process holds it open; when replaced it is kept as
 * keptName(db, now), checkpointed first so that the kept file is whole without its log.
 */
export async function restoreSqliteFile(from: string, db: string, options: { overwrite: boolean; now: Date }): Promise<RestoreResult> {
  if (sameFile(from, db)) refuse('same-file', `the backup ${from} is the database itself`);
  const replacing = existsSync(db);
  if (replacing) {
    if (!options.overwrite) refuse('exists', `${db} exists: add --force to replace it (it is kept as ${keptName(db, options.now)})`);
    expectSqliteFile(db, 'the database');
    if (sqliteFileInUse(db))
      refuse('in-use', `${db} is open in another process (the service?): stop it first (systemctl stop visitledger), then restore`);
  }
  const temp = `${db}.restore-${process.pid}`;
  const { pages, facts } = await copyInto(from, temp);
  let keptAs: string | null = null;
  try {
    if (replacing) {
      // Its log copied into it and removed (the last connection's close deletes the -wal): the kept file stands alone.
      const old = new DatabaseSync(db);
      try {
        old.exec('PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        old.close();
      }
      keptAs = keptName(db, options.now);
      if (existsSync(keptAs)) refuse('exists', `${keptAs} exists already: try again in a second`);
      try {
        linkSync(db, keptAs);
      } catch {
        copyFileSync(db, keptAs);
        syncToDisk(keptAs);
      }
    }
    renameSync(temp, db);
  } finally {
    rmSync(temp, { force: true });
  }
  // A log left by a crash of the old file must not be replayed into the restored one.
  for (const leftover of [`${db}-wal`, `${db}-shm`, `${db}-journal`]) rmSync(leftover, { force: true });
  syncToDisk(dirname(resolve(db)));
  return { db, pages, bytes: statSync(db).size, facts, keptAs };
}
