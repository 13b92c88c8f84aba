import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DirectoryEntry, editDistance, matchName, nameKey, normalizeName, splitCompanySuffix } from './names.ts';

const anEntry = (over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({ id: 'e1', name: 'Oakridge Home Health', aliases: [], ...over });

const agencies: DirectoryEntry[] = [
  anEntry({ id: 'oak', name: 'Oakridge Home Health' }),
  anEntry({ id: 'lake', name: 'Lakeside Home Care LLC' }),
  anEntry({ id: 'summit', name: 'Summit Visiting Health' }),
  anEntry({ id: 'stm', name: "St. Mary's Home Health" }),
];
const therapists: DirectoryEntry[] = [
  anEntry({ id: 'tom', name: 'Tom Becker' }),
  anEntry({ id: 'lena', name: 'Lena Fischer', aliases: ['Lena F.'] }),
  anEntry({ id: 'pat', name: "Patrick O'Neil" }),
];

/** The ids and reasons of a match's proposals, or the match kind when there are none. */
function proposalsOf(text: string, entries: readonly DirectoryEntry[]) {
  const m = matchName(text, entries);
  return m.kind === 'proposed' ? m.proposals.map((p) => [p.entry.id, p.reason]) : m.kind;
}

describe('normalizeName and nameKey', () => {
  it('trims and collapses spaces, including no-break and zero-width ones', () => {
    expect(normalizeName('  Lena   Fischer ')).toBe('Lena Fischer');
    expect(normalizeName('Lena\u00A0\u200BFischer\t')).toBe('Lena Fischer');
  });

  it('compares without case or accents', () => {
    expect(nameKey('JOSÉ  Núñez')).toBe(nameKey('jose nunez'));
    expect(nameKey('Ｔｏｍ')).toBe('tom'); // full-width letters, NFKD
  });
});

describe('splitCompanySuffix', () => {
  it.each([
    ['Lakeside Home Care LLC', 'Lakeside Home Care', ['LLC']],
    ['Lakeside Home Care, L.L.C.', 'Lakeside Home Care', ['L.L.C.']],
    ['Acme Co., Inc.', 'Acme', ['Co.', 'Inc.']],
    ['Smith PLLC', 'Smith', ['PLLC']],
    ['Smith P.C.', 'Smith', ['P.C.']],
    ['Summit Visiting Health', 'Summit Visiting Health', []],
    ['LLC', 'LLC', []],
  ])('%s -> %s %j', (text, base, suffixes) => {
    expect(splitCompanySuffix(text)).toEqual({ base, suffixes });
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
    expect(editDistance('becker', 'beker')).toBe(1);
    expect(editDistance('becker', 'bexker')).toBe(1);
    expect(editDistance('becker', 'bcekre')).toBe(2);
    expect(editDistance('fischer', 'fsicher')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
      }),
    );
  });
});

