-- A counter per business, bumped by the database itself whenever a booking row
-- changes what it holds of capacity (same logical schema as migrations/postgres).
-- Availability keeps the rows it read beside the counter it saw first, and reads
-- them again only once the counter has moved: a month viewed by a thousand
-- visitors is read from the bookings table once per change, whichever server
-- process made the change. Triggers, not the application, keep it, so that no
-- write path can forget.
CREATE TABLE occupancy_versions (
    business TEXT    PRIMARY KEY NOT NULL,
    version  INTEGER NOT NULL
) STRICT;

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
