-- The waitlist (issue 14): a booking may wait for a full slot (`waiting`), be
-- offered freed capacity that it holds until `hold_until` (`offered`), or have
-- let an offer lapse (`lapsed`); the courier sends `waitlisted` and `offer`
-- messages (same logical schema as migrations/sqlite).
ALTER TABLE bookings DROP CONSTRAINT bookings_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_status_check
    CHECK (status IN ('confirmed', 'cancelled', 'waiting', 'offered', 'lapsed'));
ALTER TABLE bookings ADD COLUMN hold_until BIGINT;
ALTER TABLE bookings ADD CONSTRAINT bookings_hold_until_check
    CHECK ((status = 'offered') = (hold_until IS NOT NULL));
-- The order visitors joined a business's waitlist (1, 2, …); only waitlist rows have one.
ALTER TABLE bookings ADD COLUMN waitlist_place BIGINT;
CREATE INDEX bookings_waitlist ON bookings (business, waitlist_place)
    WHERE waitlist_place IS NOT NULL;
CREATE INDEX bookings_waiting ON bookings (business)
    WHERE status IN ('waiting', 'offered');
ALTER TABLE message_jobs DROP CONSTRAINT message_jobs_purpose_check;
ALTER TABLE message_jobs ADD CONSTRAINT message_jobs_purpose_check
    CHECK (purpose IN ('confirmation', 'reminder', 'changed', 'cancelled', 'waitlisted', 'offer'));
