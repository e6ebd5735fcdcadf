-- What a login service keeps of each avatar login between HTTP calls (its signed Request
-- Object and where the login stands), shared by every replica. SQLite keeps bytes as BLOB.
CREATE TABLE login_states (
    login_id TEXT PRIMARY KEY,
    state BLOB NOT NULL,
    keep_until BIGINT NOT NULL
);
CREATE INDEX login_states_by_keep_until ON login_states (keep_until);
