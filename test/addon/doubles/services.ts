/** ScriptApp, PropertiesService, LockService, UrlFetchApp, HtmlService, Utilities and MailApp in memory, counting calls. */
import { randomUUID } from 'node:crypto';
import { as, type CallLog } from './calls.ts';

export class FakeProperties
  implements
    Pick<GoogleAppsScript.Properties.Properties, 'getProperties' | 'setProperties' | 'getProperty' | 'setProperty' | 'deleteProperty'>
{
  readonly values = new Map<string, string>();
  private log: CallLog;
  private scope: string;
  constructor(log: CallLog, scope: string) {
    this.log = log;
    this.scope = scope;
  }
  getProperties() {
    this.log.count(`${this.scope}.getProperties`);
    return Object.fromEntries(this.values);
  }
  setProperties(properties: { [key: string]: string }) {
    this.log.count(`${this.scope}.setProperties`);
    for (const [k, v] of Object.entries(properties)) {
      // Apps Script's limit per value.
      if (v.length > 9 * 1024) throw new Error(`Exception: Argument too large: value of ${k}`);
      this.values.set(k, v);
    }
    return as<GoogleAppsScript.Properties.Properties>(this);
  }
  getProperty(key: string) {
    this.log.count(`${this.scope}.getProperty`);
    return this.values.get(key) ?? null;
  }
  setProperty(key: string, value: string) {
    this.log.count(`${this.scope}.setProperty`);
    this.values.set(key, value);
    return as<GoogleAppsScript.Properties.Properties>(this);
  }
  deleteProperty(key: string) {
    this.log.count(`${this.scope}.deleteProperty`);
    this.values.delete(key);
    return as<GoogleAppsScript.Properties.Properties>(this);
  }
}

export class FakePropertiesService
  implements Pick<GoogleAppsScript.Properties.PropertiesService, 'getDocumentProperties' | 'getUserProperties'>
{
  readonly document: FakeProperties;
  readonly user: FakeProperties;
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
    this.document = new FakeProperties(log, 'DocumentProperties');
    this.user = new FakeProperties(log, 'UserProperties');
  }
  getDocumentProperties() {
    this.log.count('PropertiesService.getDocumentProperties');
    return as<GoogleAppsScript.Properties.Properties>(this.document);
  }
  getUserProperties() {
    this.log.count('PropertiesService.getUserProperties');
    return as<GoogleAppsScript.Properties.Properties>(this.user);
  }
}

export class FakeLock implements Pick<GoogleAppsScript.Lock.Lock, 'tryLock' | 'waitLock' | 'releaseLock' | 'hasLock'> {
  held = false;
  /** Set by a test: another execution holds the lock. */
  heldElsewhere = false;
  acquisitions = 0;
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
  }
  tryLock(_timeoutInMillis: number) {
    this.log.count('Lock.tryLock');
    if (this.heldElsewhere) return false;
    this.held = true;
    this.acquisitions++;
    return true;
  }
  waitLock(_timeoutInMillis: number) {
    this.log.count('Lock.waitLock');
    if (this.heldElsewhere) throw new Error('Exception: Lock timeout: another process was holding the lock for too long.');
    this.held = true;
    this.acquisitions++;
  }
  releaseLock() {
    this.log.count('Lock.releaseLock');
    this.held = false;
  }
  hasLock() {
    return this.held;
  }
}

export class FakeLockService implements Pick<GoogleAppsScript.Lock.LockService, 'getDocumentLock'> {
  readonly lock: FakeLock;
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
    this.lock = new FakeLock(log);
  }
  getDocumentLock() {
    this.log.count('LockService.getDocumentLock');
    return as<GoogleAppsScript.Lock.Lock>(this.lock);
  }
}

/** `clock`: a time-driven trigger's schedule, as its builder was told it. */
export type FakeTrigger = {
  handler: string;
  sourceId: string;
  event: string;
  id: string;
  clock?: { everyDays?: number; atHour?: number; timeZone?: string };
};

