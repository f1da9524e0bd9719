-- Bookings a schedule change no longer has hours or room for (a closure, an
-- absence, fewer covers): they are kept, and marked here until a member has
-- called the visitor and clears the mark. Public metadata only.
CREATE TABLE booking_attention (
    booking_id  TEXT    PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    business    TEXT    NOT NULL,
    revision    BIGINT  NOT NULL,          -- the schedule revision that no longer fits it
    since       BIGINT  NOT NULL           -- unix seconds
);

CREATE INDEX booking_attention_business ON booking_attention (business);
