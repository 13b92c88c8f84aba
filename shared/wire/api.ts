/**
 * The routes the add-on calls, with the schemas of what it sends and what it gets back. The
 * service builds those routes' specs from these entries (so it parses and documents exactly
 * these shapes, and its handlers must return the answer's type); the add-on's client takes
 * its types from them. A changed answer fails the add-on's type check, not a user's sidebar.
 */
import type * as z from 'zod/mini';
import {
  closeMonthBody,
  createPayRunBody,
  invoicesAnswer,
  monthClose,
  paymentsAnswer,
  payRun,
  payRunPayout,
  payRunResult,
  payRunsAnswer,
  taxYearSummary,
} from './billing.ts';
import {
  agenciesAnswer,
  billRatesAnswer,
  createOrgBody,
  orgView,
  payRatesAnswer,
  putBillRatesBody,
  putPayRatesBody,
  ratesAnswer,
  therapistsAnswer,
  upsertAgenciesBody,
  upsertTherapistsBody,
} from './directory.ts';
import { membershipView } from './members.ts';
import { overviewAnswer } from './overview.ts';
import { createdPortalLink, createPortalLinkBody, portalLink, portalLinksAnswer, rotatePortalLinkBody } from './portal.ts';
import { receivablesReport } from './receivables.ts';
import { WIRE_ROUTES, type WireRouteName } from './routes.ts';
import {
  createdTherapistLink,
  markedNotifications,
  markNotificationsSentBody,
  therapistLinkBody,
  therapistLinksAnswer,
  therapistNotificationsAnswer,
} from './therapists.ts';
import {
  settledHistory,
  settleVisitsBody,
  upsertVisitsAnswer,
  upsertVisitsBody,
  withdrawVisitsAnswer,
  withdrawVisitsBody,
} from './visits.ts';
import { stripePage, subscriptionCheckoutBody, subscriptionView } from './subscription.ts';

type WireSchemas = { body?: z.ZodMiniType; answer: z.ZodMiniType };

export const WIRE = {
  createOrg: { ...WIRE_ROUTES.createOrg, body: createOrgBody, answer: orgView },
  getOrg: { ...WIRE_ROUTES.getOrg, answer: orgView },
  getMyMembership: { ...WIRE_ROUTES.getMyMembership, answer: membershipView },
  upsertAgencies: { ...WIRE_ROUTES.upsertAgencies, body: upsertAgenciesBody, answer: agenciesAnswer },
  upsertTherapists: { ...WIRE_ROUTES.upsertTherapists, body: upsertTherapistsBody, answer: therapistsAnswer },
  listRates: { ...WIRE_ROUTES.listRates, answer: ratesAnswer },
  putBillRates: { ...WIRE_ROUTES.putBillRates, body: putBillRatesBody, answer: billRatesAnswer },
  putPayRates: { ...WIRE_ROUTES.putPayRates, body: putPayRatesBody, answer: payRatesAnswer },
  upsertVisits: { ...WIRE_ROUTES.upsertVisits, body: upsertVisitsBody, answer: upsertVisitsAnswer },
  withdrawVisits: { ...WIRE_ROUTES.withdrawVisits, body: withdrawVisitsBody, answer: withdrawVisitsAnswer },
  settleVisitsOutside: { ...WIRE_ROUTES.settleVisitsOutside, body: settleVisitsBody, answer: settledHistory },
  closeMonth: { ...WIRE_ROUTES.closeMonth, body: closeMonthBody, answer: monthClose },
  listInvoices: { ...WIRE_ROUTES.listInvoices, answer: invoicesAnswer },
  createPayRun: { ...WIRE_ROUTES.createPayRun, body: createPayRunBody, answer: payRunResult },
  listPayRuns: { ...WIRE_ROUTES.listPayRuns, answer: payRunsAnswer },
  approvePayRun: { ...WIRE_ROUTES.approvePayRun, answer: payRun },
  payPayRun: { ...WIRE_ROUTES.payPayRun, answer: payRunPayout },
  listPayments: { ...WIRE_ROUTES.listPayments, answer: paymentsAnswer },
  taxYearSummary: { ...WIRE_ROUTES.taxYearSummary, answer: taxYearSummary },
  overview: { ...WIRE_ROUTES.overview, answer: overviewAnswer },
  listPortalLinks: { ...WIRE_ROUTES.listPortalLinks, answer: portalLinksAnswer },
  createPortalLink: { ...WIRE_ROUTES.createPortalLink, body: createPortalLinkBody, answer: createdPortalLink },
  revokePortalLink: { ...WIRE_ROUTES.revokePortalLink, answer: portalLink },
  rotatePortalLink: { ...WIRE_ROUTES.rotatePortalLink, body: rotatePortalLinkBody, answer: createdPortalLink },
  receivables: { ...WIRE_ROUTES.receivables, answer: receivablesReport },
  createTherapistLink: { ...WIRE_ROUTES.createTherapistLink, body: therapistLinkBody, answer: createdTherapistLink },
  rotateTherapistLink: { ...WIRE_ROUTES.rotateTherapistLink, body: therapistLinkBody, answer: createdTherapistLink },
  listTherapistLinks: { ...WIRE_ROUTES.listTherapistLinks, answer: therapistLinksAnswer },
  listTherapistNotifications: { ...WIRE_ROUTES.listTherapistNotifications, answer: therapistNotificationsAnswer },
  markTherapistNotificationsSent: {
    ...WIRE_ROUTES.markTherapistNotificationsSent,
    body: markNotificationsSentBody,
    answer: markedNotifications,
  },
  getSubscription: { ...WIRE_ROUTES.getSubscription, answer: subscriptionView },
  startSubscriptionCheckout: { ...WIRE_ROUTES.startSubscriptionCheckout, body: subscriptionCheckoutBody, answer: stripePage },
  openBillingPortal: { ...WIRE_ROUTES.openBillingPortal, answer: stripePage },
} as const satisfies { [K in WireRouteName]: (typeof WIRE_ROUTES)[K] & WireSchemas };

/** What a call of the route sends: its body as the service takes it, or undefined when it takes none. */
export type WireBody<K extends WireRouteName> = (typeof WIRE)[K] extends { body: infer B extends z.ZodMiniType } ? z.input<B> : undefined;

/** What the route answers on success, as parsed from its JSON. */
export type WireAnswer<K extends WireRouteName> = z.output<(typeof WIRE)[K]['answer']>;
