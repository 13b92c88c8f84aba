/** Debian's chromium, as the browser tests drive it (playwright-core): where it is, and the flags for a quiet headless run. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

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

/** Chromium on a fresh profile with one page, collecting the CSP violations it reports; `close` removes the profile. */
export async function openChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<{
  page: Page;
  cspViolations: string[];
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'visitledger-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  const page = await browser.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return {
    page,
    cspViolations,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
