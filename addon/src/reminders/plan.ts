/**
 * Which agencies get a payment reminder today, and what it says. Pure: the receivables
 * report, the Agencies tab's rows, the sent log and today come in; nothing is read here.
 *
 * An invoice reaches a step when today is that many days from its due date or later. It is
 * reminded at the latest step it has reached, once: the sent log holds invoice|step, and a
 * step it skipped (a day without a run, a quota reached) is not sent after a later one.
 */
import { daysBetween, type IsoDate } from '../../../shared/dates.ts';
import { formatMoney, sumCents, type Cents } from '../../../shared/money.ts';
import { nameKey } from '../../../shared/names.ts';
import { stepLabel } from './schedule.ts';

export type ReportAgency = {
  agency: string;
  openCents: Cents;
  invoices: readonly { number: string; dueDate: IsoDate; openCents: Cents; status: string }[];
};
export type AgencyContact = { name: string; serviceId: string; contactEmail: string; noReminders: boolean };

/** `step`: the latest step reached; `late`: days past the due date today (negative before it). */
export type DueInvoice = { number: string; dueDate: IsoDate; openCents: Cents; step: number; late: number };
export type PlannedReminder = {
  /** The agency as the service names it. */
  agency: string;
  /** Its row on the Agencies tab; null when no row has its name. */
  contact: AgencyContact | null;
  invoices: DueInvoice[];
  /** Everything the agency has open, reminded or not. */
  openCents: Cents;
};

export const sentKey = (invoiceNumber: string, step: number) => `${invoiceNumber}|${step}`;

export function planReminders(input: {
  agencies: readonly ReportAgency[];
  contacts: readonly AgencyContact[];
  schedule: readonly number[];
  sent: ReadonlySet<string>;
  today: IsoDate;
}): PlannedReminder[] {
  const contacts = new Map(input.contacts.map((c) => [nameKey(c.name), c]));
  return input.agencies.flatMap((a) => {
    const invoices = a.invoices.flatMap((i): DueInvoice[] => {
      if (i.openCents <= 0 || i.status === 'void') return [];
      const late = daysBetween(i.dueDate, input.today);
      const reached = input.schedule.filter((s) => s <= late);
      if (reached.length === 0) return [];
      const step = Math.max(...reached);
      return input.sent.has(sentKey(i.number, step)) ? [] : [{ number: i.number, dueDate: i.dueDate, openCents: i.openCents, step, late }];
    });
    return invoices.length === 0
      ? []
      : [{ agency: a.agency, contact: contacts.get(nameKey(a.agency)) ?? null, invoices, openCents: a.openCents }];
  });
}

/** The reminder's steps in words, for the log ("7 days overdue; due today"). */
export const stepsOf = (r: PlannedReminder) => [...new Set(r.invoices.map((i) => stepLabel(i.step)))].join('; ');

export const dueTotal = (r: PlannedReminder) => sumCents(r.invoices.map((i) => i.openCents));

/**
 * The reminder email: invoice numbers, due dates and amounts open, and the portal link when
 * the agency has one. No patient, no visit, no TIN: nothing the invoice's lines say.
 */
export function reminderEmail(
  r: PlannedReminder,
  org: { name: string },
  link: { url: string; expires: IsoDate } | null,
): { subject: string; body: string } {
  const lines = r.invoices.map((i) => `  ${i.number}: ${formatMoney(i.openCents)} open, due ${i.dueDate} (${stepLabel(i.late)})`);
  const portal = link
    ? [
        `See and download these invoices in ${org.name}'s secure portal:`,
        link.url,
        `This link is for ${r.agency} only and works until ${link.expires}; it replaces any link ${org.name} sent before. Please do not forward it.`,
      ]
    : [`To see these invoices online, ask ${org.name} for a link to its invoice portal (reply to this email).`];
  return {
    subject: `${org.name}: payment reminder for ${r.agency}`,
    body: [
      'Hello,',
      '',
      `This is a reminder from ${org.name} about ${r.invoices.length === 1 ? 'an invoice' : 'invoices'} for ${r.agency}:`,
      '',
      ...lines,
      '',
      `Open balance with ${org.name}: ${formatMoney(r.openCents)}.`,
      '',
      ...portal,
      '',
      'If you have already paid, thank you: please ignore this reminder.',
    ].join('\n'),
  };
}
