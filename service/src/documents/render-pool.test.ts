import { describe, expect, it } from 'vitest';
import { defaultOrgSettings } from '../usecases/orgs.ts';
import { pdfText } from '../test-support/pdf-text.ts';
import { lazyRenderPool, openRenderPool } from './render-pool.ts';
import type { RenderRequest } from './renderer-port.ts';

const org = defaultOrgSettings('Pool Test Staffing');
const statement = (n: number): RenderRequest => ({
  kind: 'pay-statement',
  input: {
    org,
    payRunId: 'payroll:2026-03-01',
    payments: [],
    statement: {
      therapistId: `t${n}`,
      therapistName: `Therapist ${n}`,
      period: { start: '2026-03-01', end: '2026-03-15' },
      w9Status: 'on-file',
      totalCents: 5500 * n,
      withheldCents: 0,
      netCents: 5500 * n,
      held: false,
      lines: Array.from({ length: n }, (_, i) => ({
        visitId: `v${i}`,
        date: '2026-03-02',
        agencyId: 'a',
        agencyName: 'A',
        discipline: 'PT' as const,
        visitType: 'ROUTINE',
        visitTypeLabel: 'Routine visit',
        rateCents: 5500,
        amountCents: 5500,
        late: false,
      })),
    },
  },
});

describe('the render pool', () => {
  it('renders many requests on worker threads, each answer matching its request', async () => {
    const pool = openRenderPool(2);
    try {
      const outputs = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => pool.render(statement(n))));
      const texts = await Promise.all(outputs.map((bytes) => pdfText(bytes)));
      texts.forEach((text, i) => {
        expect(text).toContain(`Therapist ${i + 1}`);
        expect(text).toContain(`Total for this pay run $${(55 * (i + 1)).toFixed(2)}`);
      });
    } finally {
      await pool.close();
    }
  });

  it('fails a request that cannot be rendered, and goes on with the next', async () => {
    const pool = openRenderPool(1);
    try {
      await expect(
        pool.render({ kind: 'pay-statement', input: { org, payRunId: 'x', payments: [], statement: null as never } }),
      ).rejects.toThrow(/rendering a document failed/);
      expect((await pool.render(statement(1))).byteLength).toBeGreaterThan(1000);
    } finally {
      await pool.close();
    }
  });
});

describe('the lazy render pool', () => {
  it('starts no thread until the first render, and closes either way', async () => {
    const unused = lazyRenderPool(1);
    await unused.close();
    const used = lazyRenderPool(1);
    try {
      expect(await pdfText(await used.render(statement(2)))).toContain('Therapist 2');
    } finally {
      await used.close();
    }
  });
});
