/**
 * The sidebar in headless Chromium (playwright-core, Debian's chromium) as HtmlService serves
 * it: the last sidebar the add-on showed, at a page of its own, with google.script.run bridged
 * to the built script in node:vm. Google's CSS package for add-ons is refused, as offline: the
 * sidebar must read without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { AddonEnv } from './addon-env.ts';
import { ARGS, CHROMIUM } from '../../support/chromium.ts';

/** google.script.run as Apps Script gives it to the sidebar: a runner with handlers, each call async, arguments and results as JSON. */
const GOOGLE_SCRIPT_RUN = `
  (() => {
    const runner = (handlers) => new Proxy({}, {
      get(_, name) {
        if (name === 'withSuccessHandler') return (f) => runner({ ...handlers, ok: f });
        if (name === 'withFailureHandler') return (f) => runner({ ...handlers, fail: f });
        return (...args) => {
          window.__gasCall(String(name), JSON.stringify(args)).then((text) => {
            const answer = JSON.parse(text);
            if ('error' in answer) { if (handlers.fail) handlers.fail(new Error(answer.error)); }
            else if (handlers.ok) handlers.ok(answer.value);
          });
        };
      },
    });
    window.google = { script: { get run() { return runner({}); } } };
  })();
`;

export const SIDEBAR_URL = 'http://sidebar.test/';

export type SidebarBrowser = {
  page: Page;
  /** The server functions the sidebar called, in order. */
  calls: string[];
  close(): Promise<void>;
};

/** `viewport`: the page's size (a sidebar is 300 px wide); Playwright's default when absent. */
export async function openSidebarBrowser(env: AddonEnv, viewport?: { width: number; height: number }): Promise<SidebarBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'visitledger-chromium-'));
  let browser: BrowserContext | undefined;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      ...(viewport ? { viewport } : {}),
    });
    const page = await browser.newPage();
    const calls: string[] = [];
    await page.exposeFunction('__gasCall', (name: string, args: string) => {
      calls.push(name);
      try {
        return JSON.stringify({ value: env.run(name, ...(JSON.parse(args) as unknown[])) });
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    });
    await page.addInitScript(GOOGLE_SCRIPT_RUN);
    await page.route(`${SIDEBAR_URL}**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: env.spreadsheetApp.ui.sidebars.at(-1)!.getContent() }),
    );
    await page.route('https://ssl.gstatic.com/**', (route) => route.abort('internetdisconnected'));
    const opened = browser;
    return {
      page,
      calls,
      close: async () => {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
