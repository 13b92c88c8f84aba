/** Each test file builds the add-on into its own temp folder: no prior `npm run build:addon` needed. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon, type AddonBuild } from '../../../addon/build.ts';

export async function buildToTemp(): Promise<AddonBuild> {
  return buildAddon(mkdtempSync(join(tmpdir(), 'visitledger-addon-')));
}
