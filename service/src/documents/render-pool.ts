/**
 * Renders on worker threads, one per core by default: pdfmake is CPU-bound and single
 * threaded, so a close's 550 documents only use both cores this way. Requests go to the
 * worker with the fewest in flight.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentRenderer, RenderRequest } from './render.ts';

type Pending = { resolve(bytes: Uint8Array): void; reject(error: Error): void };
type Slot = { worker: Worker; inFlight: number };

export type RenderPool = DocumentRenderer & { close(): Promise<void> };

export function openRenderPool(size = availableParallelism()): RenderPool {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => {
    const slot: Slot = { worker: new Worker(new URL('./render-worker.ts', import.meta.url)), inFlight: 0 };
    slot.worker.on('message', (message: { id: number; bytes?: Uint8Array; error?: string }) => {
      slot.inFlight -= 1;
      const p = pending.get(message.id);
      pending.delete(message.id);
      if (message.bytes) p?.resolve(message.bytes);
      else p?.reject(new Error(`rendering a document failed: ${message.error}`, { cause: { code: 'render-failed' } }));
    });
    slot.worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    return slot;
  });
  return {
    render(request: RenderRequest) {
      const slot = slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      const id = nextId++;
      slot.inFlight += 1;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, request });
      });
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
