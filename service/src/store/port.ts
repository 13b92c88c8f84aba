/**
 * The Store port: everything the use cases persist, as domain-level methods. Every method
 * takes the orgId first; no query runs without it. PHI and TINs arrive here already sealed
 * (crypto/field-cipher.ts): an adapter never sees a patient name or a TIN in clear.
 *
 * Operations that must be atomic across records (closing a cycle, voiding an invoice,
 * creating a pay run) are single methods, so each adapter can make them atomic its own
 * way: one SQL transaction, or Firestore transactions plus a resumable `closing` marker.
 */
import type {
  Agency,
  BillRate,
  CreditNote,
  Cycle,
  Invoice,
  IsoDate,
  PayRate,
  PayStatement,
  Payment,
  Period,
  Therapist,
  Visit,
  W9,
} from '../../../shared/index.ts';
import type { TherapistPortalStore } from './therapist-port.ts';
import type { DirectoryMergeStore } from './directory-merge-port.ts';
import type { SubscriptionStore } from './subscription-port.ts';
import type { ReceivableEntry } from '../../../shared/receivables.ts';

/** Ciphertext from the field cipher: opaque to the store. */
export type Sealed = string;

export type SealedTin = { sealed: Sealed; last4: string; type: 'SSN' | 'EIN' };

export type OrgRecord = {
  id: string;
  settings: import('../../../shared/index.ts').OrgSettings;
  /** The payer's own TIN (EIN or SSN) for the 1099 export. */
  payerTin?: SealedTin;
  /** The 1099-NEC IRS files the owner marked as filed (each adapter keeps the org record whole). */
  necFilings?: import('../../../shared/nec-filing.ts').NecFiling[];
  createdAt: string;
  /** Who made it: the HTTP API (a signed-in owner) or the command line (its local org, the demo). Absent on orgs made before it was kept. */
  madeBy?: OrgMaker;
};

export type OrgMaker = 'api' | 'cli';

export type StoredW9 = Omit<W9, 'tin'> & { tin: SealedTin };
export type StoredTherapist = Omit<Therapist, 'w9'> & { w9?: StoredW9 };

export type StoredVisit = Omit<Visit, 'patient'> & {
  /** `{ name, mrn }` sealed: PHI. */
  patient: Sealed;
  /** Whether the patient has an MRN, so a close can check an agency's MRN rule without decrypting. */
  patientHasMrn: boolean;
  /** Keyed hash of the duplicate key (therapist, agency, patient, date, visit type): duplicates found without PHI. */
  dupKey: string;
  /** When the service first received the visit (ISO instant). */
  receivedAt: string;
  /** The invoice it is billed on; null while unbilled. Set only by a cycle close, cleared only by a void. */
  invoiceId: string | null;
  /** The pay run it is paid in; null while unpaid. */
  payRunId: string | null;
};

/** The invoiceId and payRunId of a visit billed and paid outside VisitLedger, before it was used (Store.markSettledOutside). */
export const SETTLED_OUTSIDE = 'settled-outside';

/**
 * What a close or a pay run reads of a visit: no PHI, nothing sealed. `seq`: the store's own
 * number for the visit, when it has one (SQLite); a commit given the seqs of the visits it
 * bills or pays marks them without looking 100,000 ids up again.
 */
export type BillingVisit = Pick<
  StoredVisit,
  'id' | 'agencyId' | 'therapistId' | 'date' | 'discipline' | 'visitType' | 'noteDone' | 'patientHasMrn'
> & { seq?: number };

/** A visit still waiting for its invoice or its pay run (or both), saying which it already has. */
export type UnsettledVisit = BillingVisit & { billed: boolean; paid: boolean };

export type VisitQuery = {
  agencyId?: string;
  therapistId?: string;
  billed?: boolean;
  paid?: boolean;
  dateFrom?: IsoDate;
  dateTo?: IsoDate;
};

/**
 * A page of a long list, in the list's order: up to `limit` rows after the row whose sort key
 * is `after` (the first rows when absent). Visits sort by (date, id), invoices by sequence,
 * payments by (paidOn, id).
 */
