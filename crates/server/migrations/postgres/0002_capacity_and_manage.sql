-- Capacity and the visitor's manage link (same logical schema as migrations/sqlite).
ALTER TABLE bookings ADD COLUMN ends_at BIGINT NOT NULL DEFAULT 0;   -- capacity held until (unix seconds)
ALTER TABLE bookings ADD COLUMN service TEXT;
ALTER TABLE bookings ADD COLUMN practitioner TEXT;
ALTER TABLE bookings ADD COLUMN status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled'));
ALTER TABLE bookings ADD COLUMN visitor_copy BYTEA;
ALTER TABLE bookings ADD COLUMN token_hash BYTEA;
ALTER TABLE bookings ADD COLUMN envelope_hash BYTEA;                 -- SHA-256 of the envelope: refuses replays

UPDATE bookings SET ends_at = starts_at WHERE ends_at = 0;

CREATE UNIQUE INDEX bookings_envelope_hash ON bookings (envelope_hash);
CREATE INDEX bookings_capacity ON bookings (business, status, starts_at, ends_at);

CREATE TABLE idempotency_keys (
    business      TEXT   NOT NULL,
    key_hash      BYTEA  NOT NULL,   -- SHA-256 of the client's key
    request_hash  BYTEA  NOT NULL,   -- SHA-256 of the request body
    booking_id    TEXT   NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (business, key_hash)
);
