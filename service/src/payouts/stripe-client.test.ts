import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { readSettings, SettingsError } from '../config/settings.ts';
import { STRIPE_API_VERSION, stripeCheckoutOrigin, stripeEndpoint } from './stripe-client.ts';

describe('where the Stripe client goes', () => {
  it('is Stripe itself unless STRIPE_API_BASE names a stand-in', () => {
    expect(stripeEndpoint(readSettings({}).STRIPE_API_BASE)).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(stripeEndpoint(readSettings({ STRIPE_API_BASE: 'http://127.0.0.1:4242' }).STRIPE_API_BASE)).toEqual({
      host: '127.0.0.1',
      port: 4242,
      protocol: 'http',
    });
    expect(stripeEndpoint('http://localhost')).toEqual({ host: 'localhost', port: 80, protocol: 'http' });
  });

  it("sends the portal's pay form to Stripe Checkout, or to a stand-in's own pages", () => {
    expect(stripeCheckoutOrigin(readSettings({}).STRIPE_API_BASE)).toBe('https://checkout.stripe.com');
    expect(stripeCheckoutOrigin('http://127.0.0.1:4242')).toBe('http://127.0.0.1:4242');
  });

  it('refuses a STRIPE_API_BASE that is not an http(s) URL, naming the setting', () => {
    expect(() => readSettings({ STRIPE_API_BASE: 'ftp://127.0.0.1:21' })).toThrow(SettingsError);
    expect(() => readSettings({ STRIPE_API_BASE: '127.0.0.1:4242' })).toThrow(/STRIPE_API_BASE/);
  });

  // An SDK upgrade fails this on purpose: move the pin only after the payouts tests pass on the new version.
  it('pins the API version the SDK was built for', () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });
});