export type ListPage<K extends readonly (string | number)[]> = { limit: number; after?: K };
export type VisitSortKey = readonly [date: IsoDate, id: string];
export type InvoiceSortKey = readonly [sequence: number];
export type PaymentSortKey = readonly [paidOn: IsoDate, id: string];

export type CycleRecord = Cycle & {
  id: string;
  invoiceIds: string[];
  closedAt?: string;
};

export type StoredInvoice = Invoice & { cycleId: string };

/** An invoice ready to issue: everything but its number, which the store assigns without gaps. */
export type InvoiceToIssue = Omit<StoredInvoice, 'number' | 'sequence'>;

export type CloseCommit = {
  cycle: { id: string; scope: Cycle['scope']; period: Period };
  invoices: InvoiceToIssue[];
  closedAt: string;
  /** For each invoice, the seqs of the visits on its lines (BillingVisit.seq), when the store gave them; in any order. */
  visitSeqs?: readonly (readonly number[] | undefined)[];
};

export type CloseOutcome =
  | { status: 'closed'; cycle: CycleRecord; invoices: StoredInvoice[] }
  /** The cycle was already closed (by an earlier or a concurrent call): its invoices, unchanged. */
  | { status: 'already-closed'; cycle: CycleRecord; invoices: StoredInvoice[] }
  /** A visit of the plan was billed meanwhile by another close: recompute and try again. */
  | { status: 'conflict'; visitIds: string[] };

export const PAY_RUN_STATUSES = ['open', 'approved', 'paying', 'paid'] as const;
export type PayRunStatus = (typeof PAY_RUN_STATUSES)[number];

export type PayRunRecord = {
  id: string;
  period: Period;
  status: PayRunStatus;
  statements: PayStatement[];
  totalCents: number;
  createdAt: string;
  approvedAt?: string;
};

export type PayRunOutcome =
  | { status: 'created'; payRun: PayRunRecord }
  | { status: 'already-exists'; payRun: PayRunRecord }
  | { status: 'conflict'; visitIds: string[] };

export type PaymentQuery = { therapistId?: string; payRunId?: string; paidFrom?: IsoDate; paidTo?: IsoDate };

export type AuditEntry = {
  id: string;
  at: string;
  /** Who: a member's email, `api-key:<id>`, `cli`, `portal:<link id>` or `system`. Never PHI. */
  actor: string;
  /** `refuse`: an attempt turned away (a wrong portal passcode, a member's email from another Google account). */
  action: 'read' | 'create' | 'update' | 'delete' | 'void' | 'credit' | 'export' | 'download' | 'refuse';
  recordType:
    | 'visit'
    | 'agency'
    | 'invoice'
    | 'credit-note'
    | 'pay-run'
    | 'therapist'
    | 'org'
    | 'tax-year'
    | 'portal-link'
    | 'member'
    | 'api-key'
    | 'payment'
    | 'stripe-connection'
    | 'stripe-account'
    | 'bill-rate'
    | 'pay-rate'
    | 'receipt'
    | 'receivable';
  recordId: string;
  /** A short, PHI-free note ("12 visits", "close 2026-01"). */
  detail?: string;
};

export type UpsertVisitsOutcome = {
  /** Visits written (inserted or replaced). */
  written: string[];
  /** Visits not written because they were billed meanwhile: the caller reports them as locked. */
  locked: string[];
};

export interface Store extends SubscriptionStore, DirectoryMergeStore {
  readonly kind: 'sqlite' | 'firestore';
  close(): Promise<void>;

  insertOrg(org: OrgRecord): Promise<'created' | 'exists'>;
  getOrg(orgId: string): Promise<OrgRecord | null>;
  updateOrg(org: OrgRecord): Promise<void>;

  putAgencies(orgId: string, agencies: readonly Agency[]): Promise<void>;
  listAgencies(orgId: string): Promise<Agency[]>;
  putTherapists(orgId: string, therapists: readonly StoredTherapist[]): Promise<void>;
  listTherapists(orgId: string): Promise<StoredTherapist[]>;

