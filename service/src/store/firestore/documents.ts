/**
 * Turning records into Firestore documents and back, within Firestore's limits: a document
 * holds at most 1 MiB, a commit (batch or transaction) at most 500 writes and 10 MiB.
 */
import {
  GrpcStatus,
  type DocumentData,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type ReadOptions,
  type UpdateData,
} from 'firebase-admin/firestore';
import { chunkRef } from './paths.ts';

/** Firestore's hard limit per commit; WRITES_PER_COMMIT leaves room for a step's own bookkeeping. */
export const MAX_WRITES_PER_COMMIT = 500;
export const WRITES_PER_COMMIT = 450;
/**
 * Well under the 10 MiB request limit, measured with `documentSize`, and under the 4 MiB
 * message the emulator takes: it never answers a larger commit (its gRPC server refuses it and
 * the client keeps retrying), so a pay run of 20,000 lines hung there.
 */
export const BYTES_PER_COMMIT = 3 * 1024 * 1024;
/** Well under the 1 MiB document limit. */
export const MAX_DOCUMENT_BYTES = 900 * 1024;
/** A chunk doc holds at most this many entries (invoice lines) and this many bytes. */
export const ENTRIES_PER_CHUNK = 1000;
export const BYTES_PER_CHUNK = 512 * 1024;

/** A record as plain JSON data: Firestore rejects `undefined`, JSON drops it. */
export function toData<T>(record: T): DocumentData {
  return JSON.parse(JSON.stringify(record)) as DocumentData;
}

/** Fields starting with '_' are the adapter's own bookkeeping, never part of a record. */
export function fromData<T>(data: DocumentData): T {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_'))) as T;
}

/** create() fails with ALREADY_EXISTS when the id is taken: exactly "insert once". True when this call created it. */
export async function createOnce(ref: DocumentReference, data: DocumentData): Promise<boolean> {
  try {
    await ref.create(data);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === GrpcStatus.ALREADY_EXISTS) return false;
    throw error;
  }
}

export function recordOf<T>(snapshot: DocumentSnapshot): T | null {
  const data = snapshot.data();
  return data ? fromData<T>(data) : null;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The storage size of a value as Firestore counts it (cloud.google.com/firestore/docs/storage-size). */
export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return utf8(value) + 1;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + valueSize(v), 0);
  if (typeof value === 'object') {
    return Object.entries(value).reduce((sum, [k, v]) => sum + utf8(k) + 1 + valueSize(v), 0);
  }
  return 8;
}

export function documentSize(ref: DocumentReference, data: DocumentData): number {
  const nameSize = ref.path.split('/').reduce((sum, segment) => sum + utf8(segment) + 1, 16);
  return nameSize + valueSize(data) + 32;
}

/** Throws before Firestore would, with a message that says which record did not fit. */
export function assertFits(ref: DocumentReference, data: DocumentData, what: string): void {
  const size = documentSize(ref, data);
  if (size > MAX_DOCUMENT_BYTES)
    throw new Error(`${what} needs ${size} bytes, more than one Firestore document holds (${MAX_DOCUMENT_BYTES})`);
}

