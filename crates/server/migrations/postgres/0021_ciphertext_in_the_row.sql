-- Sealed envelopes are ciphertext, which compression cannot shrink. PostgreSQL
-- toasts a row once it passes about 2 KB, and a booking with its visitor copy
-- does: each one was run through pglz in vain and then moved out of the row,
-- a second heap insert and a second index insert in the booking's transaction
-- (and a second read whenever the inbox lists it). Now a booking stays in its
-- row up to the size of a page, and whatever is longer is moved out without a
-- compression attempt. SQLite has no counterpart: it never compresses, and a
-- long row spills to overflow pages of the same file.
ALTER TABLE bookings
    ALTER COLUMN envelope SET STORAGE EXTERNAL,
    ALTER COLUMN visitor_copy SET STORAGE EXTERNAL;
ALTER TABLE bookings SET (toast_tuple_target = 8160);

ALTER TABLE contact_cards ALTER COLUMN envelope SET STORAGE EXTERNAL;
