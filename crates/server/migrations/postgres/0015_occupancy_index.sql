-- Everything availability and a capacity check read of a booking, in the index
-- they search: counting covers or a practitioner's time can be answered from
-- the index (an index-only scan once the rows are all-visible), without the
-- rows themselves, each holding an envelope of a few kilobytes.
DROP INDEX bookings_capacity;
CREATE INDEX bookings_capacity
    ON bookings (business, status, starts_at, ends_at) INCLUDE (party_size, practitioner, id);
