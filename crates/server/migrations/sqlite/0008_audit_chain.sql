-- The audit log becomes a hash chain per business, plus one chain (key '') for
-- entries without a business: each entry holds SHA-256 of the entry before it
-- in its chain (docs/THREATS.md R27 defines the hash), so that an entry that
-- someone who can get past the triggers (a database owner) edits, deletes or
-- moves breaks a link `sealbook audit verify` finds. The server computes the
-- hashes; it links the entries from before this migration, oldest first, the
-- first time it opens the database.
ALTER TABLE audit ADD COLUMN prev_hash BLOB;

-- One row per chain. `head` is the hash of the chain's newest entry (an append
-- locks this row, so concurrent writers cannot fork the chain); `anchor` is
-- what its oldest remaining entry links to: 32 zero bytes, or once retention
-- has deleted entries, the hash of the last one it deleted. `deletable_to` is
-- 0 except inside the retention sweeper's transaction, where it names the
-- newest entry the sweeper may delete: the only delete the triggers allow.
CREATE TABLE audit_chains (
    chain         TEXT    PRIMARY KEY,           -- the business id, or '' for entries without one
    head          BLOB    NOT NULL,
    anchor        BLOB    NOT NULL,
    swept         INTEGER NOT NULL DEFAULT 0,    -- entries retention has deleted
    deletable_to  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A chain is walked in seq order.
CREATE INDEX audit_chain ON audit (COALESCE(business, ''), seq);
-- The entries still to link, found at every start without a scan.
CREATE INDEX audit_unlinked ON audit (seq) WHERE prev_hash IS NULL;

DROP TRIGGER audit_no_update;
DROP TRIGGER audit_no_delete;

CREATE TRIGGER audit_linked BEFORE INSERT ON audit
WHEN NOT (length(NEW.prev_hash) IS 32 AND typeof(NEW.prev_hash) IS 'blob')
BEGIN
    SELECT RAISE(ABORT, 'an audit entry needs the hash of the entry before it');
END;

-- Still append-only. The one change allowed is linking an entry from before
-- this migration, once, leaving every other column as it was.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (OLD.prev_hash IS NULL AND typeof(NEW.prev_hash) IS 'blob' AND length(NEW.prev_hash) IS 32
          AND NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.business IS OLD.business
          AND NEW.at IS OLD.at AND NEW.staff_id IS OLD.staff_id AND NEW.session IS OLD.session
          AND NEW.action IS OLD.action AND NEW.booking_id IS OLD.booking_id
          AND NEW.detail IS OLD.detail)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN OLD.seq > COALESCE(
    (SELECT deletable_to FROM audit_chains WHERE chain = COALESCE(OLD.business, '')), 0)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