describe('matchName', () => {
  it('applies an exact match after trim, spacing, case and accents', () => {
    expect(matchName('  oakridge   HOME health ', agencies)).toEqual({ kind: 'exact', entry: agencies[0] });
    expect(matchName('Lena Fischer ', therapists)).toEqual({ kind: 'exact', entry: therapists[1] });
    expect(matchName('Léna Fischer', therapists)).toEqual({ kind: 'exact', entry: therapists[1] });
  });

  it('treats a confirmed alias as exact', () => {
    expect(matchName('lena f.', therapists)).toEqual({ kind: 'exact', entry: therapists[1] });
  });

  it('proposes a short form, never applies it', () => {
    expect(proposalsOf('Oakridge', agencies)).toEqual([['oak', 'is a short form of the name']]);
    expect(proposalsOf('Tom', therapists)).toEqual([['tom', 'is a short form of the name']]);
    expect(proposalsOf('Becker', therapists)).toEqual([['tom', 'matches only part of the name']]);
    expect(proposalsOf('T Becker', therapists)).toEqual([['tom', 'is a short form of the name']]);
  });

  it.each([
    ['Lakeside Home Care', 'differs only by the suffix "LLC"'],
    ['Lakeside Home Care Inc.', 'differs only by the suffix ("Inc." instead of "LLC")'],
    ['Lakeside Home Care L.L.C.', 'differs only by punctuation or spacing'],
    ['Lakeside Home Care Ltd', 'differs only by the suffix ("Ltd" instead of "LLC")'],
  ])('proposes %j for Lakeside Home Care LLC: %s', (text, reason) => {
    expect(proposalsOf(text, agencies)).toEqual([['lake', reason]]);
  });

  it('proposes names that differ by a company suffix the directory does not have', () => {
    expect(proposalsOf('Summit Visiting Health, Inc', agencies)).toEqual([['summit', 'differs only by the suffix "Inc"']]);
  });

  it('proposes names that differ only by punctuation', () => {
    expect(proposalsOf('St Marys Home Health', agencies)).toEqual([['stm', 'differs only by punctuation or spacing']]);
    expect(proposalsOf('Patrick ONeil', therapists)).toEqual([['pat', 'differs only by punctuation or spacing']]);
  });

  it('proposes a one-letter typo only for names of at least 7 letters', () => {
    expect(proposalsOf('Tom Beker', therapists)).toEqual([['tom', 'differs by one letter']]);
    expect(proposalsOf('Lena Fsicher', therapists)).toEqual([['lena', 'differs by one letter']]);
    expect(proposalsOf('Lakside Home Care', agencies)).toEqual([['lake', 'differs by one letter and by the suffix "LLC"']]);
    const short = [anEntry({ id: 'ann', name: 'Ann Li' })];
    expect(matchName('Ann Lu', short)).toEqual({ kind: 'none' });
  });

  it('proposes a name with a one-letter typo in several words, never on common words alone', () => {
    expect(proposalsOf('Oakrige Home Helth', agencies)).toEqual([['oak', 'differs by one letter in each of 2 words']]);
    expect(proposalsOf('Lenna Fisher', [anEntry({ id: 'lena', name: 'Lena Fischer' })])).toEqual([
      ['lena', 'differs by one letter in each of 2 words'],
    ]);
    expect(matchName('Hme Helth', [anEntry({ name: 'Home Health' })])).toEqual({ kind: 'none' });
    expect(matchName('Oakrige Home Helth', [anEntry({ name: 'Oakwood Home Health' })])).toEqual({ kind: 'none' });
  });

  it('proposes a name with extra words', () => {
    expect(proposalsOf('Oakridge Home Health Agency', agencies)).toEqual([['oak', 'has words the name does not have']]);
  });

  it('says when a proposal came from a confirmed alias', () => {
    const entries = [anEntry({ id: 'oak', name: 'Oakridge Home Health', aliases: ['Oak Ridge HH'] })];
    expect(proposalsOf('Oak-Ridge H.H.', entries)).toEqual([
      ['oak', 'differs only by punctuation or spacing (compared with the confirmed spelling "Oak Ridge HH")'],
    ]);
  });

  it('ranks proposals best first', () => {
    const entries = [
      anEntry({ id: 'part', name: 'Oakridge Home Health of the Valley' }),
      anEntry({ id: 'suffix', name: 'Oakridge Home Health LLC' }),
      anEntry({ id: 'punct', name: 'Oak-ridge Home Health' }),
    ];
    const m = matchName('Oakridge Home Health Inc', entries);
    expect(m.kind === 'proposed' && m.proposals.map((p) => [p.entry.id, p.reason])).toEqual([
      ['suffix', 'differs only by the suffix ("Inc" instead of "LLC")'],
      ['punct', 'differs only by the suffix "Inc"'],
      ['part', 'is a short form of the name'],
    ]);
    expect(proposalsOf('Oakridge Home Health', entries)).toEqual([
      ['punct', 'differs only by punctuation or spacing'],
      ['suffix', 'differs only by the suffix "LLC"'],
      ['part', 'is a short form of the name'],
    ]);
  });

  it('proposes nothing for common words alone or unrelated names', () => {
    expect(matchName('Home Health', agencies)).toEqual({ kind: 'none' });
    expect(matchName('Riverbend Nursing', agencies)).toEqual({ kind: 'none' });
    expect(matchName('', agencies)).toEqual({ kind: 'none' });
    expect(matchName('   ', agencies)).toEqual({ kind: 'none' });
  });

  it('does not guess between two entries with the same name', () => {
    const twins = [anEntry({ id: 'a', name: 'Tom Becker' }), anEntry({ id: 'b', name: 'tom becker' })];
    const m = matchName('Tom Becker', twins);
    expect(m.kind).toBe('proposed');
    expect(m.kind === 'proposed' && m.proposals.map((p) => p.entry.id)).toEqual(['a', 'b']);
  });

  it('never proposes when some spelling matches exactly', () => {
    const name = fc.stringMatching(/^[A-Za-z' .]{1,20}$/);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), fc.nat(), (names, pick) => {
        const entries = names.map((n, i) => anEntry({ id: String(i), name: n }));
        const typed = names[pick % names.length]!;
        const m = matchName(`  ${typed.toUpperCase()} `, entries);
        const exactCount = entries.filter((e) => nameKey(e.name) === nameKey(typed)).length;
        if (nameKey(typed) === '') expect(m.kind).toBe('none');
        else if (exactCount === 1) expect(m).toEqual({ kind: 'exact', entry: entries.find((e) => nameKey(e.name) === nameKey(typed)) });
        else expect(m.kind === 'proposed' && m.proposals.every((p) => nameKey(p.entry.name) === nameKey(typed))).toBe(true);
      }),
    );
  });
});
