/** A worker thread of the render pool: renders each request it is sent and answers with the bytes (transferred, not copied). */
import { parentPort } from 'node:worker_threads';
import { renderDocument } from './render.ts';
import type { RenderRequest } from './renderer-port.ts';

parentPort!.on('message', async (message: { id: number; request: RenderRequest }) => {
  try {
    const bytes = await renderDocument(message.request);
    parentPort!.postMessage({ id: message.id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
