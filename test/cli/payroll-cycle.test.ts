/**
 * The payroll cycle from the command line: an org the CLI made pays biweekly from 2026-01-05
 * until told otherwise, and says so; `settings --payroll-cycle ... --payroll-anchor DATE` sets
 * it; the close names the pay periods it closed and the visits it leaves for a later one.
 * Real processes on a real SQLite file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, SAMPLE_IMPORT_CONFIRMED, visitledger } from './run-cli.ts';

const DEFAULT_NOTE = "Biweekly from 2026-01-05 (a new org's default: --payroll-cycle and --payroll-anchor change it)";

describe('the payroll cycle in settings and in the close', () => {
  let db: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visitledger-cli-'));
    db = join(dir, 'owner.db');
    await json(db, ...SAMPLE_IMPORT_CONFIRMED, '--init');
    // A visit on March 30th: its biweekly pay period (March 30th to April 12th) ends after March.
    const late = join(dir, 'march-30.csv');
    writeFileSync(
      late,
      'Clinician,Visit Date,HHA,Patient Name,Discipline,Visit,Paid to clinician?\nTom Becker,2026-03-30,Oakridge Home Health,"Alvarez, Rosa",PT,Tx,\n',
    );
    await json(db, 'import', '--visits', late, '--commit');
  });

  it('shows the default cycle as the default, and the pay period today is in', async () => {
    const shown = await json(db, 'settings');
    expect(shown).toMatchObject({ payrollCycle: { kind: 'biweekly', anchor: '2026-01-05' }, payrollCycleDefault: true });
    expect(shown.currentPayPeriod.start <= shown.currentPayPeriod.end).toBe(true);
    const text = await visitledger(db, 'settings');
    expect(text.stdout).toContain(`payroll cycle      ${DEFAULT_NOTE}`);
    expect(text.stdout).toMatch(/^pay period now {5}\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d$/m);
  });

  it('names the pay periods a close closed and the visits it left for a later one', async () => {
    const text = await visitledger(db, 'close', '--period', '2026-03');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`payroll cycle: ${DEFAULT_NOTE}\n`);
    expect(text.stdout).toContain('payroll 2026-03-02..2026-03-15: $472.00\n');
    expect(text.stdout).toContain(
      'payroll 2026-03-30..2026-04-12: 1 visit of 2026-03 left for this pay period, which ends after the month (close --period 2026-04 pays them)\n',
    );
    const again = await json(db, 'close', '--period', '2026-03');
    expect(again).toMatchObject({
      payrollCycle: { kind: 'biweekly', anchor: '2026-01-05' },
      payrollCycleDefault: true,
      payPeriods: [
        { start: '2026-02-16', end: '2026-03-01' },
        { start: '2026-03-02', end: '2026-03-15' },
        { start: '2026-03-16', end: '2026-03-29' },
      ],
      laterPayPeriods: [{ period: { start: '2026-03-30', end: '2026-04-12' }, visits: 1 }],
    });
  });

  it('sets the cycle and its anchor, refusing what names no cycle', async () => {
    const refusals: [string[], string][] = [
      [['--payroll-cycle', 'fortnightly'], 'error: --payroll-cycle: "fortnightly" is not one of weekly, biweekly, semi-monthly, monthly\n'],
      [
        ['--payroll-cycle', 'weekly'],
        'error: --payroll-cycle weekly needs --payroll-anchor DATE: the first day of one of its pay periods (its weekday starts every week)\n',
      ],
      [
        ['--payroll-cycle', 'monthly', '--payroll-anchor', '2026-04-01'],
        'error: --payroll-anchor: a monthly payroll follows the calendar and takes no anchor\n',
      ],
    ];
    for (const [options, message] of refusals) {
      const refused = await visitledger(db, 'settings', ...options);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(message);
    }
    const badDate = await visitledger(db, 'settings', '--payroll-anchor', 'someday');
    expect(badDate.stderr).toMatch(/^error: --payroll-anchor: /);
    expect((await json(db, 'settings')).payrollCycleDefault).toBe(true); // nothing refused was stored

    const weekly = await json(db, 'settings', '--payroll-cycle', 'weekly', '--payroll-anchor', '4/6/2026');
    expect(weekly).toMatchObject({ payrollCycle: { kind: 'weekly', weekStartsOn: 1 }, payrollCycleDefault: false });
    const biweekly = await json(db, 'settings', '--payroll-cycle', 'biweekly', '--payroll-anchor', '2026-04-06');
    expect(biweekly.payrollCycle).toEqual({ kind: 'biweekly', anchor: '2026-04-06' });
    const monthly = await visitledger(db, 'settings', '--payroll-cycle', 'monthly');
    expect(monthly.stdout).toMatch(/^payroll cycle {6}Monthly$/m);

    // April is one pay period now; its pay run also pays March 30th's visit, left unpaid by March's close.
    const april = await json(db, 'close', '--period', '2026-04');
    expect(april.payPeriods).toEqual([{ start: '2026-04-01', end: '2026-04-30' }]);
    expect(april.laterPayPeriods).toEqual([]);
    const tom = april.payStatements.find((s: { therapist: string }) => s.therapist === 'Tom Becker');
    expect(tom.lines.map((l: { date: string; late: boolean }) => [l.date, l.late])).toEqual([['2026-03-30', true]]);
  });
});
