/**
 * A receipt sent again over the API with the same idempotency key (`clientId`): the first
 * receipt is answered (200), nothing is recorded twice, and the key is refused (409) for
 * another receipt. A receipt dated before the invoice it names was issued is a 422; one dated
 * after today, or a write-off, reversal or refund dated after today, is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../shared/index.ts';
import { call, startTestApi, type TestApi } from './harness.ts';
import { buildOrg, ok, type BuiltOrg } from './org-builder.ts';

let api: TestApi;
let org: BuiltOrg;
let invoice: { id: string; number: string; issueDate: string };

beforeAll(async () => {
  api = await startTestApi();
  org = await buildOrg(api, 'acme', 'Acme');
  const month = await ok(api, 'post', '/v1/orgs/acme/cycles/close-month', { token: org.ownerToken, body: { month: '2026-01' } });
  invoice = month.cycles
    .map((c: { invoice: typeof invoice }) => c.invoice)
    .find((i: { agencyId: string }) => i.agencyId === org.agencyIds[0]);
});
afterAll(() => api.close());

describe('POST /v1/orgs/:orgId/receipts with a clientId', () => {
  it('answers the first receipt for a retry, and refuses the key for a different receipt', async () => {
    const body = {
      agencyId: org.agencyIds[0],
      amountCents: 1_000,
      // Issued today (the real clock): paid the same day, as a later day is refused.
      receivedOn: invoice.issueDate,
      method: 'check',
      reference: '2001',
      invoiceIds: [invoice.id],
      clientId: 'batch-7/row-3',
    };
    const first = await call(api, 'post', '/v1/orgs/acme/receipts', { token: org.ownerToken, body });
    expect(first.status).toBe(201);
    expect(first.body.replayed).toBeUndefined();
    expect(first.body.entries[0]).toMatchObject({ kind: 'receipt', clientId: 'batch-7/row-3', invoiceIds: [invoice.id] });

    const retry = await call(api, 'post', '/v1/orgs/acme/receipts', { token: org.ownerToken, body });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, replayed: true });

    const other = await call(api, 'post', '/v1/orgs/acme/receipts', { token: org.ownerToken, body: { ...body, amountCents: 1_001 } });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toContain('idempotency key "batch-7/row-3" was used for another receipt');

    const listed = await ok(api, 'get', `/v1/orgs/acme/receipts?agencyId=${org.agencyIds[0]}`, { token: org.ownerToken });
    expect(listed.receipts.map((r: { id: string }) => r.id)).toEqual([first.body.entries[0].id]);
  });

  it('refuses a receipt dated before the invoice it names was issued', async () => {
    const early = await call(api, 'post', '/v1/orgs/acme/receipts', {
      token: org.ownerToken,
      body: {
        agencyId: org.agencyIds[0],
        amountCents: 100,
        receivedOn: addDays(invoice.issueDate, -1),
        method: 'ach',
        invoiceIds: [invoice.id],
      },
    });
    expect(early.status).toBe(422);
    expect(early.body.error.details).toEqual({ code: 'before-issue' });
    expect(early.body.error.message).toContain(`before Invoice ${invoice.number} was issued (${invoice.issueDate})`);
  });

  it('refuses a receipt, a write-off, a reversal and a refund dated after today, naming the field, and records nothing', async () => {
    const later = addDays(invoice.issueDate, 30);
    const afterToday = (field: string) => new RegExp(`^${field} is ${later}, after today \\(\\d{4}-\\d{2}-\\d{2} in [A-Za-z_/]+\\): `);
    const before = await ok(api, 'get', `/v1/orgs/acme/receipts?agencyId=${org.agencyIds[0]}`, { token: org.ownerToken });
    // The receipt the first test recorded, reversed below.
    expect(before.receipts).toHaveLength(1);

    const receipt = await call(api, 'post', '/v1/orgs/acme/receipts', {
      token: org.ownerToken,
      body: { agencyId: org.agencyIds[0], amountCents: 100, receivedOn: later, method: 'ach', invoiceIds: [invoice.id] },
    });
    expect(receipt.status).toBe(400);
    expect(receipt.body.error.message).toMatch(afterToday('receivedOn'));
    expect(receipt.body.error.message).toContain('record a receipt once the money has arrived');
    expect(receipt.body.error.details).toEqual([{ path: 'receivedOn', message: expect.stringContaining(`is ${later}, after today`) }]);

    const writeOff = await call(api, 'post', `/v1/orgs/acme/invoices/${invoice.id}/write-off`, {
      token: org.ownerToken,
      body: { reason: 'short pay', on: later },
    });
    expect(writeOff.status).toBe(400);
    expect(writeOff.body.error.message).toMatch(afterToday('on'));

    const reversal = await call(api, 'post', `/v1/orgs/acme/receivables/${before.receipts[0].id}/reverse`, {
      token: org.ownerToken,
      body: { reason: 'check bounced', on: later },
    });
    expect(reversal.status).toBe(400);
    expect(reversal.body.error.message).toMatch(afterToday('on'));

    const refund = await call(api, 'post', `/v1/orgs/acme/agencies/${org.agencyIds[0]}/refunds`, {
      token: org.ownerToken,
      body: { amountCents: 100, on: later, method: 'check' },
    });
    expect(refund.status).toBe(400);
    expect(refund.body.error.message).toMatch(afterToday('on'));

    const after = await ok(api, 'get', `/v1/orgs/acme/receipts?agencyId=${org.agencyIds[0]}`, { token: org.ownerToken });
    expect(after).toEqual(before);
  });
});
