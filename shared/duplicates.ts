/**
 * Duplicate visits, the most common billing dispute (DOMAIN.md): the same therapist,
 * agency, patient, date and visit type twice. Discipline is not part of it: the same
 * therapist cannot do two evaluations of one patient on one day under two disciplines.
 */
import type { IsoDate } from './dates.ts';
import { nameKey } from './names.ts';
import type { VisitTypeCode } from './vocabulary.ts';

export type VisitKeyFields = {
  therapistId: string;
  agencyId: string;
  patientName: string;
  date: IsoDate;
  visitType: VisitTypeCode;
};

/**
 * A patient name in the form duplicates are compared in: no case, accents, spacing or
 * punctuation, and word order does not matter, because sheets mix "Alvarez, Rosa",
 * "Alvarez Rosa" and "Rosa Alvarez" for one patient. A missed duplicate is a billing
 * dispute; a flagged one is only a question to the owner, so the key errs on flagging.
 */
export function patientKey(name: string): string {
  return nameKey(name)
    .replace(/['\u2019`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/**
 * The identity of a visit for duplicate checks. The service stores it with each visit,
 * so its form is versioned ("v1"): a change of normalization must change the version.
 * It holds the normalized patient name, so it is PHI like the visit itself.
 */
export function visitKey(visit: VisitKeyFields): string {
  return JSON.stringify(['v1', visit.therapistId, visit.agencyId, patientKey(visit.patientName), visit.date, visit.visitType]);
}

/** A visit (by its position in the list) that repeats an earlier one: always the first with the same key. */
export type DuplicateFinding = { index: number; duplicateOf: number };

/** Positions of repeated keys, each pointing at the first position with that key. */
export function findRepeatedKeys(keys: readonly string[]): DuplicateFinding[] {
  const first = new Map<string, number>();
  const found: DuplicateFinding[] = [];
  keys.forEach((key, index) => {
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else found.push({ index, duplicateOf: earlier });
  });
  return found;
}

/** Every visit that repeats an earlier one in the list, in list order. */
export function findDuplicates(visits: readonly VisitKeyFields[]): DuplicateFinding[] {
  return findRepeatedKeys(visits.map(visitKey));
}
