/**
 * When payment reminders go out: steps in days from an invoice's due date (negative before
 * it), as the owner writes them in the sidebar ("3 before, due, 7 after, 30 after"). Pure.
 */
export const DEFAULT_SCHEDULE: readonly number[] = [-3, 0, 7, 30];

const MOST_BEFORE = 60;
const MOST_AFTER = 365;
const MOST_STEPS = 10;

export type ScheduleResult = { ok: true; steps: number[] } | { ok: false; message: string };

const STEP_SHAPE = 'write days from the due date, such as "3 before", "due", "7 after" (or -3, 0, 7)';

/** The steps of a schedule as typed, sorted; a token that is not a step is refused by name. */
export function parseSchedule(text: string): ScheduleResult {
  const tokens = String(text ?? '')
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 0) return { ok: false, message: `The schedule is empty: ${STEP_SHAPE}.` };
  const steps = new Set<number>();
  for (const token of tokens) {
    const step = parseStep(token);
    if (step === null) return { ok: false, message: `"${token}" is not a reminder step: ${STEP_SHAPE}.` };
    if (step < -MOST_BEFORE || step > MOST_AFTER)
      return { ok: false, message: `"${token}" is too far from the due date: at most ${MOST_BEFORE} days before or ${MOST_AFTER} after.` };
    steps.add(step);
  }
  if (steps.size > MOST_STEPS) return { ok: false, message: `${steps.size} steps is too many: at most ${MOST_STEPS}.` };
  return { ok: true, steps: [...steps].sort((a, b) => a - b) };
}

function parseStep(token: string): number | null {
  const t = token.toLowerCase().replace(/\s+/g, ' ');
  if (t === 'due' || t === 'on the due date' || t === 'due date') return 0;
  const signed = /^([+-]?)(\d{1,3})$/.exec(t);
  if (signed) return (signed[1] === '-' ? -1 : 1) * Number(signed[2]);
  const worded = /^(\d{1,3}) (?:days? )?(before|after)(?: due)?$/.exec(t);
  if (worded) return (worded[2] === 'before' ? -1 : 1) * Number(worded[1]);
  return null;
}

/** The schedule as the sidebar shows it, and as parseSchedule reads it back. */
export function scheduleText(steps: readonly number[]): string {
  return steps.map((s) => (s === 0 ? 'due' : s < 0 ? `${-s} before` : `${s} after`)).join(', ');
}

/** A step in words, for the email and the log. */
export function stepLabel(step: number): string {
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  return step === 0 ? 'due today' : step < 0 ? `due in ${days(-step)}` : `${days(step)} overdue`;
}

/** The schedule kept in the document properties, or the default. */
export function storedSchedule(json: string | undefined): number[] {
  if (!json) return [...DEFAULT_SCHEDULE];
  const parsed = parseSchedule((JSON.parse(json) as number[]).join(','));
  return parsed.ok ? parsed.steps : [...DEFAULT_SCHEDULE];
}
