/** A form response as a Visits row: pure, shared by the submit trigger and Sync's catch-up. */
import type { TherapistRow } from '../sheets/directory.ts';
import { cellText } from '../../../shared/cells.ts';
import type { Cell, Table } from '../sheets/io.ts';

export const FORM_TITLES = {
  agency: 'Agency',
  discipline: 'Discipline',
  visitType: 'Visit type',
  patient: 'Patient name',
  mrn: 'MRN (if the agency uses one)',
  date: 'Visit date',
  noteDone: 'Visit note done?',
  email: 'Email Address',
} as const;

/** The response sheet's row N is visit F<sheet id>.<N>: a replayed submission maps to the same visit. */
export const formVisitId = (responseSheetId: number, row: number) => `F${responseSheetId}.${row}`;

export function visitRowFromResponse(
  answers: Readonly<Record<string, Cell>>,
  id: string,
  row: number,
  therapists: readonly TherapistRow[],
): Cell[] {
  const get = (title: string) => cellText(answers[title]);
  const email = get(FORM_TITLES.email).toLowerCase();
  // Unknown email: the email stands in the Therapist cell, so the Status says who is not on the Therapists tab.
  const therapist = therapists.find((t) => t.email !== '' && t.email === email)?.name ?? email;
  const date = answers[FORM_TITLES.date];
  return [
    id,
    date instanceof Date ? date : get(FORM_TITLES.date),
    therapist,
    get(FORM_TITLES.agency),
    get(FORM_TITLES.patient),
    get(FORM_TITLES.mrn),
    get(FORM_TITLES.discipline),
    get(FORM_TITLES.visitType),
    /^y/i.test(get(FORM_TITLES.noteDone)),
    `Form response row ${row}`,
    '',
    '',
  ];
}

/** Rows of the responses tab as answers by title (row 2 on), with their sheet row. */
export function responsesOf(table: Table): { row: number; answers: Record<string, Cell> }[] {
  const header = (table[0] ?? []).map((h) => cellText(h));
  return table.slice(1).flatMap((cells, i) => {
    if (cells.every((c) => cellText(c) === '')) return [];
    const answers: Record<string, Cell> = {};
    header.forEach((h, c) => {
      answers[h] = cells[c] ?? '';
    });
    return [{ row: i + 2, answers }];
  });
}
