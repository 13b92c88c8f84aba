/**
 * Resolving the agency and therapist names of a visit table. Only exact names, confirmed
 * aliases and confirmed mappings are applied; near names are proposed for the owner to
 * confirm, never guessed; a new name is created once however it is spelled (after nameKey).
 */
import { cellText } from '../cells.ts';
import { type DirectoryEntry, matchName, type NameProposal, nameKey, normalizeName } from '../names.ts';
import { emptyIssue, type ReviewIssue } from './fields.ts';

/** An agency or therapist on a visit; `id` is null for one this import would create (see newAgencies/newTherapists). */
export type EntityRef = { id: string | null; name: string };

/** A near name for the owner to confirm. `entryId` null: another new name of this import. */
export type ImportProposal = { field: 'therapist' | 'agency'; text: string; entryId: string | null; entryName: string; reason: string };

/** A name that matches nothing and is near nothing, to be created by the caller. */
export type NewEntity = { name: string; spellings: string[]; rows: number[] };

export type NameRead =
  | { kind: 'empty' }
  | { kind: 'known'; entry: DirectoryEntry }
  | { kind: 'proposed'; text: string; proposals: NameProposal[] }
  | { kind: 'unknown'; text: string; key: string }
  | { kind: 'bad-mapping'; text: string };

/** Reads names for one field: confirmed mappings first, then matchName. Cached by key: sheets repeat names. */
export function nameReader(entries: readonly DirectoryEntry[], mappings: Readonly<Record<string, string>> | undefined) {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const mapped = new Map(Object.entries(mappings ?? {}).map(([text, id]) => [nameKey(text), id]));
  const cache = new Map<string, NameRead>();
  return (value: unknown): NameRead => {
    const text = normalizeName(cellText(value));
    if (text === '') return { kind: 'empty' };
    const key = nameKey(text);
    const cached = cache.get(key);
    if (cached) return 'text' in cached ? { ...cached, text } : cached;
    let read: NameRead;
    const mappedId = mapped.get(key);
    if (mappedId !== undefined) {
      const entry = byId.get(mappedId);
      read = entry ? { kind: 'known', entry } : { kind: 'bad-mapping', text };
    } else {
      const m = matchName(text, entries);
      read =
        m.kind === 'exact'
          ? { kind: 'known', entry: m.entry }
          : m.kind === 'proposed'
            ? { kind: 'proposed', text, proposals: m.proposals }
            : { kind: 'unknown', text, key };
    }
    cache.set(key, read);
    return read;
  };
}

export type NameField = 'therapist' | 'agency';

/** What becomes of a new name under 'create': created, or proposed as another new name used in at least as many rows. */
export type NewNameDecision =
  | { kind: 'create'; entity: NewEntity }
  | { kind: 'proposed'; proposals: { name: string; rows: number; reason: string }[] };

/**
 * Identical new names (after nameKey) are one entity. A new name near another new name
 * used in at least as many rows is not created but proposed: the rarer spelling is
 * probably the typo, and with a tie there is no telling which one is right.
 */
export function decideNewNames(reads: readonly { row: number; read: NameRead }[]): Map<string, NewNameDecision> {
  const groups = new Map<string, NewEntity>();
  for (const { row, read } of reads) {
    if (read.kind !== 'unknown') continue;
    const group = groups.get(read.key);
    if (!group) groups.set(read.key, { name: read.text, spellings: [read.text], rows: [row] });
    else {
      if (!group.spellings.includes(read.text)) group.spellings.push(read.text);
      group.rows.push(row);
    }
  }
  const decisions = new Map<string, NewNameDecision>();
  for (const [key, group] of groups) {
    const others = [...groups].filter(([k]) => k !== key).map(([k, g]) => ({ id: k, name: g.name, aliases: [], rows: g.rows.length }));
    const m = matchName(group.name, others);
    const near = m.kind === 'proposed' ? m.proposals.filter((p) => p.entry.rows >= group.rows.length) : [];
    decisions.set(
      key,
      near.length > 0
        ? { kind: 'proposed', proposals: near.map((p) => ({ name: p.entry.name, rows: p.entry.rows, reason: p.reason })) }
        : { kind: 'create', entity: group },
    );
  }
  return decisions;
}

export const NEW_ID_PREFIX = '\u0000new:';

type FieldRead = { ref?: EntityRef; keyPart?: string; issues: ReviewIssue[]; proposals: ImportProposal[] };

export function resolveName(
  field: NameField,
  read: NameRead,
  column: string,
  decisions: Map<string, NewNameDecision>,
  mode: 'create' | 'review',
): FieldRead {
  const label = field === 'agency' ? 'Agency' : 'Therapist';
  const list = field === 'agency' ? 'agency list' : 'therapist list';
  switch (read.kind) {
    case 'empty':
      return { issues: [emptyIssue(field, column)], proposals: [] };
    case 'known':
      return { ref: { id: read.entry.id, name: read.entry.name }, keyPart: read.entry.id, issues: [], proposals: [] };
    case 'bad-mapping':
      return {
        issues: [
          {
            code: 'bad-mapping',
            field,
            message: `${label} "${read.text}" was matched to a${field === 'agency' ? 'n agency' : ' therapist'} that is no longer in the ${list}; confirm the match again`,
          },
        ],
        proposals: [],
      };
    case 'proposed': {
      const options = read.proposals.map((p) => `${p.entry.name} ("${read.text}" ${p.reason})`).join(' or ');
      return {
        issues: [
          {
            code: 'name-proposed',
            field,
            message: `${label} "${read.text}" is not in the ${list} exactly; did you mean ${options}? Confirm the match to import this row`,
          },
        ],
        proposals: read.proposals.map((p) => ({ field, text: read.text, entryId: p.entry.id, entryName: p.entry.name, reason: p.reason })),
      };
    }
    case 'unknown': {
      const decision = decisions.get(read.key);
      if (mode === 'review' || !decision) {
        return {
          issues: [
            {
              code: 'unknown-name',
              field,
              message: `${label} "${read.text}" is not in the ${list} and no name there is close; add it or correct the spelling`,
            },
          ],
          proposals: [],
        };
      }
      if (decision.kind === 'create') {
        return { ref: { id: null, name: decision.entity.name }, keyPart: NEW_ID_PREFIX + read.key, issues: [], proposals: [] };
      }
      const options = decision.proposals
        .map((p) => `"${p.name}" (used in ${p.rows} row${p.rows === 1 ? '' : 's'}; "${read.text}" ${p.reason})`)
        .join(' or ');
      return {
        issues: [
          {
            code: 'name-proposed',
            field,
            message: `${label} "${read.text}" is new and close to another new name, ${options}; correct the spelling or confirm they are different`,
          },
        ],
        proposals: decision.proposals.map((p) => ({ field, text: read.text, entryId: null, entryName: p.name, reason: p.reason })),
      };
    }
  }
}

/** Stands for a name in a duplicate comparison when it has no id yet; identical names give the same part. */
export function namePart(read: NameRead): string | undefined {
  if (read.kind === 'empty') return undefined;
  if (read.kind === 'known') return read.entry.id;
  return NEW_ID_PREFIX + nameKey(read.text);
}
