/**
 * Two orgs with closed January invoices, served on loopback with a clock the test moves:
 * alpha's first agency gets portal links; alpha's other agency and org beta are what the
 * links must never show.
 */
import type { AppLimits } from '../../service/src/http/app.ts';
import { startTestApi, type Call, type TestApi } from '../api/harness.ts';
import { buildOrg, ok, type BuiltOrg } from '../api/org-builder.ts';

export type PortalFixture = {
  api: TestApi;
  alpha: BuiltOrg;
  beta: BuiltOrg;
  clock: { now: Date };
  /** Alpha's January invoices: [0] is the first agency's (the portal's), [1] the other agency's. */
  alphaInvoices: { id: string; number: string; agencyId: string }[];
  betaInvoices: { id: string; number: string }[];
  /** A new link for alpha's first agency, as the owner's API answers it. */
  newLink(body?: Record<string, unknown>): Promise<{ url: string; path: string; token: string; link: { id: string } }>;
};

/** The clock starts on Feb 1, 2026, when January closes. */
export async function startPortalFixture(
  options: { portalRequestsPerMinute?: number; limits?: Partial<AppLimits> } = {},
): Promise<PortalFixture> {
  const clock = { now: new Date('2026-02-01T15:00:00.000Z') };
  const api = await startTestApi({
    now: () => clock.now,
    limits: { portalRequestsPerMinute: options.portalRequestsPerMinute ?? 10_000, ...options.limits },
  });
  const alpha = await buildOrg(api, 'alpha', 'Alpha');
  const beta = await buildOrg(api, 'beta', 'Beta');
  const invoicesOf = async (org: BuiltOrg) =>
    (await ok(api, 'post', `/v1/orgs/${org.orgId}/cycles/close-month`, { token: org.ownerToken, body: { month: '2026-01' } })).cycles.map(
      (c: any) => c.invoice,
    );
  const alphaInvoices = (await invoicesOf(alpha)).sort(
    (a: any, b: any) => alpha.agencyIds.indexOf(a.agencyId) - alpha.agencyIds.indexOf(b.agencyId),
  );
  const betaInvoices = await invoicesOf(beta);
  return {
    api,
    alpha,
    beta,
    clock,
    alphaInvoices,
    betaInvoices,
    async newLink(body = {}) {
      const created = await ok(api, 'post', '/v1/orgs/alpha/portal-links', {
        token: alpha.ownerToken,
        body: { agencyId: alpha.agencyIds[0], ...body },
      });
      const path = new URL(created.url).pathname;
      return { ...created, path, token: path.split('/')[2]! };
    },
  };
}

/** A cookie as a browser keeps it, with the attributes it was set with. */
export type KeptCookie = { value: string; path: string; attributes: string };

/** A page as a browser ends on it (HTML: no body parsed), with the redirects it followed on the way. */
export type Visit = Omit<Call, 'body'> & { redirects: string[]; url: string };

/**
 * A browser played by fetch: follows redirects itself (GET after a 303), keeps the cookies it
 * is given and sends each back under its path, as a browser does within one site.
 */
export type PortalBrowser = {
  cookies: Map<string, KeptCookie>;
  get(path: string, headers?: Record<string, string>): Promise<Visit>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Visit>;
};

export function portalBrowser(api: { url: string }): PortalBrowser {
  const cookies = new Map<string, KeptCookie>();
  const cookieHeader = (path: string) =>
    [...cookies]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || path.startsWith(`${c.path}?`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  async function request(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Visit> {
    const redirects: string[] = [];
    for (let hop = 0; ; hop++) {
      const cookie = cookieHeader(path);
      const res = await fetch(`${api.url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...headers,
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
        const [name = '', ...value] = pair.split('=');
        const cookiePath = /^path=(.*)$/i.exec(attributes.find((a) => /^path=/i.test(a)) ?? '')?.[1] ?? '/';
        if (/^max-age=0$/i.test(attributes.find((a) => /^max-age=/i.test(a)) ?? '')) cookies.delete(name);
        else cookies.set(name, { value: value.join('='), path: cookiePath, attributes: attributes.join('; ') });
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && hop < 5) {
        redirects.push(location);
        const next = new URL(location, `${api.url}${path}`);
        path = next.pathname + next.search;
        if (res.status === 303) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { status: res.status, text: await res.text(), headers: res.headers, redirects, url: path };
    }
  }
  return {
    cookies,
    get: (path, headers = {}) => request('GET', path, undefined, headers),
    post: (path, form, headers = {}) => request('POST', path, new URLSearchParams(form).toString(), headers),
  };
}
