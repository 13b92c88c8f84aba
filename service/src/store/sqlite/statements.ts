/** Prepared statements by their SQL text, each prepared once per connection: for queries built from a request's filters. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export function cachedStatements(db: DatabaseSync): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}
