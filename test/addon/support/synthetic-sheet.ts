/**
 * A legacy owner sheet of any length for the call-count test and the import benchmark:
 * five therapists, three agencies, rates for every combination used, and visits that
 * are all distinct (no duplicates), spread over the first quarter of 2026.
 */
import type { Cell, FakeSpreadsheet } from '../doubles/spreadsheet.ts';

const THERAPISTS = [
  ['Tom Becker', 'PT'],
  ['Lena Fischer', 'OT'],
  ['Omar Haddad', 'PTA'],
  ['Ana Morales', 'PT'],
  ['Priya Raman', 'ST'],
] as const;
const AGENCIES = ['Oakridge Home Health', 'Lakeside Home Care LLC', 'Summit Visiting Health'] as const;
const TYPES = ['Eval', 'Routine', 'Routine', 'Re-Eval', 'D/C'] as const;

function legacyVisitRows(count: number): Cell[][] {
  const rows: Cell[][] = [['Clinician', 'Visit Date', 'HHA', 'Patient Name', 'Discipline', 'Visit']];
  for (let i = 0; i < count; i++) {
    const [name, discipline] = THERAPISTS[i % THERAPISTS.length]!;
    const day = 1 + (Math.floor(i / 7) % 90);
    const date = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
    // Assistants only do routine visits, as in real sheets.
    const type = discipline === 'PTA' ? 'Routine' : TYPES[Math.floor(i / 5) % TYPES.length]!;
    rows.push([name, date, AGENCIES[i % AGENCIES.length]!, `Patient ${String(i).padStart(6, '0')}, Test`, discipline, type]);
  }
  return rows;
}

/** `extraTherapists`: more pay-sheet rows (no visits), for counts that must not grow with therapists. */
export function addSyntheticTabs(book: FakeSpreadsheet, visits: number, extraTherapists = 0): void {
  book.addTab('Visit Log', legacyVisitRows(visits));
  const header = [
    'Home Health Agency',
    ...['PT', 'OT', 'ST', 'PTA'].flatMap((d) => ['Eval', 'Re-Eval', 'Routine', 'Discharge'].map((t) => `${d} ${t}`)),
  ];
  book.addTab('Rate Sheet', [header, ...AGENCIES.map((a, i) => [a, ...header.slice(1).map((_, c) => 60 + 5 * i + c)])]);
  book.addTab('Pay Sheet', [
    ['Clinician', 'Disc', 'Eval', 'Re-Eval', 'Routine', 'Discharge'],
    ...THERAPISTS.map(([n, d], i) => [n, d, 80 + i, 70 + i, 50 + i, 60 + i]),
    ...extraRows(extraTherapists),
  ]);
}

function extraRows(count: number): Cell[][] {
  const disciplines = ['PT', 'OT', 'ST', 'PTA'];
  return Array.from({ length: count }, (_, i) => [
    `Extra Therapist ${String(i).padStart(4, '0')}`,
    disciplines[i % disciplines.length]!,
    80,
    70,
    50,
    60,
  ]);
}
