/**
 * `/demo`: a read-only tour of a demo agency's account, no sign-in (npm start, or
 * VISITLEDGER_PUBLIC_DEMO=1 with a fresh org each day). It shows the overview, the invoices
 * with their PDFs, the pay runs, the agency portal as an agency sees it, a therapist's own page
 * and the add-on's sidebar, each through the same use cases and pages as the real thing, on
 * stores that refuse every write (read-only.ts): what a visit would note is dropped, anything
 * else fails. Every request but a GET (and the sidebar bridge's calls, which answer reads only)
 * is refused. The data is generated; no real patient is in it.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { calendarDayIn } from '../../../../shared/index.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { DocumentRenderer } from '../../documents/renderer-port.ts';
import type { DocumentStore, PortalStore, Store } from '../../store/port.ts';
import { invoicePdf, issueClosedDocuments, type DocumentContext } from '../../usecases/documents.ts';
import { monthOverview } from '../../usecases/overview.ts';
import { agencyInvoice, agencyInvoices, agencyStatement } from '../../usecases/portal-agency.ts';
import type { PortalAccess } from '../../usecases/portal.ts';
import { getSubscription } from '../../usecases/subscription.ts';
import { therapistCopies, therapistHome, therapistPay } from '../../usecases/therapist-portal.ts';
import type { TherapistSession } from '../../usecases/therapist-session.ts';
import type { UseCaseContext } from '../../usecases/context.ts';
import { invoiceListPage, invoicePage, statementPage } from '../portal/pages.ts';
import { documentsPage, homePage, payPage } from '../therapist/pages.ts';
import { requestState } from '../request-state.ts';
import { pagesRouter } from '../page-kit.ts';
import { tooManyRequestsPage } from '../portal/pages.ts';
import { DEMO_BASE, demoNav, invoicesPage, overviewPage, payRunsPage, readOnlyPage, tourPage } from './pages.ts';
import { readOnly, ReadOnlyDemoError } from './read-only.ts';
import { BRIDGE_SCRIPT, READ_ONLY_MESSAGE, runSidebarCall, sidebarPage } from './sidebar.ts';

export type DemoDeps = {
  store: Store;
  documents: DocumentStore;
  portal: PortalStore;
  cipher: FieldCipher;
  renderer: DocumentRenderer;
  now: () => Date;
  newId: () => string;
  /** The org the tour shows (seeded by then). */
  orgId: () => Promise<string>;
  /** The service bills orgs (the sidebar's Plan panel shows the demo's trial). */
  plansEnforced: boolean;
  /** Requests one client may make a minute, as the portal's pages. */
  requestsPerMinute: number;
};

/** The tour's pages: their own inline styles and nothing else; forms only back to the demo (which refuses them). The sidebar has its own. */
const DEMO_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** What a visit would write and the demo drops: audit entries and an invoice marked as viewed by its agency. */
const DROPPED = ['appendAudit', 'markPortalInvoiceViewed'];

const PORTAL_BASE = `${DEMO_BASE}/portal`;

