/**
 * Every setting of the service, read once from the environment by one schema. A bad
 * setting stops start-up with a message that names it. Nothing else reads process.env.
 */
import * as z from 'zod';

const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

export const settingsSchema = z
  .object({
    /** `production` makes start-up refuse defaults meant for a laptop (PRODUCTION_SETTINGS); unset, NODE_ENV decides. */
    VISITLEDGER_ENV: z.enum(['production', 'development']).optional(),
    NODE_ENV: z.string().optional(),
    VISITLEDGER_STORE: z.enum(['sqlite', 'firestore']).default('sqlite'),
    VISITLEDGER_DB: z.string().min(1).default('./data/visitledger.db'),
    /** The Google Cloud project of the Firestore store. */
    GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
    /** Field keys as `id:base64key` pairs, comma separated; the current one seals new values. */
    VISITLEDGER_FIELD_KEYS: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+)*$/,
        'must be id:base64key pairs separated by commas',
      )
      .optional(),
    VISITLEDGER_FIELD_KEY_CURRENT: z.string().min(1).optional(),
    VISITLEDGER_INDEX_KEY: base64Key.optional(),
    /** The index key before the last rotation, kept until `visitledger keys rotate` has recomputed every duplicate key. */
    VISITLEDGER_INDEX_KEY_PREVIOUS: base64Key.optional(),
    /** The key file of a SQLite store when the keys are not in the environment (default: beside the database, FILE.keys.json). */
    VISITLEDGER_KEY_FILE: z.string().min(1).optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** The interface the HTTP server listens on; a container sets 0.0.0.0. */
    HOST: z.string().min(1).default('127.0.0.1'),
    /** The add-on's OAuth client id: the audience of the Google ID tokens it sends. Unset: Google sign-in is refused. */
    GOOGLE_OAUTH_CLIENT_ID: z.string().min(1).optional(),
    /** Where Google's token-signing certificates (PEM) are fetched; tests point it at a local server. */
    GOOGLE_CERTS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The web OAuth client therapists sign in with on their pages (Google's code flow); unset, their links open no page. */
    THERAPIST_OAUTH_CLIENT_ID: z.string().min(1).optional(),
    THERAPIST_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
    /** Google's authorization and token endpoints (tests point them at a local stand-in). */
    GOOGLE_AUTHORIZATION_URL: z.url({ protocol: /^https?$/ }).default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/ }).default('https://oauth2.googleapis.com/token'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Request body limit of every route but the visit batch. */
    HTTP_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(100 * 1024),
    /** Request body limit of the visit batch (10,000 rows take about 3 MB). */
    HTTP_BATCH_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(12 * 1024 * 1024),
    /** Failed authentications one client IP may make per minute before it gets 429. */
    AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    /** Where agencies reach the service: portal URLs are `<base>/portal/<token>`. Unset: http://localhost:PORT (readSettings). */
    PORTAL_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8080'),
    /** Portal requests one client IP may make per minute before it gets 429. */
    PORTAL_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /** Proxies in front of the service (Cloud Run: 1) whose X-Forwarded-For names the client IP. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Where the Stripe API is reached: Stripe itself unless a stand-in is named (tests: http://127.0.0.1:PORT). */
    STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.stripe.com'),
    /** The CLI's secrets, kept out of its arguments: `stripe-connect`'s key and webhook secrets, `portal-link`'s passcode. */
    VISITLEDGER_STRIPE_KEY: z.string().min(1).optional(),
    VISITLEDGER_STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    VISITLEDGER_STRIPE_ACCOUNT_WEBHOOK_SECRET: z.string().min(1).optional(),
    VISITLEDGER_PORTAL_PASSCODE: z.string().min(1).optional(),
    /**
     * The service operator's own Stripe account, which bills the orgs for VisitLedger (never an
     * org's key): its secret key and the signing secret of its billing webhook endpoint
     * (`<PORTAL_BASE_URL>/v1/stripe/billing-webhooks`). Set both, or neither: unset, plans are
     * not enforced (a box that bills nobody).
     */
    VISITLEDGER_BILLING_STRIPE_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key (sk_... or rk_...)')
      .optional(),
    VISITLEDGER_BILLING_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, 'must be a webhook signing secret (whsec_...)')
      .optional(),
    /** `1`: GET /demo serves the read-only tour of the demo org, reset daily. Off unless set. */
    VISITLEDGER_PUBLIC_DEMO: z.enum(['0', '1']).default('0'),
    /** Who runs this deployment and how to reach them (an email address): /privacy and /terms name it. */
    VISITLEDGER_CONTACT: z.string().min(3).max(200).optional(),
  })
  .superRefine((s, ctx) => {
    const keys = [s.VISITLEDGER_FIELD_KEYS, s.VISITLEDGER_FIELD_KEY_CURRENT, s.VISITLEDGER_INDEX_KEY];
    if (keys.some((k) => k !== undefined) && keys.some((k) => k === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['VISITLEDGER_FIELD_KEYS'],
        message: 'set VISITLEDGER_FIELD_KEYS, VISITLEDGER_FIELD_KEY_CURRENT and VISITLEDGER_INDEX_KEY together',
      });
    }
    if (s.VISITLEDGER_STORE === 'firestore' && s.VISITLEDGER_FIELD_KEYS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['VISITLEDGER_FIELD_KEYS'],
        message: 'is required with the firestore store (keys live outside the data)',
      });
    }
    if ((s.VISITLEDGER_BILLING_STRIPE_KEY === undefined) !== (s.VISITLEDGER_BILLING_WEBHOOK_SECRET === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.VISITLEDGER_BILLING_STRIPE_KEY === undefined ? 'VISITLEDGER_BILLING_STRIPE_KEY' : 'VISITLEDGER_BILLING_WEBHOOK_SECRET'],
        message: 'set VISITLEDGER_BILLING_STRIPE_KEY and VISITLEDGER_BILLING_WEBHOOK_SECRET together',
      });
    }
    if (s.VISITLEDGER_STORE === 'firestore' && s.GOOGLE_CLOUD_PROJECT === undefined) {
      ctx.addIssue({ code: 'custom', path: ['GOOGLE_CLOUD_PROJECT'], message: 'is required with the firestore store' });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {}

/** VISITLEDGER_ENV=production, or NODE_ENV=production (the container's) unless VISITLEDGER_ENV says otherwise. */
export function isProduction(settings: Pick<Settings, 'VISITLEDGER_ENV' | 'NODE_ENV'>): boolean {
  return (settings.VISITLEDGER_ENV ?? (settings.NODE_ENV === 'production' ? 'production' : 'development')) === 'production';
}

/**
 * What production must name itself rather than take a default: the store, the field keys (never
 * a key file made beside a database), the add-on's OAuth client and the public https base URL.
 */
export const PRODUCTION_SETTINGS = [
  'VISITLEDGER_STORE',
  'VISITLEDGER_FIELD_KEYS',
  'VISITLEDGER_FIELD_KEY_CURRENT',
  'VISITLEDGER_INDEX_KEY',
  'GOOGLE_OAUTH_CLIENT_ID',
  'PORTAL_BASE_URL',
] as const;

function productionIssues(env: Record<string, string | undefined>, settings: Settings): { path: string; message: string }[] {
  if (!isProduction(settings)) return [];
  const issues = PRODUCTION_SETTINGS.filter((name) => !env[name]).map((path) => ({ path, message: 'is required in production' }));
  if (env.PORTAL_BASE_URL && !settings.PORTAL_BASE_URL.startsWith('https://'))
    issues.push({ path: 'PORTAL_BASE_URL', message: 'must be an https URL in production' });
  return issues;
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = settingsSchema.safeParse(env);
  const issues = parsed.success
    ? productionIssues(env, parsed.data)
    : parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'settings', message: i.message }));
  // Unset, the public base is this machine on the port the service listens on, not a fixed 8080.
  if (parsed.success && issues.length === 0)
    return env.PORTAL_BASE_URL ? parsed.data : { ...parsed.data, PORTAL_BASE_URL: `http://localhost:${parsed.data.PORT}` };
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
  throw new SettingsError(`VisitLedger cannot start: a setting is wrong\n${lines.join('\n')}`);
}
