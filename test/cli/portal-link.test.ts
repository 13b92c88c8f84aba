/** `visitledger portal-link`: prints the URL once, on the base URL setting; the store keeps only the token's hash. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import { tokenHash } from '../../service/src/crypto/tokens.ts';
import { json, visitledger } from './run-cli.ts';

describe('visitledger portal-link', () => {
  it('prints a link for the named agency that resolves to it, with a passcode kept as a hash', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'portal.db');
    await json(db, 'demo', '--month', '2026-09');
    const out = await visitledger(
      db,
      'portal-link',
      '--org',
      'demo',
      '--agency',
      'Oakridge Home Health (demo)',
      '--days',
      '30',
      '--passcode',
      'secret-99',
    );
    expect(out.code, out.stderr).toBe(0);
    const url = out.stdout.split('\n')[0]!;
    expect(url).toMatch(/^http:\/\/localhost:8080\/portal\/[A-Za-z0-9_-]{43}$/);
    expect(out.stdout).toContain('with a passcode');
    expect(out.stdout).not.toContain('secret-99');

    const store = openSqliteStore(db);
    try {
      const found = await store.findPortalLinkByTokenHash(tokenHash(url.split('/portal/')[1]!));
      const oakridge = (await store.listAgencies('demo')).find((a) => a.name === 'Oakridge Home Health (demo)')!;
      expect(found).toMatchObject({ orgId: 'demo', link: { agencyId: oakridge.id } });
      expect(found!.link.passcodeHash).toMatch(/^scrypt\$/);
      expect(Date.parse(found!.link.expiresAt) - Date.parse(found!.link.createdAt)).toBe(30 * 86_400_000);
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown agency with a hint', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'visitledger-cli-')), 'portal-unknown.db');
    await json(db, 'demo', '--month', '2026-09');
    const out = await visitledger(db, 'portal-link', '--org', 'demo', '--agency', 'Oakridge Home Helth (demo)');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/no agency called .*Did you mean "Oakridge Home Health \(demo\)"/);
  });
});
