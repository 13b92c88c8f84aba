/**
 * HTML for the portal pages: text escaped where it enters the markup, one page shell with
 * `lang`, a viewport for phones and the stylesheet inline (the CSP allows it by its hash,
 * so the pages need no other request and no script).
 */
import { createHash } from 'node:crypto';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup that is already safe: built only by `html` and `page`. */
export type Html = { readonly markup: string };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A template tag: every interpolated value is escaped unless it is already `Html` (or a list of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return { markup: out };
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && 'markup' in (value as object)) return (value as Html).markup;
  return escapeHtml(String(value));
}

/**
 * Dark text on white (contrast above 12:1), links underlined. On a narrow phone (under 40rem:
 * a 390 px screen) the rows of a `stack` table become blocks, each cell on a line of its own
 * after its column's name, so no column is lost off the side; the header row stays for
 * screen readers. Other tables scroll sideways.
 */
export const PORTAL_CSS = [
  'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}',
  'header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}',
  'header{border-bottom:2px solid #1a1a1a;padding-top:.5rem}',
  'h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem}',
  'a{color:#0b4f9c}a:focus,button:focus,input:focus{outline:3px solid #0b4f9c;outline-offset:2px}',
  '.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:32rem}',
  'caption{text-align:left;font-weight:600;padding:.5rem 0}',
  'th,td{border-bottom:1px solid #6b6b6b;padding:.5rem;text-align:left;vertical-align:top}',
  'td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}',
  'nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}',
  'label{display:block;font-weight:600;margin:.5rem 0}input{font:inherit;padding:.5rem;border:1px solid #1a1a1a;max-width:100%}',
  'button{font:inherit;padding:.5rem 1rem;margin-top:.75rem;background:#0b4f9c;color:#fff;border:0;border-radius:4px}',
  '.error{color:#a30000;font-weight:600}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}',
  '@media (max-width:40rem){',
  'table.stack{min-width:0}table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  'table.stack tr{display:block;border-bottom:2px solid #1a1a1a;padding:.25rem 0}',
  'table.stack th,table.stack td{display:grid;grid-template-columns:minmax(6rem,40%) 1fr;gap:.5rem;border:0;padding:.2rem .25rem;text-align:left;overflow-wrap:anywhere}',
  'table.stack [data-label]::before{content:attr(data-label);font-weight:600}',
  '}',
].join('');

export type Column = { label: string; numeric?: boolean };

/**
 * A table whose rows stack into labelled lines on a narrow phone (PORTAL_CSS): every cell
 * carries its column's name. With `rowHeader` the first cell of a row heads it (th scope=row).
 */
export function dataTable(
  caption: string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
  options: { rowHeader?: boolean; foot?: Html } = {},
): Html {
  const head = columns.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}>${c.label}</th>`);
  const body = rows.map(
    (row) =>
      html`<tr>${row.map((cell, i) => {
        const c = columns[i]!;
        const num = c.numeric ? html` class="num"` : '';
        return i === 0 && options.rowHeader
          ? html`<th scope="row" data-label="${c.label}"${num}>${cell}</th>`
          : html`<td data-label="${c.label}"${num}>${cell}</td>`;
      })}</tr>
`,
  );
  return html`<div class="scroll"><table class="stack"><caption>${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>${body}</tbody>${options.foot ?? ''}</table></div>`;
}

/** The CSP source that allows exactly this inline stylesheet. */
export const styleHash = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

export const PORTAL_STYLE_HASH = styleHash(PORTAL_CSS);

/** `refreshTo`: a same-origin URL the page loads right away by itself (no script: a meta refresh); `css`: another stylesheet (its hash in the CSP). */
export function page(title: string, heading: Html | string, body: Html, options: { refreshTo?: string; css?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
${options.refreshTo === undefined ? '' : `<meta http-equiv="refresh" content="0; url=${escapeHtml(options.refreshTo)}">\n`}<title>${escapeHtml(title)}</title>
<style>${options.css ?? PORTAL_CSS}</style>
</head>
<body>
${
  html`<header>${heading}</header>
<main id="main">${body}</main>`.markup
}
</body>
</html>
`;
}
