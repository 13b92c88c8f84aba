/** Debian's chromium, as the browser tests drive it (playwright-core): where it is, and the flags for a quiet headless run. */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Whether CHROMIUM is installed; when it is not, says loudly which tests are skipped. */
export function chromiumAvailable(what: string): boolean {
  const available = existsSync(CHROMIUM);
  if (!available) console.warn(`\n*** SKIPPED ${what}: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`);
  return available;
}
