/**
 * The look every VisitLedger document shares: US Letter, the org's letterhead on the left
 * and the document's title and facts on the right, tables with a repeated header row,
 * amounts right-aligned, and a footer naming the document with "Page x of y".
 */
import { formatMoney, formatUsDate, type Address, type IsoDate, type OrgSettings } from '../../../shared/index.ts';
import { regularTextWidth, type DocContent, type DocDefinition } from './pdf-printer.ts';

const INK = '#1f2937';
const MUTED = '#6b7280';
const ACCENT = '#1d4ed8';
const RULE = '#d1d5db';
const SHADE = '#f3f4f6';
const LETTER_WIDTH = 612;
const SIDE_MARGIN = 40;
const CONTENT_WIDTH = LETTER_WIDTH - 2 * SIDE_MARGIN;
const BODY_FONT_SIZE = 8.5;

export const styles = {
  orgName: { fontSize: 15, bold: true, color: INK },
  title: { fontSize: 20, bold: true, color: ACCENT, alignment: 'right' },
  label: { fontSize: 7.5, color: MUTED, bold: true, characterSpacing: 0.5 },
  section: { fontSize: 11, bold: true, color: INK, margin: [0, 14, 0, 4] },
  note: { fontSize: 8, color: MUTED, italics: true },
  tableHeader: { bold: true, fontSize: 8, color: MUTED, fillColor: SHADE },
  banner: { fontSize: 12, bold: true, color: '#b91c1c' },
};

/** Words longer than a cell can hold get break opportunities, so a very long name wraps instead of running over the next column. */
export function breakable(text: string): string {
  return text.replace(/[^\s\-/]{24,}/g, (word) => word.replace(/(.{16})/gu, '$1\u200B'));
}

export function usDate(date: IsoDate): string {
  return formatUsDate(date);
}

export function period(p: { start: IsoDate; end: IsoDate }): string {
  return `${usDate(p.start)} – ${usDate(p.end)}`;
}

export const money = (cents: number, bold = false): DocContent => ({
  text: formatMoney(cents),
  alignment: 'right',
  ...(bold ? { bold: true } : {}),
});

export function addressLines(address: Address | undefined): string[] {
  if (!address) return [];
  return [address.line1, ...(address.line2 ? [address.line2] : []), `${address.city}, ${address.state} ${address.zip}`];
}

/** The org's letterhead: name, address, phone and email. */
function letterhead(org: OrgSettings): DocContent {
  const contact = [org.phone, org.email].filter((x): x is string => Boolean(x)).join('  ·  ');
  return {
    stack: [
      { text: breakable(org.name), style: 'orgName' },
      ...addressLines(org.address).map((l) => ({ text: breakable(l), color: MUTED })),
      ...(contact ? [{ text: contact, color: MUTED }] : []),
    ],
  };
}

/** Letterhead left, the title and its facts (label, value) right. */
export function documentHeader(org: OrgSettings, title: string, facts: ReadonlyArray<readonly [string, string]>): DocContent {
  return {
    columns: [
      { width: '*', ...(letterhead(org) as object) },
      {
        width: 220,
        stack: [
          { text: title, style: 'title', margin: [0, 0, 0, 6] },
          {
            table: {
              widths: ['*', 'auto'],
              body: facts.map(([label, value]) => [
                { text: label.toUpperCase(), style: 'label', alignment: 'right', margin: [0, 1, 0, 0] },
                { text: value, alignment: 'right', bold: ['Due date', 'Amount due', 'Amount paid'].includes(label) },
              ]),
            },
            layout: 'noBorders',
          },
        ],
      },
    ],
    margin: [0, 0, 0, 14],
  };
}

/** Two labelled blocks side by side ("Bill to", "Remit to"). */
export function partyBlocks(blocks: ReadonlyArray<{ label: string; lines: readonly string[] }>): DocContent {
  return {
    columns: blocks.map((b) => ({
      width: '*',
      stack: [
        { text: b.label.toUpperCase(), style: 'label', margin: [0, 0, 0, 2] },
        ...b.lines.map((l, i) => ({ text: breakable(l), ...(i === 0 ? { bold: true } : {}) })),
      ],
    })),
    columnGap: 24,
    margin: [0, 0, 0, 8],
  };
}

const CELL_PADDING = 4;

/**
 * Marks a body cell of plain text that surely fits its column as one line (noWrap).
 * pdfmake otherwise splits every cell into words and lays out, styles and draws each word
 * on its own, which is most of the cost of a long table; a cell on one line is one piece.
 * The margin covers kerning and rounding; a cell that might not fit wraps as before.
 */
function oneLineWhenItFits(cell: DocContent, width: number): DocContent {
  const fits = (text: string) => !/[\r\n]/.test(text) && regularTextWidth(text, BODY_FONT_SIZE) * 1.05 + 1 <= width;
  if (typeof cell === 'string') return fits(cell) ? { text: cell, noWrap: true } : cell;
  if (Array.isArray(cell) || typeof cell.text !== 'string') return cell;
  const plain = Object.keys(cell).every((key) => key === 'text' || key === 'alignment');
  return plain && fits(cell.text) ? { ...cell, noWrap: true } : cell;
}

