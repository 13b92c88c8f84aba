import { describe, expect, it } from 'vitest';
import type { CreditNote } from '../../../shared/index.ts';
import { anInvoice } from '../test-support/store-records.ts';
import { agingBucket, statementOfAccount } from './portal-statement.ts';

const aNote = (invoiceId: string, totalCents: number) => ({ invoiceId, totalCents }) as CreditNote;

describe('statement of account', () => {
  it('puts not yet due and up to 30 days past due in 0-30, then 31-60, 61-90 and 90+', () => {
    expect([-5, 0, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      '0-30',
      '0-30',
      '0-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ]);
  });

  it('ages each open invoice less its credit notes by its due date; void and fully credited invoices owe nothing', () => {
    const s = statementOfAccount(
      [
        anInvoice('1', { dueDate: '2026-06-01', totalCents: 10_000 }), // 0 days
        anInvoice('2', { dueDate: '2026-04-20', totalCents: 20_000 }), // 42 days
        anInvoice('3', { dueDate: '2026-03-01', totalCents: 30_000 }), // 92 days
        anInvoice('4', { dueDate: '2026-03-20', totalCents: 5_000, status: 'void' }),
        anInvoice('5', { dueDate: '2026-03-20', totalCents: 7_000 }), // credited in full
      ],
      [aNote('2', 2_500), aNote('5', 7_000)],
      '2026-06-01',
    );
    expect(s.aging).toEqual({ '0-30': 10_000, '31-60': 17_500, '61-90': 0, '90+': 30_000 });
    expect(s.openCents).toBe(57_500);
    expect(s.lines.map((l) => [l.number, l.daysPastDue])).toEqual([
      ['INV-3', 92],
      ['INV-2', 42],
      ['INV-1', 0],
    ]);
  });
});
