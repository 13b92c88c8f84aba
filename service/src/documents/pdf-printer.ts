/**
 * pdfmake 0.3 on the server, with the Roboto fonts it ships (they cover Latin, Greek,
 * Cyrillic and Vietnamese names). pdfmake may fetch URLs and read local files named in a
 * document; here it may read its own fonts only, so a name that looks like a path or a URL
 * is printed, never opened.
 */
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
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir));
pdfmake.addFonts({
  Roboto: {
    normal: join(fontDir, 'Roboto-Regular.ttf'),
    bold: join(fontDir, 'Roboto-Medium.ttf'),
    italics: join(fontDir, 'Roboto-Italic.ttf'),
    bolditalics: join(fontDir, 'Roboto-MediumItalic.ttf'),
  },
});

/** The PDF's bytes. The creation date is the document's own date (passed in), never the clock. */
export async function renderPdf(definition: DocDefinition): Promise<Buffer> {
  return pdfmake.createPdf(definition).getBuffer();
}
