-- Deletions whose old page images SQLite could not yet truncate out of the WAL
-- (a reader or writer kept it busy through every try): the retention sweeper
-- truncates it on its next pass and then deletes these rows. Nothing here says
-- what was erased.
CREATE TABLE pending_erasures (
    id           INTEGER PRIMARY KEY,
    recorded_at  INTEGER NOT NULL
) STRICT;
