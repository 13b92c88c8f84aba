/**
 * The routes the add-on calls, by their OpenAPI operationId: method and path only, with no
 * zod, so the add-on's bundle stays small (it imports this at run time and the schemas in
 * wire/api.ts as types only). The service mounts these paths: its route specs spread them.
 */
export const WIRE_ROUTES = {
  createOrg: { method: 'post', path: '/v1/orgs' },
  getOrg: { method: 'get', path: '/v1/orgs/:orgId' },
  getMyMembership: { method: 'get', path: '/v1/orgs/:orgId/me' },
  upsertAgencies: { method: 'post', path: '/v1/orgs/:orgId/agencies' },
  upsertTherapists: { method: 'post', path: '/v1/orgs/:orgId/therapists' },
  listRates: { method: 'get', path: '/v1/orgs/:orgId/rates' },
  putBillRates: { method: 'post', path: '/v1/orgs/:orgId/rates/bill' },
  putPayRates: { method: 'post', path: '/v1/orgs/:orgId/rates/pay' },
  upsertVisits: { method: 'post', path: '/v1/orgs/:orgId/visits' },
  withdrawVisits: { method: 'post', path: '/v1/orgs/:orgId/visits/withdraw' },
  settleVisitsOutside: { method: 'post', path: '/v1/orgs/:orgId/visits/settled-outside' },
  closeMonth: { method: 'post', path: '/v1/orgs/:orgId/cycles/close-month' },
  listInvoices: { method: 'get', path: '/v1/orgs/:orgId/invoices' },
  createPayRun: { method: 'post', path: '/v1/orgs/:orgId/pay-runs' },
  listPayRuns: { method: 'get', path: '/v1/orgs/:orgId/pay-runs' },
  approvePayRun: { method: 'post', path: '/v1/orgs/:orgId/pay-runs/:payRunId/approve' },
  payPayRun: { method: 'post', path: '/v1/orgs/:orgId/pay-runs/:payRunId/pay' },
  listPayments: { method: 'get', path: '/v1/orgs/:orgId/payments' },
  taxYearSummary: { method: 'get', path: '/v1/orgs/:orgId/tax-years/:year' },
  overview: { method: 'get', path: '/v1/orgs/:orgId/overview' },
  listPortalLinks: { method: 'get', path: '/v1/orgs/:orgId/portal-links' },
  createPortalLink: { method: 'post', path: '/v1/orgs/:orgId/portal-links' },
  revokePortalLink: { method: 'post', path: '/v1/orgs/:orgId/portal-links/:linkId/revoke' },
  rotatePortalLink: { method: 'post', path: '/v1/orgs/:orgId/portal-links/:linkId/rotate' },
  receivables: { method: 'get', path: '/v1/orgs/:orgId/receivables' },
  createTherapistLink: { method: 'post', path: '/v1/orgs/:orgId/therapists/:therapistId/links' },
  rotateTherapistLink: { method: 'post', path: '/v1/orgs/:orgId/therapists/:therapistId/links/rotate' },
  listTherapistLinks: { method: 'get', path: '/v1/orgs/:orgId/therapist-links' },
  listTherapistNotifications: { method: 'get', path: '/v1/orgs/:orgId/therapist-notifications' },
  markTherapistNotificationsSent: { method: 'post', path: '/v1/orgs/:orgId/therapist-notifications/sent' },
  getSubscription: { method: 'get', path: '/v1/orgs/:orgId/subscription' },
  startSubscriptionCheckout: { method: 'post', path: '/v1/orgs/:orgId/subscription/checkout' },
  openBillingPortal: { method: 'post', path: '/v1/orgs/:orgId/subscription/portal' },
} as const satisfies Record<string, { method: 'get' | 'post'; path: string }>;

export type WireRouteName = keyof typeof WIRE_ROUTES;

type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path parameters a route's path names: `{ orgId: string; payRunId: string }`. */
export type PathParams<K extends WireRouteName> = { [Name in ParamNames<(typeof WIRE_ROUTES)[K]['path']>]: string };

/** The route's path with its parameters filled in, each URL-encoded. */
export function wirePath<K extends WireRouteName>(route: K, params: PathParams<K>): string {
  const values = params as Record<string, string>;
  return WIRE_ROUTES[route].path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(values[name]!));
}

/** What an org id is (lowercase letters, digits, dashes; no underscore, so an API key splits cleanly). */
export const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
