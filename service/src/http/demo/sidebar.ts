/**
 * The add-on's real sidebar (addon/src/sidebar/Sidebar.html) in the demo: a small bridge script
 * stands in for Apps Script's `google.script.run` (withSuccessHandler, withFailureHandler, then
 * the server function's name) and POSTs each call to /demo/run. There the functions that only
 * read (the sidebar's state, the month's overview, the plan) answer from the demo org as the
 * add-on would; every other one answers that the demo is read-only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { overviewSummary } from '../../../../shared/overview-summary.ts';
import { describePlan } from '../../../../shared/plans.ts';
import type { OverviewAnswer } from '../../../../shared/wire/overview.ts';
import { DEMO_BASE } from './pages.ts';

const SIDEBAR_FILE = new URL('../../../../addon/src/sidebar/Sidebar.html', import.meta.url);

export const READ_ONLY_MESSAGE =
  'This is a read-only demo: nothing can be changed here. Start a free trial to use VisitLedger with your own sheet.';

/** google.script.run over HTTP. */
export const BRIDGE_SCRIPT = `(function () {
  function runner(success, failure) {
    return new Proxy({}, {
      get: function (_target, name) {
        if (name === 'withSuccessHandler') return function (f) { return runner(f, failure); };
        if (name === 'withFailureHandler') return function (f) { return runner(success, f); };
        return function () {
          var args = Array.prototype.slice.call(arguments);
          fetch('${DEMO_BASE}/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: String(name), args: args }) })
            .then(function (res) { return res.json(); })
            .then(function (answer) {
              if (answer.ok) { if (success) success(answer.value); }
              else if (failure) failure(new Error(answer.message));
            }, function (error) { if (failure) failure(error); });
        };
      }
    });
  }
  window.google = { script: { run: runner(null, null) } };
})();
`;

export type SidebarPage = { html: string; scriptHashes: string[] };

/** The sidebar as shipped, with the bridge loaded first, and the hashes of its inline scripts for the page's CSP. */
export function sidebarPage(): SidebarPage {
  const shipped = readFileSync(SIDEBAR_FILE, 'utf8');
  // Sheets shows the sidebar 300 px wide: the demo does too, instead of stretching it across a desktop window.
  const html = shipped.replace('<head>', `<head>\n<script src="${DEMO_BASE}/bridge.js"></script>\n<style>body{max-width:276px}</style>`);
  const scriptHashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return { html, scriptHashes };
}

/** What the demo answers each read: the same shapes as the add-on's server functions. */
export type DemoReads = {
  orgId: string;
  origin: string;
  overview(month: string | null): Promise<OverviewAnswer | string>;
  plan(): Promise<{ answer: Parameters<typeof describePlan>[0]; today: string } | string>;
};

/** Sidebar calls whose success handler expects an object of its own shape rather than an action's result: refused through the failure handler. */
const NOT_ACTION_RESULTS = new Set(['previewSetUp', 'applySetUp', 'sidebarState']);

export type RunAnswer = { ok: true; value: unknown } | { ok: false; message: string };

export async function runSidebarCall(fn: string, args: unknown[], reads: DemoReads): Promise<RunAnswer> {
  switch (fn) {
    case 'sidebarState':
      return {
        ok: true,
        value: {
          panel: 'overview',
          connected: true,
          service: reads.origin,
          orgId: reads.orgId,
          spreadsheetName: 'Demo agency (read-only)',
          reminderSchedule: '3 before, due, 7 after, 30 after',
        },
      };
    case 'monthOverview': {
      const month = typeof args[0] === 'string' && args[0] !== '' ? args[0] : null;
      const o = await reads.overview(month);
      if (typeof o === 'string') return { ok: true, value: { ok: false, title: 'Overview', lines: [o] } };
      return {
        ok: true,
        value: { ok: true, title: 'Overview', ...overviewSummary(o), overview: o },
      };
    }
    case 'planStatus': {
      const plan = await reads.plan();
      if (typeof plan === 'string') return { ok: true, value: { ok: false, title: 'Plan', lines: [plan] } };
      const summary = describePlan(plan.answer, plan.today);
      return {
        ok: true,
        value: { ok: true, title: 'Plan', lines: [summary.headline, ...summary.lines], plan: { ...plan.answer, ...summary } },
      };
    }
    default:
      return NOT_ACTION_RESULTS.has(fn)
        ? { ok: false, message: READ_ONLY_MESSAGE }
        : { ok: true, value: { ok: false, title: 'Read-only demo', lines: [READ_ONLY_MESSAGE] } };
  }
}
