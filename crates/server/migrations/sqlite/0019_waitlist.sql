-- The waitlist (issue 14): a booking may wait for a full slot (`waiting`), be
-- offered freed capacity that it holds until `hold_until` (`offered`), or have
-- let an offer lapse (`lapsed`); the courier sends `waitlisted` and `offer`
-- messages. SQLite cannot change a CHECK in place, so `bookings` and
-- `message_jobs` are rebuilt. A migration runs inside a transaction, where
-- foreign keys cannot be switched off, and dropping a parent table deletes its
-- rows first, which would cascade to every table that refers to it. So the
-- tables that refer to `bookings` are rebuilt too, referring to the new table,
-- and the old ones are dropped children first: nothing refers to the old
-- `bookings` when it goes. Renaming the new table to `bookings` renames it in
-- the references as well.

CREATE TABLE bookings_rebuilt (
    id            TEXT    PRIMARY KEY NOT NULL,
    business      TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL, -- unix seconds, UTC
    party_size    INTEGER NOT NULL,
    envelope      BLOB    NOT NULL,
    created_at    INTEGER NOT NULL, -- unix seconds, UTC
    ends_at       INTEGER NOT NULL DEFAULT 0,
    service       TEXT,
    practitioner  TEXT,
    status        TEXT    NOT NULL DEFAULT 'confirmed'
        CHECK (status IN ('confirmed', 'cancelled', 'waiting', 'offered', 'lapsed')),
    visitor_copy  BLOB,
    token_hash    BLOB,
    envelope_hash BLOB,
    attendance    TEXT    CHECK (attendance IN ('arrived', 'no_show', 'late_cancelled')),
    block         INTEGER NOT NULL DEFAULT 0 CHECK (block IN (0, 1)),
    -- An offer holds its capacity until then (unix seconds); set only while `offered`.
    hold_until    INTEGER,
    -- The order visitors joined the business's waitlist (1, 2, …); only waitlist rows have one.
    waitlist_place INTEGER,
    CHECK ((status = 'offered') = (hold_until IS NOT NULL))
) STRICT;
INSERT INTO bookings_rebuilt (id, business, starts_at, party_size, envelope, created_at, ends_at,
                              service, practitioner, status, visitor_copy, token_hash,
                              envelope_hash, attendance, block)
    SELECT id, business, starts_at, party_size, envelope, created_at, ends_at,
           service, practitioner, status, visitor_copy, token_hash,
           envelope_hash, attendance, block
    FROM bookings;

CREATE TABLE idempotency_keys_rebuilt (
    business      TEXT    NOT NULL,
    key_hash      BLOB    NOT NULL,   -- SHA-256 of the client's key
    request_hash  BLOB    NOT NULL,   -- SHA-256 of the request body
    booking_id    TEXT    NOT NULL REFERENCES bookings_rebuilt (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (business, key_hash)
) STRICT;
INSERT INTO idempotency_keys_rebuilt SELECT * FROM idempotency_keys;

CREATE TABLE booking_attention_rebuilt (
    booking_id  TEXT    PRIMARY KEY REFERENCES bookings_rebuilt (id) ON DELETE CASCADE,
    business    TEXT    NOT NULL,
    revision    INTEGER  NOT NULL,          -- the schedule revision that no longer fits it
    since       INTEGER  NOT NULL           -- unix seconds
) STRICT;
INSERT INTO booking_attention_rebuilt SELECT * FROM booking_attention;

CREATE TABLE contact_cards_rebuilt (
    booking_id  TEXT    PRIMARY KEY NOT NULL REFERENCES bookings_rebuilt (id) ON DELETE CASCADE,
    business    TEXT    NOT NULL,
    envelope    BLOB    NOT NULL,
    cancel_hash BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;
INSERT INTO contact_cards_rebuilt SELECT * FROM contact_cards;

CREATE TABLE message_jobs_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business    TEXT    NOT NULL,
    booking_id  TEXT    NOT NULL REFERENCES bookings_rebuilt (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirmation', 'reminder', 'changed', 'cancelled',
                                                    'waitlisted', 'offer')),
    due_at      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_id    TEXT,
    lease_until INTEGER,
    done_at     INTEGER,
    outcome     TEXT    CHECK (outcome IN ('sent', 'dropped')),
    created_at  INTEGER NOT NULL
) STRICT;
INSERT INTO message_jobs_rebuilt SELECT * FROM message_jobs;
-- Job ids are never reused (a courier acknowledges by id): the new table
-- continues the old one's sequence.
DELETE FROM sqlite_sequence WHERE name = 'message_jobs_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'message_jobs_rebuilt', seq FROM sqlite_sequence WHERE name = 'message_jobs';

-- Children first, so that dropping the old bookings cascades to nothing.
DROP TABLE message_jobs;
DROP TABLE contact_cards;
DROP TABLE booking_attention;
DROP TABLE idempotency_keys;
DROP TABLE bookings;
ALTER TABLE bookings_rebuilt RENAME TO bookings;
ALTER TABLE idempotency_keys_rebuilt RENAME TO idempotency_keys;
ALTER TABLE booking_attention_rebuilt RENAME TO booking_attention;
ALTER TABLE contact_cards_rebuilt RENAME TO contact_cards;
ALTER TABLE message_jobs_rebuilt RENAME TO message_jobs;

CREATE INDEX bookings_business_start ON bookings (business, starts_at);
CREATE UNIQUE INDEX bookings_envelope_hash ON bookings (envelope_hash);
CREATE INDEX bookings_capacity
    ON bookings (business, status, starts_at, ends_at, party_size, practitioner, id);
-- The waitlist of a slot, in the order its visitors joined.
CREATE INDEX bookings_waitlist ON bookings (business, waitlist_place)
    WHERE waitlist_place IS NOT NULL;
CREATE INDEX bookings_waiting ON bookings (business)
    WHERE status IN ('waiting', 'offered');
CREATE INDEX booking_attention_business ON booking_attention (business);
CREATE INDEX message_jobs_due ON message_jobs (business, due_at) WHERE done_at IS NULL;
CREATE INDEX message_jobs_booking ON message_jobs (booking_id);
CREATE TRIGGER bookings_occupancy_inserted AFTER INSERT ON bookings
BEGIN
    INSERT INTO occupancy_versions (business, version) VALUES (NEW.business, 1)
        ON CONFLICT (business) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER bookings_occupancy_updated
    AFTER UPDATE OF business, status, starts_at, ends_at, party_size, practitioner ON bookings
BEGIN
    INSERT INTO occupancy_versions (business, version) VALUES (OLD.business, 1)
        ON CONFLICT (business) DO UPDATE SET version = version + 1;
    INSERT INTO occupancy_versions (business, version) VALUES (NEW.business, 1)
        ON CONFLICT (business) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER bookings_occupancy_deleted AFTER DELETE ON bookings
BEGIN
    INSERT INTO occupancy_versions (business, version) VALUES (OLD.business, 1)
        ON CONFLICT (business) DO UPDATE SET version = version + 1;
END;
