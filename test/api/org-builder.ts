/**
 * Builds an org through the API, as the add-on would: its owner signs in with Google,
 * creates the org, pushes agencies, therapists with W-9s, rates and a month of visits.
 * Patient names, MRNs and TINs are distinctive, so a test can grep for them.
 */
import { expect } from 'vitest';
import { call, type TestApi } from './harness.ts';

export type BuiltOrg = {
  orgId: string;
  ownerToken: string;
  agencyIds: string[];
  therapistIds: string[];
  patients: { name: string; mrn: string }[];
  tins: string[];
};

/** A successful call's body; anything else fails the test with the error. */
export async function ok(api: TestApi, method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<any> {
  const res = await call(api, method, path, options);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

export function aVisit(o: {
  clientId: string;
  agencyId: string;
  therapistId: string;
  patient: { name: string; mrn: string };
  date: string;
  visitType?: string;
}) {
  return {
    clientId: o.clientId,
    agencyId: o.agencyId,
    therapistId: o.therapistId,
    patient: o.patient,
    date: o.date,
    discipline: 'PT',
    visitType: o.visitType ?? 'ROUTINE',
    noteDone: true,
  };
}

export async function buildOrg(api: TestApi, orgId: string, prefix: string): Promise<BuiltOrg> {
  const ownerToken = api.google.idToken(`owner@${orgId}.example`);
  await ok(api, 'post', '/v1/orgs', {
    token: ownerToken,
    body: { id: orgId, settings: { name: `${prefix} Staffing`, payrollCycle: { kind: 'monthly' } } },
  });
  const agencies = await ok(api, 'post', `/v1/orgs/${orgId}/agencies`, {
    token: ownerToken,
    body: {
      agencies: [
        { name: `${prefix} Oakridge Home Health`, patientIdentifier: 'name' },
        { name: `${prefix} Lakeside Home Care`, patientIdentifier: 'initials-mrn', termsDays: 15 },
      ],
    },
  });
  const agencyIds = agencies.agencies.map((a: { id: string }) => a.id);
  const tins = prefix === 'Alpha' ? ['487-65-4321', '27-7654322'] : ['376-54-3219', '36-6543218'];
  const therapists = await ok(api, 'post', `/v1/orgs/${orgId}/therapists`, {
    token: ownerToken,
    body: {
      therapists: [
        {
          name: `${prefix} Tom Becker`,
          disciplines: ['PT'],
          w9: {
            legalName: `${prefix} Tom Becker`,
            taxClassification: 'individual',
            tinType: 'SSN',
            tin: tins[0],
            signedOn: '2026-01-02',
            address: { line1: '1 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
          },
        },
        {
          name: `${prefix} Ana Morales`,
          disciplines: ['PT'],
          w9: {
            legalName: `${prefix} Ana Morales`,
            businessName: `${prefix} Morales PT LLC`,
            taxClassification: 'llc-s',
            tinType: 'EIN',
            tin: tins[1],
            signedOn: '2026-01-02',
            address: { line1: '2 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
          },
        },
      ],
    },
  });
  const therapistIds = therapists.therapists.map((t: { id: string }) => t.id);
  await ok(api, 'post', `/v1/orgs/${orgId}/rates/bill`, {
    token: ownerToken,
    body: {
      rates: agencyIds.flatMap((agencyId: string) => [
        { agencyId, discipline: 'PT', visitType: 'EVAL', cents: 12500, effectiveFrom: '2026-01-01' },
        { agencyId, discipline: 'PT', visitType: 'ROUTINE', cents: 8500, effectiveFrom: '2026-01-01' },
      ]),
    },
  });
  await ok(api, 'post', `/v1/orgs/${orgId}/rates/pay`, {
    token: ownerToken,
    body: {
      rates: therapistIds.flatMap((therapistId: string) => [
        { therapistId, discipline: 'PT', visitType: 'EVAL', cents: 8000, effectiveFrom: '2026-01-01' },
        { therapistId, discipline: 'PT', visitType: 'ROUTINE', cents: 5500, effectiveFrom: '2026-01-01' },
      ]),
    },
  });
  const patients = [
    { name: `Quixwright, Zebulon ${prefix}`, mrn: `MRN${prefix.toUpperCase()}7781` },
    { name: `Abernathy-Vole, Philippa ${prefix}`, mrn: `MRN${prefix.toUpperCase()}4410` },
    { name: `Szczepański, Bożena ${prefix}`, mrn: `MRN${prefix.toUpperCase()}0093` },
  ];
  const visits = Array.from({ length: 12 }, (_, i) =>
    aVisit({
      clientId: `${orgId}-row-${i}`,
      agencyId: agencyIds[i % 2],
      therapistId: therapistIds[i % 2],
      patient: patients[i % 3]!,
      date: `2026-01-${String(5 + i).padStart(2, '0')}`,
      visitType: i < 3 ? 'EVAL' : 'ROUTINE',
    }),
  );
  const upserted = await ok(api, 'post', `/v1/orgs/${orgId}/visits`, { token: ownerToken, body: { visits } });
  expect(upserted.counts).toMatchObject({ created: 12, withProblems: 0 });
  return { orgId, ownerToken, agencyIds, therapistIds, patients, tins };
}
