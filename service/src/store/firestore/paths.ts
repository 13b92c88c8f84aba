/**
 * Where everything lives in Firestore. Each org is one document, `orgs/{orgId}`, and all of
 * its data sits in subcollections under it, so no path can reach another org's records.
 */
import { createHash } from 'node:crypto';
import type { CollectionReference, DocumentReference, Firestore } from 'firebase-admin/firestore';

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * A document id made of natural key parts. '/' is not allowed in an id and '|' joins the
 * parts, so both are escaped as %XX (and '%' itself, which keeps the mapping one to one);
 * ids '.', '..' and '__x__' are reserved by Firestore, so a leading '.' or '_' is escaped too.
 */
export function docId(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/[%/|]/g, hex))
    .join('|')
    .replace(/^[._]/, hex);
}

/**
 * A document id that spreads evenly whatever the value looks like: client ids come from the
 * sheet and may count up (row-1, row-2, ...), and Firestore writes ids in sequence to one hot spot.
 */
const hashedId = (value: string) => createHash('sha256').update(value).digest('hex');

/** Chunk docs are numbered so a reader can address all of them from the header's count. */
export const chunkId = (index: number) => String(index).padStart(4, '0');

/** The chunk docs that hold a header doc's lines (or other entries). */
export const chunkCollection = (header: DocumentReference): CollectionReference => header.collection('lineChunks');

export const chunkRef = (header: DocumentReference, index: number): DocumentReference => chunkCollection(header).doc(chunkId(index));

export type OrgPaths = {
  org: DocumentReference;
  agencies: CollectionReference;
  therapists: CollectionReference;
  billRates: CollectionReference;
  payRates: CollectionReference;
  visits: CollectionReference;
  cycles: CollectionReference;
  invoices: CollectionReference;
  creditNotes: CollectionReference;
  payRuns: CollectionReference;
  payments: CollectionReference;
  audit: CollectionReference;
  counters: CollectionReference;
  /** Plans of closes and pay runs staged before they reserve anything (see operation.ts). */
  plans: CollectionReference;
  /** A visit's id by its client id, one doc per client id, named by the id's hash (visits.ts keeps it). */
  visitClients: CollectionReference;
  /** The ids of the visits with a duplicate key, one doc per key (visits.ts keeps it). */
  visitDupKeys: CollectionReference;
  visit(id: string): DocumentReference;
  visitClient(clientId: string): DocumentReference;
  visitDupKey(dupKey: string): DocumentReference;
  /** Present once the org's visit lookups (visitClients, visitDupKeys) hold every visit. */
  visitLookups: DocumentReference;
  cycle(id: string): DocumentReference;
  invoice(id: string): DocumentReference;
  payRun(id: string): DocumentReference;
  payment(id: string): DocumentReference;
  /** The invoice counter, which is also the lock that lets one close of the org run at a time. */
  invoiceCounter: DocumentReference;
  /** The lock that lets one pay run of the org be created at a time. */
  payRunLock: DocumentReference;
};

export function orgPaths(db: Firestore, orgId: string): OrgPaths {
  const org = db.collection('orgs').doc(docId(orgId));
  const sub = (name: string) => org.collection(name);
  const paths = {
    org,
    agencies: sub('agencies'),
    therapists: sub('therapists'),
    billRates: sub('billRates'),
    payRates: sub('payRates'),
    visits: sub('visits'),
    cycles: sub('cycles'),
    invoices: sub('invoices'),
    creditNotes: sub('creditNotes'),
    payRuns: sub('payRuns'),
    payments: sub('payments'),
    audit: sub('audit'),
    counters: sub('counters'),
    plans: sub('plans'),
    visitClients: sub('visitClients'),
    visitDupKeys: sub('visitDupKeys'),
  };
  return {
    ...paths,
    visit: (id) => paths.visits.doc(docId(id)),
    visitClient: (clientId) => paths.visitClients.doc(hashedId(clientId)),
    visitDupKey: (dupKey) => paths.visitDupKeys.doc(docId(dupKey)),
    visitLookups: paths.counters.doc('visitLookups'),
    cycle: (id) => paths.cycles.doc(docId(id)),
    invoice: (id) => paths.invoices.doc(docId(id)),
    payRun: (id) => paths.payRuns.doc(docId(id)),
    payment: (id) => paths.payments.doc(docId(id)),
    invoiceCounter: paths.counters.doc('invoice'),
    payRunLock: paths.counters.doc('payRun'),
  };
}
