-- Bookings: the sealed envelope plus the public metadata needed to hold capacity.
-- Nothing here names the visitor (DESIGN §7). Same logical schema as migrations/sqlite.
CREATE TABLE bookings (
    id          TEXT   PRIMARY KEY NOT NULL,
    business    TEXT   NOT NULL,
    starts_at   BIGINT NOT NULL, -- unix seconds, UTC
    party_size  BIGINT NOT NULL,
    envelope    BYTEA  NOT NULL,
    created_at  BIGINT NOT NULL  -- unix seconds, UTC
);

CREATE INDEX bookings_business_start ON bookings (business, starts_at);
