/**
 * Each test file builds the add-on into its own temp folder, for the service it talks to:
 * no prior `npm run build:addon` and no VISITLEDGER_SERVICE_URL needed. The tests' service
 * runs on loopback http, which only a test build allows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon, type AddonBuild } from '../../../addon/build.ts';

/** What a build names when no service runs in the test: https, as a real build's is. */
export const NO_SERVICE_URL = 'https://visitledger-api-abc123-uc.a.run.app';

export async function buildToTemp(serviceUrl: string): Promise<AddonBuild> {
  return buildAddon(mkdtempSync(join(tmpdir(), 'visitledger-addon-')), { serviceUrl, allowLoopbackHttp: true });
}
