-- How long the longest booking of each business holds capacity, kept beside
-- its occupancy counter by the same triggers (same logical schema as
-- migrations/postgres). A capacity check looks for the bookings that overlap
-- its window, and one of them can start no earlier than the window's start
-- less this: the index is searched over a turn or two, not over a week of a
-- busy business's bookings. It only grows (a deleted booking leaves it as it
-- was), so it is always long enough.
ALTER TABLE occupancy_versions ADD COLUMN longest_hold INTEGER NOT NULL DEFAULT 0;

INSERT INTO occupancy_versions (business, version, longest_hold)
    SELECT business, 1, MAX(ends_at - starts_at) FROM bookings WHERE true GROUP BY business
    ON CONFLICT (business) DO UPDATE SET longest_hold = excluded.longest_hold;

DROP TRIGGER bookings_occupancy_inserted;
CREATE TRIGGER bookings_occupancy_inserted AFTER INSERT ON bookings
BEGIN
    INSERT INTO occupancy_versions (business, version, longest_hold)
        VALUES (NEW.business, 1, NEW.ends_at - NEW.starts_at)
        ON CONFLICT (business) DO UPDATE SET
            version = version + 1,
            longest_hold = MAX(longest_hold, excluded.longest_hold);
END;

DROP TRIGGER bookings_occupancy_updated;
CREATE TRIGGER bookings_occupancy_updated
    AFTER UPDATE OF business, status, starts_at, ends_at, party_size, practitioner ON bookings
BEGIN
    INSERT INTO occupancy_versions (business, version) VALUES (OLD.business, 1)
        ON CONFLICT (business) DO UPDATE SET version = version + 1;
    INSERT INTO occupancy_versions (business, version, longest_hold)
        VALUES (NEW.business, 1, NEW.ends_at - NEW.starts_at)
        ON CONFLICT (business) DO UPDATE SET
            version = version + 1,
            longest_hold = MAX(longest_hold, excluded.longest_hold);
END;
