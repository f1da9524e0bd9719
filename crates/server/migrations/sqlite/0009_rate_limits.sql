-- One schema on both backends: on SQLite the limits stay in each process's
-- memory and this table stays empty (see the PostgreSQL migration).
CREATE TABLE rate_limits (
    key BLOB PRIMARY KEY,
    tat INTEGER NOT NULL
);
