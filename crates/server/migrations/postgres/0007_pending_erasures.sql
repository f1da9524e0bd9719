-- Deletions whose old page images SQLite could not yet truncate out of the WAL
-- (a reader or writer kept it busy through every try): the retention sweeper
-- truncates it on its next pass and then deletes these rows. Nothing here says
-- what was erased. PostgreSQL writes none (VACUUM is autovacuum's); the table is
-- here so that both backends keep one schema.
CREATE TABLE pending_erasures (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at  BIGINT  NOT NULL
);
