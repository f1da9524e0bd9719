-- The staff inbox (same logical schema as migrations/sqlite).
CREATE TABLE staff (
    id             TEXT    PRIMARY KEY NOT NULL,
    business       TEXT    NOT NULL,
    email          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash  TEXT    NOT NULL,
    totp_secret    BYTEA,
    totp_pending   BYTEA,
    totp_last_step BIGINT,
    disabled       BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL
);

CREATE UNIQUE INDEX staff_one_owner ON staff (business) WHERE role = 'owner';

CREATE TABLE sessions (
    id_hash     BYTEA   PRIMARY KEY NOT NULL,
    staff_id    TEXT    NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL
);

CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE invites (
    token_hash  BYTEA   PRIMARY KEY NOT NULL,
    business    TEXT    NOT NULL,
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('staff')),
    wrapped     TEXT    NOT NULL,
    created_by  TEXT    NOT NULL REFERENCES staff (id),
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);

CREATE TABLE wrapped_keys (
    staff_id    TEXT    NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    kid         TEXT    NOT NULL,
    blob        BYTEA   NOT NULL,
    PRIMARY KEY (staff_id, kid)
);

CREATE TABLE audit (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    business    TEXT,
    at          BIGINT  NOT NULL,
    staff_id    TEXT,
    session     TEXT,
    action      TEXT    NOT NULL,
    booking_id  TEXT,
    detail      TEXT    NOT NULL
);

CREATE INDEX audit_business ON audit (business, seq);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

ALTER TABLE bookings ADD COLUMN attendance TEXT CHECK (attendance IN ('arrived', 'no_show'));
