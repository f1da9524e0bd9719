-- Visitor messages through the business's courier (same logical schema as
-- migrations/postgres).
--
-- A contact card is sealed in the widget to the business's courier key: the
-- server holds it as ciphertext, beside its booking, and never opens it. With it
-- comes the hash of the booking's cancel token, the one credential a message's
-- cancel link carries; it cancels that booking and nothing else.
CREATE TABLE contact_cards (
    booking_id  TEXT    PRIMARY KEY NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    business    TEXT    NOT NULL,
    envelope    BLOB    NOT NULL,
    cancel_hash BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;

-- What the courier is to send, and when: decided from public metadata only (the
-- booking's start, a staff move or cancel). A courier claims a due row with a
-- lease and acknowledges it once sent; a lease that lapses returns the row to
-- the queue. A reminder whose time passed by more than the business's grace is
-- dropped, not sent late.
CREATE TABLE message_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business    TEXT    NOT NULL,
    booking_id  TEXT    NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirmation', 'reminder', 'changed', 'cancelled')),
    due_at      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_id    TEXT,
    lease_until INTEGER,
    done_at     INTEGER,
    outcome     TEXT    CHECK (outcome IN ('sent', 'dropped')),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX message_jobs_due ON message_jobs (business, due_at) WHERE done_at IS NULL;
CREATE INDEX message_jobs_booking ON message_jobs (booking_id);

-- The tokens couriers present, one per courier the owner set up; only the
-- SHA-256 of each is stored. Revoked tokens stay for the audit trail.
CREATE TABLE courier_tokens (
    id           TEXT    PRIMARY KEY NOT NULL,
    business     TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    label        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
) STRICT;
