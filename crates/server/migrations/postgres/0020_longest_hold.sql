-- How long the longest booking of each business holds capacity, kept beside
-- its occupancy counter by the same trigger. A capacity check looks for the
-- bookings that overlap its window, and one of them can start no earlier than
-- the window's start less this: the index is searched over a turn or two, not
-- over a week of a busy business's bookings. It only grows (a deleted booking
-- leaves it as it was), so it is always long enough.
ALTER TABLE occupancy_versions ADD COLUMN longest_hold BIGINT NOT NULL DEFAULT 0;

INSERT INTO occupancy_versions (business, version, longest_hold)
    SELECT business, 1, MAX(ends_at - starts_at) FROM bookings GROUP BY business
    ON CONFLICT (business) DO UPDATE SET longest_hold = EXCLUDED.longest_hold;

CREATE OR REPLACE FUNCTION bump_occupancy_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO occupancy_versions (business, version) VALUES (OLD.business, 1)
            ON CONFLICT (business) DO UPDATE SET version = occupancy_versions.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO occupancy_versions (business, version, longest_hold)
            VALUES (NEW.business, 1, NEW.ends_at - NEW.starts_at)
            ON CONFLICT (business) DO UPDATE SET
                version = occupancy_versions.version + 1,
                longest_hold = GREATEST(occupancy_versions.longest_hold, EXCLUDED.longest_hold);
    END IF;
    RETURN NULL;
END;
$$;
