-- Rate limits shared by every server process on this database: one GCRA
-- bucket per salted client key (16 bytes of a keyed hash; no address), with
-- its theoretical arrival time in microseconds of the database clock. A row
-- whose time has passed means an empty bucket and is deleted every minute.
-- UNLOGGED: not in the WAL or on replicas; a database crash empties it, which
-- only resets the limits.
CREATE UNLOGGED TABLE rate_limits (
    key BYTEA PRIMARY KEY,
    tat BIGINT NOT NULL
);
