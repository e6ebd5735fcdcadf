-- A verifier's history of issuers (vc_issuer::trust): raw events, recomputed into scores with
-- an explicit `now`. `kind` is the JSON of a TrustEventKind; `id` orders events recorded at the
-- same second.
CREATE TABLE trust_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer TEXT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX trust_events_by_issuer ON trust_events (issuer, at, id);
-- Per issuer: when it was first seen (kept when its old events are evicted: maturity counts
-- from it) and the id of its last recorded event (the least recent issuer is evicted first).
CREATE TABLE trust_issuers (
    issuer TEXT PRIMARY KEY,
    first_seen BIGINT NOT NULL,
    touched BIGINT NOT NULL
);
CREATE INDEX trust_issuers_by_touched ON trust_issuers (touched);
