/** FormApp in memory: the form the add-on builds, its link to the sheet, prefilled URLs, and submissions. */
import { as, type CallLog } from './calls.ts';
import type { FakeSheet, FakeSpreadsheet } from './spreadsheet.ts';

type Forms = typeof GoogleAppsScript.Forms;
type Form = GoogleAppsScript.Forms.Form;

export class FakeItem
  implements
    Pick<
      GoogleAppsScript.Forms.ListItem,
      'setTitle' | 'setRequired' | 'setChoiceValues' | 'getId' | 'getChoices' | 'createResponse' | 'getTitle'
    >
{
  title = '';
  required = false;
  choices: string[] = [];
  private log: CallLog;
  readonly id: number;
  readonly kind: 'list' | 'text' | 'date';
  constructor(log: CallLog, id: number, kind: 'list' | 'text' | 'date') {
    this.log = log;
    this.id = id;
    this.kind = kind;
  }
  setTitle(title: string) {
    this.log.count('Item.setTitle');
    this.title = title;
    return as<GoogleAppsScript.Forms.ListItem>(this);
  }
  setRequired(enabled: boolean) {
    this.log.count('Item.setRequired');
    this.required = enabled;
    return as<GoogleAppsScript.Forms.ListItem>(this);
  }
  setChoiceValues(values: string[]) {
    this.log.count('ListItem.setChoiceValues');
    this.choices = [...values];
    return as<GoogleAppsScript.Forms.ListItem>(this);
  }
  getId() {
    this.log.count('Item.getId');
    return this.id;
  }
  getTitle() {
    return this.title;
  }
  getChoices() {
    this.log.count('ListItem.getChoices');
    const log = this.log;
    return this.choices.map((value) =>
      as<GoogleAppsScript.Forms.Choice>({
        getValue: () => {
          log.count('Choice.getValue');
          return value;
        },
      }),
    );
  }
  createResponse(response: string) {
    this.log.count('ListItem.createResponse');
    if (this.kind === 'list' && !this.choices.includes(response))
      throw new Error(`Exception: Invalid response submitted to item "${this.title}"`);
    return as<GoogleAppsScript.Forms.ItemResponse>({ itemId: this.id, value: response });
  }
  asListItem() {
    this.log.count('Item.asListItem');
    if (this.kind !== 'list') throw new Error('Exception: Item is not a list item');
    return as<GoogleAppsScript.Forms.ListItem>(this);
  }
}

export class FakeFormResponse implements Pick<GoogleAppsScript.Forms.FormResponse, 'withItemResponse' | 'toPrefilledUrl'> {
  readonly answers: { itemId: number; value: string }[] = [];
  private log: CallLog;
  private form: FakeForm;
  constructor(log: CallLog, form: FakeForm) {
    this.log = log;
    this.form = form;
  }
  withItemResponse(response: GoogleAppsScript.Forms.ItemResponse) {
    this.log.count('FormResponse.withItemResponse');
    this.answers.push(response as unknown as { itemId: number; value: string });
    return as<GoogleAppsScript.Forms.FormResponse>(this);
  }
  toPrefilledUrl() {
    this.log.count('FormResponse.toPrefilledUrl');
    return `${this.form.publishedUrl}?usp=pp_url${this.answers.map((a) => `&entry.${a.itemId}=${encodeURIComponent(a.value)}`).join('')}`;
  }
}

/** How a form collects respondents' emails, by the name of FormApp.EmailCollectionType's value. */
export type EmailCollection = 'DO_NOT_COLLECT' | 'VERIFIED' | 'RESPONDER_INPUT';

