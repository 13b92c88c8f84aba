/**
 * The service on one SQLite file as the fault tests drive it: started as a child process,
 * SIGKILLed, started again on what the kill left. `env` is read at each start; `api` calls
 * `/v1/orgs/<orgId>` with `token`.
 */
import { call } from '../api/harness.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

export type KillableService = {
  readonly running: boolean;
  /** The running process's URL. */
  readonly url: string;
  token: string;
  /** Starts the server on `env()`, with `extra` added for this start only (a crash point, say). */
  start(extra?: Record<string, string>): Promise<ServerProcess>;
  /** The running process's stderr so far. */
  stderr(): string;
  /** Waits for the process to end by itself (a crash point); its exit code. */
  exited(): Promise<number | null>;
  kill(): Promise<void>;
  /** Creates the org (monthly payroll) as its owner (a Google ID token) and an owner API key, which `api` uses from then on. */
  createOrg(ownerToken: string, name: string, keyLabel: string): Promise<string>;
  /** A call on the org's routes that throws unless it succeeds; the answer's body. */
  api(method: string, path: string, body?: unknown): Promise<any>;
};

export function killableService(orgId: string, env: () => Record<string, string>): KillableService {
  let server: ServerProcess | undefined;
  return {
    get running() {
      return server !== undefined;
    },
    get url() {
      return server!.url;
    },
    token: '',
    async start(extra = {}) {
      server = await startServerProcess(['service/src/server.ts'], { ...env(), ...extra });
      return server;
    },
    stderr() {
      return server!.stderr();
    },
    async exited() {
      const code = await server!.exited;
      return code;
    },
    async kill() {
      if (!server) return;
      server.child.kill('SIGKILL');
      await server.exited;
      server = undefined;
    },
    async createOrg(ownerToken, name, keyLabel) {
      const created = await call({ url: server!.url }, 'post', '/v1/orgs', {
        token: ownerToken,
        body: { id: orgId, settings: { name, payrollCycle: { kind: 'monthly' } } },
      });
      if (created.status !== 201) throw new Error(`create org: ${created.status} ${created.text.slice(0, 300)}`);
      const key = await call({ url: server!.url }, 'post', `/v1/orgs/${orgId}/api-keys`, {
        token: ownerToken,
        body: { label: keyLabel, role: 'owner' },
      });
      if (key.status >= 300) throw new Error(`api key: ${key.status} ${key.text.slice(0, 300)}`);
      this.token = key.body.key;
      return this.token;
    },
    async api(method, path, body) {
      const res = await call({ url: server!.url }, method, `/v1/orgs/${orgId}${path}`, {
        token: this.token,
        ...(body !== undefined ? { body } : {}),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
      return res.body;
    },
  };
}
