/**
 * pdfmake 0.3 on the server, with the Roboto fonts it ships (they cover Latin, Greek,
 * Cyrillic and Vietnamese names) and Noto Sans CJK for the Chinese, Japanese and Korean
 * characters Roboto lacks (see withFallbackFonts). pdfmake may fetch URLs and read local
 * files named in a document; here it may read these fonts only, so a name that looks like a
 * path or a URL is printed, never opened.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The slice of pdfmake's document definition this project uses; pdfmake 0.3 ships no types. */
export type DocContent = string | DocContent[] | { [key: string]: unknown };
export type DocDefinition = {
  info: { title: string; author: string; subject: string; creationDate: Date };
  content: DocContent[];
  [key: string]: unknown;
};

type FontFiles = Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>;
type PdfMake = {
  addFonts(fonts: Record<string, FontFiles>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(definition: DocDefinition): { getBuffer(): Promise<Buffer> };
};

const require = createRequire(import.meta.url);
const pdfmake = require('pdfmake') as PdfMake;
const fontDir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const REGULAR = join(fontDir, 'Roboto-Regular.ttf');

/**
 * The fonts tried, in this order, for a character Roboto lacks (coverage measured with
 * fontkit). Noto Sans Hans (@embedpdf/fonts-sc, 30,888 glyphs) has every hanzi of GB2312
 * (6,763) and Big5, every kanji of JIS X 0208 (6,355) and the kana, but no Hangul; Noto
 * Sans KR (@embedpdf/fonts-kr) has every Hangul syllable and all 4,888 hanja of KS X 1001,
 * but alone it would miss 1,318 of the 3,755 most common hanzi (GB2312 level 1: 爱, 东,
 * 们), so both are needed, Hans first. Neither has 﨑 (U+FA11) or 𠮷 (U+20BB7).
 * "bold" is Medium, as Roboto's bold here is Roboto Medium; italics reuse the upright files
 * (CJK has no italics). Only these two weights of the packages' five and seven are read.
 */
const FALLBACKS = [
  { family: 'NotoSansHans', dir: fontsDirOf('@embedpdf/fonts-sc'), regular: 'NotoSansHans-Regular.otf', medium: 'NotoSansHans-Medium.otf' },
  { family: 'NotoSansKR', dir: fontsDirOf('@embedpdf/fonts-kr'), regular: 'NotoSansKR-Regular.otf', medium: 'NotoSansKR-Medium.otf' },
].map((f) => ({ family: f.family, regular: join(f.dir, f.regular), medium: join(f.dir, f.medium) }));

/** The packages export only their index (dist/index.cjs); the .otf files sit in fonts/ beside dist/. */
function fontsDirOf(pkg: string): string {
  return join(dirname(require.resolve(pkg)), '..', 'fonts');
}

const FALLBACK_FILES = new Set(FALLBACKS.flatMap((f) => [f.regular, f.medium]));
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir) || FALLBACK_FILES.has(path));
pdfmake.addFonts({
  Roboto: {
    normal: REGULAR,
    bold: join(fontDir, 'Roboto-Medium.ttf'),
    italics: join(fontDir, 'Roboto-Italic.ttf'),
    bolditalics: join(fontDir, 'Roboto-MediumItalic.ttf'),
  },
  ...Object.fromEntries(FALLBACKS.map((f) => [f.family, { normal: f.regular, bold: f.medium, italics: f.regular, bolditalics: f.medium }])),
});

/** The fontkit pdfkit uses (a dependency of pdfkit's, resolved from it). */
type DecodedFont = {
  unitsPerEm: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): { advanceWidth: number };
};
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): DecodedFont };
const decodedFiles = new Map<string, DecodedFont>();
/** A font file decoded on first use and then kept: for measuring text, for choosing the font of a character, and for every document's embedded copy. */
function decoded(file: string): DecodedFont {
  let font = decodedFiles.get(file);
  if (!font) {
    font = fontkit.create(readFileSync(file));
    decodedFiles.set(file, font);
  }
  return font;
}

