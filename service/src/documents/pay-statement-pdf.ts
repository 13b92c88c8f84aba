/**
 * A therapist's pay statement for one pay run: the visits paid (date, agency, discipline,
 * visit type, rate, amount; visits from earlier periods marked), the total, and how and
 * when it was paid. No patient is named: the therapist keeps their own visit notes.
 */
import {
  BACKUP_WITHHOLDING_PERCENT,
  formatMoney,
  PAYMENT_METHOD_RULES,
  sumCents,
  withholdingSummary,
  type OrgSettings,
  type Payment,
  type PayStatement,
} from '../../../shared/index.ts';
import { breakable, documentHeader, linesTable, money, pageSetup, partyBlocks, period, totalsBlock, usDate } from './layout.ts';
import type { DocContent, DocDefinition } from './pdf-printer.ts';

export type PayStatementPayment = Pick<Payment, 'paidOn' | 'method' | 'amountCents' | 'status' | 'reference' | 'withheldCents'>;

/** A payment with backup withholding shows what reached the therapist and what was kept. */
const paidAmount = (p: PayStatementPayment) =>
  p.withheldCents
    ? `${formatMoney(p.amountCents - p.withheldCents)} (${formatMoney(p.amountCents)} less ${formatMoney(p.withheldCents)} backup withholding)`
    : formatMoney(p.amountCents);

function paymentLines(payments: readonly PayStatementPayment[]): string[] {
  const paid = payments.filter((p) => p.status === 'paid');
  if (paid.length === 0) {
    return payments.some((p) => p.status === 'pending')
      ? ['Payment sent, not yet settled.']
      : ['Not paid yet: this statement shows what the pay run owes.'];
  }
  return paid.map(
    (p) => `${usDate(p.paidOn)}, ${PAYMENT_METHOD_RULES[p.method].label}${p.reference ? ` (${p.reference})` : ''}: ${paidAmount(p)}`,
  );
}

export function payStatementDocument(input: {
  org: OrgSettings;
  payRunId: string;
  statement: PayStatement;
  payments: readonly PayStatementPayment[];
}): DocDefinition {
  const { org, statement: s } = input;
  const paidOn = input.payments
    .filter((p) => p.status === 'paid')
    .map((p) => p.paidOn)
    .sort()
    .at(-1);
  const rows: DocContent[][] = s.lines.map((l) => [
    usDate(l.date),
    breakable(l.agencyName),
    l.discipline,
    `${l.visitTypeLabel}${l.late ? ' (earlier period)' : ''}`,
    money(l.rateCents),
    money(l.amountCents),
  ]);
  const late = s.lines.filter((l) => l.late);
  const withheld = s.withheldCents > 0;
  // A held statement is paid in full once a W-9 is on file: a paid one is no longer held.
  const banner = s.held && paidOn ? null : withholdingBanner(s);
  return pageSetup({
    title: `Pay statement: ${s.therapistName}, ${period(s.period)}`,
    author: org.name,
    subject: `Pay statement for ${s.therapistName}`,
    date: paidOn ?? s.period.end,
    footerLeft: `Pay statement · ${s.therapistName} · ${period(s.period)}`,
    confidential: false,
    content: [
      documentHeader(org, 'PAY STATEMENT', [
        ['Pay period', period(s.period)],
        ['Visits', String(s.lines.length)],
        ['Payment date', paidOn ? usDate(paidOn) : 'not paid yet'],
        [paidOn ? 'Amount paid' : s.held ? 'Amount held' : 'Amount due', formatMoney(withheld ? s.netCents : s.totalCents)],
      ]),
      partyBlocks([
        { label: 'Paid to', lines: [s.therapistName, 'Independent contractor (1099)'] },
        { label: 'Payment', lines: paymentLines(input.payments) },
      ]),
      ...(banner ? [{ text: banner, style: 'banner', fontSize: 9, margin: [0, 0, 0, 8] }] : []),
      s.lines.length === 0
        ? { text: 'No visits in this pay run.', style: 'note' }
        : linesTable(['Date', 'Agency', 'Discipline', 'Visit type', 'Rate', 'Amount'], [52, '*', 50, 120, 50, 60], rows, new Set([4, 5])),
      totalsBlock([
        ...(late.length > 0
          ? [{ label: `Visits from earlier periods (${late.length})`, cents: sumCents(late.map((l) => l.amountCents)) }]
          : []),
        ...(withheld
          ? [
              { label: 'Gross pay for this pay run', cents: s.totalCents },
              { label: `Backup withholding (${BACKUP_WITHHOLDING_PERCENT}%, paid to the IRS)`, cents: -s.withheldCents },
              { label: 'Net pay', cents: s.netCents, strong: true },
            ]
          : [{ label: 'Total for this pay run', cents: s.totalCents, strong: true }]),
      ]),
      {
        text: `Pay run ${input.payRunId}. Keep this statement with your tax records: payments are reported on Form 1099-NEC by the date they are paid.`,
        style: 'note',
        margin: [0, 12, 0, 0],
      },
    ],
  });
}

/** What happens to the pay, as the therapist reads it, with what they can do about it. */
function withholdingBanner(s: PayStatement): string | null {
  const summary = withholdingSummary(s);
  if (!summary) return null;
  const what = summary.charAt(0).toUpperCase() + summary.slice(1);
  return s.held
    ? `${what}. Please send a signed W-9: this pay is released in full once it is on file.`
    : `${what}. The amount withheld is paid to the IRS, reported in Box 4 of your 1099-NEC and credited on your tax return. ` +
        'Send a signed W-9 to stop withholding from your next payment.';
}
