/** What the commands that name an agency or a therapist share: the one entry the name stands for, or a usage error with the names it may have meant. */
import { matchName, type DirectoryEntry } from '../../../shared/index.ts';
import { UsageError } from './output.ts';

/** `what` names the kind in the error: `no agency called "X". Did you mean "Y"?` */
export function entryNamed<E extends DirectoryEntry>(what: string, name: string, entries: readonly E[]): E {
  const match = matchName(name, entries);
  if (match.kind === 'exact') return match.entry;
  const hint = match.kind === 'proposed' ? ` Did you mean ${match.proposals.map((p) => `"${p.entry.name}"`).join(' or ')}?` : '';
  throw new UsageError(`no ${what} called "${name}".${hint}`);
}

/** `--days N`: a whole number of days, or undefined when not given. */
export function daysOption(days: string | undefined): number | undefined {
  if (days === undefined) return undefined;
  const n = Number(days);
  if (!Number.isInteger(n)) throw new UsageError('--days must be a whole number of days');
  return n;
}
