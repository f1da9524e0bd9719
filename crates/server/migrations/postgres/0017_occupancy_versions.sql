-- A counter per business, bumped by the database itself whenever a booking row
-- changes what it holds of capacity. Availability keeps the rows it read beside
-- the counter it saw first, and reads them again only once the counter has
-- moved: a month viewed by a thousand visitors is read from the bookings table
-- once per change, whichever server process made the change. Triggers, not the
-- application, keep it, so that no write path can forget. One business's
-- writes already queue on its advisory lock, so its row adds no contention.
CREATE TABLE occupancy_versions (
    business TEXT   PRIMARY KEY NOT NULL,
    version  BIGINT NOT NULL
);

CREATE FUNCTION bump_occupancy_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO occupancy_versions (business, version) VALUES (OLD.business, 1)
            ON CONFLICT (business) DO UPDATE SET version = occupancy_versions.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO occupancy_versions (business, version) VALUES (NEW.business, 1)
            ON CONFLICT (business) DO UPDATE SET version = occupancy_versions.version + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER bookings_occupancy_inserted AFTER INSERT ON bookings
    FOR EACH ROW EXECUTE FUNCTION bump_occupancy_version();
CREATE TRIGGER bookings_occupancy_updated
    AFTER UPDATE OF business, status, starts_at, ends_at, party_size, practitioner ON bookings
    FOR EACH ROW EXECUTE FUNCTION bump_occupancy_version();
CREATE TRIGGER bookings_occupancy_deleted AFTER DELETE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bump_occupancy_version();
