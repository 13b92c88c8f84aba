/**
 * pdfmake 0.3 on the server, with the Roboto fonts it ships (they cover Latin, Greek,
 * Cyrillic and Vietnamese names). pdfmake may fetch URLs and read local files named in a
 * document; here it may read its own fonts only, so a name that looks like a path or a URL
 * is printed, never opened.
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

type PdfMake = {
  addFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(definition: DocDefinition): { getBuffer(): Promise<Buffer> };
};

const require = createRequire(import.meta.url);
const pdfmake = require('pdfmake') as PdfMake;
const fontDir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const REGULAR = join(fontDir, 'Roboto-Regular.ttf');
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir));
pdfmake.addFonts({
  Roboto: {
    normal: REGULAR,
    bold: join(fontDir, 'Roboto-Medium.ttf'),
    italics: join(fontDir, 'Roboto-Italic.ttf'),
    bolditalics: join(fontDir, 'Roboto-MediumItalic.ttf'),
  },
});

/**
 * pdfmake opens every font file anew for each document, and fontkit then decodes the
 * font's tables (metrics, glyph outlines, kerning) lazily into that new font object: for
 * a 200-line invoice that is a third of the render, and it is most of a short pay
 * statement. A decoded font is only read afterwards, so the documents of one thread share
 * it: each document still gets its own embedded font (its glyph subset, widths and word
 * cache) from pdfkit's own class, registered as pdfkit's font() would register it, and
 * the bytes come out the same. Only the Roboto files above are shared.
 */
type EmbeddedFont = { font: object; name: string };
type PdfKitDocument = {
  fonts: Record<string, Record<string, string | Buffer>>;
  fontCache: Record<string, Record<string, EmbeddedFont>>;
  _fontFamilies: Record<string, EmbeddedFont>;
  _fontCount: number;
  _font: EmbeddedFont;
  getFontType(bold: boolean, italics: boolean): string;
  validateLocalFile(path: string): void;
};
const pdfKitDocument = (require('pdfmake/js/PDFDocument.js') as { default: { prototype: PdfKitDocument & { provideFont(family: string, bold: boolean, italics: boolean): EmbeddedFont } } }).default.prototype;
const openFont = pdfKitDocument.provideFont;
const decodedFonts = new Map<string, { font: object; Embedded: new (document: PdfKitDocument, font: object, id: string) => EmbeddedFont }>();
pdfKitDocument.provideFont = function provideSharedFont(this: PdfKitDocument, family: string, bold: boolean, italics: boolean): EmbeddedFont {
  const type = this.getFontType(bold, italics);
  const cached = this.fontCache[family]?.[type];
  if (cached) return cached;
  const file = this.fonts[family]?.[type];
  if (typeof file !== 'string' || !file.startsWith(fontDir)) return openFont.call(this, family, bold, italics);
  const decoded = decodedFonts.get(file);
  if (!decoded) {
    const opened = openFont.call(this, family, bold, italics);
    // Regular is the one regularTextWidth measures with: kept once, for both.
    decodedFonts.set(file, { font: file === REGULAR ? decodedRegular() : opened.font, Embedded: opened.constructor as new (document: PdfKitDocument, font: object, id: string) => EmbeddedFont });
    return opened;
  }
  this.validateLocalFile(file);
  const embedded = new decoded.Embedded(this, decoded.font, `F${++this._fontCount}`);
  this._font = embedded;
  this._fontFamilies[file] = embedded;
  this._fontFamilies[embedded.name] ??= embedded;
  (this.fontCache[family] ??= {})[type] = embedded;
  return embedded;
};

/** The PDF's bytes. The creation date is the document's own date (passed in), never the clock. */
export async function renderPdf(definition: DocDefinition): Promise<Buffer> {
  return pdfmake.createPdf(definition).getBuffer();
}

/** The fontkit pdfkit uses (a dependency of pdfkit's, resolved from it). */
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): { unitsPerEm: number; glyphForCodePoint(codePoint: number): { advanceWidth: number } } };
let regularFont: ReturnType<typeof fontkit.create> | undefined;
/** Roboto Regular, decoded on first use and then kept: for measuring text, and for every document's Regular after the first. */
const decodedRegular = () => (regularFont ??= fontkit.create(readFileSync(REGULAR)));
const regularAdvances = new Map<number, number>();

/**
 * How wide `text` is on one line in Roboto Regular at `fontSize` points: the sum of its
 * characters' advance widths, without kerning (which narrows a few of Roboto's pairs by a
 * little). For deciding that a cell's text fits its column without wrapping.
 */
export function regularTextWidth(text: string, fontSize: number): number {
  const regularFont = decodedRegular();
  let units = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    let advance = regularAdvances.get(codePoint);
    if (advance === undefined) {
      advance = regularFont.glyphForCodePoint(codePoint).advanceWidth;
      regularAdvances.set(codePoint, advance);
    }
    units += advance;
  }
  return (units / regularFont.unitsPerEm) * fontSize;
}
