/**
 * `visitledger close --period 2026-01 [--json] [--out DIR]`: every agency cycle ending in the month, and the payroll
 * period. With --out, the invoices' and pay statements' PDFs (issued once, the same bytes on every later close) go to
 * DIR/invoices/<number>.pdf and DIR/pay-statements/<therapist>.pdf.
 */
import { BACKUP_WITHHOLDING_PERCENT, monthBounds, ok, visitCount, type PayStatement, type Result } from '../../../shared/index.ts';
import { safeFileName, uniqueNames } from '../documents/file-names.ts';
import { closeMonth, type MonthCloseResult } from '../usecases/cycles.ts';
import { closedDocuments } from '../usecases/documents.ts';
import type { Failure } from '../failure.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, money, printJson, say, UsageError, type CliValues } from './output.ts';
import { writeOutFile } from './write-files.ts';
import { isDefaultPayrollCycle, laterPayPeriods, payrollCycleText } from './payroll-cycle.ts';

export const closeOptions = { period: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } } as const;

export async function runClose(rt: CliRuntime, values: CliValues<typeof closeOptions>): Promise<number> {
  if (!values.period) throw new UsageError('close needs --period YYYY-MM (the month whose cycles end)');
  const beforeFirst = await beforeFirstVisit(rt, values.period);
  if (beforeFirst) {
    process.stderr.write(`error: ${beforeFirst}\n`);
    return 1;
  }
  const result = await closeMonth(rt.ctx, rt.orgId, values.period);
  if (!result.ok) return failureExit(result.error);
  const written = values.out ? await writeCloseDocuments(rt, values.out, result.value) : null;
  if (written && !written.ok) return failureExit(written.error);
  const invoices = result.value.cycles.flatMap((c) => (c.invoice ? [c.invoice] : []));
  const statements = result.value.payRuns.flatMap((r) => r.payRun.statements);
  // Which pay periods the payroll cycle made of the month, and the visits it leaves for a period that ends later.
  const rule = (await rt.ctx.store.getOrg(rt.orgId))!.settings.payrollCycle;
  const payPeriods = [...result.value.payRuns.map((r) => r.payRun.period), ...result.value.nothingToPay.map((n) => n.period)].sort(
    (a, b) => (a.start < b.start ? -1 : 1),
  );
  const month = monthBounds(values.period);
  const later = month.ok ? await laterPayPeriods(rt.ctx.store, rt.orgId, rule, month.value) : [];
  if (values.json) {
    printJson({
      invoices: invoices.map((i) => ({
        agency: i.agencyName,
        number: i.number,
        period: i.period,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        status: i.status,
        totalCents: i.totalCents,
        lines: i.lines.map((l) => ({
          visitId: l.visitId,
          date: l.date,
          therapist: l.therapistName,
          discipline: l.discipline,
          visitType: l.visitType,
          rateCents: l.rateCents,
          amountCents: l.amountCents,
          late: l.late,
        })),
      })),
      payStatements: statements.map((s) => ({
        therapist: s.therapistName,
        period: s.period,
        totalCents: s.totalCents,
        w9: s.w9Status,
        lines: s.lines.map((l) => ({
          visitId: l.visitId,
          date: l.date,
          agency: l.agencyName,
          discipline: l.discipline,
          visitType: l.visitType,
          rateCents: l.rateCents,
          amountCents: l.amountCents,
          late: l.late,
        })),
      })),
      held: [
        ...result.value.cycles.flatMap((c) => c.held),
        ...result.value.payRuns.flatMap((r) => r.held),
        ...result.value.nothingToPay.flatMap((n) => n.held),
      ],
      nothingToPay: result.value.nothingToPay.map((n) => n.period),
      payrollCycle: rule,
      payrollCycleDefault: isDefaultPayrollCycle(rule),
      payPeriods,
      laterPayPeriods: later,
      warnings: result.value.payRuns.flatMap((r) => r.warnings),
      ...(written?.ok ? { files: written.value } : {}),
    });
    return 0;
  }
  for (const c of result.value.cycles) {
    const what = c.invoice
      ? `${c.invoice.number}  ${c.invoice.agencyName}  ${money(c.invoice.totalCents)}  ${visitCount(c.invoice.lines.length)}${c.invoice.lines.some((l) => l.late) ? ` (${c.invoice.lines.filter((l) => l.late).length} late)` : ''}  due ${c.invoice.dueDate}`
      : 'no visits to bill';
    say(`${c.period.start}..${c.period.end}  ${c.status === 'already-closed' ? '(closed before) ' : ''}${what}`);
    for (const h of c.held) say(`  held: ${h.problems.map((p) => p.message).join('; ')}`);
  }
  if (payPeriods.length > 0 || later.length > 0) say(`payroll cycle: ${payrollCycleText(rule)}`);
  for (const r of result.value.payRuns) {
    say(
      `payroll ${r.payRun.period.start}..${r.payRun.period.end}${r.status === 'already-exists' ? ' (created before)' : ''}: ${money(r.payRun.totalCents)}`,
    );
    for (const s of r.payRun.statements)
      say(`  ${s.therapistName}  ${money(s.totalCents)}  ${visitCount(s.lines.length)}${withholdingNote(s)}`);
    for (const h of r.held) say(`  held: ${h.problems.map((p) => p.message).join('; ')}`);
    for (const w of r.warnings) say(`  warning: ${w.message}`);
  }
  for (const n of result.value.nothingToPay) {
    say(`payroll ${n.period.start}..${n.period.end}: nothing to pay, so no pay run`);
    for (const h of n.held) say(`  held: ${h.problems.map((p) => p.message).join('; ')}`);
  }
  for (const l of later)
    say(
      `payroll ${l.period.start}..${l.period.end}: ${visitCount(l.visits)} of ${values.period} left for this pay period, which ends after the month (close --period ${l.period.end.slice(0, 7)} pays them)`,
    );
  if (result.value.cycles.length === 0 && result.value.payRuns.length === 0 && result.value.nothingToPay.length === 0)
    say(`no cycle ends in ${values.period}`);
  if (written?.ok) say(`wrote ${written.value.length} PDF${written.value.length === 1 ? '' : 's'} to ${values.out}`);
  return 0;
}

