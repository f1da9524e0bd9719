-- The staff inbox (issue 5): accounts, sessions, invites, wrapped key copies,
-- an append-only audit log, and attendance marks on bookings. The server still
-- holds nothing that opens a booking: a wrapped key is an encrypted PKCS#8 blob
-- made in a browser (or by `sealbook keygen`) under a passphrase it never sees.
CREATE TABLE staff (
    id             TEXT    PRIMARY KEY NOT NULL,   -- 16 random bytes, base64url
    business       TEXT    NOT NULL,
    email          TEXT    NOT NULL UNIQUE,        -- lower-cased; stays taken after revocation
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash  TEXT    NOT NULL,               -- argon2id PHC string
    totp_secret    BLOB,                           -- set once enabled
    totp_pending   BLOB,                           -- set up but not yet confirmed with a code
    totp_last_step INTEGER,                        -- the last accepted step: a code counts once
    disabled       INTEGER NOT NULL DEFAULT 0,     -- 1 once revoked
    created_at     INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX staff_one_owner ON staff (business) WHERE role = 'owner';

CREATE TABLE sessions (
    id_hash     BLOB    PRIMARY KEY NOT NULL,      -- SHA-256 of the cookie's token
    staff_id    TEXT    NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,                  -- absolute end
    last_seen   INTEGER NOT NULL                   -- for the idle timeout
) STRICT;

CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE invites (
    token_hash  BLOB    PRIMARY KEY NOT NULL,      -- SHA-256 of the link's token
    business    TEXT    NOT NULL,
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('staff')),
    wrapped     TEXT    NOT NULL,                  -- JSON [{kid, wrapped}], under a grant code
    created_by  TEXT    NOT NULL REFERENCES staff (id),
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

CREATE TABLE wrapped_keys (
    staff_id    TEXT    NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    kid         TEXT    NOT NULL,
    blob        BLOB    NOT NULL,                  -- EncryptedPrivateKeyInfo DER
    PRIMARY KEY (staff_id, kid)
) STRICT;

-- Who did what, when; never booking content. Rows are only ever added.
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,               -- insertion order
    id          TEXT    NOT NULL UNIQUE,           -- 16 random bytes, base64url
    business    TEXT,                              -- null for a login with an unknown e-mail
    at          INTEGER NOT NULL,
    staff_id    TEXT,
    session     TEXT,                              -- first 8 characters of the session hash
    action      TEXT    NOT NULL,
    booking_id  TEXT,
    detail      TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_business ON audit (business, seq);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Attendance is a mark on a confirmed booking; `status` keeps deciding capacity.
ALTER TABLE bookings ADD COLUMN attendance TEXT CHECK (attendance IN ('arrived', 'no_show'));
