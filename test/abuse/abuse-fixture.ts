/**
 * What the abuse suites attack: the portal fixture's two orgs (January closed), with alpha
 * given one of every record a route can name (member, API key, payer TIN, pay run, credit
 * note, payment, portal link), the values to put in each path parameter, a body each route
 * accepts, and a snapshot of everything the SQLite file holds, to prove a refused request
 * wrote nothing.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { ok } from '../api/org-builder.ts';
import { startPortalFixture, type PortalFixture } from '../portal/portal-fixture.ts';

export type AbuseFixture = PortalFixture & {
  /** A real value of alpha's for each path parameter name the routes use. */
  alphaParams: Record<string, string>;
  /** The same names, with beta's records: another org's ids. */
  betaParams: Record<string, string>;
  alphaKey: string;
  /** A live portal token of alpha's first agency. */
  portalToken: string;
};

export async function startAbuseFixture(): Promise<AbuseFixture> {
  const f = await startPortalFixture();
  const { api, alpha, beta } = f;
  const t = alpha.ownerToken;
  await ok(api, 'put', '/v1/orgs/alpha/members/staff@alpha.example', { token: t, body: { role: 'staff' } });
  const key = await ok(api, 'post', '/v1/orgs/alpha/api-keys', { token: t, body: { label: 'alpha sync', role: 'owner' } });
  await ok(api, 'put', '/v1/orgs/alpha/payer-tin', { token: t, body: { tin: '31-4159265', type: 'EIN' } });
  await ok(api, 'post', '/v1/orgs/alpha/payments', {
    token: t,
    body: { therapistId: alpha.therapistIds[0], amountCents: 123_456, paidOn: '2026-02-01', method: 'ach' },
  });
  const note = await ok(api, 'post', `/v1/orgs/alpha/invoices/${f.alphaInvoices[1]!.id}/credit-notes`, {
    token: t,
    body: { reason: 'goodwill', lines: [{ description: 'goodwill', amountCents: 500 }] },
  });
  // Paid in full with credit left over; the application is what a walk reverses (its invoice opens again, the credit grows).
  const paidInvoice = f.alphaInvoices[0]!;
  const receipt = await ok(api, 'post', '/v1/orgs/alpha/receipts', {
    token: t,
    body: {
      agencyId: paidInvoice.agencyId,
      amountCents: 10_000_000,
      receivedOn: '2026-02-01',
      method: 'check',
      invoiceIds: [paidInvoice.id],
    },
  });
  const payRuns = await ok(api, 'get', '/v1/orgs/alpha/pay-runs', { token: t });
  const betaPayRuns = await ok(api, 'get', '/v1/orgs/beta/pay-runs', { token: beta.ownerToken });
  const link = await f.newLink();
  const betaLink = await ok(api, 'post', '/v1/orgs/beta/portal-links', { token: beta.ownerToken, body: { agencyId: beta.agencyIds[0] } });
  const betaKey = await ok(api, 'post', '/v1/orgs/beta/api-keys', { token: beta.ownerToken, body: { label: 'beta sync' } });
  const common = { year: '2026', fileNumber: '1', file: 'qbo-invoices' };
  return {
    ...f,
    alphaKey: key.key,
    portalToken: link.token,
    alphaParams: {
      ...common,
      orgId: 'alpha',
      invoiceId: f.alphaInvoices[0]!.id,
      creditNoteId: note.id,
      payRunId: payRuns.payRuns[0].id,
      therapistId: alpha.therapistIds[0]!,
      keyId: key.apiKey.id,
      email: 'staff@alpha.example',
      linkId: link.link.id,
      agencyId: paidInvoice.agencyId,
      entryId: receipt.entries[1].id,
    },
    betaParams: {
      ...common,
      orgId: 'beta',
      invoiceId: f.betaInvoices[0]!.id,
      creditNoteId: 'beta-credit-note',
      payRunId: betaPayRuns.payRuns[0].id,
      therapistId: beta.therapistIds[0]!,
      keyId: betaKey.apiKey.id,
      email: 'owner@beta.example',
      linkId: betaLink.link.id,
      agencyId: beta.agencyIds[0]!,
      entryId: 'beta-receivable',
    },
  };
}