/** A month before the org's first visit has nothing to close; closing it would only mark its cycles closed, and history imported later would bill as late. */
async function beforeFirstVisit(rt: CliRuntime, period: string): Promise<string | undefined> {
  const bounds = monthBounds(period);
  if (!bounds.ok) return undefined; // the close says what is wrong with it
  const [first] = await rt.ctx.store.listVisits(rt.orgId, {}, { limit: 1 });
  if (!first) return `this org has no visits yet: nothing to close in ${period} (import or sync the visits first)`;
  if (bounds.value.end >= first.date) return undefined;
  return `${period} is before the org's first visit (${first.date}): nothing to close; close the month of ${first.date.slice(0, 7)} or later`;
}

async function writeCloseDocuments(
  rt: CliRuntime,
  dir: string,
  closed: MonthCloseResult,
): Promise<Result<{ path: string; sha256: string }[], Failure>> {
  const ctx = rt.documents();
  const invoices = closed.cycles.flatMap((c) => (c.invoice ? [c.invoice] : []));
  // A month with two pay runs (biweekly payroll) names each statement's period too.
  const several = closed.payRuns.length > 1;
  const statements = closed.payRuns.flatMap((r) =>
    r.payRun.statements.map((s) => ({
      payRunId: r.payRun.id,
      therapistId: s.therapistId,
      name: several ? `${s.therapistName} (${s.period.start} to ${s.period.end})` : s.therapistName,
    })),
  );
  const statementNames = uniqueNames(statements.map((s) => safeFileName(s.name)));
  const docs = await closedDocuments(
    ctx,
    rt.orgId,
    {
      invoiceIds: invoices.map((i) => i.id),
      statements,
      known: { invoices, payRuns: closed.payRuns.map((r) => r.payRun) }, // the close's own records, not read (nor the pay run unpacked) again
    },
    'download',
  );
  if (!docs.ok) return docs;
  const paths = [
    ...invoices.map((i) => `invoices/${safeFileName(i.number)}.pdf`),
    ...statementNames.map((name) => `pay-statements/${name}.pdf`),
  ];
  return ok(docs.value.map((doc, n) => ({ path: writeOutFile(dir, paths[n]!, doc.bytes), sha256: doc.sha256 })));
}

/** What happens to a statement's pay, as the pay run decided it. */
function withholdingNote(s: PayStatement): string {
  if (s.held) return '  (held: no W-9 on file)';
  if (s.withheldCents > 0)
    return `  (${BACKUP_WITHHOLDING_PERCENT}% backup withholding kept: ${money(s.withheldCents)}; paid ${money(s.netCents)})`;
  return '';
}