/**
 * pdfmake opens every font file anew for each document, and fontkit then decodes the
 * font's tables (metrics, glyph outlines, kerning) lazily into that new font object: a
 * large part of a short invoice's render, and most of a short pay statement's (figures:
 * bench/README.md); a CJK fallback is an 8 MB file. A decoded font is only read afterwards, so
 * the documents of one thread share it: each document still gets its own embedded font
 * (its glyph subset, widths and word cache) from pdfkit's own class, registered as
 * pdfkit's font() would register it, and the bytes come out the same. Only the Roboto and
 * fallback files above are shared.
 */
type EmbeddedFont = { font: object; name: string };
type EmbeddedFontClass = new (document: PdfKitDocument, font: object, id: string) => EmbeddedFont;
type PdfKitDocument = {
  fonts: Record<string, Record<string, string | Buffer>>;
  fontCache: Record<string, Record<string, EmbeddedFont>>;
  _fontFamilies: Record<string, EmbeddedFont>;
  _fontCount: number;
  _font: EmbeddedFont;
  getFontType(bold: boolean, italics: boolean): string;
  validateLocalFile(path: string): void;
};
const pdfKitDocument = (
  require('pdfmake/js/PDFDocument.js') as {
    default: { prototype: PdfKitDocument & { provideFont(family: string, bold: boolean, italics: boolean): EmbeddedFont } };
  }
).default.prototype;
const openFont = pdfKitDocument.provideFont;
/** pdfkit's EmbeddedFont (not exported): taken from the first font pdfmake opens, for it opens every TrueType and OpenType font with this one class. */
let Embedded: EmbeddedFontClass | undefined;
pdfKitDocument.provideFont = function provideSharedFont(
  this: PdfKitDocument,
  family: string,
  bold: boolean,
  italics: boolean,
): EmbeddedFont {
  const type = this.getFontType(bold, italics);
  const cached = this.fontCache[family]?.[type];
  if (cached) return cached;
  const file = this.fonts[family]?.[type];
  if (typeof file !== 'string' || !(file.startsWith(fontDir) || FALLBACK_FILES.has(file)))
    return openFont.call(this, family, bold, italics);
  if (!Embedded || !decodedFiles.has(file)) {
    const opened = openFont.call(this, family, bold, italics);
    Embedded ??= opened.constructor as EmbeddedFontClass;
    if (!decodedFiles.has(file)) decodedFiles.set(file, opened.font as DecodedFont);
    return opened;
  }
  this.validateLocalFile(file);
  // A file already embedded under another style (a fallback's italics are its upright file) is that font again, as in pdfkit's font().
  const embedded = this._fontFamilies[file] ?? new Embedded(this, decodedFiles.get(file)!, `F${++this._fontCount}`);
  this._font = embedded;
  this._fontFamilies[file] = embedded;
  this._fontFamilies[embedded.name] ??= embedded;
  (this.fontCache[family] ??= {})[type] = embedded;
  return embedded;
};

/** The PDF's bytes. The creation date is the document's own date (passed in), never the clock. */
export async function renderPdf(definition: DocDefinition): Promise<Buffer> {
  return pdfmake.createPdf(withFallbackFonts(definition)).getBuffer();
}