export class FakeScriptApp
  implements Pick<GoogleAppsScript.Script.ScriptApp, 'getIdentityToken' | 'getProjectTriggers' | 'newTrigger' | 'deleteTrigger'>
{
  triggers: FakeTrigger[] = [];
  private log: CallLog;
  private token: () => string;
  constructor(log: CallLog, token: () => string) {
    this.log = log;
    this.token = token;
  }
  getIdentityToken() {
    this.log.count('ScriptApp.getIdentityToken');
    return this.token();
  }
  getProjectTriggers() {
    this.log.count('ScriptApp.getProjectTriggers');
    return this.triggers.map((t) => triggerOf(t));
  }
  deleteTrigger(trigger: GoogleAppsScript.Script.Trigger) {
    this.log.count('ScriptApp.deleteTrigger');
    const at = this.triggers.findIndex((t) => t.id === trigger.getUniqueId());
    if (at < 0) throw new Error('Exception: the trigger does not exist');
    this.triggers.splice(at, 1);
  }
  newTrigger(functionName: string) {
    this.log.count('ScriptApp.newTrigger');
    const log = this.log;
    const triggers = this.triggers;
    const nextId = () => `trigger-${Math.max(0, ...triggers.map((t) => Number(t.id.split('-')[1]))) + 1}`;
    return as<GoogleAppsScript.Script.TriggerBuilder>({
      timeBased() {
        log.count('TriggerBuilder.timeBased');
        const clock: NonNullable<FakeTrigger['clock']> = {};
        const builder: Pick<GoogleAppsScript.Script.ClockTriggerBuilder, 'everyDays' | 'atHour' | 'inTimezone' | 'create'> = {
          everyDays(n: number) {
            log.count('ClockTriggerBuilder.everyDays');
            clock.everyDays = n;
            return as<GoogleAppsScript.Script.ClockTriggerBuilder>(builder);
          },
          atHour(hour: number) {
            log.count('ClockTriggerBuilder.atHour');
            if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new Error(`Exception: Invalid argument: hour (${hour})`);
            clock.atHour = hour;
            return as<GoogleAppsScript.Script.ClockTriggerBuilder>(builder);
          },
          inTimezone(timeZone: string) {
            log.count('ClockTriggerBuilder.inTimezone');
            clock.timeZone = timeZone;
            return as<GoogleAppsScript.Script.ClockTriggerBuilder>(builder);
          },
          create() {
            log.count('ClockTriggerBuilder.create');
            if (triggers.length >= 20) throw new Error('Exception: This script has too many triggers.');
            if (clock.everyDays === undefined) throw new Error('Exception: a clock trigger needs a schedule');
            const t: FakeTrigger = { handler: functionName, sourceId: '', event: 'CLOCK', id: nextId(), clock: { ...clock } };
            triggers.push(t);
            return triggerOf(t);
          },
        };
        return as<GoogleAppsScript.Script.ClockTriggerBuilder>(builder);
      },
      forSpreadsheet(sheet: { getId(): string }) {
        log.count('TriggerBuilder.forSpreadsheet');
        return {
          onFormSubmit() {
            log.count('SpreadsheetTriggerBuilder.onFormSubmit');
            return {
              create() {
                log.count('SpreadsheetTriggerBuilder.create');
                // Apps Script's cap per user per script.
                if (triggers.length >= 20) throw new Error('Exception: This script has too many triggers.');
                const t = { handler: functionName, sourceId: sheet.getId(), event: 'ON_FORM_SUBMIT', id: nextId() };
                triggers.push(t);
                return triggerOf(t);
              },
            };
          },
        };
      },
    });
  }
}

function triggerOf(t: FakeTrigger): GoogleAppsScript.Script.Trigger {
  return as<GoogleAppsScript.Script.Trigger>({
    getHandlerFunction: () => t.handler,
    getTriggerSourceId: () => t.sourceId,
    getUniqueId: () => t.id,
  });
}

/** What the double's transport answers: an HTTP answer, or a network error's message. */
export type Transported = { status: number; body: string } | { error: string };
export type Transport = (request: { url: string; method: string; headers: Record<string, string>; body?: string }) => Transported;
export type SentRequest = { url: string; method: string; headers: Record<string, string>; body?: string };