  /** Upsert by (agency, discipline, visit type, effectiveFrom). */
  putBillRates(orgId: string, rates: readonly BillRate[]): Promise<void>;
  listBillRates(orgId: string): Promise<BillRate[]>;
  /** Upsert by (therapist, agency or none, discipline, visit type, effectiveFrom). */
  putPayRates(orgId: string, rates: readonly PayRate[]): Promise<void>;
  listPayRates(orgId: string): Promise<PayRate[]>;

  getVisitsByClientId(orgId: string, clientIds: readonly string[]): Promise<StoredVisit[]>;
  getVisits(orgId: string, ids: readonly string[]): Promise<StoredVisit[]>;
  /** The visits with these duplicate keys, as id and key only (a batch of 10,000 asks for all of its keys). */
  findVisitsByDupKey(orgId: string, dupKeys: readonly string[]): Promise<{ id: string; dupKey: string }[]>;
  /** Inserts or replaces by id; never replaces a visit that is billed (it comes back in `locked`). */
  upsertVisits(orgId: string, visits: readonly StoredVisit[]): Promise<UpsertVisitsOutcome>;
  listVisits(orgId: string, query: VisitQuery, page?: ListPage<VisitSortKey>): Promise<StoredVisit[]>;
  /** listVisits without the sealed and bookkeeping fields, for closes and pay runs of 100,000 visits. */
  listBillingVisits(orgId: string, query: VisitQuery): Promise<BillingVisit[]>;
  /** The visits dated on or before `dateTo` that are unbilled or unpaid: a month's close reads them once for its invoices and its pay runs. */
  listUnsettledVisits(orgId: string, dateTo: IsoDate): Promise<UnsettledVisit[]>;
  /**
   * Marks visits billed and paid before VisitLedger (an owner's history, imported): their
   * invoiceId and payRunId become SETTLED_OUTSIDE, so no close bills or pays them, and like
   * billed visits they no longer change. A visit VisitLedger has billed or paid is left as it
   * is; unknown ids are ignored.
   */
  markSettledOutside(orgId: string, visitIds: readonly string[]): Promise<void>;
  /**
   * Deletes visits entered by mistake (a row the owner deleted from the sheet), patient and
   * all, when they are neither billed nor paid. One billed or paid stays, in `locked`: an
   * invoice or a pay run shows it, and a void or a credit note is how it is corrected.
   * Unknown ids are ignored. A close that read a deleted visit finds it gone when it
   * commits (a conflict) and computes again.
   */
  withdrawVisits(orgId: string, visitIds: readonly string[]): Promise<{ withdrawn: string[]; locked: string[] }>;

  getCycle(orgId: string, cycleId: string): Promise<CycleRecord | null>;
  listCycles(orgId: string): Promise<CycleRecord[]>;
  /**
   * Issues a cycle's invoices atomically: numbers them after the org's last number without
   * gaps, marks their visits billed, and closes the cycle. Idempotent per cycle id.
   */
  commitClose(orgId: string, commit: CloseCommit): Promise<CloseOutcome>;
  /**
   * Several cycles' closes (a month's close), each with commitClose's guarantees; an adapter
   * may group them into one transaction: a conflict then writes none of them.
   */
  commitCloses(orgId: string, commits: readonly CloseCommit[]): Promise<CloseOutcome[]>;
  getInvoice(orgId: string, invoiceId: string): Promise<StoredInvoice | null>;
  listInvoices(orgId: string, query: { agencyId?: string; cycleId?: string }, page?: ListPage<InvoiceSortKey>): Promise<StoredInvoice[]>;
  /** Marks the invoice void and frees its visits to be billed again, atomically. */
  voidInvoice(orgId: string, invoiceId: string, voided: { on: IsoDate; reason: string }): Promise<StoredInvoice | null>;
  /** Adds a credit note; 'number-taken' when a concurrent note took its number (recompute and retry). */
  insertCreditNote(orgId: string, note: CreditNote): Promise<'created' | 'number-taken'>;
  listCreditNotes(orgId: string, invoiceId?: string): Promise<CreditNote[]>;