/** How a character prints: its font (Roboto, or fallback i as FALLBACK + i), or not at all. */
const UNKNOWN = 0;
const ROBOTO = 1;
/** A control character (a line break, a tab): left where it is, as pdfmake reads it. */
const CONTROL = 2;
/** An invisible format character no font has (a bidi mark, a joiner): nothing to see, so left out. */
const INVISIBLE = 3;
/** No bundled font has it: printed as U+FFFD, the Unicode replacement character. */
const MISSING = 4;
/** A combining mark no font has: folded into the replacement character of the letter it marks. */
const MISSING_MARK = 5;
const FALLBACK = 6;
const REPLACEMENT = '\uFFFD';
const byCodePoint = new Uint8Array(0x10000);
const astralByCodePoint = new Map<number, number>();
/** Roboto has every character up to U+017F but the C0 and C1 controls: a text without any higher one prints as it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 by design
const BEYOND_LATIN_EXTENDED_A = /[^\u0000-\u017F]/;

function classOf(codePoint: number): number {
  let known = codePoint < 0x10000 ? byCodePoint[codePoint]! : (astralByCodePoint.get(codePoint) ?? UNKNOWN);
  if (known === UNKNOWN) {
    known = classify(codePoint);
    if (codePoint < 0x10000) byCodePoint[codePoint] = known;
    else astralByCodePoint.set(codePoint, known);
  }
  return known;
}

function classify(codePoint: number): number {
  if (decoded(REGULAR).hasGlyphForCodePoint(codePoint)) return ROBOTO;
  const char = String.fromCodePoint(codePoint);
  if (/\p{Cc}/u.test(char)) return CONTROL;
  if (/\p{Cf}/u.test(char)) return INVISIBLE;
  const fallback = FALLBACKS.findIndex((f) => decoded(f.regular).hasGlyphForCodePoint(codePoint));
  if (fallback >= 0) return FALLBACK + fallback;
  return /\p{M}/u.test(char) ? MISSING_MARK : MISSING;
}

type Run = { family: string | undefined; text: string };

/**
 * `written` cut into runs of one font each (`family` undefined: the node's own, Roboto),
 * or undefined when Roboto prints all of it as it is. A control character stays in the run it is in;
 * a character no font has becomes U+FFFD, visibly (pdfkit neither shapes nor reorders
 * right-to-left text, so Arabic or Devanagari in Roboto's .notdef would be wrong twice).
 */
function runsOf(written: string): Run[] | undefined {
  if (!BEYOND_LATIN_EXTENDED_A.test(written)) return undefined;
  // Composed, as the fonts have the characters: "ễ" typed as e + U+0302 + U+0303 (Roboto has no U+0302), が as か + U+3099, Hangul as jamo.
  const text = written.normalize('NFC');
  const runs: Run[] = [];
  let family: string | undefined;
  let run = '';
  let changed = text !== written;
  let afterMissing = false;
  for (const char of text) {
    const kind = classOf(char.codePointAt(0)!);
    let next = family;
    let printed = char;
    if (kind === ROBOTO) next = undefined;
    else if (kind >= FALLBACK) next = FALLBACKS[kind - FALLBACK]!.family;
    else if (kind === INVISIBLE || (kind === MISSING_MARK && afterMissing)) {
      changed = true;
      continue;
    } else if (kind === MISSING || kind === MISSING_MARK) {
      next = undefined;
      printed = REPLACEMENT;
    }
    if (kind !== CONTROL) afterMissing = kind === MISSING || kind === MISSING_MARK;
    changed ||= kind !== ROBOTO && kind !== CONTROL;
    if (next !== family && run !== '') {
      runs.push({ family, text: run });
      run = '';
    }
    family = next;
    run += printed;
  }
  if (!changed) return undefined;
  if (run !== '') runs.push({ family, text: run });
  return runs;
}

type Inline = string | { text?: unknown; [key: string]: unknown };

/** Runs as pdfmake inlines: a plain string for Roboto's, `{ text, font }` for a fallback's. */
const inlinesOf = (runs: readonly Run[]): Inline[] => runs.map((r) => (r.family ? { text: r.text, font: r.family } : r.text));

/** A text property in runs: plain strings for Roboto's, `{ text, font }` for a fallback's, each inline keeping its own style. */
function printableText(text: unknown): unknown {
  if (typeof text === 'string') {
    const runs = runsOf(text);
    if (!runs) return text;
    if (runs.length === 1 && runs[0]!.family === undefined) return runs[0]!.text;
    return inlinesOf(runs);
  }
  if (!Array.isArray(text)) return text;
  // pdfmake flattens nested text arrays and drops the outer inline's style as it does (its issue 1174): an inline's runs carry its style each.
  return (text as Inline[]).flatMap((inline): Inline[] => {
    if (typeof inline === 'string') {
      const runs = runsOf(inline);
      return runs ? inlinesOf(runs) : [inline];
    }
    if (typeof inline.text === 'string') {
      const runs = runsOf(inline.text);
      return runs ? runs.map((r) => ({ ...inline, text: r.text, ...(r.family ? { font: r.family } : {}) })) : [inline];
    }
    return [{ ...inline, text: printableText(inline.text) }];
  });
}

