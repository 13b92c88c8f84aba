/**
 * Test support: Google's Firestore emulator, the real one (the Java jar of the Cloud SDK),
 * started on a free loopback port for one test file and stopped when the file is done. It
 * never outlives the process that started it, even one killed by a signal. Where the jar or
 * java is missing, suites built with `describeWithFirestoreEmulator` say so loudly and skip:
 * they never pass on a fake.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe } from 'vitest';

export const FIRESTORE_EMULATOR_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Runs java under a shell that kills it when this process is gone ('exit' handlers do not
 * run when a test worker is ended by a signal) or when the shell itself is told to stop.
 * Arguments: $1 jar, $2 main class, $3 port, $4 the pid to outlive.
 */
const GUARDED_JAVA = [
  'java -cp "$1" "$2" --host 127.0.0.1 --port "$3" & java=$!',
  // The shell exits only once Java has: a stopped emulator must not answer one more request.
  "trap 'kill $java 2>/dev/null; wait $java 2>/dev/null; exit 0' TERM INT",
  'while kill -0 "$4" 2>/dev/null && kill -0 $java 2>/dev/null; do sleep 1; done',
  'kill $java 2>/dev/null; wait $java',
].join('\n');

/** Why the emulator cannot run on this machine, or null when it can. */
export function firestoreEmulatorUnavailable(): string | null {
  if (!existsSync(FIRESTORE_EMULATOR_JAR))
    return `the emulator jar is missing: ${FIRESTORE_EMULATOR_JAR} (install google-cloud-cli-firestore-emulator)`;
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0)
    return `java does not run (${java.error?.message ?? `exit status ${java.status}`}): install a JRE 11 or later`;
  return null;
}

export type FirestoreEmulator = {
  /** host:port, as FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  readonly projectId: string;
  /** A new client on the emulator, with a firebase-admin app of its own (as a second server instance would have). */
  client(): Firestore;
  /** Deletes every document of the project. */
  reset(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts the emulator and points the SDK at it. FIRESTORE_EMULATOR_HOST is process-wide, so
 * one process (one test file) uses one emulator; each file also gets its own project id.
 */
export async function startFirestoreEmulator(projectId: string): Promise<FirestoreEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const java = spawn('sh', ['-c', GUARDED_JAVA, 'sh', FIRESTORE_EMULATOR_JAR, MAIN_CLASS, String(port), String(process.pid)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => java.kill('SIGTERM');
  process.on('exit', killOnExit);
  const log = tail(java);
  try {
    await waitUntilAnswering(`http://${host}/`, java, log);
  } catch (error) {
    await stopProcess(java);
    process.off('exit', killOnExit);
    throw error;
  }
  process.env.FIRESTORE_EMULATOR_HOST = host;
  process.env.METADATA_SERVER_DETECTION = 'none';

  const apps: App[] = [];
  return {
    host,
    projectId,
    client() {
      const app = initializeApp({ projectId }, `${projectId}-${randomUUID()}`);
      apps.push(app);
      return getFirestore(app);
    },
    async reset() {
      const response = await fetch(`http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
      if (!response.ok) throw new Error(`resetting the Firestore emulator failed: ${response.status} ${await response.text()}`);
    },
    async stop() {
      await Promise.allSettled(apps.map((app) => deleteApp(app)));
      await stopProcess(java);
      process.off('exit', killOnExit);
    },
  };
}

/**
 * `describe` with an emulator running for the suite (started in beforeAll, stopped in
 * afterAll), or `describe.skip` with a warning that says why when it cannot run here.
 */
export function describeWithFirestoreEmulator(name: string, projectId: string, body: (emulator: () => FirestoreEmulator) => void): void {
  const unavailable = firestoreEmulatorUnavailable();
  if (unavailable !== null) {
    console.warn(`\n*** SKIPPED "${name}": the Firestore emulator cannot run here: ${unavailable} ***\n`);
    describe.skip(name, () =>
      body(() => {
        throw new Error('skipped');
      }),
    );
    return;
  }
  describe(name, () => {
    let emulator: FirestoreEmulator | null = null;
    beforeAll(async () => {
      emulator = await startFirestoreEmulator(projectId);
    }, STARTUP_TIMEOUT_MS + 10_000);
    afterAll(async () => {
      await emulator?.stop();
    }, 30_000);
    body(() => {
      if (emulator === null) throw new Error('the Firestore emulator is not running');
      return emulator;
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The last lines the process printed, to explain a failed start. */
function tail(child: ChildProcess): string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return lines;
}

async function waitUntilAnswering(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Firestore emulator exited (${child.exitCode ?? child.signalCode}) while starting:\n${log.join('\n')}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Firestore emulator did not answer at ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${log.join('\n')}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