export function demoRouter(deps: DemoDeps): Router {
  const store = readOnly(deps.store, DROPPED);
  const portal = readOnly(deps.portal, DROPPED);
  const documents = readOnly(deps.documents, DROPPED);
  const ctx: UseCaseContext = {
    store,
    cipher: deps.cipher,
    now: deps.now,
    newId: deps.newId,
    actor: 'demo',
    plansEnforced: deps.plansEnforced,
  };
  const docs: DocumentContext = { ...ctx, documents, renderer: deps.renderer };
  const sidebar = sidebarPage();
  const prepared = new Map<string, Promise<void>>();

  /** The org, with its documents issued once (with the real stores: this is the demo's setting up, not a visit). */
  async function org(): Promise<string> {
    const orgId = await deps.orgId();
    let ready = prepared.get(orgId);
    if (!ready) {
      ready = (async () => {
        const real: DocumentContext = { ...ctx, store: deps.store, documents: deps.documents, renderer: deps.renderer, actor: 'system' };
        const [invoices, payRuns] = await Promise.all([deps.store.listInvoices(orgId, {}), deps.store.listPayRuns(orgId)]);
        await issueClosedDocuments(real, orgId, {
          invoiceIds: invoices.map((i) => i.id),
          statements: payRuns.flatMap((r) => r.statements.map((s) => ({ payRunId: r.id, therapistId: s.therapistId }))),
        });
      })();
      prepared.set(orgId, ready);
    }
    await ready;
    return orgId;
  }

  const router = pagesRouter(DEMO_CSP, { requestsPerMinute: deps.requestsPerMinute, now: deps.now, tooManyRequests: tooManyRequestsPage });
  const html = (res: Response, body: string) => res.type('html').send(body);
  const send = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    requestState(res).route = `${DEMO_BASE}${req.route?.path === '/' ? '' : (req.route?.path ?? '')}`;
    handler(req, res).catch(next);
  };

  router.get(
    '/',
    send(async (_req, res) => {
      const orgId = await org();
      html(res, tourPage((await store.getOrg(orgId))?.settings.name ?? 'the demo agency'));
    }),
  );
  router.get(
    '/overview',
    send(async (_req, res) => {
      const orgId = await org();
      const month = await latestMonth(orgId);
      const o = await monthOverview(ctx, orgId, month);
      if (!o.ok) throw new Error(o.error.message);
      html(res, overviewPage(o.value));
    }),
  );
  router.get(
    '/invoices',
    send(async (_req, res) => {
      const orgId = await org();
      html(res, invoicesPage((await store.listInvoices(orgId, {})).toReversed()));
    }),
  );
  router.get(
    '/invoices/:invoiceId/pdf',
    send(async (req, res) => {
      const orgId = await org();
      const pdf = await invoicePdf(docs, orgId, String(req.params.invoiceId));
      if (!pdf.ok) {
        res.status(404).type('text/plain').send('There is no such invoice in the demo.');
        return;
      }
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${pdf.value.fileName}"`);
      res.send(Buffer.from(pdf.value.bytes));
    }),
  );
  router.get(
    '/pay-runs',
    send(async (_req, res) => {
      const orgId = await org();
      const names = new Map((await store.listTherapists(orgId)).map((t) => [t.id, t.name]));
      html(
        res,
        payRunsPage((await store.listPayRuns(orgId)).toReversed(), (id) => names.get(id) ?? id),
      );
    }),
  );

  /** The first agency's portal, as its link would open it. */
  async function agencyAccess(): Promise<PortalAccess> {
    const orgId = await org();
    const [agency] = await store.listAgencies(orgId);
    const at = deps.now().toISOString();
    return { orgId, link: { id: 'demo', agencyId: agency!.id, tokenHash: '', createdAt: at, expiresAt: at } };
  }
  const portalCtx = () => ({ ...ctx, portal });
  const withDemoNav = (page: string) => page.replace('<main id="main">', `<main id="main">${demoNav().markup}`);
  router.get(
    '/portal',
    send(async (_req, res) => {
      const list = await agencyInvoices(portalCtx(), await agencyAccess());
      if (!list.ok) throw new Error(list.error.message);
      html(res, withDemoNav(invoiceListPage(PORTAL_BASE, list.value)));
    }),
  );
  router.get(
    '/portal/statement',
    send(async (_req, res) => {
      const statement = await agencyStatement(portalCtx(), await agencyAccess());
      if (!statement.ok) throw new Error(statement.error.message);
      html(res, withDemoNav(statementPage(PORTAL_BASE, statement.value)));
    }),
  );
  router.get(
    '/portal/invoices/:invoiceId',
    send(async (req, res) => {
      const invoice = await agencyInvoice(portalCtx(), await agencyAccess(), String(req.params.invoiceId));
      if (!invoice.ok) {
        res.status(404).type('text/plain').send('There is no such invoice in the demo.');
        return;
      }
      html(res, withDemoNav(invoicePage(PORTAL_BASE, invoice.value)));
    }),
  );

  /** The first therapist with a pay statement, signed in to their own page. */
  async function therapistSession(): Promise<TherapistSession> {
    const orgId = await org();
    const [run] = await store.listPayRuns(orgId);
    const therapists = await store.listTherapists(orgId);
    const therapist = therapists.find((t) => t.id === run?.statements[0]?.therapistId) ?? therapists[0]!;
    const at = deps.now().toISOString();
    return {
      orgId,
      link: { id: 'demo', therapistId: therapist.id, tokenHash: '', createdAt: at, expiresAt: at },
      therapist,
      signedIn: true,
    } as TherapistSession;
  }
  const therapistCtx = () => ({ ...ctx, therapists: portal });
  // The therapist's pages link to /therapist/...: in the tour they stay in the tour.
  const inTour = (page: string) =>
    withDemoNav(page.replaceAll('"/therapist/', `"${DEMO_BASE}/therapist/`).replaceAll('"/therapist"', `"${DEMO_BASE}/therapist"`));
  router.get(
    '/therapist',
    send(async (_req, res) => {
      const home = await therapistHome(therapistCtx(), await therapistSession());
      if (!home.ok) throw new Error(home.error.message);
      html(res, inTour(homePage(home.value)));
    }),
  );
  router.get(
    '/therapist/pay',
    send(async (_req, res) => {
      const session = await therapistSession();
      const [home, pay] = await Promise.all([therapistHome(therapistCtx(), session, 'pay'), therapistPay(therapistCtx(), session)]);
      if (!home.ok || !pay.ok) throw new Error('the demo therapist could not be read');
      html(res, inTour(payPage(home.value, pay.value)));
    }),
  );
  router.get(
    '/therapist/documents',
    send(async (_req, res) => {
      const session = await therapistSession();
      const [home, copies] = await Promise.all([
        therapistHome(therapistCtx(), session, 'documents'),
        therapistCopies(therapistCtx(), session),
      ]);
      if (!home.ok || !copies.ok) throw new Error('the demo therapist could not be read');
      html(res, inTour(documentsPage(home.value, copies.value)));
    }),
  );

  router.get('/bridge.js', (_req, res) => {
    requestState(res).route = `${DEMO_BASE}/bridge.js`;
    res.type('application/javascript').send(BRIDGE_SCRIPT);
  });
  router.get('/sidebar', (_req, res) => {
    requestState(res).route = `${DEMO_BASE}/sidebar`;
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' ${sidebar.scriptHashes.join(' ')}; style-src 'self' 'unsafe-inline' https://ssl.gstatic.com; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    res.type('html').send(sidebar.html);
  });
  router.post(
    '/run',
    express.json({ limit: 16 * 1024 }),
    send(async (req, res) => {
      const body = (req.body ?? {}) as { fn?: unknown; args?: unknown };
      const orgId = await org();
      const answer = await runSidebarCall(String(body.fn ?? ''), Array.isArray(body.args) ? body.args : [], {
        orgId,
        origin: `${req.protocol}://${req.get('host') ?? ''}`,
        overview: async (month) => {
          const o = await monthOverview(ctx, orgId, month ?? (await latestMonth(orgId)));
          return o.ok ? o.value : o.error.message;
        },
        plan: async () => {
          const [answer, row] = await Promise.all([getSubscription(ctx, orgId), store.getOrg(orgId)]);
          if (!answer.ok || !row) return answer.ok ? 'no demo org' : answer.error.message;
          return { answer: answer.value, today: calendarDayIn(deps.now(), row.settings.timeZone) };
        },
      });
      res.json(answer);
    }),
  );

  // Anything else that would change something: refused, whatever it is.
  router.all('/{*rest}', (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    requestState(res).route = `${DEMO_BASE}/*`;
    res.status(405).setHeader('Allow', 'GET');
    if (req.accepts(['json', 'html']) === 'html') res.type('html').send(readOnlyPage());
    else res.json({ error: { code: 'read-only-demo', message: READ_ONLY_MESSAGE } });
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof ReadOnlyDemoError)) return next(error);
    res.status(403).json({ error: { code: 'read-only-demo', message: READ_ONLY_MESSAGE } });
  });

  /** The month of the newest invoice's period end (the demo's closed month). */
  async function latestMonth(orgId: string): Promise<string | undefined> {
    const invoices = await store.listInvoices(orgId, {});
    return invoices.at(-1)?.period.end.slice(0, 7);
  }
  return router;
}
