-- The issuer store: the issued-credential register, the status lists and their allocated
-- indexes, and the hash-chained log. One text for SQLite and PostgreSQL: only TEXT and BIGINT,
-- which both read the same way.

-- The register holds no PII beyond what revocation needs: who holds a credential and its type.
-- `status` is the Token Status List value of every copy (0 valid, 1 revoked, 2 suspended).
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    vct TEXT NOT NULL,
    copies BIGINT NOT NULL CHECK (copies > 0),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT,
    status BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX credentials_by_holder ON credentials (holder);

-- One row per status list; `allocated` counts its rows in status_entries.
CREATE TABLE status_lists (
    list_no BIGINT PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL CHECK (size > 0),
    bits BIGINT NOT NULL,
    allocated BIGINT NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= size),
    created_at BIGINT NOT NULL
);

-- An allocated index: the primary key is what makes two issuers unable to share one.
CREATE TABLE status_entries (
    list_no BIGINT NOT NULL REFERENCES status_lists (list_no),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    copy_no BIGINT NOT NULL,
    PRIMARY KEY (list_no, idx),
    UNIQUE (credential_id, copy_no)
);

-- The append-only log: entry `seq` commits to `prev_hash`, the hash of entry `seq - 1`.
CREATE TABLE issuer_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The head of the chain, one row: every writer locks it first, so appends (and with them every
-- change of the store) are serialized and the chain cannot fork.
CREATE TABLE issuer_log_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
-- The genesis hash: 32 zero bytes, base64url.
INSERT INTO issuer_log_head (id, seq, hash) VALUES (1, 0, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
