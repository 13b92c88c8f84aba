/**
 * Copies the write-ahead log into the database file from a worker thread, with a
 * connection of its own per open store, a moment after each write, instead of inside the
 * commit that happened to fill the log. SQLite's own automatic checkpoint runs in the
 * committing call: after a month's close that is a large copy and sync of pages while the
 * owner waits (figures: bench/README.md). The commit is as durable either way (WAL, synchronous = NORMAL),
 * and the store keeps SQLite's automatic checkpoint, at a larger size, as a backstop.
 * One worker serves every store of the process.
 */
import { Worker } from 'node:worker_threads';

/** Runs in the worker. A passive checkpoint never blocks readers or writers; a busy one is retried on the next tick. */
const WORKER_SOURCE = `
const { DatabaseSync } = require('node:sqlite');
const { parentPort, workerData } = require('node:worker_threads');
const open = new Map();
const failing = new Set();
setInterval(() => {
  for (const [id, db] of open) {
    try {
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      failing.delete(id);
    } catch (error) {
      // Reported once per run of failures, by SQLite's code only: a message could name a path.
      if (!failing.has(id)) parentPort.postMessage({ failed: String((error && error.code) || 'error') });
      failing.add(id);
    }
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message.add !== undefined) {
    // A file that cannot be opened (its folder removed meanwhile) goes without: the worker serves the others.
    try {
      const db = new DatabaseSync(message.file);
      db.exec('PRAGMA busy_timeout = 1000');
      open.set(message.add, db);
    } catch (error) {
      parentPort.postMessage({ failed: String((error && error.code) || 'error') });
    }
  } else {
    open.get(message.remove)?.close();
    open.delete(message.remove);
    failing.delete(message.remove);
    parentPort.postMessage({ removed: message.remove });
  }
});
`;

const EVERY_MS = 250;
let worker: Worker | undefined;
let registered = 0;
/** Stores waiting for the worker to close its connection to their file. */
const removing = new Map<number, () => void>();

function checkpointWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { everyMs: EVERY_MS } });
  started.on('message', (message: { failed?: string; removed?: number }) => {
    if (message.failed)
      console.warn(`visitledger: a background WAL checkpoint failed (${message.failed}); SQLite's automatic checkpoint still runs`);
    if (message.removed !== undefined) removing.get(message.removed)?.();
  });
  started.on('error', (error) =>
    console.warn(`visitledger: the WAL checkpoint worker stopped (${error.name}); SQLite's automatic checkpoint still runs`),
  );
  started.on('exit', () => {
    if (worker === started) worker = undefined;
    for (const done of removing.values()) done();
  });
  // A process with nothing else to do (the CLI once its command is done) does not wait for it.
  // After the listeners: adding a 'message' listener refs the worker again.
  started.unref();
  worker = started;
  return started;
}

/**
 * Checkpoints `file` in the background until the returned function is called and has
 * resolved: then the worker's connection is closed, so the store's own, closing last, folds
 * the log into the file and removes it, and the file can be copied on its own as before.
 */
export function checkpointInBackground(file: string): () => Promise<void> {
  const id = ++registered;
  const running = checkpointWorker();
  running.postMessage({ add: id, file });
  return () =>
    new Promise<void>((resolve) => {
      if (worker !== running) return resolve();
      // Held while the answer is due: an unref'd worker's message would not keep the process waiting for it.
      running.ref();
      removing.set(id, () => {
        removing.delete(id);
        if (removing.size === 0) running.unref();
        resolve();
      });
      running.postMessage({ remove: id });
    });
}