/** Splits entries into chunks of at most ENTRIES_PER_CHUNK entries and BYTES_PER_CHUNK bytes. */
export function chunkEntries(entries: readonly DocumentData[]): DocumentData[][] {
  const chunks: DocumentData[][] = [];
  let current: DocumentData[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = valueSize(entry);
    if (size > BYTES_PER_CHUNK) throw new Error(`an entry of ${size} bytes does not fit a chunk document`);
    if (current.length === ENTRIES_PER_CHUNK || bytes + size > BYTES_PER_CHUNK) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The writes that store a header doc and its entries in chunk docs under it. */
export function chunkedWrites(ref: DocumentReference, header: DocumentData | null, chunks: readonly DocumentData[][]): Write[] {
  const writes: Write[] = chunks.map((entries, n) => ({ op: 'set', ref: chunkRef(ref, n), data: { n, entries } }));
  if (header) writes.unshift({ op: 'set', ref, data: { ...header, _chunks: chunks.length } });
  return writes;
}

export type ChunkedDoc = { ref: DocumentReference; header: DocumentData; entries: DocumentData[] };

/** Reads header docs and all their chunk docs; missing headers are left out. */
export async function readChunked(db: Firestore, refs: readonly DocumentReference[]): Promise<ChunkedDoc[]> {
  return readChunks(db, await getMany(db, refs));
}

/** Reads the chunk docs of headers already read; missing headers are left out. */
export async function readChunks(db: Firestore, headers: readonly DocumentSnapshot[]): Promise<ChunkedDoc[]> {
  const present = headers.filter((h) => h.exists);
  const chunkCount = (h: DocumentSnapshot) => Number(h.get('_chunks') ?? 0);
  const chunkRefs = present.flatMap((h) => range(chunkCount(h)).map((n) => chunkRef(h.ref, n)));
  const chunks = new Map((await getMany(db, chunkRefs)).map((s) => [s.ref.path, s]));
  return present.map((h) => {
    const entries = range(chunkCount(h)).flatMap((n) => {
      const chunk = chunks.get(chunkRef(h.ref, n).path);
      if (!chunk?.exists) throw new Error(`${h.ref.path}: chunk ${n} is missing`);
      return chunk.get('entries') as DocumentData[];
    });
    return { ref: h.ref, header: h.data() as DocumentData, entries };
  });
}

/** getAll in slices, a few at a time, keeping the order of `refs`; `options` may name the only fields to read. */
export async function getMany(db: Firestore, refs: readonly DocumentReference[], options?: ReadOptions): Promise<DocumentSnapshot[]> {
  const slices = await mapLimit(slicesOf(refs, 300), 8, (slice) => (options ? db.getAll(...slice, options) : db.getAll(...slice)));
  return slices.flat();
}

export type Write =
  | { op: 'set' | 'create'; ref: DocumentReference; data: DocumentData }
  /** A set that keeps the fields it does not name, and creates the doc when missing (for arrayUnion and arrayRemove). */
  | { op: 'merge'; ref: DocumentReference; data: DocumentData }
  | { op: 'update'; ref: DocumentReference; data: UpdateData<DocumentData> }
  | { op: 'delete'; ref: DocumentReference };

/** What both a Transaction and a WriteBatch can do. */
export type WriteTarget = {
  set(ref: DocumentReference, data: DocumentData, options?: { merge: true }): unknown;
  create(ref: DocumentReference, data: DocumentData): unknown;
  update(ref: DocumentReference, data: UpdateData<DocumentData>): unknown;
  delete(ref: DocumentReference): unknown;
};

export function applyWrite(target: WriteTarget, write: Write): void {
  switch (write.op) {
    case 'set':
      target.set(write.ref, write.data);
      break;
    case 'merge':
      target.set(write.ref, write.data, { merge: true });
      break;
    case 'create':
      target.create(write.ref, write.data);
      break;
    case 'update':
      target.update(write.ref, write.data);
      break;
    case 'delete':
      target.delete(write.ref);
      break;
  }
}

/** Splits writes into commits of at most `maxWrites` writes and BYTES_PER_COMMIT bytes. */
export function groupWrites(writes: readonly Write[], maxWrites = WRITES_PER_COMMIT): Write[][] {
  const groups: Write[][] = [];
  let current: Write[] = [];
  let bytes = 0;
  for (const write of writes) {
    const size = write.op === 'delete' ? 0 : documentSize(write.ref, write.data as DocumentData);
    if (current.length === maxWrites || (current.length > 0 && bytes + size > BYTES_PER_COMMIT)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(write);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Plain batched writes for idempotent data (upserts of inputs, staged plans): not atomic across groups. */
export async function commitInBatches(db: Firestore, writes: readonly Write[]): Promise<void> {
  await mapLimit(groupWrites(writes), 4, async (group) => {
    const batch = db.batch();
    for (const write of group) applyWrite(batch, write);
    await batch.commit();
  });
}

export function slicesOf<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  return slices;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Maps with at most `limit` calls in flight, keeping the order of results. After a failure
 * it starts nothing new, lets the calls in flight settle, and throws the first error.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  async function worker(): Promise<void> {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}

export const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
