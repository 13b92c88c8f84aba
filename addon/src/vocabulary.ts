/**
 * The org's own visit types and synonyms (its service settings), kept in a document
 * property so Set up, the form trigger and every check use them without asking the
 * service each time. Sync and Connect refresh them.
 */
import { buildVocabulary, type OrgVocabulary, type Vocabulary } from '../../shared/vocabulary.ts';
import { writeConfig, type Config } from './config.ts';

export function sheetVocabulary(config: Config): Vocabulary {
  return buildVocabulary(config.vocabulary ? (JSON.parse(config.vocabulary) as OrgVocabulary) : {});
}

/** Stores the settings' vocabulary (also into `config`, the action's copy); true when it differs from what the sheet had. */
export function rememberVocabulary(settings: OrgVocabulary | undefined, config: Config): boolean {
  const text = JSON.stringify({
    visitTypes: settings?.visitTypes ?? [],
    disciplineSynonyms: settings?.disciplineSynonyms ?? {},
    visitTypeSynonyms: settings?.visitTypeSynonyms ?? {},
  });
  if (text === (config.vocabulary ?? JSON.stringify({ visitTypes: [], disciplineSynonyms: {}, visitTypeSynonyms: {} }))) return false;
  writeConfig({ vocabulary: text });
  config.vocabulary = text;
  return true;
}
