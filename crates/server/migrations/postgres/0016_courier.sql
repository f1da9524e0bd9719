-- Visitor messages through the business's courier (same logical schema as
-- migrations/sqlite).
--
-- A contact card is sealed in the widget to the business's courier key: the
-- server holds it as ciphertext, beside its booking, and never opens it. With it
-- comes the hash of the booking's cancel token, the one credential a message's
-- cancel link carries; it cancels that booking and nothing else.
CREATE TABLE contact_cards (
    booking_id  TEXT    PRIMARY KEY NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    business    TEXT    NOT NULL,
    envelope    BYTEA    NOT NULL,
    cancel_hash BYTEA    NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

-- What the courier is to send, and when: decided from public metadata only (the
-- booking's start, a staff move or cancel). A courier claims a due row with a
-- lease and acknowledges it once sent; a lease that lapses returns the row to
-- the queue. A reminder whose time passed by more than the business's grace is
-- dropped, not sent late.
CREATE TABLE message_jobs (
    id          BIGSERIAL PRIMARY KEY,
    business    TEXT    NOT NULL,
    booking_id  TEXT    NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirmation', 'reminder', 'changed', 'cancelled')),
    due_at      BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    lease_id    TEXT,
    lease_until BIGINT,
    done_at     BIGINT,
    outcome     TEXT    CHECK (outcome IN ('sent', 'dropped')),
    created_at  BIGINT NOT NULL
);

CREATE INDEX message_jobs_due ON message_jobs (business, due_at) WHERE done_at IS NULL;
CREATE INDEX message_jobs_booking ON message_jobs (booking_id);

-- The tokens couriers present, one per courier the owner set up; only the
-- SHA-256 of each is stored. Revoked tokens stay for the audit trail.
CREATE TABLE courier_tokens (
    id           TEXT    PRIMARY KEY NOT NULL,
    business     TEXT    NOT NULL,
    token_hash   BYTEA    NOT NULL UNIQUE,
    label        TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
