/**
 * Renders on worker threads, one per core by default: pdfmake is CPU-bound and single
 * threaded, so a close's 550 documents only use both cores this way. Each worker holds at
 * most two requests (one rendering, one waiting); the rest wait here as plain objects, so a
 * cycle's requests are not all cloned into the workers at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentRenderer, RenderRequest } from './renderer-port.ts';

type Job = { id: number; request: RenderRequest; resolve(bytes: Uint8Array): void; reject(error: Error): void };
type Slot = { worker: Worker; jobs: Map<number, Job> };

const PER_WORKER = 2;

export type RenderPool = DocumentRenderer & { close(): Promise<void> };

/** A pool whose workers start on the first render: a server that never renders starts no threads. */
export function lazyRenderPool(size = availableParallelism()): RenderPool {
  let pool: RenderPool | undefined;
  return {
    render: (request) => (pool ??= openRenderPool(size)).render(request),
    close: async () => {
      await pool?.close();
    },
  };
}

export function openRenderPool(size = availableParallelism()): RenderPool {
  const waiting: Job[] = [];
  let nextId = 0;

  function dispatch(): void {
    for (const slot of slots) {
      while (slot.jobs.size < PER_WORKER && waiting.length > 0) {
        const job = waiting.shift()!;
        slot.jobs.set(job.id, job);
        slot.worker.postMessage({ id: job.id, request: job.request });
      }
    }
  }

  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => {
    const slot: Slot = { worker: new Worker(new URL('./render-worker.ts', import.meta.url)), jobs: new Map() };
    slot.worker.on('message', (message: { id: number; bytes?: Uint8Array; error?: string }) => {
      const job = slot.jobs.get(message.id);
      slot.jobs.delete(message.id);
      if (message.bytes) job?.resolve(message.bytes);
      else job?.reject(new Error(`rendering a document failed: ${message.error}`, { cause: { code: 'render-failed' } }));
      dispatch();
    });
    // A worker that dies takes its jobs with it; the pool goes on with the others, or fails what waits if none is left.
    slot.worker.on('error', (error) => {
      for (const job of slot.jobs.values()) job.reject(error);
      slot.jobs.clear();
      slots.splice(slots.indexOf(slot), 1);
      if (slots.length === 0) for (const job of waiting.splice(0)) job.reject(error);
    });
    return slot;
  });

  return {
    render(request: RenderRequest) {
      return new Promise<Uint8Array>((resolve, reject) => {
        waiting.push({ id: nextId++, request, resolve, reject });
        dispatch();
      });
    },
    async close() {
      for (const job of waiting.splice(0)) job.reject(new Error('the render pool was closed', { cause: { code: 'render-pool-closed' } }));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
