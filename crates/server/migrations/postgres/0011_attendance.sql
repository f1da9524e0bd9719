-- Attendance kept apart from the booking's status (same logical schema as
-- migrations/sqlite): `late_cancelled` joins the marks; existing marks stay.
ALTER TABLE bookings DROP CONSTRAINT bookings_attendance_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_attendance_check
    CHECK (attendance IN ('arrived', 'no_show', 'late_cancelled'));
