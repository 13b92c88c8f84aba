/**
 * Firestore for real: the emulator enforces no index, so each query the adapter declares is
 * checked here against Firestore's indexing rules and firestore.indexes.json, and the adapter
 * is read for queries built past the declarations. firestore.rules is loaded into the
 * emulator and tried as a client would; the portal and therapist token indexes carry their TTL field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { describeWithFirestoreEmulator } from '../../test-support/firestore-emulator.ts';
import { openFirestoreStore } from './firestore-store.ts';
import { compositeIndexFor, DOCUMENT_ID, FIRESTORE_QUERIES, indexServes, type CompositeIndex, type QueryShape } from './queries.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const declared = JSON.parse(readFileSync(join(ROOT, 'firestore.indexes.json'), 'utf8')) as {
  indexes: CompositeIndex[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: unknown[] }[];
};
const q = (s: Partial<QueryShape>): QueryShape => ({ collection: 'visits', equalities: [], ranges: [], orderBy: [], ...s });

describe('when a query needs a composite index', () => {
  it("follows Firestore's rules for single-field indexes", () => {
    expect(compositeIndexFor(q({ equalities: ['agencyId', 'therapistId', 'invoiceId'] }))).toBeNull();
    expect(compositeIndexFor(q({ ranges: ['date'] }))).toBeNull();
    expect(
      compositeIndexFor(
        q({
          ranges: ['date'],
          orderBy: [
            { field: 'date', direction: 'asc' },
            { field: DOCUMENT_ID, direction: 'asc' },
          ],
        }),
      ),
    ).toBeNull();
    expect(compositeIndexFor(q({ orderBy: [{ field: '_seq', direction: 'desc' }] }))).toBeNull();
    expect(compositeIndexFor(q({ equalities: ['agencyId'], orderBy: [{ field: 'date', direction: 'desc' }] }))).toEqual({
      collectionGroup: 'visits',
      queryScope: 'COLLECTION',
      fields: [
        { fieldPath: 'agencyId', order: 'ASCENDING' },
        { fieldPath: 'date', order: 'DESCENDING' },
      ],
    });
    expect(compositeIndexFor(q({ equalities: ['agencyId'], ranges: ['date'] }))?.fields.map((f) => f.fieldPath)).toEqual([
      'agencyId',
      'date',
    ]);
    expect(compositeIndexFor(q({ ranges: ['date', 'paidOn'] }))?.fields.map((f) => f.fieldPath)).toEqual(['date', 'paidOn']);
    expect(
      compositeIndexFor(
        q({
          orderBy: [
            { field: 'date', direction: 'asc' },
            { field: 'sequence', direction: 'asc' },
          ],
        }),
      ),
    ).not.toBeNull();
    expect(() => compositeIndexFor(q({ ranges: ['date'], orderBy: [{ field: 'sequence', direction: 'asc' }] }))).toThrow(/refuses/);
  });

  it('is served by a declared index with the same equality fields in any order and the same order', () => {
    const needed = compositeIndexFor(q({ equalities: ['a', 'b'], orderBy: [{ field: 'date', direction: 'asc' }] }))!;
    const fields = (...f: [string, 'ASCENDING' | 'DESCENDING'][]) => f.map(([fieldPath, order]) => ({ fieldPath, order }));
    const index = (f: CompositeIndex['fields']): CompositeIndex => ({ collectionGroup: 'visits', queryScope: 'COLLECTION', fields: f });
    expect(indexServes(index(fields(['b', 'ASCENDING'], ['a', 'ASCENDING'], ['date', 'ASCENDING'])), needed, 2)).toBe(true);
    expect(indexServes(index(fields(['a', 'ASCENDING'], ['b', 'ASCENDING'], ['date', 'DESCENDING'])), needed, 2)).toBe(false);
    expect(indexServes(index(fields(['a', 'ASCENDING'], ['date', 'ASCENDING'])), needed, 2)).toBe(false);
  });
});

describe("the adapter's queries", () => {
  const shapes = Object.entries(FIRESTORE_QUERIES) as [string, QueryShape][];

  it('each have the index they need in firestore.indexes.json, and no index there is unused', () => {
    const needed = shapes.flatMap(([name, s]) => {
      const index = compositeIndexFor(s);
      return index ? [{ name, index, equalities: s.equalities.length }] : [];
    });
    const missing = needed.filter((n) => !declared.indexes.some((d) => indexServes(d, n.index, n.equalities)));
    expect(missing.map((m) => `${m.name}: ${JSON.stringify(m.index)}`)).toEqual([]);
    const unused = declared.indexes.filter((d) => !needed.some((n) => indexServes(d, n.index, n.equalities)));
    expect(unused).toEqual([]);
  });

  it('never filter or order by a field whose indexing firestore.indexes.json turns off', () => {
    const exempt = declared.fieldOverrides.filter((o) => !o.ttl && o.indexes.length === 0);
    expect(exempt.map((o) => `${o.collectionGroup}.${o.fieldPath}`)).toContain('visits.receivedAt');
    const used = shapes.flatMap(([name, s]) =>
      [...s.equalities, ...s.ranges, ...s.orderBy.map((o) => o.field)].map((field) => ({ name, at: `${s.collection}.${field}` })),
    );
    expect(used.filter((u) => exempt.some((o) => `${o.collectionGroup}.${o.fieldPath}` === u.at))).toEqual([]);
  });

  it('are built only from the declarations: no order, range or `in` filter elsewhere in the adapter', () => {
    const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'queries.ts');
    const undeclared = files.flatMap((file) => {
      const source = readFileSync(join(import.meta.dirname, file), 'utf8');
      const calls = [
        ...[...source.matchAll(/\.orderBy\(/g)].map(() => 'orderBy'),
        ...[...source.matchAll(/\.where\(\s*[^,]+,\s*'([^']*)'/g)].filter((m) => m[1] !== '==').map((m) => `where ${m[1]}`),
        ...[...source.matchAll(/\.where\(\s*Filter\b|\.findNearest\(/g)].map((m) => m[0]),
      ];
      return calls.map((c) => `${file}: ${c}`);
    });
    expect(undeclared).toEqual([]);
  });
});

describeWithFirestoreEmulator('Firestore as deployed', 'visitledger-rules', (emulator) => {
  it('refuses every client SDK read and write under firestore.rules, while the Admin SDK reads and writes', async () => {
    const { host, projectId } = emulator();
    const load = async (content: string) => {
      const loaded = await fetch(`http://${host}/emulator/v1/projects/${projectId}:securityRules`, {
        method: 'PUT',
        body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content }] } }),
      });
      expect(loaded.status, await loaded.text()).toBe(200);
    };
    const admin = emulator().client();
    await admin.doc('orgs/acme').set({ name: 'Acme' });
    expect((await admin.doc('orgs/acme').get()).get('name')).toBe('Acme');
    const docs = `http://${host}/v1/projects/${projectId}/databases/(default)/documents`;
    // Open rules first: the refusals below come from the project's rules, not from the emulator.
    await load(
      "rules_version = '2';\nservice cloud.firestore { match /databases/{database}/documents { match /{document=**} { allow read, write: if true; } } }",
    );
    expect((await fetch(`${docs}/orgs/acme`)).status).toBe(200);
    await load(readFileSync(join(ROOT, 'firestore.rules'), 'utf8'));

    // A signed-in end user (the emulator takes an unsigned token) and nobody at all.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const userToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: `https://securetoken.google.com/${projectId}`, aud: projectId, sub: 'u1', user_id: 'u1', iat: now, exp: now + 3600, auth_time: now, firebase: { sign_in_provider: 'google.com' } })}.`;
    for (const headers of [{}, { authorization: `Bearer ${userToken}` }]) {
      const read = await fetch(`${docs}/orgs/acme`, { headers });
      expect(read.status).toBe(403);
      const list = await fetch(`${docs}/portalTokens`, { headers });
      expect(list.status).toBe(403);
      const write = await fetch(`${docs}/orgs?documentId=mallory`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { name: { stringValue: 'x' } } }),
      });
      expect(write.status).toBe(403);
    }
    // The emulator's owner credential stands for the Admin SDK: rules do not apply to it.
    expect((await fetch(`${docs}/orgs/acme`, { headers: { authorization: 'Bearer owner' } })).status).toBe(200);
  });

  it("writes each portal and therapist token index with its link's expiry as `expireAt`, the field of its TTL policy", async () => {
    expect(declared.fieldOverrides.filter((o) => o.ttl)).toEqual([
      { collectionGroup: 'portalTokens', fieldPath: 'expireAt', ttl: true, indexes: [] },
      { collectionGroup: 'therapistTokens', fieldPath: 'expireAt', ttl: true, indexes: [] },
    ]);
    const db = emulator().client();
    const store = openFirestoreStore(db);
    const expiresAt = '2026-05-02T00:00:00.000Z';
    await store.insertPortalLink('acme', {
      id: 'pl1',
      agencyId: 'ag1',
      tokenHash: 'a'.repeat(64),
      createdAt: '2026-02-01T00:00:00.000Z',
      expiresAt,
    });
    await store.insertTherapistLink('acme', {
      id: 'tl1',
      therapistId: 'th1',
      tokenHash: 'b'.repeat(64),
      createdAt: '2026-02-01T00:00:00.000Z',
      expiresAt,
    });
    for (const [collection, hash] of [
      ['portalTokens', 'a'],
      ['therapistTokens', 'b'],
    ] as const) {
      const index = await db.collection(collection).doc(hash.repeat(64)).get();
      expect(index.get('expireAt'), collection).toEqual(Timestamp.fromDate(new Date(expiresAt)));
    }
    expect((await store.findPortalLinkByTokenHash('a'.repeat(64)))?.link.id).toBe('pl1');
    expect((await store.findTherapistLinkByTokenHash('b'.repeat(64)))?.link.id).toBe('tl1');
  });
});
