-- The audit log becomes a hash chain per business, plus one chain (key '') for
-- entries without a business: each entry holds SHA-256 of the entry before it
-- in its chain (docs/THREATS.md R27 defines the hash), so that an entry that
-- someone who can get past the triggers (a database owner) edits, deletes or
-- moves breaks a link `sealbook audit verify` finds. The server computes the
-- hashes; it links the entries from before this migration, oldest first, the
-- first time it opens the database.
ALTER TABLE audit ADD COLUMN prev_hash BYTEA;

-- One row per chain. `head` is the hash of the chain's newest entry (an append
-- locks this row, so concurrent writers cannot fork the chain); `anchor` is
-- what its oldest remaining entry links to: 32 zero bytes, or once retention
-- has deleted entries, the hash of the last one it deleted. `deletable_to` is
-- 0 except inside the retention sweeper's transaction, where it names the
-- newest entry the sweeper may delete: the only delete the triggers allow.
CREATE TABLE audit_chains (
    chain         TEXT    PRIMARY KEY,
    head          BYTEA   NOT NULL,
    anchor        BYTEA   NOT NULL,
    swept         BIGINT  NOT NULL DEFAULT 0,
    deletable_to  BIGINT  NOT NULL DEFAULT 0
);

-- A chain is walked in seq order.
CREATE INDEX audit_chain ON audit ((COALESCE(business, '')), seq);
-- The entries still to link, found at every start without a scan.
CREATE INDEX audit_unlinked ON audit (seq) WHERE prev_hash IS NULL;

DROP TRIGGER audit_no_change ON audit;

CREATE FUNCTION audit_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.prev_hash IS NULL OR length(NEW.prev_hash) <> 32 THEN
        RAISE EXCEPTION 'an audit entry needs the hash of the entry before it';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_linked BEFORE INSERT ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_linked();

-- Still append-only. The one change allowed is linking an entry from before
-- this migration, once, leaving every other column as it was.
CREATE FUNCTION audit_link_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.prev_hash IS NULL AND NEW.prev_hash IS NOT NULL AND length(NEW.prev_hash) = 32
       AND (NEW.seq, NEW.id, NEW.business, NEW.at, NEW.staff_id, NEW.session, NEW.action,
            NEW.booking_id, NEW.detail)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.id, OLD.business, OLD.at, OLD.staff_id, OLD.session, OLD.action,
            OLD.booking_id, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_link_once();

CREATE FUNCTION audit_swept_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq <= COALESCE(
        (SELECT deletable_to FROM audit_chains WHERE chain = COALESCE(OLD.business, '')), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_swept_only();
