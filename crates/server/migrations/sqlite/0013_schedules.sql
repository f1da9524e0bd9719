-- Each business's schedule (hours, closures, exceptional days, slot rules,
-- seating or services and practitioners) as the JSON of sealbook-wire's
-- ScheduleSettings: public terms only, nothing about a visitor. sealbook.toml
-- seeds a business's row once; from then on every server process reads it here
-- and picks up a new revision within a second, without a restart.
CREATE TABLE schedules (
    business    TEXT    PRIMARY KEY,
    revision    INTEGER NOT NULL,          -- 1 when seeded, one more per change
    settings    TEXT    NOT NULL,          -- ScheduleSettings as JSON
    updated_at  INTEGER NOT NULL,          -- unix seconds
    updated_by  TEXT    NOT NULL           -- `sealbook.toml` (seed), `import`, or a staff id
) STRICT;
