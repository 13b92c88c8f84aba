/**
 * The add-on's globals, and nothing else: each one line into a module. The build turns
 * every export here into a top-level function of the Apps Script project (addon/build.ts);
 * the sidebar calls the server functions through google.script.run.
 */
import * as actions from './actions/service-actions.ts';
import { monthOverview as overview } from './actions/overview.ts';
import * as receivables from './actions/receivables.ts';
import * as reminders from './actions/reminders.ts';
import { syncNow as sync } from './actions/sync.ts';
import * as therapistMail from './actions/therapist-mail.ts';
import { handleFormSubmit } from './form/submit.ts';
import { applySetUp as apply, previewSetUp as preview } from './sheets/setup.ts';
import * as menu from './sidebar/menu.ts';
import * as plan from './actions/plan.ts';

export const onOpen = (_e?: unknown) => menu.onOpen();
export const onInstall = (_e?: unknown) => menu.onOpen();
export const onFormSubmit = (e: GoogleAppsScript.Events.SheetsOnFormSubmit) => handleFormSubmit(e);

export const openOverview = () => menu.showSidebar('overview');
export const openSetUp = () => menu.showSidebar('setup');
export const openSync = () => menu.showSidebar('sync');
export const openInvoices = () => menu.showSidebar('invoices');
export const openPayroll = () => menu.showSidebar('payroll');
export const openPay = () => menu.showSidebar('pay');
export const open1099 = () => menu.showSidebar('tax1099');
export const openPortalLinks = () => menu.showSidebar('portal');
export const openTherapistLinks = () => menu.showSidebar('therapists');
export const openReceivables = () => menu.showSidebar('receivables');
export const openPlan = () => menu.showSidebar('plan');

export const sidebarState = () => menu.sidebarState();
export const monthOverview = (month: string | null) => overview(month);
export const connectService = (input: actions.ConnectInput) => actions.connectService(input);
export const previewSetUp = (choice: Parameters<typeof preview>[0]) => preview(choice);
export const applySetUp = (choice: Parameters<typeof apply>[0]) => apply(choice);
export const syncNow = () => sync();
export const checkHistory = (through: string) => actions.settleHistory(through, true);
export const settleHistory = (through: string) => actions.settleHistory(through, false);
export const generateInvoices = (month: string) => actions.generateInvoices(month);
export const runPayroll = (month: string) => actions.runPayroll(month);
export const payContractors = (payRunId: string | null) => actions.payContractors(payRunId);
export const report1099 = (year: number) => actions.report1099(year);
export const sendPortalLinks = () => actions.sendPortalLinks();
export const sendTherapistLinks = () => therapistMail.sendTherapistLinks();
export const sendTherapistLinkTo = (therapistName: string) => therapistMail.sendTherapistLinkTo(therapistName);
export const sendCopyBNotices = () => therapistMail.sendCopyBNoticesNow();
export const showBalances = () => receivables.showBalances();
export const saveReminderSchedule = (text: string) => reminders.saveReminderSchedule(text);
export const turnOnReminders = () => reminders.turnOnReminders();
export const turnOffReminders = () => reminders.turnOffReminders();
export const sendReminders = () => reminders.sendReminders();
export const dailyMail = (_e?: unknown) => reminders.dailyMail();
export const planStatus = () => plan.planStatus();
export const upgradePlan = (choice: string) => plan.upgradePlan(choice);
export const manageBilling = () => plan.manageBilling();
