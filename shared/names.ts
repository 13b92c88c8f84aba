/**
 * Names of agencies and therapists as owners type them. An exact match (same after
 * trimming, spacing, case and accents) is safe to apply; anything looser is only
 * proposed, because "Oakridge" might be Oakridge Home Health or a new customer, and
 * a wrong guess bills the wrong company.
 */

/** An agency or therapist with the spellings the owner already confirmed for it (they count as exact). */
export type DirectoryEntry = { id: string; name: string; aliases: readonly string[] };

export type NameProposal<E extends DirectoryEntry = DirectoryEntry> = {
  entry: E;
  /** Why this entry is proposed, readable after the typed text: 'differs only by the suffix "LLC"'. */
  reason: string;
};

export type NameMatch<E extends DirectoryEntry = DirectoryEntry> =
  | { kind: 'exact'; entry: E }
  | { kind: 'proposed'; proposals: NameProposal<E>[] }
  | { kind: 'none' };

/** Trims and collapses runs of spaces (including no-break and zero-width ones): "Lena  Fischer " -> "Lena Fischer". */
export function normalizeName(text: string): string {
  return text
    .replace(/[\u200B-\u200D\u2060]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The form names are compared in: normalized, without case or accents ("José" = "jose"). */
export function nameKey(text: string): string {
  return normalizeName(text).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Letters and digits only: "St. Mary's" and "St Marys" give the same compact key. */
export function compactNameKey(text: string): string {
  return nameKey(text).replace(/[^\p{L}\p{N}]/gu, '');
}

/** Company suffixes that owners add or leave out. Long forms count as their short form. */
const SUFFIX =
  /[\s,]+(inc\.?|incorporated|l\.?\s?l\.?\s?c\.?|corp\.?|corporation|co\.?|company|ltd\.?|limited|p\.?\s?l\.?\s?l\.?\s?c\.?|p\.?\s?c\.?)$/i;
const SUFFIX_CANONICAL: Record<string, string> = { incorporated: 'inc', corporation: 'corp', company: 'co', limited: 'ltd' };

/** "Lakeside Home Care, L.L.C." -> base "Lakeside Home Care", suffixes ["L.L.C."] (as written). */
export function splitCompanySuffix(text: string): { base: string; suffixes: string[] } {
  let base = normalizeName(text);
  const suffixes: string[] = [];
  for (let m = SUFFIX.exec(base); m && m.index > 0; m = SUFFIX.exec(base)) {
    suffixes.unshift(m[1]!);
    base = base.slice(0, m.index).trim();
  }
  return { base, suffixes };
}

const canonicalSuffix = (s: string) => {
  const c = compactNameKey(s);
  return SUFFIX_CANONICAL[c] ?? c;
};

/** Words too common in agency names to make a short form on their own ("Home" is not "Oakridge Home Health"). */
const GENERIC_WORDS = new Set([
  'home',
  'health',
  'healthcare',
  'care',
  'service',
  'services',
  'agency',
  'the',
  'of',
  'and',
  'at',
  'in',
  'visiting',
  'nursing',
  'therapy',
  'rehab',
  'rehabilitation',
  'hha',
  'hh',
  'group',
  'medical',
  'solutions',
]);

function words(text: string): string[] {
  return nameKey(text)
    .replace(/['\u2019`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Edit distance with adjacent swaps counting as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * Whether `short` names a part of `long`, word by word and in order. A one-letter word
 * stands for an initial ("T Becker" for "Tom Becker"). At least one whole, uncommon word must match, so
 * "Home" or "T" alone propose nothing.
 */
function isPartOf(short: readonly string[], long: readonly string[]): { prefix: boolean } | undefined {
  if (short.length === 0 || short.length > long.length) return undefined;
  if (short.length === long.length && !short.some((w) => w.length === 1)) return undefined;
  let at = 0;
  let firstAt = -1;
  let meaningful = false;
  for (const w of short) {
    while (at < long.length && !(long[at] === w || (w.length === 1 && long[at]!.startsWith(w)))) at++;
    if (at === long.length) return undefined;
    if (firstAt < 0) firstAt = at;
    if (long[at] === w && w.length > 1 && !GENERIC_WORDS.has(w)) meaningful = true;
    at++;
  }
  if (!meaningful) return undefined;
  const prefix = firstAt === 0 && short.every((w, i) => long[i] === w || (w.length === 1 && long[i]!.startsWith(w)));
  return { prefix };
}

/** Letters a name must have, on both sides, before a one-letter difference is worth proposing. */
const TYPO_MIN_LETTERS = 7;

type Closeness = { rank: number; score: number; reason: string };

/** How `typed` is close to one spelling; lower rank is a better proposal. */
function closeness(typed: string, spelling: string): Closeness | undefined {
  const tc = compactNameKey(typed);
  const sc = compactNameKey(spelling);
  if (tc === '' || sc === '') return undefined;
  const score = Math.min(tc.length, sc.length) / Math.max(tc.length, sc.length);
  if (tc === sc) return { rank: 1, score, reason: 'differs only by punctuation or spacing' };

  const t = splitCompanySuffix(typed);
  const s = splitCompanySuffix(spelling);
  const tb = compactNameKey(t.base);
  const sb = compactNameKey(s.base);
  const suffixDiff = describeSuffixDifference(t.suffixes, s.suffixes);
  if (tb === sb && suffixDiff) return { rank: 2, score, reason: `differs only by ${suffixDiff}` };

  if (tc.length >= TYPO_MIN_LETTERS && sc.length >= TYPO_MIN_LETTERS && editDistance(tc, sc) <= 1) {
    return { rank: 3, score, reason: 'differs by one letter' };
  }
  if (suffixDiff && tb.length >= TYPO_MIN_LETTERS && sb.length >= TYPO_MIN_LETTERS && editDistance(tb, sb) <= 1) {
    return { rank: 3, score, reason: `differs by one letter and by ${suffixDiff}` };
  }

  const tw = words(t.base);
  const sw = words(s.base);
  const typos = wordTypos(tw, sw);
  if (typos > 0) {
    const reason = `differs by one letter in each of ${typos} words`;
    return { rank: 3, score, reason: suffixDiff ? `${reason} and by ${suffixDiff}` : reason };
  }
  const part = isPartOf(tw, sw);
  if (part)
    return { rank: part.prefix ? 4 : 5, score, reason: part.prefix ? 'is a short form of the name' : 'matches only part of the name' };
  if (isPartOf(sw, tw)) return { rank: 6, score, reason: 'has words the name does not have' };
  return undefined;
}

/** Letters a word must have before a one-letter difference in it is worth proposing. */
const WORD_TYPO_MIN_LETTERS = 4;

/**
 * The same words in the same order, each the same or one letter off, with two or more
 * off ("Oakrige Home Helth" for "Oakridge Home Health"); one off in the whole name is the
 * one-letter rule. An uncommon word must be one of them, so "Hom Helth" proposes nothing.
 */
function wordTypos(typed: readonly string[], known: readonly string[]): number {
  if (typed.length !== known.length || typed.length < 2) return 0;
  let typos = 0;
  let uncommon = false;
  for (let i = 0; i < typed.length; i++) {
    const a = typed[i]!;
    const b = known[i]!;
    if (!GENERIC_WORDS.has(b)) uncommon = true;
    if (a === b) continue;
    if (Math.min(a.length, b.length) < WORD_TYPO_MIN_LETTERS || editDistance(a, b) > 1) return 0;
    typos++;
  }
  return uncommon && typos >= 2 ? typos : 0;
}

function describeSuffixDifference(typed: readonly string[], known: readonly string[]): string | undefined {
  const tc = typed.map(canonicalSuffix);
  const kc = known.map(canonicalSuffix);
  if (tc.join(' ') === kc.join(' ')) return typed.length > 0 ? 'how the suffix is written' : undefined;
  if (typed.length === 0) return `the suffix "${known.join(' ')}"`;
  if (known.length === 0) return `the suffix "${typed.join(' ')}"`;
  return `the suffix ("${typed.join(' ')}" instead of "${known.join(' ')}")`;
}

/**
 * Finds the entry a typed name means. Exact (after `nameKey`) against a name or a
 * confirmed alias is applied; near matches come back as proposals, best first:
 * punctuation or spacing, then a company suffix, then one letter off (names of at least
 * 7 letters) or one letter off in several words, then a short form, then part of the name, then extra words. Two entries
 * with exactly the same name are not guessed between: both are proposed.
 */
export function matchName<E extends DirectoryEntry>(text: string, entries: readonly E[]): NameMatch<E> {
  const key = nameKey(text);
  if (key === '') return { kind: 'none' };

  const exact = entries.filter((e) => [e.name, ...e.aliases].some((s) => nameKey(s) === key));
  if (exact.length === 1) return { kind: 'exact', entry: exact[0]! };
  if (exact.length > 1) {
    return {
      kind: 'proposed',
      proposals: exact.map((entry) => ({ entry, reason: 'matches exactly, but so does another entry with the same name' })),
    };
  }

  const found: { entry: E; index: number; best: Closeness }[] = [];
  entries.forEach((entry, index) => {
    let best: Closeness | undefined;
    for (const spelling of [entry.name, ...entry.aliases]) {
      const c = closeness(text, spelling);
      if (!c) continue;
      const viaAlias =
        spelling === entry.name ? c : { ...c, reason: `${c.reason} (compared with the confirmed spelling "${normalizeName(spelling)}")` };
      if (!best || viaAlias.rank < best.rank || (viaAlias.rank === best.rank && viaAlias.score > best.score)) best = viaAlias;
    }
    if (best) found.push({ entry, index, best });
  });
  if (found.length === 0) return { kind: 'none' };
  found.sort((a, b) => a.best.rank - b.best.rank || b.best.score - a.best.score || a.index - b.index);
  return { kind: 'proposed', proposals: found.map((f) => ({ entry: f.entry, reason: f.best.reason })) };
}
