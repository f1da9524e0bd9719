-- Everything availability and a capacity check read of a booking, in the index
-- they search: counting covers or a practitioner's time no longer reads the
-- rows themselves, each holding an envelope of a few kilobytes.
DROP INDEX bookings_capacity;
CREATE INDEX bookings_capacity
    ON bookings (business, status, starts_at, ends_at, party_size, practitioner, id);
