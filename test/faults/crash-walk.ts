/**
 * Walking a process's crash points (service/src/faults/crash-points.ts): run it with
 * VISITLEDGER_CRASH_AT=1, 2, ... from the same starting file, each run dying at the next
 * point, until a run reaches fewer points than asked and ends on its own. No timer decides
 * where a kill lands, so the walk is the same on a fast machine and a busy one.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { expect } from 'vitest';
import { CRASH_LINE, type CrashPoint } from '../../service/src/faults/crash-points.ts';

/** What one run under a crash point did: its exit code (null when killed) and its stderr. */
export type CrashRun = { code: number | null; stderr: string };

/** The point a run died at, checked against its exit: killed with the crash line, or ended without one. */
export function diedAt(run: CrashRun, n: number): CrashPoint | null {
  const match = CRASH_LINE.exec(run.stderr);
  if (run.code !== null) {
    expect(match, `run ${n} ended with ${run.code} but wrote a crash line`).toBeNull();
    return null;
  }
  expect(match, `run ${n} was killed without reaching crash point ${n}:\n${run.stderr.slice(-2000)}`).not.toBeNull();
  expect(Number(match![1])).toBe(n);
  return match![2] as CrashPoint;
}

/**
 * Calls `crashAt(n)` for n = 1, 2, ... and `afterKill(point, n)` after each run that died,
 * until a run ends on its own; that run's exit code must be 0. Returns the points in order.
 */
export async function walkCrashPoints(
  crashAt: (n: number) => Promise<CrashRun>,
  afterKill: (point: CrashPoint, n: number) => Promise<void> | void,
  limit = 200,
): Promise<CrashPoint[]> {
  const points: CrashPoint[] = [];
  for (let n = 1; n <= limit; n++) {
    const run = await crashAt(n);
    const point = diedAt(run, n);
    if (point === null) {
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      return points;
    }
    points.push(point);
    await afterKill(point, n);
  }
  throw new Error(`still reaching crash points after ${limit} runs`);
}

/** Copies a SQLite file as a killed process left it (its WAL and its key file with it). */
export function copyDb(from: string, to: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(to + suffix, { force: true });
  for (const suffix of ['', '-wal', '.keys.json']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}
