/** A real SQLite file in a temp folder, a real cipher, a clock the test sets, and readable ids. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFieldCipher, newFieldKey } from '../crypto/field-cipher.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { DocumentStore } from '../store/port.ts';
import type { UseCaseContext } from '../usecases/context.ts';

export type TestContext = UseCaseContext & { dbFile: string; documents: DocumentStore; setNow(iso: string): void };

export function aUseCaseContext(options: { now?: string; actor?: string } = {}): TestContext {
  const dbFile = join(mkdtempSync(join(tmpdir(), 'visitledger-uc-')), 'test.db');
  let now = new Date(options.now ?? '2026-02-02T15:00:00.000Z');
  let next = 0;
  const store = openSqliteStore(dbFile);
  return {
    dbFile,
    store,
    documents: store,
    cipher: createFieldCipher({ keys: [newFieldKey('k1')], currentKeyId: 'k1', indexKey: randomBytes(32) }),
    now: () => now,
    newId: () => `id-${String(++next).padStart(5, '0')}`,
    actor: options.actor ?? 'owner@example.com',
    setNow(iso) {
      now = new Date(iso);
    },
  };
}
