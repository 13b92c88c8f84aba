/** The service in a child process, as a person or a load test starts it: spawned, then awaited until it prints its URL. */
import { spawn, type ChildProcess } from 'node:child_process';

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
};

/** The V8 flags and the environment `npm start` and `npm run cli` give node (package.json; why: service/src/server.ts). */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'];
export const SERVICE_NODE_ENV = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };

/** Spawns `node ...SERVICE_NODE_FLAGS ...args` (in `cwd`, this directory unless said) with SERVICE_NODE_ENV and `env` added and waits (20 s at most) for its "serving on" line. */
export async function startServerProcess(
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...args], {
    env: { ...process.env, ...SERVICE_NODE_ENV, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving on" line in 20 s:\n${out}\n${err}`)), 20_000);
    const check = () => {
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before serving:\n${out}\n${err}`)));
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}
