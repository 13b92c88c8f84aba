/**
 * The named points where a crash can interrupt work that must come out whole: a close, a
 * pay run, a payment through Stripe, a visit batch. The fault tests start a process with
 * VISITLEDGER_CRASH_AT=N and it dies (SIGKILL, as a power cut would stop it) on reaching
 * the Nth point, whatever the machine's speed; they walk N = 1, 2, ... until a run ends on
 * its own. Unset, `crashPoint` is an empty function. The variable is read once, from the
 * process's environment at start: nothing a request carries can reach it.
 */
import { writeSync } from 'node:fs';

/** Each point once, in the order a month's close and a payment reach them. */
export const CRASH_POINTS = {
  'close.read': "the month's unsettled visits read, nothing computed",
  'close.computed': 'the invoices computed, nothing written',
  'close.numbers-reserved': "inside the close's transaction: the invoice counter moved past a cycle's numbers",
  'close.visits-marked': "inside the close's transaction: an invoice's visits marked billed (once per invoice)",
  'close.invoice-written': "inside the close's transaction: an invoice written (once per invoice)",
  'close.cycle-written': "inside the close's transaction: a cycle marked closed (once per cycle)",
  'close.committed': 'the invoices committed; the pay runs not yet computed',
  'payrun.computed': "a pay period's statements computed, nothing written",
  'payrun.header-written': "inside the pay run's transaction: its row written",
  'payrun.statements-written': "inside the pay run's transaction: its statements written",
  'payrun.visits-marked': "inside the pay run's transaction: its visits marked paid",
  'payrun.committed': 'the pay run committed',
  'pay.pending-written': "a therapist's pending payment stored; Stripe not yet asked",
  'pay.transfer-answered': 'Stripe made the transfer; its answer not yet stored',
  'pay.answer-stored': "the transfer's answer stored on the payment",
  'visits.batch-written': "inside the batch's transaction: every row written",
  'visits.committed': 'the batch committed, not yet audited',
  'keys.visits-page': "a key rotation: a page of an org's visits sealed again and written",
  'keys.document-resealed': 'a key rotation: a document sealed again and written',
  'keys.step-recorded': "a key rotation: one org's step finished and recorded",
} as const;

export type CrashPoint = keyof typeof CRASH_POINTS;

/** The line a dying process writes to stderr before the kill, for the test to read. */
export const CRASH_LINE = /^visitledger crash point (\d+): (\S+)$/m;

function parseTarget(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`VISITLEDGER_CRASH_AT must be a whole number from 1 (the Nth crash point to die at), not "${raw}"`);
  return n;
}

const target = parseTarget(process.env.VISITLEDGER_CRASH_AT);
let reached = 0;

function dieAt(point: CrashPoint): void {
  reached += 1;
  if (reached !== target) return;
  // Synchronous, so the line is out before the kill; then no exit handler, no flush, no unwinding.
  writeSync(2, `visitledger crash point ${reached}: ${point}\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** Marks a point a crash can interrupt; dies there when the fault tests ask for it. */
export const crashPoint: (point: CrashPoint) => void = target === null ? () => {} : dieAt;