export class FakeForm
  implements
    Pick<
      Form,
      | 'setDescription'
      | 'setConfirmationMessage'
      | 'getConfirmationMessage'
      | 'setEmailCollectionType'
      | 'getEmailCollectionType'
      | 'addListItem'
      | 'addTextItem'
      | 'addDateItem'
      | 'setDestination'
      | 'getId'
      | 'getPublishedUrl'
      | 'getItemById'
      | 'createResponse'
    >
{
  description = '';
  /** Forms' own thanks until the add-on sets one. */
  confirmationMessage = '';
  /** A new form collects no email. */
  emailCollectionType: EmailCollection = 'DO_NOT_COLLECT';
  items: FakeItem[] = [];
  destination: FakeSheet | null = null;
  readonly publishedUrl: string;
  private log: CallLog;
  private app: FakeFormApp;
  readonly id: string;
  readonly title: string;
  constructor(log: CallLog, app: FakeFormApp, id: string, title: string) {
    this.log = log;
    this.app = app;
    this.id = id;
    this.title = title;
    this.publishedUrl = `https://docs.google.com/forms/d/e/${id}/viewform`;
  }
  private add(kind: 'list' | 'text' | 'date') {
    const item = new FakeItem(this.log, this.items.length + 1, kind);
    this.items.push(item);
    return item;
  }
  setDescription(description: string) {
    this.log.count('Form.setDescription');
    this.description = description;
    return as<Form>(this);
  }
  setConfirmationMessage(message: string) {
    this.log.count('Form.setConfirmationMessage');
    this.confirmationMessage = message;
    return as<Form>(this);
  }
  getConfirmationMessage() {
    this.log.count('Form.getConfirmationMessage');
    return this.confirmationMessage;
  }
  setEmailCollectionType(emailCollectionType: GoogleAppsScript.Forms.EmailCollectionType) {
    this.log.count('Form.setEmailCollectionType');
    const type = String(emailCollectionType);
    if (type !== 'DO_NOT_COLLECT' && type !== 'VERIFIED' && type !== 'RESPONDER_INPUT')
      throw new Error(`Exception: Invalid argument: emailCollectionType (${type})`);
    this.emailCollectionType = type;
    return as<Form>(this);
  }
  getEmailCollectionType() {
    this.log.count('Form.getEmailCollectionType');
    return this.emailCollectionType as unknown as GoogleAppsScript.Forms.EmailCollectionType;
  }
  addListItem() {
    this.log.count('Form.addListItem');
    return as<GoogleAppsScript.Forms.ListItem>(this.add('list'));
  }
  addTextItem() {
    this.log.count('Form.addTextItem');
    return as<GoogleAppsScript.Forms.TextItem>(this.add('text'));
  }
  addDateItem() {
    this.log.count('Form.addDateItem');
    return as<GoogleAppsScript.Forms.DateItem>(this.add('date'));
  }
  setDestination(type: GoogleAppsScript.Forms.DestinationType, id: string) {
    this.log.count('Form.setDestination');
    if (String(type) !== 'SPREADSHEET' || id !== this.app.book.id)
      throw new Error('Exception: only this spreadsheet is a destination in the double');
    // As Forms does: a new tab for the responses, linked to the form.
    const n = this.app.book.sheets.filter((s) => s.formUrl !== null).length + 1;
    const sheet = this.app.book.addTab(`Form Responses ${n}`, [
      ['Timestamp', ...(this.emailCollectionType === 'DO_NOT_COLLECT' ? [] : ['Email Address']), ...this.items.map((i) => i.title)],
    ]);
    sheet.formUrl = `https://docs.google.com/forms/d/${this.id}/edit`;
    this.destination = sheet;
    return as<Form>(this);
  }
  getId() {
    this.log.count('Form.getId');
    return this.id;
  }
  getPublishedUrl() {
    this.log.count('Form.getPublishedUrl');
    return this.publishedUrl;
  }
  getItemById(id: number) {
    this.log.count('Form.getItemById');
    const item = this.items.find((i) => i.id === id);
    if (!item) throw new Error(`Exception: no item ${id}`);
    return as<GoogleAppsScript.Forms.Item>(item);
  }
  createResponse() {
    this.log.count('Form.createResponse');
    return as<GoogleAppsScript.Forms.FormResponse>(new FakeFormResponse(this.log, this));
  }

  /** A therapist submits: the row lands in the responses tab, and the trigger's event is returned. Not counted. */
  submit(email: string, answers: Record<string, string>, timestamp: string): GoogleAppsScript.Events.SheetsOnFormSubmit {
    const sheet = this.destination!;
    const header = sheet.table()[0]!.map(String);
    const named: Record<string, string> = { Timestamp: timestamp, 'Email Address': email, ...answers };
    const row = sheet.lastRow() + 1;
    header.forEach((h, c) => {
      sheet.put(row, c + 1, named[h] ?? '');
    });
    const range = sheet.getRange(row, 1, 1, header.length);
    return as<GoogleAppsScript.Events.SheetsOnFormSubmit>({
      authMode: 'FULL',
      triggerUid: 'trigger-1',
      range,
      values: header.map((h) => named[h] ?? ''),
      namedValues: Object.fromEntries(header.map((h) => [h, [named[h] ?? '']])),
    });
  }
}

export class FakeFormApp
  implements Pick<GoogleAppsScript.Forms.FormApp, 'create' | 'openById' | 'DestinationType' | 'EmailCollectionType'>
{
  forms: FakeForm[] = [];
  readonly DestinationType = { SPREADSHEET: 'SPREADSHEET' } as unknown as Forms['DestinationType'];
  readonly EmailCollectionType = {
    DO_NOT_COLLECT: 'DO_NOT_COLLECT',
    VERIFIED: 'VERIFIED',
    RESPONDER_INPUT: 'RESPONDER_INPUT',
  } as unknown as Forms['EmailCollectionType'];
  private log: CallLog;
  readonly book: FakeSpreadsheet;
  constructor(log: CallLog, book: FakeSpreadsheet) {
    this.log = log;
    this.book = book;
  }
  create(title: string) {
    this.log.count('FormApp.create');
    const f = new FakeForm(this.log, this, `form-${this.forms.length + 1}`, title);
    this.forms.push(f);
    return as<Form>(f);
  }
  openById(id: string) {
    this.log.count('FormApp.openById');
    const f = this.forms.find((x) => x.id === id);
    if (!f) throw new Error(`Exception: No item with the given ID could be found. (${id})`);
    return as<Form>(f);
  }
}
