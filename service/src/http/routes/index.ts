/** Every API route, in the order the OpenAPI document lists them. */
import type { Route } from '../route.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { cycleRoutes } from './cycles.ts';
import { directoryRoutes } from './directory.ts';
import { directoryMergeRoutes } from './directory-merge.ts';
import { documentRoutes } from './documents.ts';
import { invoiceRoutes } from './invoices.ts';
import { memberRoutes } from './members.ts';
import { orgRoutes } from './orgs.ts';
import { overviewRoutes } from './overview.ts';
import { payRunRoutes } from './pay-runs.ts';
import { paymentRoutes } from './payments.ts';
import { portalLinkRoutes } from './portal-links.ts';
import { receiptRoutes } from './receipts.ts';
import { stripeRoutes } from './stripe.ts';
import { subscriptionRoutes } from './subscription.ts';
import { therapistLinkRoutes } from './therapist-links.ts';
import { visitRoutes } from './visits.ts';

export const apiRoutes: Route[] = [
  ...orgRoutes,
  ...memberRoutes,
  ...apiKeyRoutes,
  ...directoryRoutes,
  ...directoryMergeRoutes,
  ...visitRoutes,
  ...cycleRoutes,
  ...invoiceRoutes,
  ...payRunRoutes,
  ...paymentRoutes,
  ...receiptRoutes,
  ...overviewRoutes,
  ...documentRoutes,
  ...portalLinkRoutes,
  ...therapistLinkRoutes,
  ...stripeRoutes,
  ...subscriptionRoutes,
];
