/**
 * The built add-on in a bare node:vm context whose only globals are the Apps Script
 * doubles: what runs is the exact text clasp pushes. Results cross back as JSON, as
 * google.script.run carries them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { CallLog } from '../doubles/calls.ts';
import { FakeFormApp } from '../doubles/forms.ts';
import {
  FakeHtmlService,
  FakeLockService,
  FakeMailApp,
  FakePropertiesService,
  FakeScriptApp,
  FakeUrlFetchApp,
  FakeUtilities,
  type Transport,
} from '../doubles/services.ts';
import { FakeSpreadsheet, FakeSpreadsheetApp } from '../doubles/spreadsheet.ts';

export type AddonEnv = {
  log: CallLog;
  book: FakeSpreadsheet;
  spreadsheetApp: FakeSpreadsheetApp;
  formApp: FakeFormApp;
  scriptApp: FakeScriptApp;
  properties: FakePropertiesService;
  locks: FakeLockService;
  urlFetch: FakeUrlFetchApp;
  html: FakeHtmlService;
  utilities: FakeUtilities;
  mail: FakeMailApp;
  /** Calls a global of the built script, as Apps Script or google.script.run would. */
  run(name: string, ...args: unknown[]): any;
  /** The raw result (event handlers return nothing JSON needs). */
  context: vm.Context;
};

/** `now`: the script's clock (`new Date()` and `Date.now()` in it), for a test that moves time; the real one without it. */
export type AddonEnvOptions = {
  buildDir: string;
  transport: Transport;
  token: () => string;
  timeZone?: string;
  name?: string;
  now?: () => Date;
};

/** A Date whose "now" is `now()`: every other use of Date is the real one. */
function clockDate(now: () => Date): DateConstructor {
  class ClockDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now().getTime());
      else super(...(args as [string]));
    }
    static override now() {
      return now().getTime();
    }
  }
  return ClockDate as unknown as DateConstructor;
}

export function addonEnv(options: AddonEnvOptions): AddonEnv {
  const log = new CallLog();
  const book = new FakeSpreadsheet(log, 'sheet-1', options.name ?? 'Sunrise Therapy Staffing', options.timeZone ?? 'America/New_York');
  const spreadsheetApp = new FakeSpreadsheetApp(log, book);
  const formApp = new FakeFormApp(log, book);
  const scriptApp = new FakeScriptApp(log, options.token);
  const properties = new FakePropertiesService(log);
  const locks = new FakeLockService(log);
  const urlFetch = new FakeUrlFetchApp(log, options.transport);
  const html = new FakeHtmlService(log, (name) => readFileSync(join(options.buildDir, `${name}.html`), 'utf8'));
  const utilities = new FakeUtilities(log);
  const mail = new FakeMailApp(log);
  const context = vm.createContext({
    SpreadsheetApp: spreadsheetApp,
    FormApp: formApp,
    ScriptApp: scriptApp,
    PropertiesService: properties,
    LockService: locks,
    UrlFetchApp: urlFetch,
    HtmlService: html,
    Utilities: utilities,
    MailApp: mail,
    ...(options.now ? { Date: clockDate(options.now) } : {}),
  });
  vm.runInContext(readFileSync(join(options.buildDir, 'Code.js'), 'utf8'), context, { filename: 'Code.js' });
  const run = (name: string, ...args: unknown[]) => {
    const fn = context[name];
    if (typeof fn !== 'function') throw new Error(`the built script has no global function ${name}`);
    const result = fn(...args);
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  };
  return { log, book, spreadsheetApp, formApp, scriptApp, properties, locks, urlFetch, html, utilities, mail, run, context };
}
