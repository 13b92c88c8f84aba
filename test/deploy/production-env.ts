/** The settings a production start needs (settings.ts PRODUCTION_SETTINGS), with fresh field keys: for tests that start the service as Cloud Run would. */
import { randomBytes } from 'node:crypto';
import { CLIENT_ID } from '../api/harness.ts';

export function productionEnv(store: Record<string, string>, google: { certsUrl: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ...store,
    VISITLEDGER_FIELD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    VISITLEDGER_FIELD_KEY_CURRENT: 'k1',
    VISITLEDGER_INDEX_KEY: randomBytes(32).toString('base64'),
    GOOGLE_OAUTH_CLIENT_ID: CLIENT_ID,
    GOOGLE_CERTS_URL: google.certsUrl,
    PORTAL_BASE_URL: 'https://visitledger.example',
    GOOGLE_CLOUD_PROJECT: 'visitledger-test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
}
