-- One-time links the owner issues when a member forgot their login password or
-- lost their authenticator: the member chooses a new password, two-step login is
-- turned off until they set it up again, and every session of theirs ends. Only
-- SHA-256 of the link's token is kept; a used link is deleted.
CREATE TABLE login_resets (
    token_hash  BLOB   PRIMARY KEY NOT NULL,
    staff_id    TEXT    NOT NULL REFERENCES staff (id),
    created_by  TEXT    NOT NULL REFERENCES staff (id),
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX login_resets_staff ON login_resets (staff_id);