const CELL_PADDING_Y = 2.5;
/** Rows of a table that go to the next page with what `keepWith` holds, so that never starts a page alone. */
const ROWS_KEPT_WITH_END = 3;

const tableLayout = (ruleUnderLast: boolean) => ({
  hLineWidth: (i: number, node: { table: { body: unknown[] } }) => (i === 0 || (!ruleUnderLast && i === node.table.body.length) ? 0 : 0.5),
  vLineWidth: () => 0,
  hLineColor: () => RULE,
  paddingTop: () => CELL_PADDING_Y,
  paddingBottom: () => CELL_PADDING_Y,
  paddingLeft: () => CELL_PADDING,
  paddingRight: () => CELL_PADDING,
});

/**
 * A table as wide as the page's content, whose header row repeats on every page it spans.
 * `keepWith` (the totals under an invoice's last table) is kept on one page with the table's
 * last rows: they share one unbreakable row, a table of their own in the same columns.
 */
export function linesTable(
  header: readonly string[],
  widths: ReadonlyArray<number | '*'>,
  rows: DocContent[][],
  rightAligned: ReadonlySet<number>,
  keepWith?: DocContent,
): DocContent {
  const fixed = widths.reduce<number>((sum, w) => sum + (w === '*' ? 0 : w), 0);
  const stars = widths.filter((w) => w === '*').length;
  const starWidth = (CONTENT_WIDTH - fixed - widths.length * 2 * CELL_PADDING) / Math.max(1, stars);
  const columnWidths = widths.map((w) => (w === '*' ? starWidth : w));
  const body = rows.map((row) => row.map((cell, i) => oneLineWhenItFits(cell, columnWidths[i]!)));
  if (keepWith !== undefined && body.length > 0) {
    const kept = body.splice(Math.max(0, body.length - ROWS_KEPT_WITH_END));
    const end: DocContent = {
      colSpan: widths.length,
      // The outer cell's padding is given back, so the inner table's columns fall under the outer ones.
      margin: [-CELL_PADDING, -CELL_PADDING_Y, -CELL_PADDING, -CELL_PADDING_Y],
      stack: [{ table: { widths: [...widths], body: kept }, layout: tableLayout(true) }, keepWith],
    };
    body.push([end, ...widths.slice(1).map(() => '')]);
  }
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [...widths], // pdfmake replaces the entries with its measures: a copy keeps the caller's constant intact
      body: [header.map((h, i) => ({ text: h, style: 'tableHeader', ...(rightAligned.has(i) ? { alignment: 'right' } : {}) })), ...body],
    },
    layout: tableLayout(keepWith === undefined),
  };
}

/** Label and amount rows, right-aligned under the tables (subtotals and the total). */
export function totalsBlock(rows: ReadonlyArray<{ label: string; cents: number; strong?: boolean }>): DocContent {
  return {
    columns: [
      { width: '*', text: '' },
      {
        width: 260,
        table: {
          widths: ['*', 'auto'],
          body: rows.map((r) => [
            { text: r.label, bold: r.strong === true, ...(r.strong ? { fontSize: 11 } : {}) },
            { ...(money(r.cents, r.strong) as object), ...(r.strong ? { fontSize: 11 } : {}) },
          ]),
        },
        layout: {
          hLineWidth: (i: number, node: { table: { body: unknown[] } }) => (i === node.table.body.length - 1 ? 1 : 0),
          vLineWidth: () => 0,
          hLineColor: () => INK,
        },
      },
    ],
    margin: [0, 10, 0, 0],
    unbreakable: true,
  };
}

/**
 * The whole document: Letter pages, Roboto, the footer with `footerLeft` and "Page x of y",
 * and an optional confidentiality line (documents that name patients carry PHI).
 */
export function pageSetup(input: {
  title: string;
  author: string;
  subject: string;
  date: IsoDate;
  footerLeft: string;
  confidential: boolean;
  content: DocContent[];
}): DocDefinition {
  return {
    info: { title: input.title, author: input.author, subject: input.subject, creationDate: new Date(`${input.date}T12:00:00.000Z`) },
    pageSize: 'LETTER',
    pageMargins: [SIDE_MARGIN, 40, SIDE_MARGIN, 52],
    defaultStyle: { font: 'Roboto', fontSize: BODY_FONT_SIZE, color: INK, lineHeight: 1.1 },
    styles,
    footer: (currentPage: number, pageCount: number) => ({
      margin: [40, 14, 40, 0],
      columns: [
        { text: breakable(input.footerLeft), fontSize: 7.5, color: MUTED, width: '*' },
        ...(input.confidential
          ? [
              {
                text: 'Contains protected health information: confidential.',
                fontSize: 7.5,
                color: MUTED,
                alignment: 'center',
                width: 'auto',
              },
            ]
          : []),
        { text: `Page ${currentPage} of ${pageCount}`, fontSize: 7.5, color: MUTED, alignment: 'right', width: 80 },
      ],
    }),
    content: input.content,
  };
}
