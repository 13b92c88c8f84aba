/** What Cloud Run and the Marketplace ask of the service over HTTP: /readyz on a working and a dead store, the trace on log lines, /privacy and /terms. */
import { afterEach, describe, expect, it } from 'vitest';
import { traceFields } from '../../service/src/http/logger.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { call, startTestApi, type TestApi } from '../api/harness.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('/readyz', () => {
  it('answers 200 while the store answers and 503 once it does not, where /healthz still says the process is up', async () => {
    const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'visitledger-ready-')), 'r.db'));
    api = await startTestApi({ openStore: () => store });
    expect(await call(api, 'get', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    await store.close();
    const down = await call(api, 'get', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ error: { code: 'store-unavailable', message: 'the store does not answer' } });
    expect((await call(api, 'get', '/healthz')).status).toBe(200);
    const line = api.logLines().find((l) => l.route === '/readyz' && l.status === 503);
    expect(line).toMatchObject({ severity: 'ERROR', message: 'request failed' });
  });
});

describe('the trace of a log line', () => {
  it("is taken from X-Cloud-Trace-Context, else traceparent, in Cloud Logging's names, and only with a project", () => {
    const id = '105445aa7843bc8bf206b12000100000';
    expect(traceFields('p1', `${id}/1;o=1`, undefined)).toEqual({
      'logging.googleapis.com/trace': `projects/p1/traces/${id}`,
      'logging.googleapis.com/spanId': '0000000000000001',
    });
    expect(traceFields('p1', id, undefined)).toEqual({ 'logging.googleapis.com/trace': `projects/p1/traces/${id}` });
    expect(traceFields('p1', undefined, `00-${id}-00f067aa0ba902b7-01`)).toEqual({
      'logging.googleapis.com/trace': `projects/p1/traces/${id}`,
      'logging.googleapis.com/spanId': '00f067aa0ba902b7',
    });
    expect(traceFields(undefined, `${id}/1;o=1`, undefined)).toEqual({});
    expect(traceFields('p1', 'projects/evil/traces/x', 'garbage')).toEqual({});
  });
});

describe('/privacy and /terms', () => {
  it('are public HTML pages that say what is stored, with no credentials asked', async () => {
    api = await startTestApi();
    const privacy = await fetch(`${api.url}/privacy`);
    expect(privacy.status).toBe(200);
    expect(privacy.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await privacy.text();
    for (const said of [
      'Patient identifiers',
      'AES-256-GCM',
      'Taxpayer identification numbers',
      'stored only as hashes',
      'not sold',
      'Business Associate Agreement',
      'No patient information is sent to Stripe',
    ]) {
      expect(text).toContain(said);
    }
    const terms = await fetch(`${api.url}/terms`);
    expect(terms.status).toBe(200);
    expect(await terms.text()).toContain('VisitLedger terms of service');
    expect(api.logLines().filter((l) => l.status === 200 && l.method === 'GET').length).toBe(2);
  });
});