const CONTAINERS = ['stack', 'columns', 'ul', 'ol'] as const;

/** Rewrites a content node in place (pdfmake rewrites the definition it is given anyway) and returns what replaces it. */
function withFallbackRuns(node: DocContent): DocContent {
  if (typeof node === 'string') {
    const text = printableText(node);
    return typeof text === 'string' ? text : { text };
  }
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = withFallbackRuns(node[i]!);
    return node;
  }
  if ('text' in node) node.text = printableText(node.text);
  for (const key of CONTAINERS) {
    const children = node[key];
    if (Array.isArray(children)) withFallbackRuns(children as DocContent[]);
  }
  const table = node.table as { body?: DocContent[][] } | undefined;
  if (table && Array.isArray(table.body)) for (const row of table.body) withFallbackRuns(row);
  return node;
}

/**
 * Every text of the document in runs that each name a font that has their characters:
 * Roboto for what it covers, Noto Sans Hans, then Noto Sans KR, for the rest. One pass
 * before pdfmake lays the document out, so every kind of document is covered; a text
 * that is all Latin (the most of any document) costs one regular-expression test.
 */
function withFallbackFonts(definition: DocDefinition): DocDefinition {
  definition.content = definition.content.map(withFallbackRuns);
  for (const key of ['header', 'footer', 'background'] as const) {
    const part = definition[key];
    if (typeof part === 'function') definition[key] = (...args: unknown[]) => withFallbackRuns(part(...args) as DocContent);
    else if (part !== undefined && part !== null) definition[key] = withFallbackRuns(part as DocContent);
  }
  return definition;
}

const regularAdvances = new Map<number, number>();
/** Advance widths in em of the characters Roboto does not print itself: a fallback's glyph, the replacement character, or nothing. */
const otherAdvances = new Map<number, number>();

function emsOf(codePoint: number, kind: number): number {
  let ems = otherAdvances.get(codePoint);
  if (ems === undefined) {
    const font = kind >= FALLBACK ? decoded(FALLBACKS[kind - FALLBACK]!.regular) : decoded(REGULAR);
    ems =
      kind === INVISIBLE
        ? 0
        : font.glyphForCodePoint(kind >= FALLBACK ? codePoint : REPLACEMENT.codePointAt(0)!).advanceWidth / font.unitsPerEm;
    otherAdvances.set(codePoint, ems);
  }
  return ems;
}

/**
 * How wide `written` is on one line in the regular weight at `fontSize` points, as
 * withFallbackFonts will print it (composed, NFC): the sum of its characters' advance widths in Roboto
 * Regular, or in the fallback font that prints them (a character no font has as U+FFFD),
 * without kerning (which narrows a few of Roboto's pairs by a little). For deciding that a
 * cell's text fits its column without wrapping.
 */
export function regularTextWidth(written: string, fontSize: number): number {
  const text = BEYOND_LATIN_EXTENDED_A.test(written) ? written.normalize('NFC') : written;
  const regularFont = decoded(REGULAR);
  let units = 0;
  let ems = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint >= 0x180) {
      const kind = classOf(codePoint);
      if (kind !== ROBOTO && kind !== CONTROL) {
        ems += emsOf(codePoint, kind);
        continue;
      }
    }
    let advance = regularAdvances.get(codePoint);
    if (advance === undefined) {
      advance = regularFont.glyphForCodePoint(codePoint).advanceWidth;
      regularAdvances.set(codePoint, advance);
    }
    units += advance;
  }
  return (units / regularFont.unitsPerEm + ems) * fontSize;
}
