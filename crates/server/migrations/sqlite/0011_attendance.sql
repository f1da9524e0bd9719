-- Attendance kept apart from the booking's status (issue 13): a mark is what
-- happened at the appointment (arrived, no-show) or how it ended (cancelled
-- after the business's deadline, `late_cancelled`); `status` keeps deciding
-- capacity, and a visitor's cancel or change never clears the mark. SQLite
-- cannot change a column's CHECK, so the column is rebuilt with the wider one
-- and the existing marks carried over.
ALTER TABLE bookings ADD COLUMN attendance_mark TEXT
    CHECK (attendance_mark IN ('arrived', 'no_show', 'late_cancelled'));
UPDATE bookings SET attendance_mark = attendance;
ALTER TABLE bookings DROP COLUMN attendance;
ALTER TABLE bookings RENAME COLUMN attendance_mark TO attendance;