  /**
   * Creates a pay run and marks its visits paid in it, atomically. Idempotent per pay run id.
   * `visitSeqs`: the seqs of the visits on its lines (BillingVisit.seq), when the store gave them.
   */
  commitPayRun(orgId: string, payRun: PayRunRecord, visitSeqs?: readonly number[]): Promise<PayRunOutcome>;
  getPayRun(orgId: string, payRunId: string): Promise<PayRunRecord | null>;
  listPayRuns(orgId: string): Promise<PayRunRecord[]>;
  /** Compare-and-set on status: false when the pay run's status was not `from`. */
  setPayRunStatus(orgId: string, payRunId: string, from: PayRunStatus, to: PayRunStatus, at: string): Promise<boolean>;

  /** Inserts a payment; 'exists' (and nothing written) when its id is taken. */
  insertPayment(orgId: string, payment: Payment): Promise<'created' | 'exists'>;
  getPayment(orgId: string, paymentId: string): Promise<Payment | null>;
  /** Compare-and-set on status. */
  updatePayment(orgId: string, payment: Payment, expectedStatus: Payment['status']): Promise<boolean>;
  listPayments(orgId: string, query: PaymentQuery, page?: ListPage<PaymentSortKey>): Promise<Payment[]>;

  /**
   * Appends entries to one agency's receivables ledger (a receipt with its applications, a
   * reversal...) atomically: all or none. Each entry's seq must be free in its agency's
   * ledger: 'conflict', and nothing written, when another write took one (read the ledger
   * again and recompute). At most MAX_ENTRIES_PER_WRITE entries.
   */
  appendReceivables(orgId: string, entries: readonly ReceivableEntry[]): Promise<'created' | 'conflict'>;
  /** The receivables ledger of one agency or all, by agency then seq. */
  listReceivables(orgId: string, agencyId?: string): Promise<ReceivableEntry[]>;

  /** Append-only. */
  appendAudit(orgId: string, entries: readonly AuditEntry[]): Promise<void>;
  listAudit(orgId: string, query: { recordId?: string; limit?: number }): Promise<AuditEntry[]>;
}

