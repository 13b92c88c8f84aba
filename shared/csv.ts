/**
 * CSV as RFC 4180 describes it, for owner exports and imports.
 *
 * `toCsv` keeps data exact in both directions (a cell starting with =, +, - or @ is
 * written as is), for files the importer must read back unchanged. Every file the service
 * hands out is written with `toExportCsv`, which keeps a spreadsheet from running a cell as
 * a formula: names typed on a W-9 or in the sheet (`=IMPORTXML(...)`) never come back
 * verbatim.
 */

/**
 * Reads CSV text into rows of fields. Handles quoted fields, doubled quotes, CRLF, LF
 * and lone CR line ends, a leading byte order mark and newlines inside quotes. A final
 * line end does not make an extra row; an empty line in the middle is a row with one
 * empty field. Lenient where RFC 4180 is strict, so no text is ever lost: a quote inside
 * an unquoted field is kept as a character, text after a closing quote is appended to
 * the field, and an unclosed quote runs to the end of the text.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let atFieldStart = true;
  let inQuotes = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endField = () => {
    row.push(field);
    field = '';
    atFieldStart = true;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };

  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
      atFieldStart = false;
    }
    i++;
  }
  // The last line had no line end: keep what it holds (an unterminated line is still a row).
  if (row.length > 0 || !atFieldStart) endRow();
  return rows;
}

/** A field needs quotes when it holds a delimiter, a quote, a line end, or starts with a BOM that a reader would strip. */
const NEEDS_QUOTES = /[",\r\n]|^\uFEFF/;

/**
 * Writes rows as CSV: fields are quoted only where needed, every row ends with CRLF.
 * `parseCsv(toCsv(rows))` gives `rows` back for any rows that have at least one field
 * (a row with no fields is an empty line, which reads back as one empty field).
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const row of rows) {
    out += row.map((f) => (NEEDS_QUOTES.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
    out += '\r\n';
  }
  return out;
}

/** Keeps a spreadsheet from running a field as a formula: a leading apostrophe, which spreadsheets and QuickBooks read as "text". */
export function spreadsheetSafe(field: string): string {
  if (/^-?\d+(\.\d+)?$/.test(field)) return field; // an amount, negative ones included
  return /^[=+\-@\t\r]/.test(field) ? `'${field}` : field;
}

/** CSV for a file the service exports: every field through `spreadsheetSafe`. */
export function toExportCsv(rows: readonly (readonly string[])[]): string {
  return toCsv(rows.map((row) => row.map(spreadsheetSafe)));
}
