-- Staff notices (same logical schema as migrations/sqlite).
--
-- The outbox: one row per notice and recipient, written in the transaction of
-- the change it tells about, so a notice exists exactly when its change does.
-- It holds only what a notice may say — the business, the kind of change, when
-- the booking starts, how many people or which service and practitioner —
-- never anything that names the visitor (no booking id, token or envelope).
-- A sender claims a due row with a lease (lease_owner, lease_until), sends it,
-- and marks it sent; a failure pushes next_attempt_at back.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    business        TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('new', 'changed', 'cancelled', 'erased', 'late_cancelled')),
    recipient       TEXT    NOT NULL,
    starts_at       BIGINT  NOT NULL,
    party_size      BIGINT  NOT NULL,
    service         TEXT,
    practitioner    TEXT,
    created_at      BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    sent_at         BIGINT,
    given_up_at     BIGINT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;

-- The kinds of notice each staff member receives at their own address; no row,
-- no notice of that kind.
CREATE TABLE staff_notices (
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('new', 'changed', 'cancelled', 'erased', 'late_cancelled')),
    PRIMARY KEY (staff_id, kind)
);
