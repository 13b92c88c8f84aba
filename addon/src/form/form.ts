/**
 * The visit form: created once by Set up, kept in step with the Agencies tab, linked to
 * the sheet, with one installable onFormSubmit trigger. Verified email collection ties a
 * response to the therapist's signed-in Google account (an email typed into the form would
 * let anyone log visits as any therapist); the therapist is found by that email.
 */
import { DISCIPLINES, type Vocabulary } from '../../../shared/vocabulary.ts';
import { writeConfig, type Config } from '../config.ts';
import { readAgencies, readTherapists } from '../sheets/directory.ts';
import { sameTable, writeColumn, type Table } from '../sheets/io.ts';
import { TAB } from '../sheets/layout.ts';
import { FORM_TITLES } from './responses.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Book = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Form = GoogleAppsScript.Forms.Form;
type ItemIds = { agency: number; discipline: number; visitType: number; patient: number; mrn: number; date: number; noteDone: number };

const SUBMIT_HANDLER = 'onFormSubmit';

/** What a therapist sees after submitting: where their own page is, never a link (a link goes only to their email). */
export const FORM_CONFIRMATION =
  'Thank you: your visit is logged. Your own VisitLedger page (W-9, pay statements, 1099-NEC) opens from the link emailed to you; ask the office for one if you have none.';

/** What Google Forms shows when a form has no message of its own. */
const GOOGLE_DEFAULT_CONFIRMATION = 'Your response has been recorded.';

function openForm(id: string | undefined): Form | null {
  if (!id) return null;
  try {
    return FormApp.openById(id);
  } catch {
    return null; // deleted or no access: Set up makes a new one
  }
}

function createForm(book: Book, vocabulary: Vocabulary): { form: Form; items: ItemIds } {
  const form = FormApp.create(`${book.getName()}: visit log`);
  form.setDescription('Log each visit after you see the patient. Your Google account is recorded with the response.');
  form.setEmailCollectionType(FormApp.EmailCollectionType.VERIFIED);
  form.setConfirmationMessage(FORM_CONFIRMATION);
  const list = (title: string, values: string[]) => form.addListItem().setTitle(title).setRequired(true).setChoiceValues(values).getId();
  const items: ItemIds = {
    agency: list(FORM_TITLES.agency, ['(set up the Agencies tab)']),
    discipline: list(FORM_TITLES.discipline, [...DISCIPLINES]),
    visitType: list(
      FORM_TITLES.visitType,
      vocabulary.visitTypes.map((t) => t.label),
    ),
    patient: form.addTextItem().setTitle(FORM_TITLES.patient).setRequired(true).getId(),
    mrn: form.addTextItem().setTitle(FORM_TITLES.mrn).getId(),
    date: form.addDateItem().setTitle(FORM_TITLES.date).setRequired(true).getId(),
    noteDone: list(FORM_TITLES.noteDone, ['Yes', 'No']),
  };
  form.setDestination(FormApp.DestinationType.SPREADSHEET, book.getId());
  return { form, items };
}

/**
 * The form exists, lists the active agencies, and its trigger is installed once. `changed`: anything was written.
 * `tables` and `config`: the Agencies and Therapists tabs and the document properties as the action already holds them (not read again).
 */
export function ensureForm(
  book: Book,
  sheets: Map<string, Sheet>,
  vocabulary: Vocabulary,
  tables: { agencies: Table; therapists: Table },
  config: Config,
): { url: string | null; changed: boolean } {
  let changed = false;
  let form = openForm(config.formId);
  let items: ItemIds = config.formItems ? JSON.parse(config.formItems) : null;
  if (!form || !items) {
    ({ form, items } = createForm(book, vocabulary));
    writeConfig({ formId: form.getId(), formItems: JSON.stringify(items) });
    changed = true;
  }
  const agencies = readAgencies(tables.agencies)
    .filter((a) => a.active)
    .map((a) => a.name);
  const agencyItem = form.getItemById(items.agency)!.asListItem();
  if (
    agencies.length > 0 &&
    !sameTable(
      agencyItem.getChoices().map((c) => [c.getValue()]),
      agencies.map((a) => [a]),
    )
  ) {
    agencyItem.setChoiceValues(agencies);
    changed = true;
  }
  const visitTypes = vocabulary.visitTypes.map((t) => t.label);
  const visitTypeItem = form.getItemById(items.visitType)!.asListItem();
  if (
    !sameTable(
      visitTypeItem.getChoices().map((c) => [c.getValue()]),
      visitTypes.map((t) => [t]),
    )
  ) {
    visitTypeItem.setChoiceValues(visitTypes);
    changed = true;
  }
  // A form made before the confirmation pointed to the therapist's page gets it at the next Sync; a message the owner wrote stays.
  if (['', GOOGLE_DEFAULT_CONFIRMATION].includes(form.getConfirmationMessage())) {
    form.setConfirmationMessage(FORM_CONFIRMATION);
    changed = true;
  }
  if (!ScriptApp.getProjectTriggers().some((t) => t.getHandlerFunction() === SUBMIT_HANDLER && t.getTriggerSourceId() === book.getId())) {
    ScriptApp.newTrigger(SUBMIT_HANDLER).forSpreadsheet(book).onFormSubmit().create();
    changed = true;
  }
  if (prefillLinks(form, items, sheets.get(TAB.therapists)!, tables.therapists)) changed = true;
  return { url: form.getPublishedUrl(), changed };
}

/** A prefilled link per therapist (their discipline chosen), in the Therapists tab; only missing links are made, one URL per discipline. */
function prefillLinks(form: Form, items: ItemIds, sheet: Sheet, table: Table): boolean {
  const therapists = readTherapists(table);
  if (therapists.every((t) => t.formLink !== '')) return false;
  const discipline = form.getItemById(items.discipline)!.asListItem();
  const links = table.slice(1).map((r) => String(r[6] ?? ''));
  // One prefilled URL per discipline (and one with none), not per therapist: calls do not grow with rows.
  const urls = new Map<string, string>();
  for (const t of therapists) {
    if (t.formLink !== '') continue;
    const key = t.disciplines[0] ?? '';
    let url = urls.get(key);
    if (url === undefined) {
      const response = form.createResponse();
      if (key) response.withItemResponse(discipline.createResponse(key));
      url = response.toPrefilledUrl();
      urls.set(key, url);
    }
    links[t.row - 2] = url;
  }
  writeColumn(sheet, 7, links);
  return true;
}
