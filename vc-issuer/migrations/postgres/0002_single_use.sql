-- Single-use records (link nonces, login transactions, pending WebAuthn ceremonies) and the
-- signature counter of each passkey. PostgreSQL keeps bytes as BYTEA.

-- A record is fresh until `expires_at`, then remembered until `keep_until` only to tell a
-- replay (`used`) from a key never issued. `value` is cleared when the record is taken.
CREATE TABLE single_use (
    purpose TEXT NOT NULL,
    record_key TEXT NOT NULL,
    value BYTEA,
    used BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    keep_until BIGINT NOT NULL,
    PRIMARY KEY (purpose, record_key)
);
CREATE INDEX single_use_by_keep_until ON single_use (keep_until);

-- The counter last accepted per passkey credential id (base64url).
CREATE TABLE passkey_counters (
    credential_id TEXT PRIMARY KEY,
    counter BIGINT NOT NULL
);
