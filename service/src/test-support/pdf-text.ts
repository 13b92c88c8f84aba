/**
 * Reads a PDF back as text with PDF.js (Mozilla's parser, not the library that wrote it):
 * one string per page, lines in reading order, so tests check what a document says.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

type TextItem = { str: string; transform: number[]; width: number };

export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    // Items on one baseline (within 2 points: bold and regular fonts differ slightly) make a line; lines run top to bottom.
    const items = (content.items as TextItem[])
      .filter((i) => 'str' in i && i.str.trim() !== '')
      .map((i) => ({ x: i.transform[4]!, y: i.transform[5]!, w: i.width, s: i.str }))
      .sort((a, b) => b.y - a.y || a.x - b.x);
    const lines: { y: number; items: typeof items }[] = [];
    for (const item of items) {
      const line = lines.find((l) => Math.abs(l.y - item.y) <= 2);
      if (line) line.items.push(item);
      else lines.push({ y: item.y, items: [item] });
    }
    // Pieces that touch (pdfmake writes "1099-" and "NEC" apart) join without a space; a gap is a space.
    pages.push(
      lines
        .map((l) =>
          l.items
            .sort((a, b) => a.x - b.x)
            .map((item, i, all) => (i > 0 && item.x - (all[i - 1]!.x + all[i - 1]!.w) > 0.8 ? ' ' : '') + item.s)
            .join('')
            .replace(/\s+/g, ' ')
            .trim(),
        )
        .join('\n'),
    );
  }
  await pdf.destroy();
  return pages;
}

export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n');
}
