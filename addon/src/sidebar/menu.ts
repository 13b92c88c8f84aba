/** The add-on menu and the sidebar it opens, on the panel the menu item names. */
import { readConfig, setRequestedPanel, takeRequestedPanel } from '../config.ts';
import { scheduleText, storedSchedule } from '../reminders/schedule.ts';
import { serviceOrigin } from '../service-client/client.ts';

const PANELS = [
  'overview',
  'setup',
  'sync',
  'invoices',
  'payroll',
  'pay',
  'tax1099',
  'portal',
  'therapists',
  'receivables',
  'plan',
] as const;
export type Panel = (typeof PANELS)[number];

const MENU: readonly { label: string; handler: string; panel: Panel }[] = [
  { label: 'Overview', handler: 'openOverview', panel: 'overview' },
  { label: 'Set up / Import', handler: 'openSetUp', panel: 'setup' },
  { label: 'Sync', handler: 'openSync', panel: 'sync' },
  { label: 'Generate invoices', handler: 'openInvoices', panel: 'invoices' },
  { label: 'Run payroll', handler: 'openPayroll', panel: 'payroll' },
  { label: 'Pay contractors', handler: 'openPay', panel: 'pay' },
  { label: '1099 report', handler: 'open1099', panel: 'tax1099' },
  { label: 'Send portal links', handler: 'openPortalLinks', panel: 'portal' },
  { label: 'Therapist links', handler: 'openTherapistLinks', panel: 'therapists' },
  { label: 'Balances and reminders', handler: 'openReceivables', panel: 'receivables' },
  { label: 'Plan', handler: 'openPlan', panel: 'plan' },
];

export function onOpen(): void {
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const item of MENU) menu.addItem(item.label, item.handler);
  menu.addToUi();
}

export function showSidebar(panel: Panel): void {
  setRequestedPanel(panel);
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('VisitLedger');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** `service`: the origin the add-on was built for, shown, never chosen. */
export type SidebarState = {
  panel: Panel;
  connected: boolean;
  service: string;
  orgId: string;
  spreadsheetName: string;
  /** The payment reminders' schedule, as the owner writes it. */
  reminderSchedule: string;
};

export function sidebarState(): SidebarState {
  const requested = takeRequestedPanel();
  const config = readConfig();
  return {
    // Opened without a menu item's panel: the month at a glance once connected, Set up before.
    panel: (PANELS as readonly string[]).includes(requested ?? '') ? (requested as Panel) : config.orgId ? 'overview' : 'setup',
    connected: Boolean(config.orgId),
    service: serviceOrigin(),
    orgId: config.orgId ?? '',
    spreadsheetName: SpreadsheetApp.getActiveSpreadsheet().getName(),
    reminderSchedule: scheduleText(storedSchedule(config.reminderSchedule)),
  };
}