/** A body each route accepts from alpha's owner (by operation id); a route not listed starts from `{}`. */
export function validBody(f: AbuseFixture, operationId: string): unknown {
  const { alpha } = f;
  const bodies: Record<string, unknown> = {
    createOrg: { id: 'gamma', settings: { name: 'Gamma Staffing' } },
    updateOrgSettings: { name: 'Alpha Staffing' },
    setPayerTin: { tin: '31-4159265', type: 'EIN' },
    putMember: { role: 'staff' },
    createApiKey: { label: 'automation', role: 'staff' },
    upsertAgencies: { agencies: [{ id: alpha.agencyIds[0], name: 'Alpha Oakridge Home Health', patientIdentifier: 'name' }] },
    upsertTherapists: { therapists: [{ id: alpha.therapistIds[0], name: 'Alpha Tom Becker', disciplines: ['PT'] }] },
    mergeAgency: { into: alpha.agencyIds[1] },
    mergeTherapist: { into: alpha.therapistIds[1] },
    putBillRates: {
      rates: [{ agencyId: alpha.agencyIds[0], discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2026-01-01' }],
    },
    putPayRates: {
      rates: [{ therapistId: alpha.therapistIds[0], discipline: 'PT', visitType: 'ROUTINE', cents: 5500, effectiveFrom: '2026-01-01' }],
    },
    upsertVisits: {
      visits: [
        {
          clientId: 'alpha-row-20',
          agencyId: alpha.agencyIds[0],
          therapistId: alpha.therapistIds[0],
          patient: { name: 'Doe, Jane', mrn: 'MR1' },
          date: '2026-02-05',
          discipline: 'PT',
          visitType: 'ROUTINE',
          noteDone: true,
        },
      ],
    },
    previewClose: { agencyId: alpha.agencyIds[0], period: { start: '2026-02-01', end: '2026-02-28' } },
    closeCycle: { agencyId: alpha.agencyIds[0], period: { start: '2026-01-01', end: '2026-01-31' } },
    closeMonth: { month: '2026-01' },
    voidInvoice: { reason: 'entered twice' },
    issueCreditNote: { reason: 'goodwill', lines: [{ description: 'goodwill', amountCents: 100 }] },
    createPayRun: { period: { start: '2026-01-01', end: '2026-01-31' } },
    recordPayment: { therapistId: alpha.therapistIds[0], amountCents: 100, paidOn: '2026-02-01', method: 'check' },
    createPortalLink: { agencyId: alpha.agencyIds[0], days: 30 },
    rotatePortalLink: { days: 30 },
    recordReceipt: { agencyId: f.alphaInvoices[0]!.agencyId, amountCents: 100, receivedOn: '2026-02-01', method: 'ach' },
    reverseReceivable: { reason: 'applied to the wrong invoice' },
    applyCredit: { amountCents: 1 },
    refundCredit: { amountCents: 100, on: '2026-02-01', method: 'check' },
    writeOffInvoice: { reason: 'short paid', amountCents: 1 },
    startSubscriptionCheckout: { plan: 'starter' },
  };
  return structuredClone(bodies[operationId] ?? {});
}

/** A query each route accepts, by parameter name. */
export function validQuery(f: AbuseFixture): Record<string, string> {
  return {
    agencyId: f.alpha.agencyIds[0]!,
    therapistId: f.alpha.therapistIds[0]!,
    invoiceId: f.alphaInvoices[0]!.id,
    dateFrom: '2026-01-01',
    dateTo: '2026-01-31',
    billed: 'true',
    year: '2026',
    from: '2026-01-01',
    to: '2026-12-31',
  };
}

/**
 * Everything in the SQLite file, every table and row, as one hash per table: two equal
 * snapshots mean nothing was written in between (an audit row included).
 */
export function snapshotDb(dbFile: string): Record<string, string> {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => String(r.name));
    const out: Record<string, string> = {};
    for (const table of tables) {
      const rows = db
        .prepare(`SELECT * FROM "${table}"`)
        .all()
        .map((r) =>
          JSON.stringify(r, (_k, v) =>
            v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? String(v) : v,
          ),
        );
      out[table] = `${rows.length}:${createHash('sha256').update(rows.sort().join('\n')).digest('hex').slice(0, 16)}`;
    }
    return out;
  } finally {
    db.close();
  }
}

/** The file once the work left running behind the answers is done (a close issues its PDFs right behind its answer). */
export async function settledSnapshot(api: { dbFile: string; idle(): Promise<void> }): Promise<Record<string, string>> {
  await api.idle();
  return snapshotDb(api.dbFile);
}
