/**
 * `visitledger restore --from FILE --db FILE [--force] [--json]`: puts a backup back. The backup
 * is checked first (a SQLite file, SQLite's integrity check, a VisitLedger schema no newer than
 * this build's, its sealed values opened with the keys this database uses); then it replaces the
 * database atomically (store/sqlite/backup.ts), the old file kept as FILE.before-restore-<time>.
 * An existing database needs --force, and one a running service holds is always refused.
 */
import { existsSync } from 'node:fs';
import { inspectSqliteFile, restoreSqliteFile } from '../store/sqlite/backup.ts';
import { fileCommandSettings, refusalExit, type FileCommandEdge } from './backup-command.ts';
import { keyIdsNotOpened, keysOfStore } from './backup-keys.ts';
import { printJson, say, UsageError, type CliValues } from './output.ts';

export const restoreOptions = { from: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function runRestore(
  values: CliValues<typeof restoreOptions> & { db?: string; 'key-file'?: string },
  edge: FileCommandEdge,
): Promise<number> {
  if (!values.from) throw new UsageError('restore needs --from FILE (a file made by visitledger backup)');
  const { settings, dbFile } = fileCommandSettings(values, edge, 'restore');
  try {
    const facts = inspectSqliteFile(values.from, 'the backup');
    const keys = keysOfStore(settings, dbFile);
    const notOpened = keyIdsNotOpened(keys.set, facts);
    if (notOpened.length > 0) {
      process.stderr.write(
        keys.set
          ? `error: the keys in ${keys.where} do not open this backup's values sealed with ${notOpened.join(', ')}: these are not the keys it was sealed with.\n  Name the key file kept with the backup (--key-file FILE) or set the environment's keys, then restore again\n`
          : `error: ${keys.where} does not exist, and this backup's values are sealed with ${notOpened.join(', ')}.\n  Put the key file kept with the backup there, or name it (--key-file FILE), then restore again\n`,
      );
      return 1;
    }
    if (values.force && existsSync(dbFile))
      process.stderr.write(`--force: ${dbFile} will be replaced (and kept beside it), unless a process holds it open\n`);
    const result = await restoreSqliteFile(values.from, dbFile, { overwrite: values.force === true, now: edge.now });
    if (values.json) {
      printJson({
        db: result.db,
        from: values.from,
        pages: result.pages,
        bytes: result.bytes,
        schemaVersion: result.facts.schemaVersion,
        keptAs: result.keptAs,
        keys: { ...keys.json, sealedWith: facts.sealedWith.map((s) => s.keyId) },
      });
      return 0;
    }
    say(
      `restored ${values.from} to ${result.db}: ${result.pages} pages, ${result.bytes} bytes, schema version ${result.facts.schemaVersion}`,
    );
    say(`  its sealed values open with ${keys.where}`);
    if (result.keptAs) say(`  the database it replaced is kept as ${result.keptAs}`);
    say('  start the service again (systemctl start visitledger)');
    return 0;
  } catch (error) {
    return refusalExit(error);
  }
}
