/**
 * What agencies owe, in the sheet: Sync writes the Receivables tab (each open invoice, from
 * the service's aged receivables report), and the sidebar shows each agency's open balance.
 */
import { calendarDayIn, daysBetween, type IsoDate } from '../../../shared/dates.ts';
import { centsToDecimalString, formatMoney } from '../../../shared/money.ts';
import type { WireAnswer } from '../../../shared/wire/api.ts';
import { callOne } from '../service-client/client.ts';
import { activeBook, replaceRows, type Cell } from '../sheets/io.ts';
import { RECEIVABLES_LAYOUT } from '../sheets/layout.ts';
import { applyColumnLook, ensureTab } from '../sheets/tabs.ts';
import { connected, isResult, refused, type ActionResult } from './result.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;
export type ReceivablesReport = WireAnswer<'receivables'>;

/** A money cell: dollars as a number, which the tab's money format shows. */
export const dollars = (cents: number) => Number(centsToDecimalString(cents));

/** Today where the sheet is: the day reminders, aging and the report are reckoned on. */
export const sheetToday = (book: Book): IsoDate => calendarDayIn(new Date(), book.getSpreadsheetTimeZone());

/** The tab's rows: each open invoice by agency, then due date; days overdue 0 until the due date has passed. */
export function receivableRows(report: ReceivablesReport): Cell[][] {
  return report.agencies.flatMap((a) =>
    [...a.invoices]
      .sort((x, y) => x.dueDate.localeCompare(y.dueDate) || x.number.localeCompare(y.number))
      .map((i): Cell[] => [
        i.number,
        a.agency,
        i.issueDate,
        i.dueDate,
        dollars(i.totalCents),
        dollars(i.paidCents),
        dollars(i.openCents),
        Math.max(0, daysBetween(i.dueDate, report.asOf)),
        i.status,
      ]),
  );
}

/** The Receivables tab, made the first time, its rows replaced in one write. */
export function writeReceivablesTab(book: Book, sheets: Map<string, Sheet>, report: ReceivablesReport): void {
  const { sheet, created } = ensureTab(book, sheets, RECEIVABLES_LAYOUT);
  if (created) applyColumnLook(book, sheet, RECEIVABLES_LAYOUT);
  replaceRows(sheet, receivableRows(report), RECEIVABLES_LAYOUT.header.length);
}

/** Each agency's open balance (and credit), most overdue money first in each line. */
export function showBalances(): ActionResult {
  const title = 'Open balances';
  const c = connected(title);
  if (isResult(c)) return c;
  const report = callOne(c.conn, { route: 'receivables', query: { asOf: sheetToday(activeBook()) } });
  if (!report.ok) return refused(title, report, c.conn);
  const { agencies, asOf } = report.body;
  if (agencies.length === 0) return { ok: true, title, lines: [`As of ${asOf}, no agency owes anything.`] };
  const overdue = (b: ReceivablesReport['agencies'][number]['buckets']) =>
    b.days1to30Cents + b.days31to60Cents + b.days61to90Cents + b.over90Cents;
  return {
    ok: true,
    title,
    lines: [
      `As of ${asOf}:`,
      ...agencies.map((a) => {
        const late = overdue(a.buckets);
        const parts = [
          `${formatMoney(a.openCents)} open on ${a.invoices.length} invoice${a.invoices.length === 1 ? '' : 's'}`,
          ...(late > 0 ? [`${formatMoney(late)} overdue`] : []),
          ...(a.buckets.over90Cents > 0 ? [`${formatMoney(a.buckets.over90Cents)} over 90 days`] : []),
          ...(a.creditCents > 0 ? [`${formatMoney(a.creditCents)} credit on account`] : []),
        ];
        return `${a.agency}: ${parts.join(', ')}.`;
      }),
    ],
    next: 'Sync writes every open invoice to the Receivables tab.',
  };
}
