/** Writing exported files under --out DIR: folders made as needed, files readable by the owner only (invoices carry PHI, IRS files TINs). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeOutFile(dir: string, relativePath: string, bytes: Uint8Array): string {
  const path = join(dir, relativePath);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, bytes, { mode: 0o600 });
  return path;
}
