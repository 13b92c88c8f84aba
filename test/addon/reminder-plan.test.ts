/**
 * The reminders' pure parts: the schedule as the owner types it, and which invoice is
 * reminded at which step (the latest reached, once; a step skipped is never sent after a
 * later one; nothing for an invoice fully paid).
 */
import { describe, expect, it } from 'vitest';
import { planReminders, reminderEmail, sentKey } from '../../addon/src/reminders/plan.ts';
import { DEFAULT_SCHEDULE, parseSchedule, scheduleText, storedSchedule } from '../../addon/src/reminders/schedule.ts';

describe('the reminder schedule', () => {
  it('reads steps written in words or as signed days, sorted, each once', () => {
    expect(parseSchedule('30 after, 3 before, due, 7 days after')).toEqual({ ok: true, steps: [-3, 0, 7, 30] });
    expect(parseSchedule('-3; 0; +7\n30; 7')).toEqual({ ok: true, steps: [-3, 0, 7, 30] });
    expect(parseSchedule('5 days before due, on the due date')).toEqual({ ok: true, steps: [-5, 0] });
  });

  it('refuses what it cannot read, naming it as typed', () => {
    expect(parseSchedule('3 before, next week')).toEqual({
      ok: false,
      message: '"next week" is not a reminder step: write days from the due date, such as "3 before", "due", "7 after" (or -3, 0, 7).',
    });
    expect(parseSchedule(' , ')).toMatchObject({ ok: false, message: expect.stringMatching(/^The schedule is empty/) });
    expect(parseSchedule('90 before')).toMatchObject({ ok: false, message: expect.stringMatching(/^"90 before" is too far/) });
  });

  it('shows a schedule as it reads it back, and falls back to the default', () => {
    expect(scheduleText(DEFAULT_SCHEDULE)).toBe('3 before, due, 7 after, 30 after');
    expect(parseSchedule(scheduleText([-10, 0, 45]))).toEqual({ ok: true, steps: [-10, 0, 45] });
    expect(storedSchedule(undefined)).toEqual([-3, 0, 7, 30]);
    expect(storedSchedule('[14,-1]')).toEqual([-1, 14]);
  });
});

describe('which invoices are reminded today', () => {
  const agencies = [
    {
      agency: 'Oakridge Home Health',
      openCents: 75_000,
      invoices: [
        { number: 'INV-0001', dueDate: '2026-05-01', openCents: 50_000, status: 'open' },
        { number: 'INV-0002', dueDate: '2026-05-20', openCents: 25_000, status: 'partially paid' },
        { number: 'INV-0003', dueDate: '2026-04-01', openCents: 0, status: 'paid' },
      ],
    },
  ];
  const contacts = [{ name: 'oakridge home health', serviceId: 'a1', contactEmail: 'ap@oak.example', noReminders: false }];
  const plan = (today: string, sent: string[] = []) =>
    planReminders({ agencies, contacts, schedule: [-3, 0, 7, 30], sent: new Set(sent), today });

  it('reminds each invoice at the latest step it has reached, in one reminder per agency', () => {
    expect(plan('2026-04-27')).toEqual([]);
    const [r] = plan('2026-05-17');
    expect(r!.contact!.serviceId).toBe('a1');
    expect(r!.invoices).toEqual([
      { number: 'INV-0001', dueDate: '2026-05-01', openCents: 50_000, step: 7, late: 16 },
      { number: 'INV-0002', dueDate: '2026-05-20', openCents: 25_000, step: -3, late: -3 },
    ]);
  });

  it('skips a step already sent, and never goes back to an earlier one', () => {
    expect(plan('2026-05-17', [sentKey('INV-0001', 7), sentKey('INV-0002', -3)])).toEqual([]);
    // The due-date step was never sent (no run that day): a week late, only the 7-day step is due.
    expect(plan('2026-05-08', [sentKey('INV-0001', -3)])[0]!.invoices.map((i) => i.step)).toEqual([7]);
  });

  it('writes the invoices, amounts and link, and nothing from the invoice lines', () => {
    const [r] = plan('2026-05-17');
    const email = reminderEmail(r!, { name: 'Sunrise' }, { url: 'https://portal.example/p/abc', expires: '2026-08-15' });
    expect(email.subject).toBe('Sunrise: payment reminder for Oakridge Home Health');
    expect(email.body).toContain('  INV-0001: $500.00 open, due 2026-05-01 (16 days overdue)');
    expect(email.body).toContain('  INV-0002: $250.00 open, due 2026-05-20 (due in 3 days)');
    expect(email.body).toContain('Open balance with Sunrise: $750.00.');
    expect(email.body).toContain('https://portal.example/p/abc');
    expect(reminderEmail(r!, { name: 'Sunrise' }, null).body).toContain('ask Sunrise for a link to its invoice portal');
  });
});
