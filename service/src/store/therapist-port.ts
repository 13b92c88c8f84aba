/**
 * What the therapists' own pages keep: their links (as the agencies' portal links: the token's
 * SHA-256 only), every W-9 they signed electronically (the newest is also the therapist's
 * `w9`), their consents to electronic 1099-NEC copies, the Copy B PDFs posted for them, and
 * the notices the add-on sends them. Every method takes the orgId but the token lookup.
 */
import type { StoredW9 } from './port.ts';

export type TherapistLinkRecord = {
  id: string;
  therapistId: string;
  /** Hex SHA-256 of the link's 256-bit token. */
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
};

/** A W-9 as signed on the therapist's page: the form's fields, the certification and where it came from. */
export type W9Submission = {
  id: string;
  therapistId: string;
  /** The form's fields, the TIN sealed (the therapist's `w9` becomes the same). */
  w9: StoredW9;
  /** Line 4: exempt payee code and exemption from FATCA reporting code, when given. */
  exemptPayeeCode?: string;
  fatcaCode?: string;
  /** Item 2 of the certification crossed out: the IRS told them they are subject to backup withholding. */
  item2CrossedOut: boolean;
  /** The full name typed as the signature. */
  signature: string;
  signedAt: string;
  /** The client address the form came from. */
  signedFrom: string;
  /** The revision of Form W-9 whose certification was shown ("March 2024"). */
  formRevision: string;
  /** The verified email of the Google account signed in when it was signed (the one on file). */
  signedInEmail: string;
};

export type EDeliveryConsent = {
  id: string;
  therapistId: string;
  givenAt: string;
  /** The disclosure text's version that was shown. */
  disclosureVersion: string;
  givenFrom: string;
  withdrawnAt?: string;
};

/** A Copy B put on the therapist's page; its PDF is the issued document `documentId`, kept byte for byte. */
export type PostedCopyB = {
  id: string;
  therapistId: string;
  year: number;
  fileName: string;
  documentId: string;
  sha256: string;
  postedAt: string;
  /** The last day it stays on the page: October 15 of the following year. */
  availableThrough: string;
  corrected: boolean;
};

/** A notice for the add-on to email: what kind only (no amount, no TIN), and to whom. */
export type TherapistNotification = {
  id: string;
  therapistId: string;
  kind: 'copy-b-ready';
  year: number;
  createdAt: string;
  sentAt?: string;
};

export interface TherapistPortalStore {
  insertTherapistLink(orgId: string, link: TherapistLinkRecord): Promise<void>;
  getTherapistLink(orgId: string, linkId: string): Promise<TherapistLinkRecord | null>;
  listTherapistLinks(orgId: string, therapistId?: string): Promise<TherapistLinkRecord[]>;
  /** False when the link is unknown or already revoked. */
  revokeTherapistLink(orgId: string, linkId: string, at: string): Promise<boolean>;
  findTherapistLinkByTokenHash(tokenHash: string): Promise<{ orgId: string; link: TherapistLinkRecord } | null>;

  /** Append-only: a new W-9 never replaces the record of an older one. */
  insertW9Submission(orgId: string, submission: W9Submission): Promise<void>;
  listW9Submissions(orgId: string, therapistId: string): Promise<W9Submission[]>;

  insertConsent(orgId: string, consent: EDeliveryConsent): Promise<void>;
  /** False when the consent is unknown or already withdrawn. */
  withdrawConsent(orgId: string, consentId: string, at: string): Promise<boolean>;
  /** Oldest first; without a therapist, every therapist's. */
  listConsents(orgId: string, therapistId?: string): Promise<EDeliveryConsent[]>;

  insertPostedCopyB(orgId: string, copy: PostedCopyB): Promise<void>;
  /** Newest first; without a therapist, every therapist's. */
  listPostedCopyB(orgId: string, query: { therapistId?: string; year?: number }): Promise<PostedCopyB[]>;
  getPostedCopyB(orgId: string, id: string): Promise<PostedCopyB | null>;

  insertNotification(orgId: string, notification: TherapistNotification): Promise<void>;
  /** Oldest first. */
  listNotifications(orgId: string, query: { unsent?: boolean }): Promise<TherapistNotification[]>;
  markNotificationSent(orgId: string, id: string, at: string): Promise<boolean>;
}
