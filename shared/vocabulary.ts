import { err, ok, type Result } from './result.ts';

/** The five disciplines of home health therapy. */
export const DISCIPLINES = ['PT', 'OT', 'ST', 'PTA', 'COTA'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

/** How a patient is named on an agency's invoices (HIPAA minimum necessary, chosen by the agency). */
export const PATIENT_IDENTIFIERS = ['name', 'initials-mrn', 'mrn'] as const;

export const DISCIPLINE_NAMES: Record<Discipline, string> = {
  PT: 'Physical Therapy',
  OT: 'Occupational Therapy',
  ST: 'Speech Therapy',
  PTA: 'Physical Therapist Assistant',
  COTA: 'Certified Occupational Therapy Assistant',
};

/** What owners write for each discipline (DOMAIN.md). Compared after `vocabularyKey`. */
const DISCIPLINE_SYNONYMS: Record<Discipline, readonly string[]> = {
  PT: ['PT', 'Physical Therapy', 'Physical Therapist', 'Physical'],
  OT: ['OT', 'Occupational Therapy', 'Occupational Therapist', 'Occupational'],
  ST: ['ST', 'SLP', 'Speech', 'Speech Therapy', 'Speech Language Pathology', 'Speech-Language Pathologist'],
  PTA: ['PTA', 'PT Assistant', 'Physical Therapist Assistant', 'Physical Therapy Assistant'],
  COTA: ['COTA', 'OTA', 'OT Assistant', 'Certified Occupational Therapy Assistant', 'Occupational Therapy Assistant'],
};

/** The default visit types every org has. Codes are stable identifiers; labels are for people. */
export const DEFAULT_VISIT_TYPES = [
  { code: 'EVAL', label: 'Evaluation', synonyms: ['Eval', 'Evaluation', 'Initial Eval', 'Initial Evaluation', 'SOC', 'Start of Care'] },
  {
    code: 'REEVAL',
    label: 'Re-evaluation',
    synonyms: ['Re-eval', 'Reeval', 'Re-evaluation', 'Reevaluation', 'Reassessment', 'Reassess', 'Recert', 'Recertification'],
  },
  {
    code: 'ROUTINE',
    label: 'Routine visit',
    synonyms: ['Visit', 'Routine', 'RV', 'Routine Visit', 'Treatment', 'Tx', 'F/U', 'Follow up', 'Follow-up'],
  },
  { code: 'DC', label: 'Discharge', synonyms: ['D/C', 'DC', 'Discharge', 'Discharge Visit'] },
] as const satisfies readonly VisitTypeDefinition[];

export type VisitTypeCode = string;

export type VisitTypeDefinition = { code: VisitTypeCode; label: string; synonyms: readonly string[] };

/** An org's own words: extra visit types (supervisory, OASIS, missed visit) and extra synonyms. */
export type OrgVocabulary = {
  visitTypes?: readonly VisitTypeDefinition[];
  disciplineSynonyms?: Readonly<Record<string, Discipline>>;
  visitTypeSynonyms?: Readonly<Record<string, VisitTypeCode>>;
};

export type VocabularyError = { code: 'unknown-discipline' | 'unknown-visit-type' | 'ambiguous-visit-type'; text: string; message: string };

/** "Re-Eval " -> "reeval", "D/C" -> "dc": case, spaces and punctuation do not matter. */
export function vocabularyKey(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export type Vocabulary = {
  readonly visitTypes: readonly VisitTypeDefinition[];
  discipline(text: string): Result<Discipline, VocabularyError>;
  visitType(text: string): Result<VisitTypeCode, VocabularyError>;
  visitTypeLabel(code: VisitTypeCode): string;
};

/** The vocabulary of one org: the defaults of DOMAIN.md plus the org's own codes. */
export function buildVocabulary(org: OrgVocabulary = {}): Vocabulary {
  const disciplines = new Map<string, Discipline>();
  for (const d of DISCIPLINES) for (const s of DISCIPLINE_SYNONYMS[d]) disciplines.set(vocabularyKey(s), d);
  for (const [text, d] of Object.entries(org.disciplineSynonyms ?? {})) disciplines.set(vocabularyKey(text), d);

  const visitTypes: VisitTypeDefinition[] = [...DEFAULT_VISIT_TYPES];
  for (const custom of org.visitTypes ?? []) {
    const at = visitTypes.findIndex((t) => t.code === custom.code);
    if (at >= 0) visitTypes[at] = { ...custom, synonyms: [...visitTypes[at]!.synonyms, ...custom.synonyms] };
    else visitTypes.push(custom);
  }
  const types = new Map<string, VisitTypeCode>();
  for (const t of visitTypes) {
    types.set(vocabularyKey(t.code), t.code);
    types.set(vocabularyKey(t.label), t.code);
    for (const s of t.synonyms) types.set(vocabularyKey(s), t.code);
  }
  for (const [text, code] of Object.entries(org.visitTypeSynonyms ?? {})) types.set(vocabularyKey(text), code);
  const labels = new Map(visitTypes.map((t) => [t.code, t.label]));

  return {
    visitTypes,
    discipline(text) {
      const d = disciplines.get(vocabularyKey(text));
      return d
        ? ok(d)
        : err({ code: 'unknown-discipline', text, message: `"${text}" is not a discipline (expected ${DISCIPLINES.join(', ')})` });
    },
    visitType(text) {
      const whole = types.get(vocabularyKey(text));
      if (whole) return ok(whole);
      // "Eval/SOC", "Routine / Tx": accept when every part names the same type.
      const parts = text.split(/[/,;+]|\bor\b/i).map((p) => types.get(vocabularyKey(p)));
      if (parts.length > 1 && parts.every((p) => p !== undefined)) {
        const distinct = new Set(parts);
        if (distinct.size === 1) return ok(parts[0]!);
        return err({
          code: 'ambiguous-visit-type',
          text,
          message: `"${text}" names more than one visit type (${[...distinct].map((c) => labels.get(c!)).join(' and ')})`,
        });
      }
      const known = visitTypes.map((t) => t.label).join(', ');
      return err({ code: 'unknown-visit-type', text, message: `"${text}" is not a visit type (known: ${known})` });
    },
    visitTypeLabel(code) {
      return labels.get(code) ?? code;
    },
  };
}

/** "1 visit", "3 visits": a count as the owner reads it on invoices, in the CLI and in the sidebar. */
export function visitCount(n: number): string {
  return `${n} ${n === 1 ? 'visit' : 'visits'}`;
}
