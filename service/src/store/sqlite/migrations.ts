/**
 * Versioned schema migrations for the SQLite store. Append a new entry to change the
 * schema; never edit one that has shipped. Each runs once, in its own transaction.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE orgs (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE agencies (org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE therapists (org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE bill_rates (
        org_id TEXT NOT NULL, agency_id TEXT NOT NULL, discipline TEXT NOT NULL, visit_type TEXT NOT NULL,
        effective_from TEXT NOT NULL, cents INTEGER NOT NULL,
        PRIMARY KEY (org_id, agency_id, discipline, visit_type, effective_from));
      CREATE TABLE pay_rates (
        org_id TEXT NOT NULL, therapist_id TEXT NOT NULL, agency_id TEXT NOT NULL, discipline TEXT NOT NULL,
        visit_type TEXT NOT NULL, effective_from TEXT NOT NULL, cents INTEGER NOT NULL,
        PRIMARY KEY (org_id, therapist_id, agency_id, discipline, visit_type, effective_from));
      CREATE TABLE visits (
        org_id TEXT NOT NULL, id TEXT NOT NULL, client_id TEXT NOT NULL, agency_id TEXT NOT NULL,
        therapist_id TEXT NOT NULL, date TEXT NOT NULL, discipline TEXT NOT NULL, visit_type TEXT NOT NULL,
        note_done INTEGER NOT NULL, patient TEXT NOT NULL, patient_has_mrn INTEGER NOT NULL, dup_key TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (org_id, id), UNIQUE (org_id, client_id));
      CREATE INDEX visits_agency_date ON visits (org_id, agency_id, date);
      CREATE INDEX visits_date ON visits (org_id, date);
      CREATE INDEX visits_dup ON visits (org_id, dup_key);
      -- Which invoice a visit is billed on and which pay run pays it: narrow tables of their
      -- own, so a close inserts small rows instead of rewriting every wide visit row.
      CREATE TABLE visit_invoice (org_id TEXT NOT NULL, visit_id TEXT NOT NULL, invoice_id TEXT NOT NULL, PRIMARY KEY (org_id, visit_id)) WITHOUT ROWID;
      CREATE INDEX visit_invoice_by_invoice ON visit_invoice (org_id, invoice_id);
      CREATE TABLE visit_pay_run (org_id TEXT NOT NULL, visit_id TEXT NOT NULL, pay_run_id TEXT NOT NULL, PRIMARY KEY (org_id, visit_id)) WITHOUT ROWID;
      CREATE TABLE cycles (org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE counters (org_id TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (org_id, name));
      CREATE TABLE invoices (
        org_id TEXT NOT NULL, id TEXT NOT NULL, sequence INTEGER NOT NULL, cycle_id TEXT NOT NULL,
        agency_id TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, id), UNIQUE (org_id, sequence));
      CREATE INDEX invoices_agency ON invoices (org_id, agency_id);
      CREATE INDEX invoices_cycle ON invoices (org_id, cycle_id);
      CREATE TABLE credit_notes (
        org_id TEXT NOT NULL, id TEXT NOT NULL, invoice_id TEXT NOT NULL, number TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, id), UNIQUE (org_id, number));
      CREATE TABLE pay_runs (org_id TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE payments (
        org_id TEXT NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, pay_run_id TEXT, paid_on TEXT NOT NULL,
        status TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE INDEX payments_paid_on ON payments (org_id, paid_on);
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, id TEXT NOT NULL, at TEXT NOT NULL,
        actor TEXT NOT NULL, action TEXT NOT NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL, detail TEXT);
      CREATE INDEX audit_record ON audit (org_id, record_id);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'members and API keys',
    sql: `
      CREATE TABLE members (org_id TEXT NOT NULL, email TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, email));
      CREATE TABLE api_keys (org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
    `,
  },
  {
    version: 3,
    name: 'issued documents',
    sql: `
      CREATE TABLE documents (
        org_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, record_id TEXT NOT NULL, sha256 TEXT NOT NULL,
        bytes BLOB NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (org_id, id));
      -- An issued document is immutable, even for SQL run by hand.
      CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END;
      CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END;
    `,
  },
  {
    version: 4,
    name: 'portal links',
    sql: `
      CREATE TABLE portal_links (
        org_id TEXT NOT NULL, id TEXT NOT NULL, agency_id TEXT NOT NULL, token_hash TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, id));
      -- A request brings only its token: its hash finds the link across orgs.
      CREATE UNIQUE INDEX portal_links_token ON portal_links (token_hash);
      CREATE TABLE portal_views (
        org_id TEXT NOT NULL, link_id TEXT NOT NULL, invoice_id TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (org_id, link_id, invoice_id));
    `,
  },
  {
    version: 5,
    name: 'stripe payouts',
    sql: `
      CREATE TABLE stripe_connections (org_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE stripe_accounts (
        org_id TEXT NOT NULL, therapist_id TEXT NOT NULL, account_id TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, therapist_id));
      -- A webhook names the account, not the therapist.
      CREATE INDEX stripe_accounts_by_account ON stripe_accounts (org_id, account_id);
      CREATE TABLE stripe_transfers (
        org_id TEXT NOT NULL, payment_id TEXT NOT NULL, pay_run_id TEXT NOT NULL, account_id TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, payment_id));
      CREATE INDEX stripe_transfers_by_account ON stripe_transfers (org_id, account_id);
      CREATE TABLE stripe_events (org_id TEXT NOT NULL, event_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (org_id, event_id));
    `,
  },
  {
    version: 6,
    name: 'indexes for closes',
    sql: `
      -- Everything a close reads of a visit, so its read of 100,000 visits walks this narrow
      -- index instead of the wide rows (sealed patient, dup key). It starts with (org_id, date),
      -- so it also serves every query visits_date did, and replaces it.
      CREATE INDEX visits_close ON visits (org_id, date, id, agency_id, therapist_id, discipline, visit_type, note_done, patient_has_mrn);
      DROP INDEX visits_date;
      -- Voiding an invoice unmarks its visits by their ids (the invoice lists them), so the
      -- marks need no second b-tree by invoice, which a close filled with 100,000 entries.
      DROP INDEX visit_invoice_by_invoice;
    `,
  },
  {
    version: 7,
    name: 'visit sequence numbers and one marks table',
    sql: `
      -- Each visit gets a sequence number of its own (AUTOINCREMENT: never reused, so a number
      -- read once names the same visit for good, even after a VACUUM), and the marks "billed
      -- on" and "paid in" move into one narrow table keyed by it. A close then marks 100,000
      -- visits by appending integers to the end of a b-tree instead of inserting text keys all
      -- over two of them, and reads the marks with one integer lookup per visit instead of two.
      CREATE TABLE visits_v7 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id TEXT NOT NULL, id TEXT NOT NULL, client_id TEXT NOT NULL, agency_id TEXT NOT NULL,
        therapist_id TEXT NOT NULL, date TEXT NOT NULL, discipline TEXT NOT NULL, visit_type TEXT NOT NULL,
        note_done INTEGER NOT NULL, patient TEXT NOT NULL, patient_has_mrn INTEGER NOT NULL, dup_key TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (org_id, id), UNIQUE (org_id, client_id));
      INSERT INTO visits_v7 (seq, org_id, id, client_id, agency_id, therapist_id, date, discipline, visit_type, note_done, patient, patient_has_mrn, dup_key, received_at)
        SELECT rowid, org_id, id, client_id, agency_id, therapist_id, date, discipline, visit_type, note_done, patient, patient_has_mrn, dup_key, received_at
        FROM visits ORDER BY rowid;
      CREATE TABLE visit_marks (visit_seq INTEGER PRIMARY KEY, invoice_id TEXT, pay_run_id TEXT);
      INSERT INTO visit_marks (visit_seq, invoice_id, pay_run_id)
        SELECT v.seq, b.invoice_id, p.pay_run_id FROM visits_v7 v
        LEFT JOIN visit_invoice b ON b.org_id = v.org_id AND b.visit_id = v.id
        LEFT JOIN visit_pay_run p ON p.org_id = v.org_id AND p.visit_id = v.id
        WHERE b.invoice_id IS NOT NULL OR p.pay_run_id IS NOT NULL
        ORDER BY v.seq;
      DROP TABLE visit_invoice;
      DROP TABLE visit_pay_run;
      DROP TABLE visits;
      ALTER TABLE visits_v7 RENAME TO visits;
      CREATE INDEX visits_agency_date ON visits (org_id, agency_id, date);
      CREATE INDEX visits_dup ON visits (org_id, dup_key);
      -- As in version 6; an index holds the row's seq, so a close reads it from here too.
      CREATE INDEX visits_close ON visits (org_id, date, id, agency_id, therapist_id, discipline, visit_type, note_done, patient_has_mrn);
    `,
  },
  {
    version: 8,
    name: 'marks as integers',
    sql: `
      -- A mark names its invoice by the invoice's number in its org (sequence) and its pay run
      -- by the pay run's own seq, not by their text ids: 100,000 marks then take a fifth of the
      -- pages, and a close's two commits write that much less. 0 in both is "settled outside
      -- VisitLedger" (both numbers start at 1). The pay runs get a seq that never changes
      -- (AUTOINCREMENT, like the visits', so a VACUUM keeps it).
      CREATE TABLE pay_runs_v8 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL,
        UNIQUE (org_id, id));
      INSERT INTO pay_runs_v8 (org_id, id, status, doc) SELECT org_id, id, status, doc FROM pay_runs ORDER BY rowid;
      DROP TABLE pay_runs;
      ALTER TABLE pay_runs_v8 RENAME TO pay_runs;
      -- Every mark must find its invoice and pay run: one that did not would leave its visit
      -- unbilled or unpaid, to be billed or paid again. The CHECK fails the migration instead.
      CREATE TEMP TABLE marks_v8 (
        visit_seq INTEGER PRIMARY KEY, invoice_id TEXT, invoice_seq INTEGER, pay_run_id TEXT, pay_run_seq INTEGER,
        CHECK ((invoice_id IS NULL) = (invoice_seq IS NULL) AND (pay_run_id IS NULL) = (pay_run_seq IS NULL)));
      INSERT INTO marks_v8 (visit_seq, invoice_id, invoice_seq, pay_run_id, pay_run_seq)
        SELECT m.visit_seq, m.invoice_id, CASE m.invoice_id WHEN 'settled-outside' THEN 0 ELSE i.sequence END,
               m.pay_run_id, CASE m.pay_run_id WHEN 'settled-outside' THEN 0 ELSE p.seq END
        FROM visit_marks m JOIN visits v ON v.seq = m.visit_seq
        LEFT JOIN invoices i ON i.org_id = v.org_id AND i.id = m.invoice_id
        LEFT JOIN pay_runs p ON p.org_id = v.org_id AND p.id = m.pay_run_id
        ORDER BY m.visit_seq;
      DROP TABLE visit_marks;
      CREATE TABLE visit_marks (visit_seq INTEGER PRIMARY KEY, invoice_seq INTEGER, pay_run_seq INTEGER);
      INSERT INTO visit_marks (visit_seq, invoice_seq, pay_run_seq) SELECT visit_seq, invoice_seq, pay_run_seq FROM marks_v8 ORDER BY visit_seq;
      DROP TABLE marks_v8;
    `,
  },
  {
    version: 9,
    name: 'integer keys for the agencies and therapists of visits',
    sql: `
      -- A number for each agency or therapist id an org's visits name (AUTOINCREMENT: never
      -- reused, never changed). The close's covering index holds these numbers instead of the
      -- 36-character ids, so a read of 100,000 visits hands over two integers a row instead of
      -- two new strings to decode and look up; the text columns stay the visit's truth, and the
      -- upsert writes each key from the same value as its id, in the same statement.
      CREATE TABLE id_keys (key INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, id TEXT NOT NULL, UNIQUE (org_id, id));
      INSERT INTO id_keys (org_id, id) SELECT org_id, agency_id FROM visits UNION SELECT org_id, therapist_id FROM visits ORDER BY 1, 2;
      ALTER TABLE visits ADD COLUMN agency_key INTEGER;
      ALTER TABLE visits ADD COLUMN therapist_key INTEGER;
      UPDATE visits SET
        agency_key = (SELECT k.key FROM id_keys k WHERE k.org_id = visits.org_id AND k.id = visits.agency_id),
        therapist_key = (SELECT k.key FROM id_keys k WHERE k.org_id = visits.org_id AND k.id = visits.therapist_id);
      DROP INDEX visits_close;
      CREATE INDEX visits_close ON visits (org_id, date, id, agency_key, therapist_key, discipline, visit_type, note_done, patient_has_mrn);
    `,
  },
  {
    version: 10,
    name: 'pay statements in rows of their own',
    sql: `
      -- A pay run's statements, one row each, in the pay run's order; the pay run's row keeps
      -- the rest and how many statements it has. A month's pay run of 100,000 visits was one
      -- 4.5 MB document: built, converted and copied whole, it cost a tenth of a close; its 500
      -- statements of 9 KB each are built in memory the process already has. Approving a pay
      -- run now rewrites only its header.
      CREATE TABLE pay_statements (
        org_id TEXT NOT NULL, pay_run_id TEXT NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, pay_run_id, position)
      );
      INSERT INTO pay_statements (org_id, pay_run_id, position, doc)
        SELECT p.org_id, p.id, s.key, s.value FROM pay_runs p, json_each(p.doc, '$.statements') s;
      UPDATE pay_runs SET doc = json_set(json_remove(doc, '$.statements'), '$.statementCount', coalesce(json_array_length(doc, '$.statements'), 0));
    `,
  },
  {
    version: 12,
    name: 'sealed documents and key maintenance',
    sql: `
      -- A document's bytes are sealed (crypto/document-seal.ts), and sealed again when keys
      -- rotate: only the bytes may change; what the document is and its hash never do.
      DROP TRIGGER documents_no_update;
      CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
        WHEN NEW.org_id IS NOT OLD.org_id OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.record_id IS NOT OLD.record_id
          OR NEW.sha256 IS NOT OLD.sha256 OR NEW.created_at IS NOT OLD.created_at
        BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END;
      CREATE TABLE key_maintenance (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
    `,
  },
  {
    version: 13,
    name: 'the receivables ledger',
    sql: `
      -- Receipts from agencies, their applications to invoices, refunds, write-offs and
      -- reversals: append-only, each at its place (seq) in its agency's ledger.
      CREATE TABLE receivables (
        org_id TEXT NOT NULL, agency_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, agency_id, seq), UNIQUE (org_id, id));
      CREATE TRIGGER receivables_no_update BEFORE UPDATE ON receivables BEGIN SELECT RAISE(ABORT, 'receivables entries are immutable'); END;
      CREATE TRIGGER receivables_no_delete BEFORE DELETE ON receivables BEGIN SELECT RAISE(ABORT, 'receivables entries are immutable'); END;
    `,
  },
  {
    version: 14,
    name: "the therapists' own pages",
    sql: `
      -- Therapist links (the token hash unique across orgs, as portal links), the W-9s signed on
      -- their pages (append-only), consents to electronic 1099-NEC copies, the Copy B PDFs posted
      -- to them (the bytes are an issued document) and the notices the add-on sends.
      CREATE TABLE therapist_links (org_id TEXT NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE w9_submissions (org_id TEXT NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, signed_at TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE INDEX w9_submissions_by_therapist ON w9_submissions (org_id, therapist_id, signed_at);
      CREATE TABLE edelivery_consents (org_id TEXT NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, given_at TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE posted_copy_b (
        org_id TEXT NOT NULL, id TEXT NOT NULL, therapist_id TEXT NOT NULL, year INTEGER NOT NULL, posted_at TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
      CREATE TABLE therapist_notifications (org_id TEXT NOT NULL, id TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
    `,
  },
  {
    version: 15,
    name: "receipts' idempotency keys",
    sql: `
      -- A receipt's clientId (the sender's idempotency key) is unique in its org: a retry
      -- cannot record the same money twice, even when two copies race.
      CREATE UNIQUE INDEX receivables_receipt_client_id ON receivables (org_id, json_extract(doc, '$.clientId'))
        WHERE kind = 'receipt' AND json_extract(doc, '$.clientId') IS NOT NULL;
    `,
  },
  {
    version: 16,
    name: 'checkout attempts',
    sql: `
      -- Agencies paying invoices online: each attempt (a Stripe Checkout Session) by invoice and
      -- number, found again by the session or PaymentIntent a webhook names.
      CREATE TABLE checkout_attempts (
        org_id TEXT NOT NULL, invoice_id TEXT NOT NULL, attempt INTEGER NOT NULL, session_id TEXT, payment_intent_id TEXT, doc TEXT NOT NULL,
        PRIMARY KEY (org_id, invoice_id, attempt));
      CREATE INDEX checkout_attempts_by_session ON checkout_attempts (org_id, session_id);
      CREATE INDEX checkout_attempts_by_payment_intent ON checkout_attempts (org_id, payment_intent_id);
    `,
  },
  {
    version: 23,
    name: "the orgs' subscriptions to VisitLedger",
    sql: `
      -- The subscription Stripe's billing webhooks last reported (a JSON doc) and the day the org
      -- was first seen over its plan's therapist limit, written apart; billing events handled.
      CREATE TABLE subscriptions (org_id TEXT PRIMARY KEY, doc TEXT, over_limit_since TEXT);
      CREATE TABLE billing_events (org_id TEXT NOT NULL, event_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (org_id, event_id));
    `,
  },
];
