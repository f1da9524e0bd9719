-- Key rotation (issue 5): the owner shares a new business key with a member who
-- already has an account. The copy is wrapped under a one-time grant code until
-- the member re-wraps it under their own passphrase; `shared` marks that state,
-- so the inbox knows which secret opens which copy.
ALTER TABLE wrapped_keys ADD COLUMN shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1));
