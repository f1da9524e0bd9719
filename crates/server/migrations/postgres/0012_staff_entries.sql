-- Staff-entered bookings (same logical schema as migrations/sqlite): the
-- manager role, a flag on a `staff` row.
ALTER TABLE staff ADD COLUMN manager BIGINT NOT NULL DEFAULT 0 CHECK (manager IN (0, 1));
