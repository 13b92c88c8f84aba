/**
 * The month's figures computed in the test, from the owner's CSV files and the form answers,
 * with nothing of the product's code: a small CSV splitter, explicit synonym tables for the
 * words the sample sheet uses, and plain sums. What the service issues is checked against this.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '../../shared/fixtures/sample-owner-sheet');

/** One visit as the owner or a therapist wrote it (sheet words, any date style). */
export type RawVisit = { therapist: string; date: string; agency: string; patient: string; discipline: string; visitType: string };
export type Visit = { therapist: string; date: string; agency: string; patient: string; discipline: string; type: string };

/** A CSV line split on commas outside quotes (the sample files have no line breaks inside cells). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  const re = /(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    if (m[3] === '') break;
  }
  return cells;
}
const csv = (file: string) =>
  readFileSync(join(DIR, file), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map(splitCsvLine);

/** "$125.00", "120", "" -> cents, or undefined for an empty cell (no such rate). */
function cents(text: string): number | undefined {
  const m = /^\$?(\d+)(?:\.(\d\d))?$/.exec(text.trim());
  return m ? Number(m[1]) * 100 + Number(m[2] ?? 0) : undefined;
}

/** The sheet's visit words (lower case) -> the type; only the words the sample and the test use. */
const TYPE_WORDS: Record<string, string> = {
  'eval/soc': 'EVAL',
  eval: 'EVAL',
  evaluation: 'EVAL',
  're-eval': 'REEVAL',
  're-evaluation': 'REEVAL',
  tx: 'ROUTINE',
  routine: 'ROUTINE',
  'routine visit': 'ROUTINE',
  dc: 'DC',
  discharge: 'DC',
};
/** Rate sheet column words -> the type. */
const RATE_WORDS: Record<string, string> = { Eval: 'EVAL', 'Re-Eval': 'REEVAL', Routine: 'ROUTINE', Discharge: 'DC' };

/** ISO, M/D/YYYY, M/D/YY, or a spreadsheet serial day number (days since 1899-12-30). */
function isoDate(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{4}-\d\d-\d\d$/.test(t)) return t;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(t);
  if (us) return `${us[3]!.length === 2 ? `20${us[3]}` : us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  if (/^\d{5}$/.test(t)) return new Date(Date.UTC(1899, 11, 30) + Number(t) * 86_400_000).toISOString().slice(0, 10);
  return undefined;
}

export type RateTables = {
  bill: Map<string, number>; // agency|discipline|type
  pay: Map<string, number>; // therapist|discipline|type
  agencies: string[];
};

export function rateTables(): RateTables {
  const rates = csv('rates.csv');
  const header = rates[1]!;
  const bill = new Map<string, number>();
  for (const row of rates.slice(2)) {
    header.slice(1).forEach((h, i) => {
      const [discipline, word] = [h.slice(0, h.indexOf(' ')), h.slice(h.indexOf(' ') + 1)];
      const c = cents(row[i + 1] ?? '');
      if (c !== undefined) bill.set(`${row[0]}|${discipline}|${RATE_WORDS[word]}`, c);
    });
  }
  const payRows = csv('pay-rates.csv');
  const pay = new Map<string, number>();
  for (const row of payRows.slice(1)) {
    payRows[0]!.slice(2).forEach((h, i) => {
      const c = cents(row[i + 2] ?? '');
      if (c !== undefined) pay.set(`${row[0]}|${row[1]}|${RATE_WORDS[h]}`, c);
    });
  }
  return { bill, pay, agencies: rates.slice(2).map((r) => r[0]!) };
}

/** The legacy visit log's rows, as written (blank, subtotal and total rows left out: no date). */
export function legacyVisits(): RawVisit[] {
  return csv('visits.csv')
    .slice(1)
    .filter((r) => r[0]!.trim() !== '' && r[1]!.trim() !== '')
    .map((r) => ({ therapist: r[0]!, date: r[1]!, agency: r[2]!, patient: r[3]!, discipline: r[4]!, visitType: r[5]! }));
}

/**
 * The visits that are billable and payable, in arrival order: names trimmed and confirmed
 * (the owner's answers), dates read, and left out: an empty patient, no bill or pay rate, or a
 * duplicate (same therapist, agency, patient, date and type) of one already kept.
 */
export function billable(raw: RawVisit[], tables: RateTables, agencyAnswers: Record<string, string>): Visit[] {
  const kept: Visit[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    const agency = agencyAnswers[r.agency.trim()] ?? r.agency.trim();
    const v: Visit = {
      therapist: r.therapist.trim(),
      date: isoDate(r.date) ?? '',
      agency,
      patient: r.patient.trim(),
      discipline: r.discipline.trim().toUpperCase(),
      type: TYPE_WORDS[r.visitType.trim().toLowerCase()] ?? '',
    };
    const key = [v.therapist, v.agency, v.patient, v.date, v.type].join('|');
    if (!v.date || !v.patient || !v.type || seen.has(key)) continue;
    seen.add(key);
    if (!tables.bill.has(`${v.agency}|${v.discipline}|${v.type}`) || !tables.pay.has(`${v.therapist}|${v.discipline}|${v.type}`)) continue;
    kept.push(v);
  }
  return kept;
}

export type ExpectedLine = {
  date: string;
  therapist: string;
  agency: string;
  patient: string;
  discipline: string;
  type: string;
  cents: number;
  late: boolean;
};
export type ExpectedDoc = { key: string; lines: ExpectedLine[]; totalCents: number };

/**
 * One month's close: every visit that has arrived and is not yet billed (or paid), dated on or
 * before the month's end, grouped by agency (invoices) and by therapist (pay statements); a
 * visit dated before the month is late. `done` carries what earlier closes took.
 */
export function closeMonth(
  arrived: Visit[],
  month: string,
  tables: RateTables,
  done: Set<Visit>,
): { invoices: ExpectedDoc[]; statements: ExpectedDoc[] } {
  const start = `${month}-01`;
  const end = `${month}-31`;
  const taken = arrived.filter((v) => !done.has(v) && v.date <= end);
  for (const v of taken) done.add(v);
  const group = (by: (v: Visit) => string, rate: (v: Visit) => number): ExpectedDoc[] => {
    const docs = new Map<string, ExpectedLine[]>();
    for (const v of taken) docs.set(by(v), [...(docs.get(by(v)) ?? []), { ...v, cents: rate(v), late: v.date < start }]);
    return [...docs]
      .map(([key, lines]) => ({ key, lines, totalCents: lines.reduce((s, l) => s + l.cents, 0) }))
      .sort((a, b) => a.key.localeCompare(b.key));
  };
  return {
    invoices: group(
      (v) => v.agency,
      (v) => tables.bill.get(`${v.agency}|${v.discipline}|${v.type}`)!,
    ),
    statements: group(
      (v) => v.therapist,
      (v) => tables.pay.get(`${v.therapist}|${v.discipline}|${v.type}`)!,
    ),
  };
}

/** "$1,234.50" as the portal prints money. */
export const usd = (c: number) => `$${Math.floor(c / 100).toLocaleString('en-US')}.${String(c % 100).padStart(2, '0')}`;

/** 24% backup withholding of a gross in cents, rounded to the cent (half up), in integer arithmetic. */
export const backupWithholding = (grossCents: number) => Math.floor((grossCents * 24 + 50) / 100);
