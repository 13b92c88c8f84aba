/**
 * `visitledger backup --db FILE --out FILE [--force] [--json]`: a consistent copy of the SQLite
 * file while the service runs (store/sqlite/backup.ts), owner-only, never over an existing file
 * unless --force. It says what it copied (pages, bytes, schema version) and which field keys
 * the copy needs, to be kept with it but apart from it: never the keys themselves.
 */
import { readSettings } from '../config/settings.ts';
import { backupSqliteFile, refusalCode } from '../store/sqlite/backup.ts';
import { keyIdsNotOpened, keysOfStore } from './backup-keys.ts';
import { printJson, say, UsageError, type CliValues } from './output.ts';

export const backupOptions = { out: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** What a command on the SQLite file itself (no store opened) gets from the CLI's edge. */
export type FileCommandEdge = { env: Record<string, string | undefined>; now: Date };

type FileCommandValues = { db?: string; 'key-file'?: string };

/** The settings with --key-file, and the database file: --db, else VISITLEDGER_DB. */
export function fileCommandSettings(values: FileCommandValues, edge: FileCommandEdge, command: string) {
  const settings = readSettings({ ...edge.env, ...(values['key-file'] ? { VISITLEDGER_KEY_FILE: values['key-file'] } : {}) });
  if (settings.VISITLEDGER_STORE !== 'sqlite')
    throw new UsageError(`${command} works on a SQLite file; a Firestore store is backed up by its exports (docs/deploy.md)`);
  return { settings, dbFile: values.db ?? settings.VISITLEDGER_DB };
}

/** A refusal of store/sqlite/backup.ts as the CLI says it (exit 1); anything else is a fault. */
export function refusalExit(error: unknown): number {
  if (refusalCode(error) === undefined) throw error;
  process.stderr.write(`error: ${(error as Error).message}\n`);
  return 1;
}

export async function runBackup(values: CliValues<typeof backupOptions> & FileCommandValues, edge: FileCommandEdge): Promise<number> {
  if (!values.out) throw new UsageError('backup needs --out FILE (a new file; --force replaces an existing one)');
  const { settings, dbFile } = fileCommandSettings(values, edge, 'backup');
  let result: Awaited<ReturnType<typeof backupSqliteFile>>;
  try {
    result = await backupSqliteFile(dbFile, values.out, { overwrite: values.force === true });
  } catch (error) {
    return refusalExit(error);
  }
  const keys = keysOfStore(settings, dbFile);
  const sealedWith = result.facts.sealedWith.map((s) => s.keyId);
  const notOpened = keyIdsNotOpened(keys.set, result.facts);
  if (values.json) {
    printJson({
      db: dbFile,
      out: result.out,
      pages: result.pages,
      bytes: result.bytes,
      schemaVersion: result.facts.schemaVersion,
      keys: { ...keys.json, sealedWith, notOpened },
    });
    return 0;
  }
  say(`backup of ${dbFile} written to ${result.out} (owner-only)`);
  say(`  ${result.pages} pages, ${result.bytes} bytes, schema version ${result.facts.schemaVersion}`);
  say(`  field keys: ${keys.where}${sealedWith.length > 0 ? ` (this copy is sealed with ${sealedWith.join(', ')})` : ''}`);
  say('  keep a copy of those keys with the backup, stored apart from it: without them its patients and TINs cannot be read');
  if (notOpened.length > 0)
    process.stderr.write(
      `warning: ${keys.where} ${keys.set ? 'does not open' : 'does not exist; it cannot open'} the values sealed with ${notOpened.join(', ')}: find the keys this database was sealed with before you need this backup\n`,
    );
  return 0;
}
