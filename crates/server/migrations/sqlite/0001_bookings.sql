-- Bookings: the sealed envelope plus the public metadata needed to hold capacity.
-- Nothing here names the visitor (DESIGN §7).
CREATE TABLE bookings (
    id          TEXT    PRIMARY KEY NOT NULL,
    business    TEXT    NOT NULL,
    starts_at   INTEGER NOT NULL, -- unix seconds, UTC
    party_size  INTEGER NOT NULL,
    envelope    BLOB    NOT NULL,
    created_at  INTEGER NOT NULL  -- unix seconds, UTC
) STRICT;

CREATE INDEX bookings_business_start ON bookings (business, starts_at);
