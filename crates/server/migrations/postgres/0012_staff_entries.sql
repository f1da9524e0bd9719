-- Staff-entered bookings (same logical schema as migrations/sqlite): the
-- manager role, a flag on a `staff` row.
ALTER TABLE staff ADD COLUMN manager BIGINT NOT NULL DEFAULT 0 CHECK (manager IN (0, 1));

-- A block (private event, broken oven): a row that holds capacity with no
-- visitor behind it, its staff-only label sealed like a booking's plaintext.
ALTER TABLE bookings ADD COLUMN block BIGINT NOT NULL DEFAULT 0 CHECK (block IN (0, 1));
