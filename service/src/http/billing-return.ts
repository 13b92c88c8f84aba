/**
 * Where Stripe's Checkout and customer portal send the owner back (`/billing/return`): one
 * page saying to go back to the sheet. Outside the API, like the legal pages: public, and it
 * shows nothing of the org (the subscription itself arrives by webhook).
 */
import express, { type Router } from 'express';
import { html, page } from './portal/html.ts';

export const BILLING_RETURN_PATH = '/billing/return';

export function billingReturnRouter(): Router {
  const router = express.Router();
  router.get(BILLING_RETURN_PATH, (req, res) => {
    const subscribed = req.query.outcome === 'subscribed';
    const text = subscribed
      ? 'Thank you: your VisitLedger plan is being set up. Go back to your sheet; the Plan panel shows it in a moment.'
      : 'You can close this page and go back to your sheet.';
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(page('VisitLedger plan', html`<h1>VisitLedger plan</h1>`, html`<p>${text}</p>`));
  });
  return router;
}
