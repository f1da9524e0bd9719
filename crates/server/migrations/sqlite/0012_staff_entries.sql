-- Staff-entered bookings (issue 13): the manager role. A manager is a `staff`
-- row with this flag: the role column's CHECK cannot change on SQLite without
-- rebuilding `staff`, and a rebuild would cascade-delete sessions and key copies.
-- Only the owner sets it; the owner's own row keeps 0.
ALTER TABLE staff ADD COLUMN manager INTEGER NOT NULL DEFAULT 0 CHECK (manager IN (0, 1));

-- A block (private event, broken oven): a row that holds capacity with no
-- visitor behind it, its staff-only label sealed like a booking's plaintext.
ALTER TABLE bookings ADD COLUMN block INTEGER NOT NULL DEFAULT 0 CHECK (block IN (0, 1));