export class FakeUrlFetchApp implements Pick<GoogleAppsScript.URL_Fetch.UrlFetchApp, 'fetch' | 'fetchAll'> {
  sent: SentRequest[] = [];
  private log: CallLog;
  transport: Transport;
  constructor(log: CallLog, transport: Transport) {
    this.log = log;
    this.transport = transport;
  }
  private one(url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions): GoogleAppsScript.URL_Fetch.HTTPResponse {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(params.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (params.contentType) headers['content-type'] = params.contentType;
    const request: SentRequest = {
      url,
      method: String(params.method ?? 'get').toUpperCase(),
      headers,
      ...(params.payload !== undefined ? { body: String(params.payload) } : {}),
    };
    this.sent.push(request);
    const answer = this.transport(request);
    if ('error' in answer) throw new Error(`Exception: Address unavailable: ${url} (${answer.error})`);
    if (answer.status >= 400 && !params.muteHttpExceptions)
      throw new Error(`Exception: Request failed for ${url} returned code ${answer.status}`);
    const log = this.log;
    return as<GoogleAppsScript.URL_Fetch.HTTPResponse>({
      getResponseCode: () => {
        log.count('HTTPResponse.getResponseCode');
        return answer.status;
      },
      getContentText: () => {
        log.count('HTTPResponse.getContentText');
        return answer.body;
      },
    });
  }
  fetch(url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {}) {
    this.log.count('UrlFetchApp.fetch');
    return this.one(url, params);
  }
  fetchAll(requests: Array<GoogleAppsScript.URL_Fetch.URLFetchRequest | string>) {
    this.log.count('UrlFetchApp.fetchAll');
    // Like Apps Script: one unreachable host fails the whole call.
    return requests.map((r) => (typeof r === 'string' ? this.one(r, {}) : this.one(r.url, r)));
  }
}

export class FakeHtmlService implements Pick<GoogleAppsScript.HTML.HtmlService, 'createHtmlOutputFromFile'> {
  private log: CallLog;
  private files: (name: string) => string;
  constructor(log: CallLog, files: (name: string) => string) {
    this.log = log;
    this.files = files;
  }
  createHtmlOutputFromFile(filename: string) {
    this.log.count('HtmlService.createHtmlOutputFromFile');
    const content = this.files(filename);
    let title = '';
    const output: Pick<GoogleAppsScript.HTML.HtmlOutput, 'setTitle' | 'getTitle' | 'getContent'> = {
      setTitle: (t: string) => {
        this.log.count('HtmlOutput.setTitle');
        title = t;
        return as<GoogleAppsScript.HTML.HtmlOutput>(output);
      },
      getTitle: () => title,
      getContent: () => content,
    };
    return as<GoogleAppsScript.HTML.HtmlOutput>(output);
  }
}

export class FakeUtilities implements Pick<GoogleAppsScript.Utilities.Utilities, 'sleep' | 'getUuid'> {
  slept: number[] = [];
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
  }
  sleep(milliseconds: number) {
    this.log.count('Utilities.sleep');
    this.slept.push(milliseconds);
  }
  getUuid() {
    this.log.count('Utilities.getUuid');
    return randomUUID();
  }
}

export type SentMail = { to: string; subject: string; body: string; name?: string };

export class FakeMailApp implements Pick<GoogleAppsScript.Mail.MailApp, 'sendEmail' | 'getRemainingDailyQuota'> {
  sent: SentMail[] = [];
  quota = 100;
  private log: CallLog;
  constructor(log: CallLog) {
    this.log = log;
  }
  sendEmail(message: any, ..._rest: any[]): void {
    this.log.count('MailApp.sendEmail');
    const m = message as GoogleAppsScript.Mail.MailAdvancedParameters;
    // As Apps Script does: an address it cannot read throws, and nothing is sent.
    const unreadable = String(m.to ?? '')
      .split(',')
      .map((a) => a.trim())
      .find((a) => !/^[^\s@<>,]+@[^\s@<>,]+$/.test(a));
    if (unreadable !== undefined) throw new Error(`Invalid email: ${unreadable}`);
    this.sent.push({ to: m.to ?? '', subject: m.subject ?? '', body: m.body ?? '', ...(m.name ? { name: m.name } : {}) });
    this.quota--;
  }
  getRemainingDailyQuota() {
    this.log.count('MailApp.getRemainingDailyQuota');
    return this.quota;
  }
}