/** What an issued document is: the record it prints is `recordId` (an invoice, credit note or pay run; a therapist for a 1099-NEC Copy B posted to them). */
export const DOCUMENT_KINDS = ['invoice', 'void-notice', 'credit-note', 'pay-statement', 'nec-copy-b'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type StoredDocument = {
  id: string;
  kind: DocumentKind;
  recordId: string;
  /** Hex SHA-256 of `bytes`, taken when it was rendered: a read checks it. */
  sha256: string;
  bytes: Uint8Array;
  createdAt: string;
};

/**
 * Issued documents (PDFs), kept byte for byte: rendered once, served the same afterwards.
 * A document is never replaced; every method takes the orgId.
 */
export interface DocumentStore {
  /** Stores the document unless its id is taken; either way answers the stored one (the first put wins). */
  putDocument(orgId: string, document: StoredDocument): Promise<StoredDocument>;
  getDocument(orgId: string, id: string): Promise<StoredDocument | null>;
}

/** Who may act for an org: Google accounts (members) and automation keys. */
export const MEMBER_ROLES = ['owner', 'staff'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type MemberRecord = {
  email: string;
  role: MemberRole;
  addedAt: string;
  /** The Google account's stable id (the ID token's `sub`), recorded at the member's first sign-in: an email can move to another account, a sub never does. */
  sub?: string;
};

export type ApiKeyRecord = {
  id: string;
  label: string;
  role: MemberRole;
  /** SHA-256 of the secret part: the key itself is shown once and never stored. */
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
  /** The member who made it (their email), whose removal revokes it; `cli` or absent (keys made before it was kept) for none. */
  createdBy?: string;
};

/** Identity data, apart from the billing data of `Store`; every method still takes the orgId. */
export interface IdentityStore {
  /** Adds or changes a member (emails are stored lower-case). */
  putMember(orgId: string, member: MemberRecord): Promise<void>;
  getMember(orgId: string, email: string): Promise<MemberRecord | null>;
  listMembers(orgId: string): Promise<MemberRecord[]>;
  removeMember(orgId: string, email: string): Promise<boolean>;
  insertApiKey(orgId: string, key: ApiKeyRecord): Promise<void>;
  getApiKey(orgId: string, keyId: string): Promise<ApiKeyRecord | null>;
  listApiKeys(orgId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(orgId: string, keyId: string, at: string): Promise<boolean>;
}

/** A link an agency opens its invoices with. The token itself is shown once and never stored. */
export type PortalLinkRecord = {
  id: string;
  agencyId: string;
  /** Hex SHA-256 of the link's 256-bit token: the only way to find the link from a request. */
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  /** scrypt of the agency's passcode (`scrypt$<salt hex>$<hash hex>`), when the link asks for one. */
  passcodeHash?: string;
  /** Wrong passcodes given in the window that began at `since`. */
  passcodeFailures?: { count: number; since: string };
  /** Until then the link refuses every passcode, right or wrong. */
  passcodeLockedUntil?: string;
};

/** The first time a link opened an invoice. */
export type PortalView = { linkId: string; invoiceId: string; at: string };

/**
 * Portal links and what they opened, and the therapists' own links and pages (therapist-port.ts).
 * Every method takes the orgId but one: a request brings only its token, so
 * `findPortalLinkByTokenHash` looks across orgs by the token's hash (a 256-bit secret's hash is
 * itself unguessable) and answers whose link it is.
 */
export interface PortalStore extends TherapistPortalStore {
  insertPortalLink(orgId: string, link: PortalLinkRecord): Promise<void>;
  getPortalLink(orgId: string, linkId: string): Promise<PortalLinkRecord | null>;
  listPortalLinks(orgId: string, agencyId?: string): Promise<PortalLinkRecord[]>;
  /** False when the link is unknown or already revoked. */
  revokePortalLink(orgId: string, linkId: string, at: string): Promise<boolean>;
  /**
   * Replaces the link with `change(link)`, atomically (read and write in one transaction;
   * `change` may run more than once, so it must only compute); its id, agency and token hash
   * stay. Answers what was written, or null when the link is unknown or `change` answers null
   * (nothing written).
   */
  updatePortalLink(
    orgId: string,
    linkId: string,
    change: (link: PortalLinkRecord) => PortalLinkRecord | null,
  ): Promise<PortalLinkRecord | null>;
  findPortalLinkByTokenHash(tokenHash: string): Promise<{ orgId: string; link: PortalLinkRecord } | null>;
  /** Keeps the first view of an invoice per link; later ones change nothing. */
  markPortalInvoiceViewed(orgId: string, view: PortalView): Promise<void>;
  /** Views of invoices through these links, first views only. */
  listPortalViews(orgId: string, linkIds: readonly string[]): Promise<PortalView[]>;
}

/** A visit's sealed patient and duplicate key, sealed again under the current keys. */
export type VisitResealing = { id: string; patient: Sealed; dupKey: string };

/**
 * How far key maintenance has got: when the documents stored before sealing were sealed, and
 * the last `visitledger keys rotate`: the keys it rotates to and the steps (`<orgId>:<step>`)
 * it has finished under them, so a rerun continues where a crash stopped it.
 */
export type KeyMaintenanceRecord = {
  legacyDocumentsSealedAt?: string;
  rotation?: { fieldKeyId: string; indexKeyId: string; startedAt: string; done: string[]; finishedAt?: string };
};

/**
 * What sealing and rotating keys needs beyond the ordinary methods: the use case seals, the
 * store only writes what it is given. `listOrgIds` and the maintenance record span orgs (a
 * rotation covers the whole store); every other method takes the orgId.
 */
export interface KeyMaintenanceStore {
  listOrgIds(): Promise<string[]>;
  getKeyMaintenance(): Promise<KeyMaintenanceRecord | null>;
  putKeyMaintenance(record: KeyMaintenanceRecord): Promise<void>;
  /** Replaces only the sealed patient and the duplicate key of each visit, billed or not; unknown ids are ignored. */
  resealVisits(orgId: string, visits: readonly VisitResealing[]): Promise<void>;
  listDocumentIds(orgId: string): Promise<string[]>;
  /** Replaces a document's stored bytes with the same content sealed again (its id, kind, hash and date stay). */
  resealDocument(orgId: string, id: string, bytes: Uint8Array): Promise<void>;
}
