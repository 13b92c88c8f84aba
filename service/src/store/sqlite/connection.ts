/**
 * The SQLite file and what every record type's module runs its SQL through: the statement
 * cache, row helpers and transactions. node:sqlite is synchronous, so each method runs its
 * statements without yielding to the event loop: a transaction can never interleave with
 * another request of this process. Other processes on the same file (the CLI next to a
 * running server) are kept apart by BEGIN IMMEDIATE and a busy timeout.
 *
 * The file holds PHI (sealed, yet with names of agencies and therapists in clear): the
 * folder it creates is owner-only (0700), and the file, its `-wal` and `-shm` are 0600,
 * whatever the umask (SQLite gives the `-wal` and `-shm` the mode of the database file).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';
import { checkpointInBackground } from './checkpointer.ts';
import { cachedStatements } from './statements.ts';

export type Row = Record<string, SQLInputValue>;

export type SqliteConnection = {
  readonly db: DatabaseSync;
  /** The prepared statement of this SQL text, prepared once per connection. */
  stmt(sql: string): StatementSync;
  all(sql: string, ...params: SQLInputValue[]): Row[];
  get(sql: string, ...params: SQLInputValue[]): Row | undefined;
  run(sql: string, ...params: SQLInputValue[]): ReturnType<StatementSync['run']>;
  /** The records of rows with a JSON `doc` column. */
  docs<T>(rows: Row[]): T[];
  doc<T>(row: Row | undefined): T | null;
  /** Runs `fn` in one BEGIN IMMEDIATE transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: () => T): T;
  /** Stops the background checkpoints, then closes the file. */
  close(): Promise<void>;
};

/** Creates the folders of `file` (0700) and the file (0600) when missing, and makes the file and its WAL files owner-only. */
function ownerOnly(file: string): void {
  const folder = resolve(dirname(file));
  const firstMade = mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Only the folders made here: an existing folder (the working directory, /tmp) keeps its mode.
  if (firstMade !== undefined) {
    for (let dir = folder; dir.startsWith(firstMade); dir = dirname(dir)) chmodSync(dir, 0o700);
  }
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

export function openSqliteConnection(file: string): SqliteConnection {
  if (file !== ':memory:') ownerOnly(file);
  const db = new DatabaseSync(file);
  // The busy timeout first: switching to WAL takes a lock, and another process opening the same
  // file at that moment (two CLI runs at once) would otherwise fail at once with "database is locked".
  db.exec(
    'PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -131072;',
  );
  // Checkpoints run in the background (checkpointer.ts); SQLite's own, in the commit, only past a 64 MB log.
  db.exec('PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;');
  migrate(db);
  const stopCheckpoints = file === ':memory:' ? async () => {} : checkpointInBackground(file);

  const stmt = cachedStatements(db);
  return {
    db,
    stmt,
    all: (sql, ...params) => stmt(sql).all(...params) as Row[],
    get: (sql, ...params) => stmt(sql).get(...params) as Row | undefined,
    run: (sql, ...params) => stmt(sql).run(...params),
    docs: <T>(rows: Row[]) => rows.map((r) => JSON.parse(r.doc as string) as T),
    doc: <T>(row: Row | undefined) => (row ? (JSON.parse(row.doc as string) as T) : null),
    transaction<T>(fn: () => T): T {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      await stopCheckpoints();
      db.close();
    },
  };
}

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed`, { cause: error });
    }
  }
}
